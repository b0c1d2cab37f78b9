/**
 * Reads an EC2/STS Query-protocol form body: flat keys such as
 * `TagSpecification.1.Tag.2.Key=…` addressed as nested structures and 1-based lists.
 */
export class QueryParams {
  private constructor(private readonly entries: ReadonlyMap<string, string>) {}

  static parse(body: string): QueryParams {
    return new QueryParams(new Map(new URLSearchParams(body)));
  }

  get(key: string): string | undefined {
    return this.entries.get(key);
  }

  /** The structure under `prefix.` (empty when absent). */
  sub(prefix: string): QueryParams {
    const start = `${prefix}.`;
    const picked = new Map<string, string>();
    for (const [k, v] of this.entries) if (k.startsWith(start)) picked.set(k.slice(start.length), v);
    return new QueryParams(picked);
  }

  /** The list `prefix.1`, `prefix.2`, … as structures, in index order. */
  structs(prefix: string): QueryParams[] {
    const under = this.sub(prefix);
    const indexes = new Set<number>();
    for (const k of under.entries.keys()) {
      const index = Number(k.split(".")[0]);
      if (Number.isInteger(index) && index > 0) indexes.add(index);
    }
    return [...indexes].sort((a, b) => a - b).map((i) => under.sub(String(i)));
  }

  /** The list `prefix.1`, `prefix.2`, … of plain values, in index order. */
  values(prefix: string): string[] {
    const under = this.sub(prefix);
    return [...under.entries.entries()]
      .filter(([k]) => /^\d+$/.test(k))
      .sort(([a], [b]) => Number(a) - Number(b))
      .map(([, v]) => v);
  }

  /** Everything but the named keys, in a stable order: compares two requests. */
  fingerprint(...exclude: string[]): string {
    return [...this.entries.entries()]
      .filter(([k]) => !exclude.includes(k))
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([k, v]) => `${k}=${v}`)
      .join("&");
  }
}

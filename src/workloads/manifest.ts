import { parseAllDocuments } from "yaml";

/**
 * Fills the `{{ name }}` placeholders of a Kubernetes manifest template under remote/workloads/.
 * Every value is written as JSON, which is also valid YAML (a quoted string, a number, a flow
 * list or mapping), so no value can break out of its field or add keys, whatever it contains.
 * Each placeholder must have a value and each value must be used: a typo fails loudly here, not
 * as a half-rendered manifest on the instance.
 */
export type ManifestValue = string | number | boolean | readonly (string | number)[] | Readonly<Record<string, string>>;

const PLACEHOLDER = /\{\{\s*([A-Za-z][A-Za-z0-9]*)\s*\}\}/g;

export function renderManifest(template: string, values: Readonly<Record<string, ManifestValue>>): string {
  const used = new Set<string>();
  const missing = new Set<string>();
  const text = template.replace(PLACEHOLDER, (_match, name: string) => {
    if (!Object.hasOwn(values, name)) {
      missing.add(name);
      return "null";
    }
    used.add(name);
    return toJson(name, values[name]!);
  });
  if (missing.size > 0) throw new Error(`Manifest template needs values for: ${[...missing].join(", ")}`);
  const unused = Object.keys(values).filter((k) => !used.has(k));
  if (unused.length > 0) throw new Error(`Manifest template has no placeholder for: ${unused.join(", ")}`);
  const docs = parseAllDocuments(text);
  const errors = (Array.isArray(docs) ? docs : [docs]).flatMap((d) => d.errors.map((e) => e.message.split("\n")[0]));
  if (errors.length > 0) throw new Error(`Rendered manifest is not valid YAML: ${errors.join("; ")}`);
  return text;
}

function toJson(name: string, value: ManifestValue): string {
  const check = (v: unknown) => {
    if (typeof v === "number" && !Number.isFinite(v)) throw new Error(`Manifest value '${name}' is not a finite number`);
  };
  if (Array.isArray(value)) value.forEach(check);
  else check(value);
  // JSON leaves these raw, but YAML 1.1 parsers (kubectl's among them) read NEL, LS and PS as line
  // breaks and reject other C1 controls: escape them so the value arrives byte for byte.
  return JSON.stringify(value).replace(/[\u007f-\u009f\u2028\u2029\ufeff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

/** Kubernetes object names: DNS-1123 labels, at most 63 characters. */
export function kubeName(...parts: (string | number)[]): string {
  const name = parts
    .map(String)
    .join("-")
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, "-")
    .replace(/-+/g, "-")
    .replace(/^-|-$/g, "");
  if (name.length === 0 || name.length > 63) throw new Error(`'${name}' cannot be a Kubernetes object name (1-63 characters)`);
  return name;
}

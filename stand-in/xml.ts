/** A tiny XML writer: elements are built as strings, leaves are escaped. */

export type XmlLeaf = string | number | boolean | Date | undefined;

const ENTITIES: Record<string, string> = { "<": "&lt;", ">": "&gt;", "&": "&amp;", '"': "&quot;", "'": "&apos;", "\r": "&#13;" };

function escapeXml(text: string): string {
  return text.replace(/[<>&"'\r]/g, (c) => ENTITIES[c] ?? c);
}

function leafText(value: Exclude<XmlLeaf, undefined>): string {
  return value instanceof Date ? value.toISOString() : escapeXml(String(value));
}

/** `<name>value</name>`, or nothing when the value is undefined. */
export function leaf(name: string, value: XmlLeaf): string {
  return value === undefined ? "" : `<${name}>${leafText(value)}</${name}>`;
}

/** `<name>children</name>`; children are already-built XML. */
export function el(name: string, ...children: string[]): string {
  return `<${name}>${children.join("")}</${name}>`;
}

/** EC2-style list: `<name><item>…</item>…</name>`. */
export function list(name: string, items: string[], itemName = "item"): string {
  return el(name, ...items.map((item) => el(itemName, item)));
}

export function xmlDocument(root: string, namespace: string, ...children: string[]): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n<${root} xmlns="${namespace}">${children.join("")}</${root}>`;
}

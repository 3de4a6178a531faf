/** S3's XML answers, rendered from plain objects (request bodies are read in xml-body.ts). */

const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&apos;',
};

/** Escapes text for an element; control characters (legal in keys) become character references. */
export function escapeXml(text: string): string {
  return text.replace(/[&<>"']|[^\t\n\x20-\uffff]/g, (c) => {
    return ESCAPES[c] ?? `&#x${c.charCodeAt(0).toString(16).toUpperCase()};`;
  });
}

/** A node of an answer: an element with text, or with children (undefined children are left out). */
export type XmlValue = string | number | boolean | XmlElement | XmlElement[] | undefined;
export interface XmlElement {
  readonly [name: string]: XmlValue;
}

function render(name: string, value: XmlValue): string {
  if (value === undefined) return '';
  if (Array.isArray(value)) return value.map((child) => render(name, child)).join('');
  if (typeof value === 'object') {
    const inner = Object.entries(value)
      .map(([childName, child]) => render(childName, child))
      .join('');
    return `<${name}>${inner}</${name}>`;
  }
  return `<${name}>${escapeXml(String(value))}</${name}>`;
}

/** The whole document: `<Root xmlns="…S3…">…</Root>` with its XML declaration. */
export function xmlDocument(root: string, body: XmlElement, namespaced = true): string {
  const xmlns = namespaced ? ' xmlns="http://s3.amazonaws.com/doc/2006-03-01/"' : '';
  const inner = Object.entries(body)
    .map(([name, value]) => render(name, value))
    .join('');
  return `<?xml version="1.0" encoding="UTF-8"?>\n<${root}${xmlns}>${inner}</${root}>`;
}

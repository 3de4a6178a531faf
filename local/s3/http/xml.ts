/** The few XML shapes S3 speaks here: rendering answers and reading the two request bodies it accepts. */

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

function unescapeXml(text: string): string {
  return text.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|amp|lt|gt|quot|apos);/g, (_, entity: string) => {
    if (entity.startsWith('#x')) return String.fromCodePoint(Number.parseInt(entity.slice(2), 16));
    if (entity.startsWith('#')) return String.fromCodePoint(Number.parseInt(entity.slice(1), 10));
    return { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" }[entity] as string;
  });
}

/**
 * The children of each `<element>` inside `xml` (one level, text content only), e.g. every `<Part>` of a
 * CompleteMultipartUpload body as `{ PartNumber, ETag }`. Returns undefined when the markup does not
 * close properly: the caller answers MalformedXML. Enough for the flat request bodies S3 takes.
 */
export function childrenOf(xml: string, element: string): Record<string, string>[] | undefined {
  const blocks: Record<string, string>[] = [];
  const blockPattern = new RegExp(`<${element}(?:\\s[^>]*)?>([\\s\\S]*?)</${element}>`, 'g');
  for (const [, inner] of xml.matchAll(blockPattern)) {
    const fields: Record<string, string> = {};
    const rest = inner.replace(
      /<([A-Za-z0-9]+)(?:\s[^>]*)?>([^<]*)<\/\1>|<([A-Za-z0-9]+)\s*\/>/g,
      (_m, name, text, empty) => {
        if (empty) fields[empty] = '';
        else fields[name] = unescapeXml(text);
        return '';
      },
    );
    if (rest.trim() !== '') return undefined;
    blocks.push(fields);
  }
  return blocks;
}

/** The text of the first `<element>` in `xml`, if any. */
export function textOf(xml: string, element: string): string | undefined {
  const match = new RegExp(`<${element}(?:\\s[^>]*)?>([^<]*)</${element}>`).exec(xml);
  return match ? unescapeXml(match[1]) : undefined;
}

/** True when `xml` is a document whose root element is `root` (with or without a namespace). */
export function hasRoot(xml: string, root: string): boolean {
  const body = xml.replace(/^\uFEFF?\s*(<\?xml[^>]*\?>)?\s*/, '');
  return new RegExp(`^<${root}(\\s[^>]*)?>[\\s\\S]*</${root}>\\s*$`).test(body);
}

import { XMLParser, XMLValidator } from 'fast-xml-parser';

/**
 * The XML request bodies S3 takes here (DeleteObjects, CompleteMultipartUpload, PutBucketVersioning),
 * read with fast-xml-parser: a document that is not well-formed, or whose shape is not the flat one these
 * bodies have, is undefined, which the operation answers with MalformedXML.
 */

/** An element: its child elements by name, in document order; a leaf's child is its text. */
export interface XmlBodyElement {
  readonly [name: string]: readonly (string | XmlBodyElement)[];
}

const TEXT = '#text';

const parser = new XMLParser({
  // Attributes (xmlns) carry nothing these bodies need.
  ignoreAttributes: true,
  ignoreDeclaration: true,
  textNodeName: TEXT,
  // Text stays text ("007" is a key, not a number) with its spaces (they are part of a key).
  parseTagValue: false,
  trimValues: false,
  // Also numeric references: the SDK writes a key's line break as &#x0A;.
  htmlEntities: true,
  // Every child as a list, so that one <Object> and many read alike.
  isArray: () => true,
});

const isBlank = (node: unknown) => typeof node === 'string' && node.trim() === '';

/** Whether an element holds child elements and at most whitespace between them (no loose text). */
function isContainer(node: unknown): node is XmlBodyElement {
  if (typeof node !== 'object' || node === null) return false;
  const text = (node as Record<string, unknown>)[TEXT];
  return text === undefined || (Array.isArray(text) ? text.every(isBlank) : isBlank(text));
}

/** The root element of `xml` when it is a well-formed document whose one root is `root`. */
export function readXmlBody(xml: string, root: string): XmlBodyElement | undefined {
  if (XMLValidator.validate(xml) !== true) return undefined;
  let document: Record<string, unknown>;
  try {
    document = parser.parse(xml);
  } catch {
    // The parser refuses names such as __proto__ outright.
    return undefined;
  }
  const names = Object.keys(document);
  const nodes = document[root];
  if (names.length !== 1 || !Array.isArray(nodes) || nodes.length !== 1) return undefined;
  const [element] = nodes;
  if (element === '') return {};
  return isContainer(element) ? withoutText(element) : undefined;
}

function withoutText(element: XmlBodyElement): XmlBodyElement {
  const { [TEXT]: _text, ...children } = element;
  return children;
}

/** The text of `element`'s one child `name`; undefined when absent, repeated or not a leaf. */
export function textOf(element: XmlBodyElement, name: string): string | undefined {
  const children = element[name];
  return children?.length === 1 && typeof children[0] === 'string' ? children[0] : undefined;
}

/**
 * Each child `name` of `element` as its leaves' texts, e.g. every `<Part>` of CompleteMultipartUpload as
 * `{ PartNumber, ETag }`; undefined when one of them holds more than leaves, each once.
 */
export function leafRecords(element: XmlBodyElement, name: string): Record<string, string>[] | undefined {
  const records: Record<string, string>[] = [];
  for (const child of element[name] ?? []) {
    if (child === '') {
      records.push({});
      continue;
    }
    if (!isContainer(child)) return undefined;
    const record: Record<string, string> = {};
    for (const field of Object.keys(withoutText(child))) {
      const text = textOf(child, field);
      if (text === undefined) return undefined;
      record[field] = text;
    }
    records.push(record);
  }
  return records;
}

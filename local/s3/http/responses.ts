import type { OutgoingHttpHeaders, ServerResponse } from 'node:http';
import { invalidArgument, type S3Error } from '../errors';
import { type XmlElement, xmlDocument } from './xml';

export function sendXml(res: ServerResponse, status: number, root: string, body: XmlElement): void {
  const xml = Buffer.from(xmlDocument(root, body));
  res.writeHead(status, { 'Content-Type': 'application/xml', 'Content-Length': xml.length });
  res.end(xml);
}

export function sendEmpty(res: ServerResponse, status: number, headers: OutgoingHttpHeaders = {}): void {
  res.writeHead(status, { ...headers, 'Content-Length': 0 });
  res.end();
}

/** S3's error body. HEAD answers carry no body, as in S3. */
export function sendError(
  res: ServerResponse,
  error: S3Error,
  requestId: string,
  resource: string,
  isHead: boolean,
): void {
  const xml = Buffer.from(
    xmlDocument(
      'Error',
      {
        Code: error.code,
        Message: error.message,
        ...error.details,
        Resource: resource,
        RequestId: requestId,
      },
      false,
    ),
  );
  res.writeHead(error.status, {
    'Content-Type': 'application/xml',
    'Content-Length': isHead ? 0 : xml.length,
  });
  res.end(isHead ? undefined : xml);
}

/** The Owner and Initiator that listings name: local mode has one account. */
export const OWNER = { ID: 'lockbox-local', DisplayName: 'lockbox-local' };

/** ISO 8601 with milliseconds, as S3 lists times. */
export const isoTime = (ms: number) => new Date(ms).toISOString();

/**
 * A text as an HTTP header value: node writes header strings as latin1, so UTF-8 text (a file name in
 * response-content-disposition) is handed over as its UTF-8 bytes, as S3 sends it. CR and LF are refused.
 */
export function headerValue(text: string, name: string): string {
  if (/[\r\n\0]/.test(text)) throw invalidArgument(`Header value cannot be represented: ${name}`, name, text);
  return Buffer.from(text, 'utf8').toString('latin1');
}

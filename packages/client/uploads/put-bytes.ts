/**
 * One PUT of bytes to a presigned S3 URL, with upload progress: XMLHttpRequest in a browser (the only way
 * to see bytes leave), fetch elsewhere (progress at the end of the PUT).
 */
import type { Bytes } from '../bytes.js';
import { abortedError, LockboxError } from '../errors.js';

export interface PutAnswer {
  readonly status: number;
  readonly etag: string | null;
  readonly body: string;
}

export type PutBytes = (
  url: string,
  body: PutBody,
  headers: Readonly<Record<string, string>>,
  onProgress: (loaded: number) => void,
  signal: AbortSignal,
) => Promise<PutAnswer>;

export type PutBody = Blob | Bytes;

function sizeOf(body: PutBody): number {
  return body instanceof Uint8Array ? body.byteLength : body.size;
}

export function fetchPut(fetchImpl: typeof fetch): PutBytes {
  return async (url, body, headers, onProgress, signal) => {
    let response: Response;
    try {
      response = await fetchImpl(url, { method: 'PUT', headers, body, signal });
    } catch (error) {
      if (signal.aborted) throw abortedError();
      throw new LockboxError(
        'NetworkError',
        `No answer from S3: ${error instanceof Error ? error.message : error}`,
      );
    }
    const text = await response.text();
    if (response.ok) onProgress(sizeOf(body));
    return { status: response.status, etag: response.headers.get('ETag'), body: text };
  };
}

/** The slice of XMLHttpRequest this file uses (the project compiles without the DOM library). */
interface Xhr {
  open(method: string, url: string): void;
  setRequestHeader(name: string, value: string): void;
  getResponseHeader(name: string): string | null;
  send(body: unknown): void;
  abort(): void;
  readonly status: number;
  readonly responseText: string;
  readonly upload: { onprogress: ((event: { loaded: number }) => void) | null };
  onload: (() => void) | null;
  onerror: (() => void) | null;
  onabort: (() => void) | null;
}

type XhrConstructor = new () => Xhr;

export function browserXhr(): XhrConstructor | undefined {
  return (globalThis as { XMLHttpRequest?: XhrConstructor }).XMLHttpRequest;
}

export function xhrPut(XMLHttpRequest: XhrConstructor): PutBytes {
  return (url, body, headers, onProgress, signal) =>
    new Promise((resolve, reject) => {
      const xhr = new XMLHttpRequest();
      const onAbort = () => xhr.abort();
      const settle = () => signal.removeEventListener('abort', onAbort);
      xhr.open('PUT', url);
      for (const [name, value] of Object.entries(headers)) xhr.setRequestHeader(name, value);
      xhr.upload.onprogress = (event) => onProgress(event.loaded);
      xhr.onload = () => {
        settle();
        resolve({ status: xhr.status, etag: xhr.getResponseHeader('ETag'), body: xhr.responseText });
      };
      xhr.onerror = () => {
        settle();
        reject(new LockboxError('NetworkError', 'No answer from S3 (offline, or refused by CORS).'));
      };
      xhr.onabort = () => {
        settle();
        reject(abortedError());
      };
      signal.addEventListener('abort', onAbort, { once: true });
      xhr.send(body);
    });
}

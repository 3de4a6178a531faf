import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import type { ObjectCreatedEvent, ObjectRemovedEvent } from '../events';
import type { Storage } from '../store/storage';
import type { PayloadSpec } from './payload';
import type { S3Access } from './session-policy';

/** One authenticated S3 request, parsed: what every operation handler gets. */
export interface S3Request {
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  readonly method: string;
  /** Empty for the service (`/`). */
  readonly bucket: string;
  /** Percent-decoded; empty for a bucket-level request. */
  readonly key: string;
  readonly query: URLSearchParams;
  readonly headers: IncomingHttpHeaders;
  /** How to read and check the body, as its headers and its signature say. */
  readonly payload: PayloadSpec;
  /** A body that sends nothing for this long is cut with RequestTimeout. */
  readonly idleBodyTimeoutMs: number;
  /** Whether the credentials' session policy allows an access (always, without a session policy). */
  readonly isAllowed: (access: S3Access) => boolean;
  readonly storage: Storage;
  readonly objectCreated: (event: ObjectCreatedEvent) => void;
  /**
   * Before an object is committed: records that it is about to be (store/creation-journal.ts); the returned
   * function is called right after objectCreated, or when the commit failed.
   */
  readonly beginCreate: (intent: { bucket: string; key: string; etag: string; size: number }) => () => void;
  readonly objectRemoved: (event: ObjectRemovedEvent) => void;
}

/** A header's value (repeated headers joined, as HTTP allows). */
export function headerOf(request: S3Request, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value.join(',') : value;
}

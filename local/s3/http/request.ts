import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import type { Storage } from '../store/storage';
import type { PayloadSpec } from './payload';
import type { S3Access } from './session-policy';

export interface ObjectCreatedEvent {
  readonly bucket: string;
  readonly key: string;
  readonly size: number;
  /** Quoted, as S3 reports it. */
  readonly etag: string;
  /** The version stored, once the bucket is versioned. */
  readonly versionId?: string;
  /** Orders the events of one key, as S3's sequencer (set by the server when the object is stored). */
  readonly sequencer?: string;
}

/** An object deleted (DeleteObject or DeleteObjects), for the usage recorder's notification. */
export interface ObjectRemovedEvent {
  readonly bucket: string;
  readonly key: string;
  /** The version removed, or the delete marker's version. */
  readonly versionId?: string;
  /** A delete marker was created (S3's ObjectRemoved:DeleteMarkerCreated). @default false */
  readonly deleteMarker?: boolean;
  /** Removed by the bucket's lifecycle rules (S3's LifecycleExpiration:Delete). @default false */
  readonly lifecycle?: boolean;
  readonly sequencer?: string;
}

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
   * Before an object is committed: records that it is about to be (creation-journal.ts); the returned
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

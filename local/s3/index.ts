import { join } from 'node:path';
import { type SigningCredentials, verifySigV4 } from '../sigv4/verify';
import type { Verifier } from './auth';
import { CreationJournal } from './creation-journal';
import type { ObjectCreatedEvent, ObjectRemovedEvent } from './request';
import { createS3Server, listen } from './server';
import { Storage } from './storage';

export type { ObjectCreatedEvent, ObjectRemovedEvent } from './request';

export interface LocalS3Options {
  /** @default '127.0.0.1' */
  readonly host?: string;
  /** 0 = a free port. */
  readonly port: number;
  /** Where objects and multipart uploads live; they survive a restart. */
  readonly dataDir: string;
  /** The region requests must be signed for. */
  readonly region: string;
  /** Created at start (and kept with those already on disk). */
  readonly buckets: readonly string[];
  /** Buckets whose versioning is turned on at start, as the stack turns it on in AWS. @default none */
  readonly versionedBuckets?: readonly string[];
  /** The credentials of an access key id, or undefined for an unknown one. */
  readonly lookup: (accessKeyId: string) => SigningCredentials | undefined;
  /** Browser origins (scheme://host[:port]) allowed by CORS; never `*`. */
  readonly allowedOrigins: readonly string[];
  /**
   * Called after PutObject, CompleteMultipartUpload or CopyObject stored an object, before the answer
   * (so that a listener can record it durably; it should be quick); a failure is logged, never sent to
   * the client.
   */
  readonly onObjectCreated?: (event: ObjectCreatedEvent) => void | Promise<void>;
  /** Called after DeleteObject or DeleteObjects removed a key (whether or not it existed, as S3 does). */
  readonly onObjectRemoved?: (event: ObjectRemovedEvent) => void | Promise<void>;
  /** One line per request, and the detail of internal errors (never sent to clients). */
  readonly log?: (line: string) => void;
}

export interface LocalS3 {
  /** `http://host:port`, for S3Client's endpoint with forcePathStyle. */
  readonly endpoint: string;
  /**
   * Notifies the objects a killed process stored but did not notify (creation-journal.ts); call it once
   * the listeners are ready. Returns how many.
   */
  notifyUnnotified(): number;
  stop(): Promise<void>;
}

/** An embedded, path-style S3 on node:http: every request SigV4-checked, data on disk under dataDir. */
export async function startLocalS3(options: LocalS3Options): Promise<LocalS3> {
  const storage = await Storage.open(options.dataDir, options.buckets, options.versionedBuckets ?? []);
  const verify: Verifier = (req) =>
    verifySigV4(req, {
      service: 's3',
      region: options.region,
      lookup: options.lookup,
      uriEscapePath: false,
      allowPresigned: true,
    });
  const journal = new CreationJournal(join(options.dataDir, 'journal'));
  const { server, objectCreated } = createS3Server({
    storage,
    verify,
    isKnownKey: (accessKeyId) => options.lookup(accessKeyId) !== undefined,
    allowedOrigins: options.allowedOrigins,
    onObjectCreated: options.onObjectCreated,
    onObjectRemoved: options.onObjectRemoved,
    journal,
    log: options.log,
  });
  const endpoint = await listen(server, options.host ?? '127.0.0.1', options.port);
  return {
    endpoint,
    notifyUnnotified: () => {
      let notified = 0;
      for (const { intent, end } of journal.leftovers()) {
        // Stored after all: the current version is the one the intent named (its ETag, written since).
        const current = storage.bucket(intent.bucket).objects.get(intent.key);
        const stored =
          current !== undefined &&
          current.etag === intent.etag &&
          current.lastModified >= Math.floor(intent.at / 1000) * 1000;
        if (current !== undefined && stored) {
          objectCreated({ bucket: intent.bucket, key: intent.key, size: current.size, etag: current.etag });
          notified++;
        }
        end();
      }
      return notified;
    },
    stop: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}

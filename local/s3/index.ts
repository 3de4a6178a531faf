import { join } from 'node:path';
import { type SigningCredentials, verifySigV4 } from '../sigv4/verify';
import type { ObjectCreatedEvent, ObjectRemovedEvent } from './events';
import type { Verifier } from './http/auth';
import { type LifecycleReport, type LifecycleRule, runLifecycle } from './operations/lifecycle-expiration';
import { createS3Server, listen } from './server';
import { CreationJournal } from './store/creation-journal';
import { Storage } from './store/storage';
import { createdVersion } from './store/versions';

export type { ObjectCreatedEvent, ObjectRemovedEvent } from './events';
export type { LifecycleReport, LifecycleRule } from './operations/lifecycle-expiration';

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
  /** A request body that sends nothing for this long is cut (S3's RequestTimeout). @default 20 s, as S3 */
  readonly idleBodyTimeoutMs?: number;
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
  /**
   * Buckets' lifecycle rules, run every `intervalMs` and on expireNow() (the caller runs it once wired,
   * at start); removals are reported to onObjectRemoved as S3's LifecycleExpiration events. @default none
   */
  readonly lifecycle?: {
    readonly rules: Readonly<Record<string, readonly LifecycleRule[]>>;
    /** @default one hour */
    readonly intervalMs?: number;
  };
}

export interface LocalS3 {
  /** `http://host:port`, for S3Client's endpoint with forcePathStyle. */
  readonly endpoint: string;
  /** Runs every bucket's lifecycle rules now, or as of `now` (a test's clock a month ahead). */
  expireNow(now?: number): Promise<Record<string, LifecycleReport>>;
  /**
   * Notifies the objects a killed process stored but did not notify (store/creation-journal.ts); call it once
   * the listeners are ready. Returns how many.
   */
  notifyUnnotified(): number;
  stop(): Promise<void>;
}

const LIFECYCLE_INTERVAL_MS = 60 * 60 * 1000;

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
    idleBodyTimeoutMs: options.idleBodyTimeoutMs,
    onObjectCreated: options.onObjectCreated,
    onObjectRemoved: options.onObjectRemoved,
    journal,
    log: options.log,
  });
  const endpoint = await listen(server, options.host ?? '127.0.0.1', options.port);
  const rules = options.lifecycle?.rules ?? {};
  const removed = (event: ObjectRemovedEvent) => {
    Promise.resolve(options.onObjectRemoved?.(event)).catch((error: unknown) =>
      options.log?.(`onObjectRemoved failed for a lifecycle expiry: ${(error as Error).stack ?? error}`),
    );
  };
  const expireNow = async (now = Date.now()) => {
    const reports: Record<string, LifecycleReport> = {};
    for (const [bucket, bucketRules] of Object.entries(rules))
      reports[bucket] = await runLifecycle(storage, bucket, bucketRules, removed, now);
    return reports;
  };
  const expireLogged = () =>
    expireNow().catch((error: unknown) =>
      options.log?.(`The lifecycle rules failed: ${(error as Error).stack ?? error}`),
    );
  const timer =
    Object.keys(rules).length === 0
      ? undefined
      : setInterval(expireLogged, options.lifecycle?.intervalMs ?? LIFECYCLE_INTERVAL_MS).unref();
  return {
    endpoint,
    expireNow,
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
          const objects = storage.bucket(intent.bucket).objects;
          objectCreated({ bucket: intent.bucket, key: intent.key, ...createdVersion(objects, current) });
          notified++;
        }
        end();
      }
      return notified;
    },
    stop: () =>
      new Promise<void>((resolve, reject) => {
        clearInterval(timer);
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}

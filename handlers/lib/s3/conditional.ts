import { GetObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { ObjectKey } from '../files/keys';
import { provesAbsent } from './absent';
import { jsonObject } from './json-object';

/**
 * S3's conditional writes, the compare-and-swap that the zip caps and idempotency records rest on:
 * `If-None-Match: *` creates an object only if the key is free, `If-Match: <etag>` replaces it only if it
 * is still the version that was read. S3 decides each under the key's own lock, so of two racing writers
 * exactly one wins. Supported by S3 since August (create) and November (replace) 2024, and by local/s3,
 * which the tests run on (fauxqs accepts the headers and ignores them: test/conformance/s3.test.ts).
 */
export type WriteCondition = { readonly ifNoneMatch: '*' } | { readonly ifMatch: string };

/** A JSON object as read, with the ETag that a later `If-Match` names. */
export interface Tagged {
  readonly value: unknown;
  readonly etag: string;
}

/** The object's parsed JSON and ETag; undefined when absent; a body that is not JSON reads as null. */
export async function getTaggedJson(
  s3: S3Client,
  bucket: string,
  key: ObjectKey,
): Promise<Tagged | undefined> {
  try {
    const object = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    const text = (await object.Body?.transformToString('utf8')) ?? '';
    if (object.ETag === undefined) throw new Error('S3 answered GetObject without an ETag');
    return { value: parseOrNull(text), etag: object.ETag };
  } catch (error) {
    if (await provesAbsent(s3, bucket, key, error)) return undefined;
    throw error;
  }
}

/**
 * Writes `value` as JSON if `condition` holds; false when it does not (another writer got there first).
 * Any other failure is thrown.
 */
export async function putJsonIf(
  s3: S3Client,
  bucket: string,
  key: ObjectKey,
  value: unknown,
  condition: WriteCondition,
): Promise<boolean> {
  try {
    await s3.send(
      new PutObjectCommand({
        ...jsonObject(bucket, key, value),
        ...('ifNoneMatch' in condition ? { IfNoneMatch: '*' } : { IfMatch: condition.ifMatch }),
      }),
    );
    return true;
  } catch (error) {
    if (isLostRace(error)) return false;
    throw error;
  }
}

/**
 * 412 PreconditionFailed: the condition did not hold. 409 ConditionalRequestConflict: S3 was deciding
 * another conditional write to the key at the same moment. 404 on If-Match: the object is gone.
 */
function isLostRace(error: unknown): boolean {
  const status = (error as { $metadata?: { httpStatusCode?: number } })?.$metadata?.httpStatusCode;
  return status === 412 || status === 409 || status === 404;
}

function parseOrNull(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

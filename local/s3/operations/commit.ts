import type { S3Request } from '../http/request';
import type { ObjectMeta } from '../store/object-store';
import { createdVersion } from '../store/versions';

/** An object's Last-Modified: HTTP dates have whole seconds, so S3's times do too. */
export const wholeSeconds = (ms: number) => Math.floor(ms / 1000) * 1000;

/**
 * Commits an object with its intent journaled, then hands its notification on and ends the intent in the
 * same synchronous step: a process killed in between leaves the intent, which the next start turns into
 * the notification (store/creation-journal.ts). PutObject, CopyObject and CompleteMultipartUpload store
 * objects through it.
 */
export async function commitAndNotify(
  request: S3Request,
  intent: { bucket: string; key: string; etag: string; size: number },
  commit: () => Promise<ObjectMeta>,
): Promise<ObjectMeta> {
  const end = request.beginCreate(intent);
  let meta: ObjectMeta;
  try {
    meta = await commit();
  } catch (error) {
    end();
    throw error;
  }
  const objects = request.storage.bucket(intent.bucket).objects;
  request.objectCreated({ bucket: intent.bucket, key: intent.key, ...createdVersion(objects, meta) });
  end();
  return meta;
}

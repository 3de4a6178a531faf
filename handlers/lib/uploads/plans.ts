import { createHash } from 'node:crypto';
import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { MAX_PART_BYTES, MIN_PART_BYTES } from '../../../contract/s3-limits';
import { type IdentityId, isIdentityId, keyIn, type ObjectKey, uploadPlanFolder } from '../files/keys';
import { provesAbsent } from '../s3/absent';
import { putJson } from '../s3/json-object';

/**
 * The plan of a multipart upload (its key, declared size and part size), which POST /uploads records
 * beside the upload. S3 gives back nothing of an open upload that would tell them: ListParts returns no
 * metadata, and the upload's metadata shows only once it is complete. Re-signing reads the plan, so a
 * part URL signs exactly the length that POST /uploads gave that part, and a client can never upload more
 * than it declared. The record lives under "uploads/<identityId>/", named after the upload id, so another
 * caller's lookup builds another key and finds nothing; the bucket's lifecycle rule expires it after S3
 * has aborted the upload it describes.
 */
export interface UploadPlan {
  readonly size: number;
  readonly partSize: number;
}

interface PlanRecord extends UploadPlan {
  /** The upload's S3 key: an upload id names one upload of one key. */
  readonly key: string;
}

/** An upload id is S3's opaque text, up to 1 KiB and with `/`: its hash makes a short, flat name. */
function planKey(identityId: IdentityId, uploadId: string): ObjectKey {
  if (!isIdentityId(identityId)) throw new Error('Invalid identity id for an upload plan');
  const name = createHash('sha256').update(uploadId, 'utf8').digest('hex');
  return keyIn(uploadPlanFolder(identityId), `${name}.json`);
}

/** Records the plan of the upload `uploadId` of `key` (a key in the folder of `identityId`). */
export async function writePlan(
  s3: S3Client,
  bucket: string,
  identityId: IdentityId,
  key: ObjectKey,
  uploadId: string,
  plan: UploadPlan,
): Promise<void> {
  const record: PlanRecord = { key, size: plan.size, partSize: plan.partSize };
  await putJson(s3, bucket, planKey(identityId, uploadId), record);
}

/**
 * The plan of the caller's upload `uploadId` of `key`, or undefined when the caller has no such upload of
 * this key (none recorded, expired, or recorded for another key).
 */
export async function readPlan(
  s3: S3Client,
  bucket: string,
  identityId: IdentityId,
  key: ObjectKey,
  uploadId: string,
): Promise<UploadPlan | undefined> {
  let text: string;
  const Key = planKey(identityId, uploadId);
  try {
    const object = await s3.send(new GetObjectCommand({ Bucket: bucket, Key }));
    text = (await object.Body?.transformToString('utf8')) ?? '';
  } catch (error) {
    if (await provesAbsent(s3, bucket, Key, error)) return undefined;
    throw error;
  }
  const record = parseRecord(text);
  return record.key === key ? { size: record.size, partSize: record.partSize } : undefined;
}

/** A record that writePlan cannot have written is an error, never a plan to sign by. */
function parseRecord(text: string): PlanRecord {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new Error('An upload plan is not JSON');
  }
  const { key, size, partSize } = (value ?? {}) as Partial<Record<keyof PlanRecord, unknown>>;
  if (
    typeof key !== 'string' ||
    !isIntegerIn(size, 1, Number.MAX_SAFE_INTEGER) ||
    !isIntegerIn(partSize, MIN_PART_BYTES, MAX_PART_BYTES)
  ) {
    throw new Error('An upload plan is malformed');
  }
  return { key, size, partSize };
}

function isIntegerIn(value: unknown, min: number, max: number): value is number {
  return Number.isSafeInteger(value) && (value as number) >= min && (value as number) <= max;
}

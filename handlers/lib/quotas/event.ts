import type { S3EventRecord } from 'aws-lambda';
import { isIdentityId } from '../files/keys';
import { decodeEventKey } from '../s3/event-key';
import type { FileEvent } from './ledger';
import { isSequencer } from './sequencer';

export interface FileEventsOf {
  readonly events: FileEvent[];
  /** Records of another bucket or event, outside the users' folders, or malformed. */
  readonly refused: number;
}

/**
 * The file events an S3 notification announces: versions created or removed in a user's folder
 * ("<identity id>/…") of our bucket. Anything else is refused before any write.
 */
export function fileEventsOfS3Event(event: unknown, bucket: string): FileEventsOf {
  const records = (event as { Records?: unknown } | undefined)?.Records;
  const events: FileEvent[] = [];
  let refused = 0;
  for (const record of Array.isArray(records) ? (records as Partial<S3EventRecord>[]) : []) {
    const parsed = fileEventOf(record, bucket);
    if (parsed === undefined) refused++;
    else events.push(parsed);
  }
  return { events, refused };
}

function fileEventOf(record: Partial<S3EventRecord>, bucket: string): FileEvent | undefined {
  const object = record.s3?.object;
  if (record.s3?.bucket?.name !== bucket || typeof object?.key !== 'string') return undefined;
  if (!isSequencer(object.sequencer)) return undefined;
  const s3Key = decodeEventKey(object.key);
  const identityId = s3Key.slice(0, s3Key.indexOf('/'));
  if (!isIdentityId(identityId) || s3Key.length === identityId.length + 1) return undefined;
  const name = String(record.eventName ?? '');
  // Without versioning S3 names no version: the object is its key's `null` version.
  const versionId =
    typeof object.versionId === 'string' && object.versionId !== '' ? object.versionId : 'null';
  const base = { identityId, s3Key, sequencer: object.sequencer, versionId, size: 0 };
  if (name.startsWith('ObjectCreated:')) {
    if (!Number.isSafeInteger(object.size) || object.size < 0) return undefined;
    return { ...base, kind: 'created', size: object.size };
  }
  const kind = REMOVAL_KINDS[name];
  return kind === undefined ? undefined : { ...base, kind };
}

/**
 * S3's removal events: a delete marker added (by a delete, or by a lifecycle rule expiring a current
 * version), or one version (or marker) removed for good (a delete naming its version id, a noncurrent
 * version or an expired delete marker removed by the bucket's lifecycle rules).
 */
const REMOVAL_KINDS: Readonly<Record<string, 'marker' | 'removed'>> = {
  'ObjectRemoved:DeleteMarkerCreated': 'marker',
  'LifecycleExpiration:DeleteMarkerCreated': 'marker',
  'ObjectRemoved:Delete': 'removed',
  'LifecycleExpiration:Delete': 'removed',
};

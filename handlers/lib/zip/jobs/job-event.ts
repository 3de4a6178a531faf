import type { S3Event } from 'aws-lambda';
import { decodeEventKey } from '../../s3/event-key';
import { type JobRef, jobOfRequestKey } from './job-keys';

export interface JobsOfEvent {
  readonly jobs: JobRef[];
  /** Records that named another bucket, another event or a key that no job request has. */
  readonly refused: number;
}

/**
 * The jobs that an S3 notification announces (zip jobs, or with `jobOfKey` another kind). Only the
 * creation of a request record in our bucket counts: a key that POST /zips cannot have written
 * ("zip/<identity id>/<uuid>/request.json") is refused before any S3 call, so a stray or forged event
 * cannot point the worker at anything else.
 */
export function jobsOfS3Event(
  event: unknown,
  bucket: string,
  jobOfKey: (key: string) => JobRef | undefined = jobOfRequestKey,
): JobsOfEvent {
  const records = (event as Partial<S3Event> | undefined)?.Records;
  const jobs: JobRef[] = [];
  let refused = 0;
  for (const record of Array.isArray(records) ? records : []) {
    const job =
      typeof record?.eventName === 'string' &&
      record.eventName.startsWith('ObjectCreated:') &&
      record.s3?.bucket?.name === bucket &&
      typeof record.s3?.object?.key === 'string'
        ? jobOfKey(decodeEventKey(record.s3.object.key))
        : undefined;
    if (job === undefined) refused++;
    else jobs.push(job);
  }
  return { jobs, refused };
}

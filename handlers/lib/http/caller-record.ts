import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { type IdentityId, userRecordKey } from '../files/keys';
import { jsonObject } from '../s3/json-object';
import { callerSub } from './identity';

/**
 * Records which folder (identity id) a user pool user has, so that an operator can find it by email
 * (email → sub in the user pool, sub → identity id here): Cognito keeps no such link, and an identity id
 * exists only from a user's first sign-in. Resolves with undefined, or with the error of a write that
 * failed (for the request's log line): it never rejects, so a record never fails a user's request.
 */
export type CallerRecorder = (
  event: Pick<APIGatewayProxyEvent, 'requestContext'>,
  identityId: IdentityId,
) => Promise<unknown>;

/** The record's body: `users/<sub>.json`. */
export interface UserRecord {
  readonly identityId: IdentityId;
}

/**
 * Writes `users/<sub>.json` once per user per warm function, with If-None-Match: * (the role may only
 * create the record, never replace it: routes.ts, CALLER_RECORD_GRANT). The cost is one PUT per user per
 * cold start; a 412 means another function wrote it first. A failed write is retried at the user's next
 * request.
 */
export function callerRecorder(s3: S3Client, bucket: string): CallerRecorder {
  const recorded = new Set<string>();
  return async (event, identityId) => {
    const sub = callerSub(event);
    if (sub === undefined || recorded.has(sub)) return undefined;
    const record: UserRecord = { identityId };
    try {
      await s3.send(
        new PutObjectCommand({ ...jsonObject(bucket, userRecordKey(sub), record), IfNoneMatch: '*' }),
      );
    } catch (error) {
      if (!isAlreadyWritten(error)) return error;
    }
    recorded.add(sub);
    return undefined;
  };
}

/** S3's answer to If-None-Match: * when the object exists: 412 PreconditionFailed. */
function isAlreadyWritten(error: unknown): boolean {
  const status = (error as { $metadata?: { httpStatusCode?: number } })?.$metadata?.httpStatusCode;
  return status === 412;
}

import { AssumeRoleCommand, type STSClient } from '@aws-sdk/client-sts';
import { PRESIGNED_URL_SECONDS } from '../files/presign';
import { SESSION_SECONDS } from './session-seconds';

/** Temporary credentials of one caller's session. */
export interface SessionCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken: string;
  readonly expiration: Date;
}

/**
 * A session is replaced this long before it expires. Larger than the longest presigned URL's life, so
 * every URL signed with a session's credentials expires before the session does (a URL signed with
 * temporary credentials stops working when they expire, whatever its own X-Amz-Expires says).
 */
export const REFRESH_MARGIN_SECONDS = 2 * PRESIGNED_URL_SECONDS;

/** At most this many callers' sessions are kept by one warm function; the oldest is dropped first. */
const MAX_CACHED_SESSIONS = 1000;

/**
 * The session policy of a caller's session: whatever the role allows, only on the caller's own folder.
 * The effective permissions are the intersection of the role's (the route's user-files grants) and this,
 * so a handler that builds a key outside `<identityId>/` is refused by S3 itself.
 */
export function folderPolicy(bucket: string, identityId: string): string {
  const folder = `${identityId}/`;
  return JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Action: [
          's3:GetObject',
          's3:GetObjectVersion',
          's3:PutObject',
          's3:DeleteObject',
          's3:AbortMultipartUpload',
          's3:ListMultipartUploadParts',
        ],
        Resource: `arn:aws:s3:::${bucket}/${folder}*`,
      },
      {
        Effect: 'Allow',
        Action: ['s3:ListBucket', 's3:ListBucketVersions'],
        Resource: `arn:aws:s3:::${bucket}`,
        Condition: { StringLike: { 's3:prefix': `${folder}*` } },
      },
    ],
  });
}

/** A role session name from an identity id: STS allows `[\w+=,.@-]`, 2..64 characters, not `:`. */
export function sessionName(identityId: string): string {
  return identityId.replace(':', '.');
}

export interface CallerSessionsOptions {
  readonly sts: STSClient;
  /** The route's caller role (CALLER_ROLE_ARN): the route's user-files grants and nothing else. */
  readonly roleArn: string;
  readonly bucket: string;
  /** @default Date.now */
  readonly now?: () => number;
}

/**
 * Credentials scoped to one caller's folder: an AssumeRole of the route's caller role with the folder
 * policy, cached per identity while the function is warm and replaced REFRESH_MARGIN_SECONDS before they
 * expire. Concurrent requests of one identity share one AssumeRole call.
 */
export function callerSessions(options: CallerSessionsOptions) {
  const now = options.now ?? Date.now;
  const sessions = new Map<string, Promise<SessionCredentials>>();

  async function assume(identityId: string): Promise<SessionCredentials> {
    const { Credentials: c } = await options.sts.send(
      new AssumeRoleCommand({
        RoleArn: options.roleArn,
        RoleSessionName: sessionName(identityId),
        Policy: folderPolicy(options.bucket, identityId),
        DurationSeconds: SESSION_SECONDS,
      }),
    );
    if (!c?.AccessKeyId || !c.SecretAccessKey || !c.SessionToken || !c.Expiration) {
      throw new Error('AssumeRole returned no credentials');
    }
    return {
      accessKeyId: c.AccessKeyId,
      secretAccessKey: c.SecretAccessKey,
      sessionToken: c.SessionToken,
      expiration: c.Expiration,
    };
  }

  const fresh = (credentials: SessionCredentials) =>
    credentials.expiration.getTime() - now() > REFRESH_MARGIN_SECONDS * 1000;

  return async function credentialsFor(identityId: string): Promise<SessionCredentials> {
    const cached = sessions.get(identityId);
    if (cached !== undefined) {
      const credentials = await cached.catch(() => undefined);
      if (credentials !== undefined && fresh(credentials)) return credentials;
      if (sessions.get(identityId) !== cached) return credentialsFor(identityId);
    }
    const pending = assume(identityId);
    sessions.delete(identityId);
    sessions.set(identityId, pending);
    if (sessions.size > MAX_CACHED_SESSIONS) sessions.delete(sessions.keys().next().value as string);
    pending.catch(() => {
      if (sessions.get(identityId) === pending) sessions.delete(identityId);
    });
    return pending;
  };
}

export type CallerCredentials = ReturnType<typeof callerSessions>;

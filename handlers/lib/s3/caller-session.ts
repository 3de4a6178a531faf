import { AssumeRoleCommand, type STSClient } from '@aws-sdk/client-sts';
import { SESSION_SECONDS } from '../../../contract/session-seconds';
import { type IdentityId, uploadPlanFolder, userFolder, zipFolder } from '../files/keys';
import { PRESIGNED_URL_SECONDS } from '../files/presign-get';

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

/** At most this many sessions are kept by one warm function; the oldest is dropped first. */
const MAX_CACHED_SESSIONS = 1000;

/**
 * The session policy of a caller's session: whatever the role allows, only on what is the caller's own —
 * their folder `<identityId>/`, their zip area `zip/<identityId>/` and their upload plans
 * `uploads/<identityId>/`. The effective permissions are the intersection of the role's (the route's
 * grants) and this, so a handler that builds a key outside those is refused by S3 itself.
 */
export function folderPolicy(bucket: string, identityId: IdentityId): string {
  const prefixes = [userFolder(identityId), zipFolder(identityId), uploadPlanFolder(identityId)];
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
          's3:DeleteObjectVersion',
          's3:AbortMultipartUpload',
          's3:ListMultipartUploadParts',
        ],
        Resource: prefixes.map((prefix) => `arn:aws:s3:::${bucket}/${prefix}*`),
      },
      {
        Effect: 'Allow',
        Action: ['s3:ListBucket', 's3:ListBucketVersions'],
        Resource: `arn:aws:s3:::${bucket}`,
        Condition: { StringLike: { 's3:prefix': prefixes.map((prefix) => `${prefix}*`) } },
      },
    ],
  });
}

/**
 * A session policy that also allows the bucket's customer-managed key (SSE-KMS) as S3 uses it: Decrypt to
 * read (and for multipart parts, ListParts and copies), GenerateDataKey to write; only through S3 in the
 * key's region, which is the bucket's (S3 requires it), so the session cannot call KMS itself. Which of
 * the two a session may really use is the role's to narrow, as for the S3 actions. Without a key, the
 * policy unchanged.
 */
export function withBucketKey(policy: string, keyArn: string | undefined): string {
  if (keyArn === undefined) return policy;
  const region = keyArn.split(':')[3];
  const document = JSON.parse(policy) as { Version: string; Statement: unknown[] };
  const keyUse = {
    Effect: 'Allow',
    Action: ['kms:Decrypt', 'kms:GenerateDataKey'],
    Resource: keyArn,
    Condition: { StringEquals: { 'kms:ViaService': `s3.${region}.amazonaws.com` } },
  };
  return JSON.stringify({ ...document, Statement: [...document.Statement, keyUse] });
}

/** A role session name from an identity id: STS allows `[\w+=,.@-]`, 2..64 characters, not `:`. */
export function sessionName(identityId: IdentityId): string {
  return identityId.replace(':', '.');
}

export interface ScopedSessionsOptions {
  readonly sts: STSClient;
  /** The function's caller role (CALLER_ROLE_ARN): the grants the function needs on users' data, nothing else. */
  readonly roleArn: string;
  /** The bucket's customer-managed key (BUCKET_KEY_ARN), whose use every session's policy allows. @default none */
  readonly bucketKeyArn?: string;
  /** @default Date.now */
  readonly now?: () => number;
}

/** What one session may reach: its owner (the session's name) and its policy; sessions are cached by `key`. */
export interface SessionScope {
  readonly key: string;
  readonly identityId: IdentityId;
  /** The session policy, built only when a session is assumed. */
  readonly policy: () => string;
}

/**
 * Credentials of the caller role narrowed by a session policy: an AssumeRole per scope, cached while the
 * function is warm and replaced REFRESH_MARGIN_SECONDS before they expire. Concurrent requests of one
 * scope share one AssumeRole call.
 */
export function scopedSessions(options: ScopedSessionsOptions) {
  const now = options.now ?? Date.now;
  const sessions = new Map<string, Promise<SessionCredentials>>();

  async function assume(scope: SessionScope): Promise<SessionCredentials> {
    const { Credentials: c } = await options.sts.send(
      new AssumeRoleCommand({
        RoleArn: options.roleArn,
        RoleSessionName: sessionName(scope.identityId),
        Policy: withBucketKey(scope.policy(), options.bucketKeyArn),
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

  return async function credentialsFor(scope: SessionScope): Promise<SessionCredentials> {
    const { key } = scope;
    const cached = sessions.get(key);
    if (cached !== undefined) {
      const credentials = await cached.catch(() => undefined);
      if (credentials !== undefined && fresh(credentials)) return credentials;
      if (sessions.get(key) !== cached) return credentialsFor(scope);
    }
    const pending = assume(scope);
    sessions.delete(key);
    sessions.set(key, pending);
    if (sessions.size > MAX_CACHED_SESSIONS) sessions.delete(sessions.keys().next().value as string);
    pending.catch(() => {
      if (sessions.get(key) === pending) sessions.delete(key);
    });
    return pending;
  };
}

export type ScopedCredentials = ReturnType<typeof scopedSessions>;

export interface CallerSessionsOptions extends ScopedSessionsOptions {
  readonly bucket: string;
}

/**
 * Credentials scoped to one caller's folder: sessions of the route's caller role with the folder policy,
 * one per identity.
 */
export function callerSessions(options: CallerSessionsOptions) {
  const credentialsFor = scopedSessions(options);
  return (identityId: IdentityId): Promise<SessionCredentials> =>
    credentialsFor({ key: identityId, identityId, policy: () => folderPolicy(options.bucket, identityId) });
}

export type CallerCredentials = ReturnType<typeof callerSessions>;

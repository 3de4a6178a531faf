import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { BodyTooLargeError, logWhenDone, readBody } from '../http-helpers';
import { newAccessKeyId, newSecretAccessKey, newSessionToken } from '../identity-pool/new-credentials';
import type { S3Credentials } from '../s3/http/auth';
import { parseSessionPolicy } from '../s3/http/session-policy';
import { type SigningCredentials, verifySigV4 } from '../sigv4/verify';

/**
 * STS's AssumeRole, as the handlers call it for their callers' folder-scoped sessions
 * (handlers/lib/s3/caller-session.ts): AWS's Query protocol (a signed form POST, an XML answer), SigV4
 * checked like every other local service. Only the functions' role may assume only the caller role; the
 * session's credentials carry the session policy, which the local S3 enforces (local/s3/http/session-policy.ts).
 */
export interface LocalStsOptions {
  readonly region: string;
  /** The one role that may be assumed (CALLER_ROLE_ARN of local mode). */
  readonly roleArn: string;
  /** The credentials allowed to assume it: the functions' role. */
  readonly assumers: (accessKeyId: string) => SigningCredentials | undefined;
  readonly log: (line: string) => void;
  readonly now?: () => number;
}

export interface LocalSts {
  handle(req: IncomingMessage, res: ServerResponse): Promise<void>;
  /** A session's credentials by access key id, for the S3 server's lookup; expired ones included. */
  lookup(accessKeyId: string): S3Credentials | undefined;
}

/** STS's bounds of DurationSeconds for AssumeRole. */
const MIN_DURATION_SECONDS = 900;
const MAX_DURATION_SECONDS = 3600;
/** AssumeRole's request is a few KB; a session policy is at most 2,048 characters. */
const MAX_BODY_BYTES = 16 * 1024;
const ROLE_SESSION_NAME = /^[\w+=,.@-]{2,64}$/;

class StsError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export function createLocalSts(options: LocalStsOptions): LocalSts {
  const now = options.now ?? Date.now;
  const sessions = new Map<string, S3Credentials>();

  async function assumeRole(req: IncomingMessage): Promise<string> {
    const body = await readBody(req, MAX_BODY_BYTES);
    const verified = await verifySigV4(
      { method: req.method ?? 'POST', url: req.url ?? '/', rawHeaders: req.rawHeaders, body },
      { service: 'sts', region: options.region, lookup: options.assumers, uriEscapePath: true, now },
    );
    if (!verified.ok) throw new StsError(403, verified.reason, verified.message);
    const form = new URLSearchParams(body.toString('utf8'));
    if (form.get('Action') !== 'AssumeRole') throw new StsError(400, 'InvalidAction', 'Not AssumeRole.');
    const roleArn = form.get('RoleArn');
    if (roleArn !== options.roleArn) {
      throw new StsError(403, 'AccessDenied', `Not authorized to perform: sts:AssumeRole on ${roleArn}`);
    }
    const sessionName = form.get('RoleSessionName') ?? '';
    if (!ROLE_SESSION_NAME.test(sessionName)) {
      throw new StsError(400, 'ValidationError', 'RoleSessionName does not satisfy its constraint.');
    }
    const seconds = Number(form.get('DurationSeconds') ?? MAX_DURATION_SECONDS);
    if (!Number.isInteger(seconds) || seconds < MIN_DURATION_SECONDS || seconds > MAX_DURATION_SECONDS) {
      throw new StsError(400, 'ValidationError', 'DurationSeconds exceeds the role maximum.');
    }
    const policy = form.get('Policy');
    let sessionPolicy: S3Credentials['sessionPolicy'];
    try {
      sessionPolicy = policy === null ? undefined : parseSessionPolicy(policy);
    } catch (error) {
      throw new StsError(400, 'MalformedPolicyDocument', (error as Error).message);
    }
    const credentials: S3Credentials = {
      accessKeyId: newAccessKeyId(),
      secretAccessKey: newSecretAccessKey(),
      sessionToken: newSessionToken(),
      expiresAt: now() + seconds * 1000,
      ...(sessionPolicy === undefined ? {} : { sessionPolicy }),
    };
    sessions.set(credentials.accessKeyId, credentials);
    for (const [key, session] of sessions) if ((session.expiresAt ?? 0) < now()) sessions.delete(key);
    return assumeRoleXml(credentials, roleArn, sessionName);
  }

  return {
    lookup: (accessKeyId) => sessions.get(accessKeyId),
    async handle(req, res) {
      logWhenDone(res, performance.now(), (status, ms) => `${req.method} sts ${status} ${ms}ms`, options.log);
      try {
        sendXml(res, 200, await assumeRole(req));
      } catch (error) {
        const sts =
          error instanceof StsError
            ? error
            : error instanceof BodyTooLargeError
              ? new StsError(413, 'RequestEntityTooLarge', 'The request is too large.')
              : new StsError(500, 'InternalFailure', 'Internal error of the local STS.');
        if (!(error instanceof StsError || error instanceof BodyTooLargeError)) {
          options.log(`Internal error of the local STS: ${(error as Error)?.stack ?? error}`);
        }
        sendXml(res, sts.status, errorXml(sts));
      }
    },
  };
}

function sendXml(res: ServerResponse, status: number, xml: string): void {
  res.writeHead(status, { 'Content-Type': 'text/xml', 'Content-Length': Buffer.byteLength(xml) });
  res.end(xml);
}

const escapeXml = (text: string) =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

const NAMESPACE = 'https://sts.amazonaws.com/doc/2011-06-15/';

function assumeRoleXml(credentials: S3Credentials, roleArn: string, sessionName: string): string {
  const roleName = roleArn.slice(roleArn.lastIndexOf('/') + 1);
  const account = roleArn.split(':')[4];
  return `<AssumeRoleResponse xmlns="${NAMESPACE}"><AssumeRoleResult><Credentials><AccessKeyId>${
    credentials.accessKeyId
  }</AccessKeyId><SecretAccessKey>${escapeXml(credentials.secretAccessKey)}</SecretAccessKey><SessionToken>${escapeXml(
    credentials.sessionToken ?? '',
  )}</SessionToken><Expiration>${new Date(credentials.expiresAt ?? 0).toISOString()}</Expiration></Credentials><AssumedRoleUser><AssumedRoleId>AROALOCKBOXLOCALCALLER:${escapeXml(
    sessionName,
  )}</AssumedRoleId><Arn>arn:aws:sts::${account}:assumed-role/${escapeXml(roleName)}/${escapeXml(
    sessionName,
  )}</Arn></AssumedRoleUser></AssumeRoleResult><ResponseMetadata><RequestId>${randomUUID()}</RequestId></ResponseMetadata></AssumeRoleResponse>`;
}

function errorXml(error: StsError): string {
  const type = error.status >= 500 ? 'Receiver' : 'Sender';
  return `<ErrorResponse xmlns="${NAMESPACE}"><Error><Type>${type}</Type><Code>${escapeXml(
    error.code,
  )}</Code><Message>${escapeXml(error.message)}</Message></Error><RequestId>${randomUUID()}</RequestId></ErrorResponse>`;
}

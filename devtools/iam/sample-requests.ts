import { USER_RECORDS_PREFIX } from '../../contract/bucket-layout';
import type { Route, S3Scope } from '../../contract/routes';
import {
  type IdentityId,
  identityIdOf,
  uploadPlanFolder,
  userFolder,
  zipFolder,
} from '../../handlers/lib/files/keys';
import { transferRequestKey } from '../../handlers/lib/transfers/jobs';
import type { JobRef } from '../../handlers/lib/zip/jobs/job-keys';
import { ACCOUNT } from './terraform-policies';

/** One request: what it asks for, on which ARN, with which context keys; `describe` is its table cell. */
export interface Request {
  readonly action: string;
  readonly resource: string;
  readonly describe: string;
  readonly context: Readonly<Record<string, string>>;
}

/** An S3 object, or the bucket listed with a prefix. */
export type S3Target = { readonly key: string } | { readonly prefix: string };

export interface SampleWorld {
  readonly region: string;
  readonly bucket: string;
  readonly tableArn: string;
  readonly executionArn: string;
  readonly stage: string;
}

const LISTINGS = new Set(['s3:ListBucket', 's3:ListBucketVersions']);

/**
 * The requests of the table, in a fixed world: identities A and B of the stack's region, a zip job of A,
 * keys built by the handlers' own key functions (so a moved folder moves the rows), over TLS 1.3 unless a
 * row says otherwise.
 */
export class SampleRequests {
  readonly a: IdentityId;
  readonly b: IdentityId;
  readonly jobOfA: JobRef;

  constructor(readonly world: SampleWorld) {
    this.a = identityIdOf(`${world.region}:${uuid('a')}`);
    this.b = identityIdOf(`${world.region}:${uuid('b')}`);
    this.jobOfA = { identityId: this.a, jobId: uuid('c') };
  }

  /** Another job id than A's job's. */
  readonly otherJobId = uuid('e');

  isListing(action: string): boolean {
    return LISTINGS.has(action);
  }

  /** A key of `identityId` in a scope. */
  key(scope: S3Scope, identityId: IdentityId): string {
    return {
      'user-files': `${userFolder(identityId)}notes.txt`,
      zips: `${zipFolder(identityId)}${this.jobOfA.jobId}/status.json`,
      'upload-plans': `${uploadPlanFolder(identityId)}plan.json`,
      'user-records': `${USER_RECORDS_PREFIX}${uuid('d')}.json`,
      transfers: transferRequestKey({ identityId, jobId: this.jobOfA.jobId }),
    }[scope];
  }

  /** What `action` acts on in a scope of `identityId`: a key, or its folder as a listing's prefix. */
  target(action: string, scope: S3Scope, identityId: IdentityId): S3Target {
    const key = this.key(scope, identityId);
    return this.isListing(action) ? { prefix: key.replace(/[^/]*$/, '') } : { key };
  }

  s3(action: string, target: S3Target, context: Record<string, string> = {}): Request {
    const bucketArn = `arn:aws:s3:::${this.world.bucket}`;
    return {
      action,
      resource: 'key' in target ? `${bucketArn}/${target.key}` : bucketArn,
      describe: 'key' in target ? `${action} ${target.key}` : `${action} prefix "${target.prefix}"`,
      context: {
        'aws:SecureTransport': 'true',
        's3:TlsVersion': '1.3',
        ...('prefix' in target ? { 's3:prefix': target.prefix } : {}),
        ...context,
      },
    };
  }

  /** The same request with other context keys, its cell saying how (`over HTTP`). */
  variant(request: Request, context: Record<string, string>, note: string): Request {
    return {
      ...request,
      context: { ...request.context, ...context },
      describe: `${request.describe} ${note}`,
    };
  }

  /** execute-api:Invoke on `<stage>/<METHOD>/<path>` of this stack's API. */
  invoke(path: string): Request {
    return {
      action: 'execute-api:Invoke',
      resource: `${this.world.executionArn}/${path}`,
      describe: `execute-api:Invoke ${path}`,
      context: { 'aws:SecureTransport': 'true' },
    };
  }

  /** `<stage>/<METHOD>/<path>` of a route, path parameters filled. */
  routePath(route: Route, stage = this.world.stage): string {
    return `${stage}/${route.method}${route.path.replace(/\{[^}]*\}/g, 'x')}`;
  }

  /** The same route on another API of the account. */
  onOtherApi(route: Route): Request {
    const path = this.routePath(route);
    return {
      ...this.invoke(path),
      resource: `${this.world.executionArn.replace(/[^:]+$/, 'otherapi00')}/${path}`,
      describe: `execute-api:Invoke ${path} of another API`,
    };
  }

  usageTable(action: string): Request {
    return { action, resource: this.world.tableArn, describe: `${action} usage table`, context: {} };
  }

  ownLogs(functionName: string): Request {
    const group = `arn:aws:logs:${this.world.region}:${ACCOUNT}:log-group:/aws/lambda/${functionName}`;
    return {
      action: 'logs:PutLogEvents',
      resource: `${group}:log-stream:today`,
      describe: 'logs:PutLogEvents own log group',
      context: {},
    };
  }

  /**
   * A KMS request on the bucket's key from `callerAccount`: as S3 makes it for the bucket (`via` 's3',
   * with the bucket's encryption context), as another service makes it, or called directly.
   */
  kms(action: string, keyArn: string, callerAccount: string, via?: 's3' | 'dynamodb'): Request {
    const context: Record<string, string> = { 'kms:CallerAccount': callerAccount };
    if (via !== undefined) context['kms:ViaService'] = `${via}.${this.world.region}.amazonaws.com`;
    if (via === 's3') context['kms:EncryptionContext:aws:s3:arn'] = `arn:aws:s3:::${this.world.bucket}`;
    const how = via === undefined ? 'called directly' : `via ${via === 's3' ? 'S3' : 'DynamoDB'}`;
    return { action, resource: keyArn, describe: `${action} ${how}`, context };
  }

  assumeRole(roleArn: string, roleName: string): Request {
    return {
      action: 'sts:AssumeRole',
      resource: roleArn,
      describe: `sts:AssumeRole ${roleName}`,
      context: {},
    };
  }
}

/** A fixed UUID made of one hex digit, so the table reads the same on every run. */
function uuid(digit: string): string {
  const d = digit.repeat(32);
  return `${d.slice(0, 8)}-${d.slice(8, 12)}-${d.slice(12, 16)}-${d.slice(16, 20)}-${d.slice(20)}`;
}

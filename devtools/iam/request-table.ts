import {
  CALLER_RECORD_GRANT,
  OWN_ROLE_SCOPES,
  type Route,
  type S3Grant,
  type Worker,
} from '../../contract/routes';
import type { IdentityId } from '../../handlers/lib/files/keys';
import { folderPolicy, sessionName, withBucketKey } from '../../handlers/lib/s3/caller-session';
import { type JobRef, zipArchiveKey } from '../../handlers/lib/zip/jobs/job-keys';
import { zipJobPolicy } from '../../handlers/lib/zip/jobs/session';
import { type Decision, type EvaluatedRequest, evaluate } from './evaluate';
import { type Request, SampleRequests } from './sample-requests';
import { ACCOUNT, type IamPolicy, type RoleWithPolicies, type StackPolicies } from './terraform-policies';

/**
 * The request table: for every principal a stack creates, requests it must be allowed and requests it must
 * be refused, each evaluated with AWS's logic (evaluate.ts) over the stack's synthesized policies. The
 * rows follow the route and worker tables, so a new route or grant brings its rows; the expectations say
 * what the design promises (docs/security.md), whatever the policies say.
 */

export interface Row {
  readonly principal: string;
  readonly request: string;
  readonly expected: Decision;
  readonly evaluated: EvaluatedRequest;
}

export interface EvaluatedRow extends Row {
  readonly decision: Decision;
}

/** The session policies the handlers build at run time; tests swap one to prove the table bites. */
export interface SessionPolicies {
  readonly folder: (bucket: string, identityId: IdentityId) => string;
  readonly zipJob: (bucket: string, job: JobRef) => string;
  /** Adds the bucket key's use to a session policy when the bucket has one (BUCKET_KEY_ARN). */
  readonly withKey: (policy: string, keyArn: string | undefined) => string;
}

export const HANDLER_SESSION_POLICIES: SessionPolicies = {
  folder: folderPolicy,
  zipJob: zipJobPolicy,
  withKey: withBucketKey,
};

export interface TableInput {
  readonly stack: StackPolicies;
  readonly routes: readonly Route[];
  readonly workers: readonly Worker[];
  readonly sessionPolicies?: SessionPolicies;
}

/** Who makes a request: an ARN, the role behind it, the session policy, the identity policies. */
interface Caller {
  readonly arn: string;
  readonly role?: RoleWithPolicies;
  readonly session?: string;
  /** @default the role's inline policies */
  readonly identity?: RoleWithPolicies['policies'];
}

const OTHER_ACCOUNT = '444455556666';

/** The bucket's customer-managed key, if it has one, and the key's policy as the table evaluates it. */
interface BucketKey {
  readonly arn: string;
  readonly policy: IamPolicy;
}

/**
 * The key's use S3 needs for these actions, as AWS documents it: kms:Decrypt to read an object (GetObject,
 * a copy's source) and for multipart uploads (UploadPart, Complete, ListParts); kms:GenerateDataKey to
 * write (PutObject, CreateMultipartUpload, a copy's target). HeadObject, listings and deletes need none.
 */
function keyUse(actions: readonly string[]): string[] {
  const writes = actions.includes('s3:PutObject');
  const reads =
    writes ||
    actions.some((a) => ['s3:GetObject', 's3:GetObjectVersion', 's3:ListMultipartUploadParts'].includes(a));
  return [...(reads ? ['kms:Decrypt'] : []), ...(writes ? ['kms:GenerateDataKey'] : [])];
}

/**
 * The evaluator ignores `kms:EncryptionContext:<key>` context keys (it matches variable keys only in the
 * `aws:PrincipalTag/<key>` form), so a condition on one could never hold: the table evaluates the key's
 * policy without them. test/infra/security-controls.test.ts checks that condition (this bucket only).
 */
function withoutEncryptionContext(policy: IamPolicy): IamPolicy {
  return {
    ...policy,
    Statement: policy.Statement.map((statement) => {
      if (statement.Condition === undefined) return statement;
      const condition = Object.fromEntries(
        Object.entries(statement.Condition)
          .map(([operator, keys]) => [
            operator,
            Object.fromEntries(
              Object.entries(keys).filter(([key]) => !key.toLowerCase().startsWith('kms:encryptioncontext:')),
            ),
          ])
          .filter(([, keys]) => Object.keys(keys as object).length > 0),
      );
      return { ...statement, Condition: condition };
    }),
  };
}

/** Every row of the table for one stack. */
export function requestTable(input: TableInput): Row[] {
  return new TableBuilder(input).rows;
}

/** Whether a synthesized stack is an environment's (a files bucket and an API, each with its policy). */
export function isEnvironmentStack(stack: StackPolicies): boolean {
  return filesBucketPolicies(stack).size === 1 && stack.apiPolicies().size === 1;
}

/** The bucket policies but the access-log bucket's (a target of S3 server access logs, which no role reads). */
function filesBucketPolicies(stack: StackPolicies): Map<string, IamPolicy> {
  const logTargets = new Set(
    Object.values(stack.json.resource?.aws_s3_bucket_logging ?? {}).map((block) =>
      stack.resolve((block as { target_bucket: string }).target_bucket),
    ),
  );
  return new Map([...stack.bucketPolicies()].filter(([bucket]) => !logTargets.has(bucket)));
}

class TableBuilder {
  readonly rows: Row[] = [];
  private readonly roles: Map<string, RoleWithPolicies>;
  private readonly functions: string[];
  private readonly bucket: string;
  private readonly bucketPolicy: IamPolicy;
  private readonly apiPolicy: IamPolicy;
  private readonly key?: BucketKey;
  private readonly sessions: SessionPolicies;
  private readonly sample: SampleRequests;

  constructor(private readonly input: TableInput) {
    const { stack } = input;
    this.roles = stack.roles();
    this.functions = [...stack.functionRoles().keys()];
    [this.bucket, this.bucketPolicy] = only(filesBucketPolicies(stack), 'files bucket policy');
    const [executionArn, apiPolicy] = only(stack.apiPolicies(), 'REST API policy');
    this.apiPolicy = apiPolicy;
    const keyArn = stack.bucketKeys().get(this.bucket);
    const keyPolicy = keyArn === undefined ? undefined : stack.keyPolicies().get(keyArn);
    if (keyArn !== undefined && keyPolicy !== undefined) {
      this.key = { arn: keyArn, policy: withoutEncryptionContext(keyPolicy) };
    }
    this.sessions = input.sessionPolicies ?? HANDLER_SESSION_POLICIES;
    this.sample = new SampleRequests({
      region: stack.region,
      bucket: this.bucket,
      tableArn: stack.resolve(onlyReference(stack, 'aws_dynamodb_table', 'arn')),
      executionArn,
      stage: onlyBlock(stack, 'aws_api_gateway_stage').stage_name,
    });
    for (const route of input.routes) this.route(route);
    for (const worker of input.workers) this.worker(worker);
    this.authenticated();
    this.outsiders();
  }

  private route(route: Route): void {
    const callerGrants = route.s3.filter((grant) => !OWN_ROLE_SCOPES.includes(grant.scope));
    // Every route's function also creates its callers' records (the stack adds CALLER_RECORD_GRANT).
    const own = [...route.s3.filter((grant) => OWN_ROLE_SCOPES.includes(grant.scope)), CALLER_RECORD_GRANT];
    this.functionRole(route.handler, own, route.usage ?? [], callerGrants);
    if (callerGrants.length > 0) this.callerSession(route.handler, callerGrants);
  }

  private worker(worker: Worker): void {
    const callerGrants = worker.callerS3 ?? [];
    this.functionRole(worker.handler, worker.s3, worker.usage ?? [], callerGrants);
    if (callerGrants.length === 0) return;
    // The zip workers act in a session per job (lib/zip/jobs/session.ts); the transfer worker in the
    // owner's folder session, as a route does.
    if (worker.zipJobs === true) this.jobSession(worker.handler, callerGrants);
    else this.callerSession(worker.handler, callerGrants);
  }

  /** A function's own role: its grants outside users' folders, its logs, its usage access; no user's file. */
  private functionRole(
    handler: string,
    grants: readonly S3Grant[],
    usage: readonly string[],
    callerGrants: readonly S3Grant[],
  ): void {
    const { sample } = this;
    const fn = this.functionOf(handler);
    const role = this.role(fn);
    const as: Caller = { arn: role.arn, role };
    const label = `${handler} function role`;
    for (const grant of grants) {
      for (const action of grant.actions) {
        const target = sample.target(action, grant.scope, sample.a);
        if (grant.createOnly === true) {
          const create = sample.s3(action, target, { 's3:if-none-match': '*' });
          this.add(label, as, create, 'Allowed');
          this.add(
            label,
            as,
            { ...sample.s3(action, target), describe: `${create.describe} (replacing)` },
            'ImplicitlyDenied',
          );
        } else {
          this.add(label, as, sample.s3(action, target), 'Allowed');
        }
      }
    }
    for (const grant of callerGrants) {
      for (const action of grant.actions) {
        const target = sample.target(action, grant.scope, sample.a);
        this.add(`${label}, no session`, as, sample.s3(action, target), 'ImplicitlyDenied');
      }
    }
    this.keyRows(label, as, grants);
    if (callerGrants.length > 0) {
      const caller = this.role(`${fn}-caller`);
      this.add(label, as, sample.assumeRole(caller.arn, caller.name), 'Allowed');
    }
    for (const action of usage) this.add(label, as, sample.usageTable(action), 'Allowed');
    // Only the daily usage check reads the whole table.
    if (!usage.includes('dynamodb:Scan'))
      this.add(label, as, sample.usageTable('dynamodb:Scan'), 'ImplicitlyDenied');
    this.add(label, as, sample.ownLogs(fn), 'Allowed');
  }

  /** The route's caller role, in the session its handler assumes for identity A (the folder policy). */
  private callerSession(handler: string, grants: readonly S3Grant[]): void {
    const { sample } = this;
    const { a, b } = sample;
    const role = this.role(`${this.functionOf(handler)}-caller`);
    const session = this.sessions.withKey(this.sessions.folder(this.bucket, a), this.key?.arn);
    const as: Caller = { arn: sessionArn(role, sessionName(a)), role, session };
    const label = `${handler} caller session of A`;
    this.keyRows(label, as, grants);
    // Each grant's scope: the caller's own prefix there is allowed, B's and the bucket's root are not.
    for (const grant of grants) {
      for (const action of grant.actions) {
        this.add(label, as, sample.s3(action, sample.target(action, grant.scope, a)), 'Allowed');
        this.add(label, as, sample.s3(action, sample.target(action, grant.scope, b)), 'ImplicitlyDenied');
        if (sample.isListing(action))
          this.add(label, as, sample.s3(action, { prefix: '' }), 'ImplicitlyDenied');
      }
    }
    this.add(label, as, sample.s3('s3:PutObject', { key: sample.key('zips', b) }), 'ImplicitlyDenied');
    const [
      {
        scope,
        actions: [first],
      },
    ] = grants as [S3Grant & { actions: [string] }];
    const plain = sample.variant(
      sample.s3(first, sample.target(first, scope, a)),
      { 'aws:SecureTransport': 'false' },
      'over HTTP',
    );
    this.add(label, as, plain, 'ExplicitlyDenied');
  }

  /** The worker's caller role, in the session of A's zip job (the job policy). */
  private jobSession(handler: string, grants: readonly S3Grant[]): void {
    const { sample } = this;
    const { a, b, jobOfA } = sample;
    const role = this.role(`${this.functionOf(handler)}-caller`);
    const session = this.sessions.withKey(this.sessions.zipJob(this.bucket, jobOfA), this.key?.arn);
    const as: Caller = { arn: sessionArn(role, sessionName(a)), role, session };
    const label = `${handler} job session of A`;
    this.keyRows(label, as, grants);
    const archives = [
      zipArchiveKey({ identityId: a, jobId: sample.otherJobId }),
      zipArchiveKey({ identityId: b, jobId: jobOfA.jobId }),
    ];
    // The owner's folder (read), zip area (records) and the job's archive (abort) are allowed; B's are not,
    // nor another job's archive.
    for (const grant of grants) {
      for (const action of grant.actions) {
        const aborting = action === 's3:AbortMultipartUpload';
        const own = aborting ? { key: zipArchiveKey(jobOfA) } : sample.target(action, grant.scope, a);
        this.add(label, as, sample.s3(action, own), 'Allowed');
        this.add(label, as, sample.s3(action, sample.target(action, grant.scope, b)), 'ImplicitlyDenied');
        if (aborting)
          for (const key of archives) this.add(label, as, sample.s3(action, { key }), 'ImplicitlyDenied');
      }
    }
    this.add(label, as, sample.s3('s3:PutObject', { key: sample.key('user-files', a) }), 'ImplicitlyDenied');
  }

  /** The identity pool's authenticated role: every route of this stage, nothing of another stage or API. */
  private authenticated(): void {
    const { sample } = this;
    const [first] = this.input.routes as [Route];
    for (const arn of this.input.stack.authenticatedRoles()) {
      const role = [...this.roles.values()].find((candidate) => candidate.arn === arn) as RoleWithPolicies;
      const as: Caller = { arn: sessionArn(role, 'CognitoIdentityCredentials'), role };
      const label = 'authenticated role of A';
      for (const route of this.input.routes)
        this.add(label, as, sample.invoke(sample.routePath(route)), 'Allowed');
      this.add(label, as, sample.invoke(sample.routePath(first, 'other')), 'ImplicitlyDenied');
      this.add(label, as, sample.onOtherApi(first), 'ImplicitlyDenied', undefined);
      this.add(
        label,
        as,
        sample.s3('s3:GetObject', { key: sample.key('user-files', sample.a) }),
        'ImplicitlyDenied',
      );
    }
  }

  /** Anyone else: an administrator of this account, one of another account, an anonymous caller. */
  private outsiders(): void {
    const { sample } = this;
    const [first] = this.input.routes as [Route];
    const admin: RoleWithPolicies = {
      name: 'administrator',
      arn: `arn:aws:iam::${ACCOUNT}:role/administrator`,
      policies: everything('s3'),
    };
    const foreign = { ...admin, arn: `arn:aws:iam::${OTHER_ACCOUNT}:role/administrator` };
    const read = sample.s3('s3:GetObject', { key: sample.key('user-files', sample.a) });
    const local = 'administrator of the account';
    this.add(local, { arn: admin.arn, role: admin }, read, 'Allowed');
    this.add(
      local,
      { arn: admin.arn, role: admin },
      sample.variant(read, { 'aws:SecureTransport': 'false' }, 'over HTTP'),
      'ExplicitlyDenied',
    );
    this.add(
      local,
      { arn: admin.arn, role: admin },
      sample.variant(read, { 's3:TlsVersion': '1.1' }, 'over TLS 1.1'),
      'ExplicitlyDenied',
    );
    const invoker: Caller = { arn: admin.arn, role: admin, identity: everything('execute-api') };
    this.add(local, invoker, sample.invoke(sample.routePath(first)), 'ExplicitlyDenied');
    const other = 'administrator of another account';
    this.add(other, { arn: foreign.arn, role: foreign }, read, 'ImplicitlyDenied');
    this.add(
      other,
      { arn: foreign.arn, role: foreign },
      sample.s3('s3:ListBucket', { prefix: '' }),
      'ImplicitlyDenied',
    );
    if (this.key !== undefined) {
      // An administrator reads users' files through S3 as the admin CLI does; nobody calls the key directly.
      const keyAdmin: Caller = { arn: admin.arn, role: admin, identity: everything('kms') };
      const foreignAdmin: Caller = { arn: foreign.arn, role: foreign, identity: everything('kms') };
      this.add(local, keyAdmin, sample.kms('kms:Decrypt', this.key.arn, ACCOUNT, 's3'), 'Allowed');
      this.add(local, keyAdmin, sample.kms('kms:Decrypt', this.key.arn, ACCOUNT), 'ImplicitlyDenied');
      this.add(
        other,
        foreignAdmin,
        sample.kms('kms:Decrypt', this.key.arn, OTHER_ACCOUNT, 's3'),
        'ImplicitlyDenied',
      );
    }
    const anonymous: Caller = { arn: 'anonymous' };
    this.add('anonymous', anonymous, read, 'ImplicitlyDenied');
    this.add(
      'anonymous',
      anonymous,
      sample.invoke(`${this.sample.world.stage}/OPTIONS${first.path}`),
      'Allowed',
    );
    this.add('anonymous', anonymous, sample.invoke(sample.routePath(first)), 'ExplicitlyDenied');
  }

  /**
   * With a customer-managed key on the bucket: the key's use through S3 that `grants` need, allowed, and
   * what they do not need refused; the key called directly, or through another service, refused.
   */
  private keyRows(label: string, as: Caller, grants: readonly S3Grant[]): void {
    if (this.key === undefined) return;
    const { sample } = this;
    const needed = keyUse(grants.flatMap((grant) => grant.actions));
    for (const action of ['kms:Decrypt', 'kms:GenerateDataKey']) {
      const expected = needed.includes(action) ? 'Allowed' : 'ImplicitlyDenied';
      this.add(label, as, sample.kms(action, this.key.arn, ACCOUNT, 's3'), expected);
    }
    this.add(label, as, sample.kms('kms:Decrypt', this.key.arn, ACCOUNT), 'ImplicitlyDenied');
    this.add(label, as, sample.kms('kms:Decrypt', this.key.arn, ACCOUNT, 'dynamodb'), 'ImplicitlyDenied');
  }

  /**
   * Adds a row. The resource policy is the bucket's for S3 and the API's for execute-api, unless the row
   * names another (`undefined`: a resource of somewhere else, whose policy the stack does not hold).
   */
  private add(
    principal: string,
    as: Caller,
    request: Request,
    expected: Decision,
    ...policy: [IamPolicy | undefined] | []
  ): void {
    const resourcePolicy = policy.length === 1 ? policy[0] : this.resourcePolicyOf(request.action);
    const account = /^arn:aws:[a-z]+::(\d+):/.exec(as.arn)?.[1] ?? ACCOUNT;
    this.rows.push({
      principal,
      request: request.describe,
      expected,
      evaluated: {
        principal: as.arn,
        action: request.action,
        resource: request.resource,
        resourceAccount: ACCOUNT,
        context: {
          ...(as.role === undefined
            ? {}
            : { 'aws:PrincipalArn': as.role.arn, 'aws:PrincipalAccount': account }),
          ...request.context,
        },
        identityPolicies: as.identity ?? as.role?.policies ?? [],
        ...(as.session === undefined ? {} : { sessionPolicy: JSON.parse(as.session) as IamPolicy }),
        ...(resourcePolicy === undefined ? {} : { resourcePolicy }),
      },
    });
  }

  private resourcePolicyOf(action: string): IamPolicy | undefined {
    if (action.startsWith('s3:')) return this.bucketPolicy;
    if (action.startsWith('execute-api:')) return this.apiPolicy;
    if (action.startsWith('kms:')) return this.key?.policy;
    return undefined;
  }

  private role(name: string): RoleWithPolicies {
    const role = this.roles.get(name);
    if (role === undefined) throw new Error(`No role ${name}`);
    return role;
  }

  private functionOf(handler: string): string {
    const names = this.functions.filter((name) => name.endsWith(`-${handler}`));
    if (names.length !== 1)
      throw new Error(`Expected one function for ${handler}, found ${names.join(', ')}`);
    return names[0] as string;
  }
}

/** Each row with AWS's decision. */
export async function evaluateTable(rows: readonly Row[]): Promise<EvaluatedRow[]> {
  const evaluated: EvaluatedRow[] = [];
  for (const row of rows) evaluated.push({ ...row, decision: await evaluate(row.evaluated) });
  return evaluated;
}

/** The table as Markdown: one line per request, ✔ when the decision is the expected one. */
export function tableMarkdown(title: string, rows: readonly EvaluatedRow[]): string {
  const cell = (text: string) => text.replace(/\|/g, '\\|');
  const lines = [
    `### ${title}`,
    '',
    '| principal | request | expected | decision | |',
    '| --- | --- | --- | --- | --- |',
    ...rows.map(
      (row) =>
        `| ${cell(row.principal)} | \`${cell(row.request)}\` | ${row.expected} | ${row.decision} | ${row.decision === row.expected ? '✔' : '✘'} |`,
    ),
  ];
  return `${lines.join('\n')}\n`;
}

/** The ARN of the session `name` of `role`, as STS names it. */
const sessionArn = (role: RoleWithPolicies, name: string) =>
  role.arn.replace(/^arn:aws:iam::(\d+):role\/(.*)$/, `arn:aws:sts::$1:assumed-role/$2/${name}`);

/** An administrator's identity policy: every action of a service on every resource. */
const everything = (service: string): RoleWithPolicies['policies'] => [
  {
    name: 'administrator',
    policy: {
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Action: [`${service}:*`], Resource: ['*'] }],
    },
  },
];

function only<T>(map: ReadonlyMap<string, T>, what: string): [string, T] {
  if (map.size !== 1) throw new Error(`Expected one ${what}, found ${map.size}`);
  return [...map.entries()][0] as [string, T];
}

function onlyBlock(stack: StackPolicies, type: string) {
  const blocks = Object.values(stack.json.resource?.[type] ?? {});
  if (blocks.length !== 1) throw new Error(`Expected one ${type}, found ${blocks.length}`);
  // biome-ignore lint/suspicious/noExplicitAny: Terraform JSON is untyped.
  return blocks[0] as Record<string, any>;
}

function onlyReference(stack: StackPolicies, type: string, attribute: string): string {
  const ids = Object.keys(stack.json.resource?.[type] ?? {});
  if (ids.length !== 1) throw new Error(`Expected one ${type}, found ${ids.length}`);
  return `\${${type}.${ids[0]}.${attribute}}`;
}

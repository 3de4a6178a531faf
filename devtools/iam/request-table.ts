import { USER_RECORDS_PREFIX, uploadPlanFolder, userFolder, zipFolder } from '../../handlers/lib/files/keys';
import { folderPolicy, sessionName } from '../../handlers/lib/s3/caller-session';
import { type JobRef, zipArchiveKey } from '../../handlers/lib/zip-jobs/keys';
import { zipJobPolicy } from '../../handlers/lib/zip-jobs/session';
import {
  CALLER_RECORD_GRANT,
  type Route,
  type S3Action,
  type S3Grant,
  type S3Scope,
  type Worker,
} from '../../handlers/routes';
import { type Decision, type EvaluatedRequest, evaluate } from './evaluate';
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
  readonly folder: (bucket: string, identityId: string) => string;
  readonly zipJob: (bucket: string, job: JobRef) => string;
}

export const HANDLER_SESSION_POLICIES: SessionPolicies = { folder: folderPolicy, zipJob: zipJobPolicy };

export interface TableInput {
  readonly stack: StackPolicies;
  readonly routes: readonly Route[];
  readonly workers: readonly Worker[];
  readonly sessionPolicies?: SessionPolicies;
}

/** One request: what it asks for, on which ARN, with which context keys; `describe` is its table cell. */
interface Request {
  readonly action: string;
  readonly resource: string;
  readonly describe: string;
  readonly context: Readonly<Record<string, string>>;
}

const OTHER_ACCOUNT = '444455556666';
const LISTINGS = new Set<S3Action>(['s3:ListBucket', 's3:ListBucketVersions']);
const isListing = (action: string) => LISTINGS.has(action as S3Action);

/** Every row of the table for one stack. */
export function requestTable(input: TableInput): Row[] {
  const { stack, routes, workers } = input;
  const sessions = input.sessionPolicies ?? HANDLER_SESSION_POLICIES;
  const roles = stack.roles();
  const functionRoles = stack.functionRoles();
  const [bucket, bucketPolicy] = only(stack.bucketPolicies(), 'bucket policy');
  const [executionArn, apiPolicy] = only(stack.apiPolicies(), 'REST API policy');
  const table = stack.resolve(onlyReference(stack, 'aws_dynamodb_table', 'arn'));
  const stage = onlyBlock(stack, 'aws_api_gateway_stage').stage_name as string;
  const a = `${stack.region}:${uuid('a')}`;
  const b = `${stack.region}:${uuid('b')}`;
  const jobA: JobRef = { identityId: a, jobId: uuid('c') };
  const bucketArn = `arn:aws:s3:::${bucket}`;
  const rows: Row[] = [];

  const roleNamed = (name: string): RoleWithPolicies => {
    const role = roles.get(name);
    if (role === undefined) throw new Error(`No role ${name}`);
    return role;
  };
  const functionNamed = (handler: string): string => {
    const names = [...functionRoles.keys()].filter((name) => name.endsWith(`-${handler}`));
    if (names.length !== 1)
      throw new Error(`Expected one function for ${handler}, found ${names.join(', ')}`);
    return names[0] as string;
  };
  /** A request to S3: the object `key`, or the bucket listed with `prefix`. */
  const s3 = (
    action: string,
    target: { key: string } | { prefix: string },
    extra: Record<string, string> = {},
  ) => ({
    action,
    resource: 'key' in target ? `${bucketArn}/${target.key}` : bucketArn,
    describe: 'key' in target ? `${action} ${target.key}` : `${action} prefix "${target.prefix}"`,
    context: {
      'aws:SecureTransport': 'true',
      's3:TlsVersion': '1.3',
      ...('prefix' in target ? { 's3:prefix': target.prefix } : {}),
      ...extra,
    },
  });
  const add = (
    principal: string,
    as: { arn: string; role?: RoleWithPolicies; session?: string; identity?: RoleWithPolicies['policies'] },
    request: Request,
    expected: Decision,
    resourcePolicy: IamPolicy | undefined = request.action.startsWith('s3:') ? bucketPolicy : undefined,
  ) => {
    const account = /^arn:aws:[a-z]+::(\d+):/.exec(as.arn)?.[1] ?? ACCOUNT;
    rows.push({
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
  };
  const sessionOf = (role: RoleWithPolicies, identityId: string) =>
    role.arn.replace(
      /^arn:aws:iam::(\d+):role\/(.*)$/,
      `arn:aws:sts::$1:assumed-role/$2/${sessionName(identityId)}`,
    );
  const keyIn = (scope: S3Scope, identityId: string): string =>
    ({
      'user-files': `${userFolder(identityId)}notes/today.txt`,
      zips: `${zipFolder(identityId)}${jobA.jobId}/status.json`,
      'upload-plans': `${uploadPlanFolder(identityId)}plan.json`,
      'user-records': `${USER_RECORDS_PREFIX}${uuid('d')}.json`,
    })[scope];
  const folderOf = (scope: S3Scope, identityId: string) => keyIn(scope, identityId).replace(/[^/]*$/, '');
  const target = (action: string, scope: S3Scope, identityId: string) =>
    isListing(action) ? { prefix: folderOf(scope, identityId) } : { key: keyIn(scope, identityId) };

  /** A function's own role: its grants outside users' folders, its logs, its usage access; no user's file. */
  const functionRows = (
    handler: string,
    grants: readonly S3Grant[],
    usage: readonly string[],
    callerGrants: readonly S3Grant[],
  ) => {
    const fn = functionNamed(handler);
    const role = roleNamed(fn);
    const label = `${handler} function role`;
    for (const grant of grants) {
      for (const action of grant.actions) {
        const createOnly: Record<string, string> =
          grant.createOnly === true ? { 's3:if-none-match': '*' } : {};
        add(
          label,
          { arn: role.arn, role },
          s3(action, target(action, grant.scope, a), createOnly),
          'Allowed',
        );
        if (grant.createOnly === true) {
          add(
            label,
            { arn: role.arn, role },
            {
              ...s3(action, { key: keyIn(grant.scope, a) }),
              describe: `${action} ${keyIn(grant.scope, a)} (replacing)`,
            },
            'ImplicitlyDenied',
          );
        }
      }
    }
    for (const action of new Set(callerGrants.flatMap((grant) => grant.actions))) {
      add(
        `${label}, no session`,
        { arn: role.arn, role },
        s3(action, target(action, 'user-files', a)),
        'ImplicitlyDenied',
      );
    }
    if (callerGrants.length > 0) {
      const callerRole = roleNamed(`${fn}-caller`);
      const assume = {
        action: 'sts:AssumeRole',
        resource: callerRole.arn,
        describe: `sts:AssumeRole ${callerRole.name}`,
        context: {},
      };
      add(label, { arn: role.arn, role }, assume, 'Allowed');
    }
    for (const action of usage) {
      add(
        label,
        { arn: role.arn, role },
        { action, resource: table, describe: `${action} usage table`, context: {} },
        'Allowed',
      );
    }
    const scan = {
      action: 'dynamodb:Scan',
      resource: table,
      describe: 'dynamodb:Scan usage table',
      context: {},
    };
    add(label, { arn: role.arn, role }, scan, 'ImplicitlyDenied');
    const stream = `arn:aws:logs:${stack.region}:${ACCOUNT}:log-group:/aws/lambda/${fn}:log-stream:today`;
    add(
      label,
      { arn: role.arn, role },
      {
        action: 'logs:PutLogEvents',
        resource: stream,
        describe: 'logs:PutLogEvents own log group',
        context: {},
      },
      'Allowed',
    );
  };

  for (const route of routes) {
    const callerGrants = route.s3.filter((grant) => grant.scope === 'user-files');
    // Every route's function also creates its callers' records (the stack adds CALLER_RECORD_GRANT).
    const own = [...route.s3.filter((grant) => grant.scope !== 'user-files'), CALLER_RECORD_GRANT];
    functionRows(route.handler, own, route.usage ?? [], callerGrants);
    if (callerGrants.length === 0) continue;
    // The caller role, in the session the handler assumes for identity A (its folder policy).
    const role = roleNamed(`${functionNamed(route.handler)}-caller`);
    const as = { arn: sessionOf(role, a), role, session: sessions.folder(bucket, a) };
    const label = `${route.handler} caller session of A`;
    const actions = [...new Set(callerGrants.flatMap((grant) => grant.actions))];
    for (const action of actions) {
      add(label, as, s3(action, target(action, 'user-files', a)), 'Allowed');
      add(label, as, s3(action, target(action, 'user-files', b)), 'ImplicitlyDenied');
      if (isListing(action)) add(label, as, s3(action, { prefix: '' }), 'ImplicitlyDenied');
    }
    add(label, as, s3('s3:PutObject', { key: keyIn('zips', b) }), 'ImplicitlyDenied');
    const first = actions[0] as string;
    const plain = s3(first, target(first, 'user-files', a), { 'aws:SecureTransport': 'false' });
    add(label, as, { ...plain, describe: `${plain.describe} over HTTP` }, 'ExplicitlyDenied');
  }

  for (const worker of workers) {
    const callerGrants = worker.callerS3 ?? [];
    functionRows(worker.handler, worker.s3, worker.usage ?? [], callerGrants);
    if (callerGrants.length === 0) continue;
    // The caller role, in the session of A's zip job (its job policy).
    const role = roleNamed(`${functionNamed(worker.handler)}-caller`);
    const as = { arn: sessionOf(role, a), role, session: sessions.zipJob(bucket, jobA) };
    const label = `${worker.handler} job session of A`;
    const archive = zipArchiveKey(jobA);
    const otherJob = zipArchiveKey({ identityId: a, jobId: uuid('e') });
    const archiveOfB = zipArchiveKey({ identityId: b, jobId: jobA.jobId });
    for (const grant of callerGrants) {
      for (const action of grant.actions) {
        if (grant.scope === 'user-files') {
          add(label, as, s3(action, target(action, 'user-files', a)), 'Allowed');
          add(label, as, s3(action, target(action, 'user-files', b)), 'ImplicitlyDenied');
        } else {
          add(label, as, s3(action, { key: archive }), 'Allowed');
          add(label, as, s3(action, { key: otherJob }), 'ImplicitlyDenied');
          add(label, as, s3(action, { key: archiveOfB }), 'ImplicitlyDenied');
        }
      }
    }
    add(label, as, s3('s3:PutObject', { key: keyIn('user-files', a) }), 'ImplicitlyDenied');
  }

  // The identity pool's authenticated role: every route of this stage, nothing of another stage or API.
  const invoke = (path: string): Request => ({
    action: 'execute-api:Invoke',
    resource: `${executionArn}/${path}`,
    describe: `execute-api:Invoke ${path}`,
    context: { 'aws:SecureTransport': 'true' },
  });
  const routePath = (route: Route) => `${route.method}${route.path.replace(/\{[^}]*\}/g, 'x')}`;
  for (const authenticated of stack.authenticatedRoles()) {
    const role = [...roles.values()].find((candidate) => candidate.arn === authenticated) as RoleWithPolicies;
    const as = { arn: sessionOf(role, 'CognitoIdentityCredentials'), role };
    const label = 'authenticated role of A';
    for (const route of routes) add(label, as, invoke(`${stage}/${routePath(route)}`), 'Allowed', apiPolicy);
    const sample = routePath(routes[0] as Route);
    add(label, as, invoke(`other/${sample}`), 'ImplicitlyDenied', apiPolicy);
    const otherApi = {
      ...invoke(`${stage}/${sample}`),
      resource: `${executionArn.replace(/[^:]+$/, 'otherapi00')}/${stage}/${sample}`,
      describe: `execute-api:Invoke ${stage}/${sample} of another API`,
    };
    add(label, as, otherApi, 'ImplicitlyDenied');
    add(label, as, s3('s3:GetObject', { key: keyIn('user-files', a) }), 'ImplicitlyDenied');
  }

  // Anyone else: an administrator of this account, another account, an anonymous caller.
  const everything = (service: string): RoleWithPolicies['policies'] => [
    {
      name: 'administrator',
      policy: {
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Action: [`${service}:*`], Resource: ['*'] }],
      },
    },
  ];
  const admin = {
    name: 'administrator',
    arn: `arn:aws:iam::${ACCOUNT}:role/administrator`,
    trust: { Version: '2012-10-17' as const, Statement: [] },
    policies: everything('s3'),
  };
  const foreign = { ...admin, arn: `arn:aws:iam::${OTHER_ACCOUNT}:role/administrator` };
  const fileOfA = keyIn('user-files', a);
  add(
    'administrator of the account',
    { arn: admin.arn, role: admin },
    s3('s3:GetObject', { key: fileOfA }),
    'Allowed',
  );
  add(
    'administrator of the account',
    { arn: admin.arn, role: admin },
    {
      ...s3('s3:GetObject', { key: fileOfA }, { 'aws:SecureTransport': 'false' }),
      describe: `s3:GetObject ${fileOfA} over HTTP`,
    },
    'ExplicitlyDenied',
  );
  add(
    'administrator of the account',
    { arn: admin.arn, role: admin },
    {
      ...s3('s3:GetObject', { key: fileOfA }, { 's3:TlsVersion': '1.1' }),
      describe: `s3:GetObject ${fileOfA} over TLS 1.1`,
    },
    'ExplicitlyDenied',
  );
  add(
    'administrator of the account',
    { arn: admin.arn, role: admin, identity: everything('execute-api') },
    invoke(`${stage}/${routePath(routes[0] as Route)}`),
    'ExplicitlyDenied',
    apiPolicy,
  );
  add(
    'administrator of another account',
    { arn: foreign.arn, role: foreign },
    s3('s3:GetObject', { key: fileOfA }),
    'ImplicitlyDenied',
  );
  add(
    'administrator of another account',
    { arn: foreign.arn, role: foreign },
    s3('s3:ListBucket', { prefix: '' }),
    'ImplicitlyDenied',
  );
  add('anonymous', { arn: 'anonymous' }, s3('s3:GetObject', { key: fileOfA }), 'ImplicitlyDenied');
  add('anonymous', { arn: 'anonymous' }, invoke(`${stage}/OPTIONS${routes[0]?.path}`), 'Allowed', apiPolicy);
  add(
    'anonymous',
    { arn: 'anonymous' },
    invoke(`${stage}/${routePath(routes[0] as Route)}`),
    'ExplicitlyDenied',
    apiPolicy,
  );
  return rows;
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

/** A fixed UUID made of one hex digit, so the table reads the same on every run. */
function uuid(digit: string): string {
  const d = digit.repeat(32);
  return `${d.slice(0, 8)}-${d.slice(8, 12)}-${d.slice(12, 16)}-${d.slice(16, 20)}-${d.slice(20)}`;
}

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

/** Whether a synthesized stack is an environment's (a bucket and an API, each with its policy). */
export function isEnvironmentStack(stack: StackPolicies): boolean {
  return stack.bucketPolicies().size === 1 && stack.apiPolicies().size === 1;
}

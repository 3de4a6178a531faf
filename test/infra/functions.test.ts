import { expect } from 'chai';
import { CALLER_RECORD_GRANT, OWN_ROLE_SCOPES, type Route, routes, workers } from '../../contract/routes';
import { BUCKET_KEY_ARN, settings } from '../../contract/settings';
import { bundleCode, type Statement, type Synthesized, synth, synthDev } from './synthesized';

/** A table exercising what the real one may not have yet: both scopes, object actions, a path parameter. */
const richRoutes: Route[] = [
  {
    method: 'GET',
    path: '/zips/{id}',
    handler: 'list-files',
    s3: [
      { scope: 'zips', actions: ['s3:GetObject', 's3:ListBucket'] },
      { scope: 'user-files', actions: ['s3:GetObject', 's3:PutObject', 's3:AbortMultipartUpload'] },
    ],
  },
];

/** Where each scope lives, per DESIGN.md: `<identity id>/` (ids start with the region), `zip/`, `uploads/`, `users/`. */
const SCOPE_PREFIX = {
  'user-files': 'eu-west-1:',
  zips: 'zip/',
  'upload-plans': 'uploads/',
  'user-records': 'users/',
  transfers: 'transfers/',
} as const;

for (const [tableName, table, synthesize] of [
  ['the route table', routes, synthDev],
  ['a table with both scopes and a path parameter', richRoutes, () => synth({ routes: richRoutes })],
] as const) {
  describe(`HandlerFunction, for ${tableName}`, () => {
    let stack: Synthesized;
    before(() => {
      stack = synthesize();
    });

    it('creates one function per route (and per worker)', () => {
      const handlers = [...table, ...workers];
      expect(stack.resources('aws_lambda_function').map(([, fn]) => fn.function_name)).to.have.members(
        handlers.map(({ handler }) => `lockbox-dev-${handler}`),
      );
    });

    it('runs every function on Node 22, arm64, from its bundle', () => {
      for (const route of [...table, ...workers]) {
        const fn = stack.lambda(`lockbox-dev-${route.handler}`);
        expect(fn.runtime).to.equal('nodejs22.x');
        expect(fn.architectures).to.deep.equal(['arm64']);
        expect(fn.handler).to.equal('index.handler');
        expect(fn.filename).to.match(new RegExp(`^assets/.+/${route.handler}\\.zip$`));
        expect(fn.source_code_hash).to.match(/^[A-Za-z0-9+/]{43}=$/);
      }
    });

    it('gives every route the bucket and the allowed origins', () => {
      for (const route of table) {
        expect(stack.lambda(`lockbox-dev-${route.handler}`).environment.variables).to.include({
          BUCKET_NAME: stack.ref('aws_s3_bucket', 'bucket'),
          ALLOWED_ORIGINS: 'http://localhost:5173',
        });
      }
    });

    it('gives every function a role of its own', () => {
      const roles = table.map((route) => stack.lambda(`lockbox-dev-${route.handler}`).role);
      expect(new Set(roles).size).to.equal(table.length);
      for (const role of roles) {
        const [, block] = stack.deref(role);
        const [trust] = stack.statements(block.assume_role_policy);
        expect(trust?.principals).to.deep.equal([{ type: 'Service', identifiers: ['lambda.amazonaws.com'] }]);
      }
    });

    it('logs to its own log group, with a retention, and may write there only', () => {
      for (const route of [...table, ...workers]) {
        const fn = stack.lambda(`lockbox-dev-${route.handler}`);
        const [logGroupAddress, logGroup] = stack.deref(fn.logging_config.log_group);
        expect(logGroup.name).to.equal(`/aws/lambda/lockbox-dev-${route.handler}`);
        expect(logGroup.retention_in_days).to.equal(14);
        const logs = stack
          .roleStatements(fn.role)
          .filter((s) => s.actions?.some((a) => a.startsWith('logs:')));
        expect(logs).to.have.length(1);
        expect(logs[0]?.actions).to.have.members(['logs:CreateLogStream', 'logs:PutLogEvents']);
        expect(logs[0]?.resources).to.deep.equal([`\${${logGroupAddress}.arn}:*`]);
      }
    });

    it("allows each function exactly its table entry's S3 actions, on exactly its scopes' keys", () => {
      const bucketArn = stack.ref('aws_s3_bucket', 'arn');
      const isRoute = (entry: Route | (typeof workers)[number]) => table.includes(entry as Route);
      for (const route of [...table, ...workers]) {
        const s3 = stack
          .roleStatements(stack.lambda(`lockbox-dev-${route.handler}`).role)
          .filter((s) => s.actions?.some((a) => a.startsWith('s3:')));
        const granted = s3.flatMap((s) => (s.actions ?? []).flatMap((a) => grantsOf(s, a)));
        // Every route's function also records its callers (create-only); the workers serve no caller.
        // A route reaches users' files, zip area and upload plans only through its caller role (below).
        const grants = isRoute(route)
          ? [...route.s3.filter((g) => OWN_ROLE_SCOPES.includes(g.scope)), CALLER_RECORD_GRANT]
          : route.s3;
        const expected = expectedGrants(bucketArn, grants);
        expect(granted, route.handler).to.have.members(expected);
        expect(granted).to.have.length(expected.length);
        expect(s3.every((s) => s.effect === 'Allow')).to.equal(true);
      }
    });

    it("gives no function role S3 access to the zip area, upload plans or users' files: only its caller role has it", () => {
      const bucketArn = stack.ref('aws_s3_bucket', 'arn');
      for (const entry of [...table, ...workers]) {
        const granted = stack
          .roleStatements(stack.lambda(`lockbox-dev-${entry.handler}`).role)
          .filter((s) => s.actions?.some((a) => a.startsWith('s3:')))
          .flatMap((s) => (s.actions ?? []).flatMap((a) => grantsOf(s, a)));
        // The daily usage check acts for no caller: it lists every user's versions (names and sizes, never
        // their bytes) to recount usage. That one listing grant is its own, checked in usage.test.ts.
        if (entry.handler === 'usage-reconciler') {
          expect(granted).to.deep.equal([
            `s3:ListBucketVersions on ${bucketArn} if s3:prefix StringLike eu-west-1:*`,
          ]);
          continue;
        }
        for (const prefix of ['zip/', 'uploads/', 'eu-west-1:']) {
          expect(
            granted.filter(
              (grant) => grant.includes(`${bucketArn}/${prefix}`) || grant.includes(` ${prefix}*`),
            ),
            `${entry.handler} ${prefix}`,
          ).to.deep.equal([]);
        }
        expect(
          granted.filter((grant) => grant.includes(`on ${bucketArn} `)),
          entry.handler,
        ).to.deep.equal([]);
      }
    });

    it("gives each function that reaches users' data a caller role with exactly those grants, assumable by its function alone", () => {
      const bucketArn = stack.ref('aws_s3_bucket', 'arn');
      // A route's grants but the records', a worker's callerS3 (the zip jobs' work).
      const callerGrantsOf = (entry: Route | (typeof workers)[number]) =>
        'method' in entry
          ? entry.s3.filter((g) => !OWN_ROLE_SCOPES.includes(g.scope))
          : (entry.callerS3 ?? []);
      for (const route of [...table, ...workers]) {
        const fn = stack.lambda(`lockbox-dev-${route.handler}`);
        const callerGrants = callerGrantsOf(route);
        const callerRole: string | undefined = fn.environment.variables.CALLER_ROLE_ARN;
        const assume = stack.roleStatements(fn.role).filter((s) => s.actions?.includes('sts:AssumeRole'));
        if (callerGrants.length === 0) {
          expect(callerRole, route.handler).to.equal(undefined);
          expect(assume).to.deep.equal([]);
          continue;
        }
        const [, role] = stack.deref(callerRole as string);
        expect(role.name).to.equal(`lockbox-dev-${route.handler}-caller`);
        expect(role.max_session_duration).to.equal(3600);
        expect(stack.statements(role.assume_role_policy)).to.deep.equal([
          {
            effect: 'Allow',
            actions: ['sts:AssumeRole'],
            principals: [{ type: 'AWS', identifiers: [fn.role] }],
          },
        ]);
        const granted = stack
          .roleStatements(callerRole as string)
          .flatMap((s) => (s.actions ?? []).flatMap((a) => grantsOf(s, a)));
        const expected = expectedGrants(bucketArn, callerGrants);
        expect(granted, route.handler).to.have.members(expected);
        expect(granted).to.have.length(expected.length);
        expect(assume).to.deep.equal([
          { effect: 'Allow', actions: ['sts:AssumeRole'], resources: [callerRole] },
        ]);
      }
    });
  });
}

describe('function settings', () => {
  let stack: Synthesized;
  before(() => {
    stack = synthDev();
  });

  const settingNames = settings.map((setting) => setting.variable);

  it('binds each setting to exactly the functions whose code reads it', () => {
    for (const { handler } of [...routes, ...workers]) {
      const fn = stack.lambda(`lockbox-dev-${handler}`);
      const code = bundleCode(stack, fn.filename);
      // Dev has no customer-managed key: BUCKET_KEY_ARN, read where sessions are assumed, stays unset
      // (security-controls.test.ts checks it where the key is on).
      const read = settingNames.filter(
        (name) => code.includes(`"${name}"`) && name !== BUCKET_KEY_ARN.variable,
      );
      // Process settings are read by Node and glibc, not by the handler's code.
      const processSettings = Object.keys(processEnvironment(handler));
      const variables = Object.keys(fn.environment.variables).filter(
        (name) => !processSettings.includes(name),
      );
      expect(variables, handler).to.have.members(read);
    }
  });

  it('passes the limits under the names and values the handlers read', () => {
    const variables = (handler: string) => stack.lambda(`lockbox-dev-${handler}`).environment.variables;
    expect(variables('create-zip')).to.include({
      ZIP_MAX_FILES: '10000',
      ZIP_MAX_BYTES: String(20 * 1024 ** 3),
    });
    expect(variables('put-file')).to.include({ PUT_FILE_MAX_BYTES: String(4 * 1024 ** 2) });
    expect(variables('create-upload')).to.include({
      UPLOAD_MAX_FILE_BYTES: String(5 * 1024 ** 3),
      UPLOAD_MULTIPART_THRESHOLD_BYTES: String(16 * 1024 ** 2),
      UPLOAD_PART_BYTES: String(16 * 1024 ** 2),
    });
  });

  it("gives every route this stack's identity pool id, whose callers alone it serves", () => {
    for (const { handler } of routes) {
      expect(stack.lambda(`lockbox-dev-${handler}`).environment.variables, handler).to.include({
        IDENTITY_POOL_ID: stack.ref('aws_cognito_identity_pool', 'id'),
      });
    }
  });

  it('keeps the workers off the browser settings (they answer no browser)', () => {
    for (const { handler } of workers) {
      const fn = stack.lambda(`lockbox-dev-${handler}`);
      expect(fn.environment.variables).to.deep.equal({
        BUCKET_NAME: stack.ref('aws_s3_bucket', 'bucket'),
        ...(handler === 'usage-recorder' || handler === 'usage-reconciler'
          ? { USAGE_TABLE_NAME: stack.ref('aws_dynamodb_table', 'name') }
          : {}),
        ...processEnvironment(handler),
        // The worker fails a job that waited too long in its queue (handlers/lib/zip/jobs/job-records.ts).
        ...(handler === 'zip-worker' ? { ZIP_QUEUE_TIMEOUT_SECONDS: '3600' } : {}),
        // The zip jobs' caller roles: every call runs in a session scoped to the job's owner.
        ...(handler === 'zip-worker' || handler === 'zip-failed'
          ? { CALLER_ROLE_ARN: fn.environment.variables.CALLER_ROLE_ARN }
          : {}),
        // The transfer worker copies in the owner's caller session and holds each copy in their quota.
        ...(handler === 'transfer-worker'
          ? {
              CALLER_ROLE_ARN: fn.environment.variables.CALLER_ROLE_ARN,
              USAGE_TABLE_NAME: stack.ref('aws_dynamodb_table', 'name'),
              QUOTA_BYTES: '10737418240',
            }
          : {}),
      });
    }
  });

  it("runs the zip worker's Node process with the settings the benchmark measures, and only it", () => {
    expect(stack.lambda('lockbox-dev-zip-worker').environment.variables).to.include({
      NODE_OPTIONS: '--max-semi-space-size=2 --max-old-space-size=922',
      MALLOC_MMAP_THRESHOLD_: '1048576',
    });
    for (const { handler } of routes) {
      expect(stack.lambda(`lockbox-dev-${handler}`).environment.variables, handler).not.to.have.any.keys(
        'NODE_OPTIONS',
        'MALLOC_MMAP_THRESHOLD_',
      );
    }
  });
});

const processEnvironment = (handler: string) =>
  workers.find((worker) => worker.handler === handler)?.processEnvironment ?? {};

/** The grants of the table, in the words of grantsOf. */
function expectedGrants(bucketArn: string, grants: readonly Route['s3'][number][]): string[] {
  return grants.flatMap((grant) =>
    grant.actions.map((action) =>
      action === 's3:ListBucket' || action === 's3:ListBucketVersions'
        ? `${action} on ${bucketArn} if s3:prefix StringLike ${SCOPE_PREFIX[grant.scope]}*`
        : `${action} on ${bucketArn}/${SCOPE_PREFIX[grant.scope]}*${grant.createOnly ? ' if s3:if-none-match Null false' : ''}`,
    ),
  );
}

/** A statement's grant of one action, in words, with its condition: comparable across tables. */
function grantsOf(statement: Statement, action: string): string[] {
  const condition = statement.condition ?? [];
  return (statement.resources ?? []).map((resource) =>
    condition.length === 0
      ? `${action} on ${resource}`
      : `${action} on ${resource} if ${condition.map((c) => `${c.variable} ${c.test} ${c.values.join('|')}`).join(' and ')}`,
  );
}

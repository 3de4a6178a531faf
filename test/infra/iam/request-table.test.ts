import { expect } from 'chai';
import { routes, workers } from '../../../contract/routes';
import {
  type EvaluatedRow,
  evaluateTable,
  HANDLER_SESSION_POLICIES,
  requestTable,
  type SessionPolicies,
} from '../../../devtools/iam/request-table';
import { StackPolicies } from '../../../devtools/iam/terraform-policies';
import { environmentConfig } from '../../../stacks/environments';
import { type Synthesized, synth, synthDev } from '../synthesized';

const mismatches = (rows: readonly EvaluatedRow[]) =>
  rows
    .filter((row) => row.decision !== row.expected)
    .map((row) => `${row.principal}: ${row.request} → ${row.decision}`);

async function table(
  sessionPolicies?: SessionPolicies,
  stack: Synthesized = synthDev(),
): Promise<EvaluatedRow[]> {
  return evaluateTable(
    requestTable({ stack: new StackPolicies(stack.json), routes, workers, sessionPolicies }),
  );
}

describe('IAM: the request table, as AWS evaluates it', () => {
  let rows: EvaluatedRow[];
  before(async function () {
    // A synth and a few hundred evaluations: slow on a loaded machine, not a measure of anything.
    this.timeout(180_000);
    rows = await table();
  });

  it('decides every row as expected', () => {
    expect(rows.length).to.be.greaterThan(200);
    expect(mismatches(rows)).to.deep.equal([]);
  });

  it('holds the requests the design rests on', () => {
    const find = (principal: RegExp, request: RegExp) =>
      rows
        .filter((row) => principal.test(row.principal) && request.test(row.request))
        .map((row) => row.decision);
    // A's caller session: B's files, the bucket root, B's zip area.
    expect(find(/^get-file caller session of A$/, /^s3:GetObject eu-west-1:b/)).to.deep.equal([
      'ImplicitlyDenied',
    ]);
    expect(find(/^list-files caller session of A$/, /^s3:ListBucket prefix ""$/)).to.deep.equal([
      'ImplicitlyDenied',
    ]);
    expect(find(/^put-file caller session of A$/, /^s3:PutObject zip\/eu-west-1:b/)).to.deep.equal([
      'ImplicitlyDenied',
    ]);
    expect(find(/^get-file function role, no session$/, /^s3:GetObject eu-west-1:a/)).to.deep.equal([
      'ImplicitlyDenied',
    ]);
    expect(find(/^authenticated role of A$/, /^execute-api:Invoke other\//)).to.deep.equal([
      'ImplicitlyDenied',
    ]);
    expect(find(/^authenticated role of A$/, /of another API$/)).to.deep.equal(['ImplicitlyDenied']);
    expect(find(/^administrator of another account$/, /^s3:GetObject/)).to.deep.equal(['ImplicitlyDenied']);
    expect(find(/^usage-recorder function role$/, /^dynamodb:UpdateItem/)).to.deep.equal(['Allowed']);
    expect(find(/^zip-worker job session of A$/, /^s3:GetObject eu-west-1:b/)).to.deep.equal([
      'ImplicitlyDenied',
    ]);
    // Every route and every worker has rows.
    for (const { handler } of [...routes, ...workers]) {
      expect(rows.some((row) => row.principal.startsWith(`${handler} `))).to.equal(true, handler);
    }
  });

  it('fails when a caller session policy is widened to the whole bucket', async function () {
    this.timeout(180_000);
    const wholeBucket: SessionPolicies = {
      ...HANDLER_SESSION_POLICIES,
      folder: (bucket, identityId) =>
        HANDLER_SESSION_POLICIES.folder(bucket, identityId).replaceAll(`${identityId}/*`, '*'),
    };
    const widened = mismatches(await table(wholeBucket));
    expect(widened).to.include(
      'get-file caller session of A: s3:GetObject eu-west-1:bbbbbbbb-bbbb-bbbb-bbbb-bbbbbbbbbbbb/notes.txt → Allowed',
    );
    expect(
      widened.every((line) => line.includes(' caller session of A: ') && line.endsWith('→ Allowed')),
    ).to.equal(true);
  });

  it("fails when the zip job's session policy names the owner's whole bucket", async function () {
    this.timeout(180_000);
    const anyFolder: SessionPolicies = {
      ...HANDLER_SESSION_POLICIES,
      zipJob: (bucket, job) =>
        HANDLER_SESSION_POLICIES.zipJob(bucket, job).replaceAll(`${job.identityId}/*`, '*'),
    };
    expect(mismatches(await table(anyFolder))).to.include(
      'zip-worker job session of A: s3:GetObject eu-west-1:bbbbbbbb-bbbb-bbbb-bbbb-bbbbbbbbbbbb/notes.txt → Allowed',
    );
  });

  describe('with the files bucket under the customer-managed key (prod)', () => {
    let prod: Synthesized;
    let prodRows: EvaluatedRow[];
    before(async function () {
      this.timeout(300_000);
      prod = synth({ config: environmentConfig('prod') });
      prodRows = await table(undefined, prod);
    });

    const decisions = (principal: string, request: string) =>
      prodRows
        .filter((row) => row.principal === principal && row.request === request)
        .map((row) => row.decision);

    it('decides every row as expected, key rows included', () => {
      expect(mismatches(prodRows)).to.deep.equal([]);
      expect(prodRows.filter((row) => row.request.startsWith('kms:')).length).to.be.greaterThan(100);
    });

    it('lets each session use the key only through S3, as far as its role needs it', () => {
      expect(decisions('get-file caller session of A', 'kms:Decrypt via S3')).to.deep.equal(['Allowed']);
      expect(decisions('get-file caller session of A', 'kms:GenerateDataKey via S3')).to.deep.equal([
        'ImplicitlyDenied',
      ]);
      expect(decisions('get-file caller session of A', 'kms:Decrypt called directly')).to.deep.equal([
        'ImplicitlyDenied',
      ]);
      expect(decisions('zip-worker job session of A', 'kms:GenerateDataKey via S3')).to.deep.equal([
        'Allowed',
      ]);
      expect(decisions('list-files caller session of A', 'kms:Decrypt via S3')).to.deep.equal([
        'ImplicitlyDenied',
      ]);
      expect(decisions('administrator of the account', 'kms:Decrypt via S3')).to.deep.equal(['Allowed']);
      expect(decisions('administrator of the account', 'kms:Decrypt called directly')).to.deep.equal([
        'ImplicitlyDenied',
      ]);
      expect(decisions('administrator of another account', 'kms:Decrypt via S3')).to.deep.equal([
        'ImplicitlyDenied',
      ]);
    });

    it("fails when a session policy lacks the key's statement: the role alone is not enough", async function () {
      this.timeout(300_000);
      const withoutKey: SessionPolicies = { ...HANDLER_SESSION_POLICIES, withKey: (policy) => policy };
      const missing = mismatches(await table(withoutKey, prod));
      expect(missing).to.include('get-file caller session of A: kms:Decrypt via S3 → ImplicitlyDenied');
      expect(missing).to.include(
        'zip-worker job session of A: kms:GenerateDataKey via S3 → ImplicitlyDenied',
      );
      expect(missing.every((line) => / (caller|job) session of A: kms:/.test(line))).to.equal(true);
    });
  });
});

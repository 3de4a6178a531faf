import { expect } from 'chai';
import { type EnvironmentConfig, environmentConfig, environments } from '../../stacks/environments';
import { type Block, type Synthesized, synth, synthDev } from './synthesized';

const dev = environments.dev as EnvironmentConfig;
const preview: EnvironmentConfig = { ...dev, name: 'pr42', preventDestroy: false };

/** Every statement of every policy document in the stack. */
function allStatements(stack: Synthesized): Block[] {
  return Object.values(stack.json.data?.aws_iam_policy_document as Record<string, Block>).flatMap(
    (doc) => doc.statement,
  );
}

describe('LockboxStack', () => {
  let stack: Synthesized;
  let throwaway: Synthesized;
  before(() => {
    stack = synthDev();
    throwaway = synth({ config: preview });
  });

  it('outputs what the frontend and the platform team need', () => {
    expect(stack.json.output).to.deep.equal({
      region: { value: 'eu-west-1' },
      user_pool_id: { value: stack.ref('aws_cognito_user_pool', 'id') },
      user_pool_client_id: { value: stack.ref('aws_cognito_user_pool_client', 'id') },
      identity_pool_id: { value: stack.ref('aws_cognito_identity_pool', 'id') },
      api_url: { value: stack.ref('aws_api_gateway_stage', 'invoke_url') },
      bucket_name: { value: stack.ref('aws_s3_bucket', 'bucket') },
      alarm_topic_arn: { value: stack.ref('aws_sns_topic', 'arn') },
      usage_table_name: { value: stack.ref('aws_dynamodb_table', 'name') },
    });
  });

  it("deploys to the environment's region", () => {
    expect(stack.json.provider.aws).to.deep.equal([
      { region: 'eu-west-1', default_tags: [{ tags: { project: 'lockbox', environment: 'dev' } }] },
    ]);
  });

  it('keeps state in a local file at a relative path (same JSON on every machine)', () => {
    expect(stack.json.terraform.backend).to.deep.equal({
      local: { path: '../../../terraform.lockbox-test.tfstate' },
    });
  });

  it('keeps state in S3 with a lockfile when the platform team provides a bucket', () => {
    const s3 = synth({ stateBucket: { bucket: 'platform-state' } });
    expect(s3.json.terraform.backend).to.deep.equal({
      s3: {
        bucket: 'platform-state',
        key: 'lockbox/lockbox-test/terraform.tfstate',
        region: 'eu-west-1',
        encrypt: true,
        use_lockfile: true,
      },
    });
  });

  it('grants no "*" action anywhere, and no wildcard action in any Allow', () => {
    const statements = allStatements(stack);
    expect(statements.length).to.be.greaterThan(0);
    for (const statement of statements) {
      expect(statement.actions, JSON.stringify(statement)).to.not.include('*');
      if (statement.effect !== 'Deny') {
        for (const action of statement.actions) expect(action, JSON.stringify(statement)).to.not.include('*');
      }
    }
  });

  it('guards the user pool, identity pool and bucket against destroy', () => {
    for (const type of ['aws_cognito_user_pool', 'aws_cognito_identity_pool', 'aws_s3_bucket']) {
      expect(stack.only(type).lifecycle, type).to.deep.equal({ prevent_destroy: true });
    }
    expect(stack.only('aws_s3_bucket').force_destroy).to.equal(false);
  });

  it('lets a throwaway preview be destroyed when its config says so', () => {
    for (const type of ['aws_cognito_user_pool', 'aws_cognito_identity_pool', 'aws_s3_bucket']) {
      expect(throwaway.only(type).lifecycle, type).to.deep.equal({ prevent_destroy: false });
    }
    expect(throwaway.only('aws_cognito_user_pool').deletion_protection).to.equal('INACTIVE');
  });

  it('prefixes resource names with the environment, but never construct ids', () => {
    const addresses = (s: Synthesized) =>
      Object.entries(s.json.resource).flatMap(([type, byName]) =>
        Object.keys(byName as Block).map((n) => `${type}.${n}`),
      );
    expect(addresses(throwaway)).to.have.members(addresses(stack));
    expect(throwaway.only('aws_api_gateway_rest_api').name).to.equal('lockbox-pr42-api');
    expect(throwaway.only('aws_cognito_user_pool').name).to.equal('lockbox-pr42-users');
  });

  it('leaves the account-wide API Gateway logging role to the account stack', () => {
    expect(stack.resources('aws_api_gateway_account')).to.have.length(0);
    expect(stack.resources('aws_iam_role').map(([, role]) => role.name)).not.to.include.members([
      'lockbox-apigateway-logs-eu-west-1',
    ]);
  });

  it('refuses to deploy into another account than the one the environment names', () => {
    expect(stack.json.provider.aws[0].allowed_account_ids).to.equal(undefined);
    const pinned = synth({ config: { ...dev, accountId: '123456789012' } });
    expect(pinned.json.provider.aws[0].allowed_account_ids).to.deep.equal(['123456789012']);
  });

  it('keeps state where the environment says, unless the platform team overrides it', () => {
    const state = { bucket: 'dev-state', region: 'eu-central-1' };
    const own = synth({ config: { ...dev, state } });
    expect(own.json.terraform.backend.s3).to.include({ bucket: 'dev-state', region: 'eu-central-1' });
    const overridden = synth({ config: { ...dev, state }, stateBucket: { bucket: 'platform-state' } });
    expect(overridden.json.terraform.backend.s3).to.include({
      bucket: 'platform-state',
      region: 'eu-west-1',
    });
  });

  it('refuses two routes served by the same handler (each route has its own function and role)', () => {
    const route = { method: 'GET', path: '/files', handler: 'list-files', s3: [] } as const;
    expect(() => synth({ routes: [route, { ...route, path: '/other' }] })).to.throw(/more than one route/);
  });

  it('synthesizes byte-identical output twice in a row', () => {
    const first = synth();
    const second = synth();
    expect([...second.files.keys()]).to.deep.equal([...first.files.keys()]);
    for (const [path, content] of first.files) {
      expect(second.files.get(path)?.equals(content), path).to.equal(true);
    }
  });
});

describe('environmentConfig', () => {
  it('knows dev and prod', () => {
    expect(environmentConfig('dev').name).to.equal('dev');
    expect(environmentConfig('prod').name).to.equal('prod');
  });

  it('refuses an unknown environment instead of synthesizing a default', () => {
    expect(() => environmentConfig('staging')).to.throw(/Unknown environment "staging"/);
    expect(() => environmentConfig('constructor')).to.throw(/Unknown environment/);
  });

  it('refuses a name unfit for resource names and a retention CloudWatch does not offer', () => {
    expect(() => synth({ config: { ...dev, name: 'Dev_1' } })).to.throw(/Environment name/);
    expect(() => synth({ config: { ...dev, logRetentionDays: 10 } })).to.throw(/logRetentionDays/);
  });

  it('refuses a region, account id or alarm address that cannot be right', () => {
    expect(() => synth({ config: { ...dev, region: 'Ireland' } })).to.throw(/not an AWS region/);
    expect(() => synth({ config: { ...dev, accountId: '1234' } })).to.throw(/12 digits/);
    expect(() => synth({ config: { ...dev, alarmEmail: 'ops at example.com' } })).to.throw(/e-mail/);
  });

  it("refuses '*' or anything but a plain origin in allowedOrigins", () => {
    for (const origin of ['*', 'https://*.example.com', "https://a.com'", 'https://a.com/', 'a.com']) {
      expect(() => synth({ config: { ...dev, allowedOrigins: [origin] } }), origin).to.throw(/not an origin/);
    }
  });
});

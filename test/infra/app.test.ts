import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import { projectRoot } from '../../modules/project-root';
import { type EnvironmentConfig, environmentConfig, environments } from '../../stacks/environments';
import { type Synthesized, type SynthesizedApp, synthStacks } from './synthesized';

const dev = environments.dev as EnvironmentConfig;
const prod = environments.prod as EnvironmentConfig;

/** Stacks whose API stage writes access or execution logs, which needs the account's CloudWatch role. */
function logsThroughApiGateway(stack: Synthesized): boolean {
  const stageLogs = stack.resources('aws_api_gateway_stage').some(([, stage]) => stage.access_log_settings);
  const executionLogs = stack
    .resources('aws_api_gateway_method_settings')
    .some(([, settings]) => (settings.settings.logging_level ?? 'OFF') !== 'OFF');
  return stageLogs || executionLogs;
}

const holdsAccountSetting = (stack: Synthesized) => stack.resources('aws_api_gateway_account').length > 0;
const regionOf = (stack: Synthesized): string => stack.json.provider.aws[0].region;

describe('the app: every stack in one synth', () => {
  let app: SynthesizedApp;
  before(() => {
    // What main.ts builds: every environment of the table, checked.
    app = synthStacks({ environments: Object.keys(environments).map(environmentConfig) });
  });

  it("writes every environment's stack and one account stack for their region", () => {
    expect([...app.stacks.keys()]).to.have.members([
      'lockbox-account-eu-west-1',
      'lockbox-dev',
      'lockbox-prod',
    ]);
  });

  it('holds aws_api_gateway_account in exactly one stack, which creates nothing else but its role', () => {
    const holders = [...app.stacks].filter(([, stack]) => holdsAccountSetting(stack));
    expect(holders.map(([name]) => name)).to.deep.equal(['lockbox-account-eu-west-1']);
    const account = app.only('lockbox-account-eu-west-1');
    expect(Object.keys(account.json.resource)).to.have.members([
      'aws_api_gateway_account',
      'aws_iam_role',
      'aws_iam_role_policy_attachment',
    ]);
    const setting = account.only('aws_api_gateway_account');
    const [roleAddress, role] = account.deref(setting.cloudwatch_role_arn);
    expect(role.name).to.equal('lockbox-apigateway-logs-eu-west-1');
    expect(account.statements(role.assume_role_policy)[0]?.principals).to.deep.equal([
      { type: 'Service', identifiers: ['apigateway.amazonaws.com'] },
    ]);
    const [attachmentName, attachment] = account.resources('aws_iam_role_policy_attachment')[0] as [
      string,
      never,
    ];
    expect(attachment).to.include({
      role: `\${${roleAddress}.name}`,
      policy_arn: 'arn:aws:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs',
    });
    // API Gateway checks the role's permissions when the setting is saved.
    expect(setting.depends_on).to.deep.equal([`aws_iam_role_policy_attachment.${attachmentName}`]);
  });

  it('makes every stack with stage logging depend on the account stack of its region', () => {
    const logging = [...app.stacks].filter(([, stack]) => logsThroughApiGateway(stack));
    expect(logging.map(([name]) => name)).to.have.members(['lockbox-dev', 'lockbox-prod']);
    for (const [name, stack] of logging) {
      const accountStacks = (app.dependencies.get(name) ?? []).filter((dependency) =>
        holdsAccountSetting(app.only(dependency)),
      );
      expect(accountStacks, name).to.have.length(1);
      expect(regionOf(app.only(accountStacks[0] as string)), name).to.equal(regionOf(stack));
    }
    expect(app.dependencies.get('lockbox-account-eu-west-1')).to.deep.equal([]);
  });

  it('reserves no concurrency in any environment by default', () => {
    for (const [name, stack] of app.stacks) {
      for (const [, fn] of stack.resources('aws_lambda_function')) {
        expect(fn.reserved_concurrent_executions, `${name} ${fn.function_name}`).to.equal(undefined);
      }
    }
  });

  it('has the sizes docs/operations.md states: resources and alarms of each stack', () => {
    const doc = readFileSync(join(projectRoot(), 'docs/operations.md'), 'utf8');
    const stated = new Map(
      [...doc.matchAll(/^\| `(lockbox-[a-z0-9-]+)` +\| (\d+) +\| (\d+) +\|$/gm)].map(
        ([, name, resources, alarms]) => [name, { resources: Number(resources), alarms: Number(alarms) }],
      ),
    );
    const synthesized = new Map(
      [...app.stacks].map(([name, stack]) => [
        name,
        {
          resources: Object.values(stack.json.resource ?? {}).reduce<number>(
            (sum, byName) => sum + Object.keys(byName as object).length,
            0,
          ),
          alarms: stack.resources('aws_cloudwatch_metric_alarm').length,
        },
      ]),
    );
    expect(Object.fromEntries(stated)).to.deep.equal(Object.fromEntries(synthesized));
  });

  it('keeps every state in a local file of its own by default', () => {
    for (const [name, stack] of app.stacks) {
      expect(stack.json.terraform.backend, name).to.deep.equal({
        local: { path: `../../../terraform.${name}.tfstate` },
      });
    }
  });
});

describe('the app: account stacks follow the environments', () => {
  it('gives each region its own account stack, and each environment the one of its region', () => {
    const us = { ...prod, region: 'us-east-1' };
    const app = synthStacks({ environments: [dev, us] });
    expect([...app.stacks.keys()]).to.have.members([
      'lockbox-account-eu-west-1',
      'lockbox-account-us-east-1',
      'lockbox-dev',
      'lockbox-prod',
    ]);
    expect(app.dependencies.get('lockbox-dev')).to.deep.equal(['lockbox-account-eu-west-1']);
    expect(app.dependencies.get('lockbox-prod')).to.deep.equal(['lockbox-account-us-east-1']);
    const usAccount = app.only('lockbox-account-us-east-1');
    expect(regionOf(usAccount)).to.equal('us-east-1');
    expect(usAccount.only('aws_iam_role').name).to.equal('lockbox-apigateway-logs-us-east-1');
  });

  it('gives each named account its own account stack, which deploys only there', () => {
    const app = synthStacks({
      environments: [
        { ...dev, accountId: '111111111111' },
        { ...prod, accountId: '222222222222' },
      ],
    });
    const account = app.only('lockbox-account-222222222222-eu-west-1');
    expect(account.json.provider.aws[0].allowed_account_ids).to.deep.equal(['222222222222']);
    expect(app.dependencies.get('lockbox-prod')).to.deep.equal(['lockbox-account-222222222222-eu-west-1']);
    expect(app.dependencies.get('lockbox-dev')).to.deep.equal(['lockbox-account-111111111111-eu-west-1']);
  });

  it('refuses account ids on some environments only (their account stacks could not be told apart)', () => {
    expect(() => synthStacks({ environments: [{ ...dev, accountId: '111111111111' }, prod] })).to.throw(
      /accountId is set on some environments but not on prod/,
    );
  });

  it("keeps an account stack's state with its first environment's, and moves all with the override", () => {
    const own = synthStacks({
      environments: [
        { ...dev, state: { bucket: 'acme-tf-state' } },
        { ...prod, state: { bucket: 'acme-prod-state' } },
      ],
    });
    expect(own.only('lockbox-account-eu-west-1').json.terraform.backend.s3).to.deep.equal({
      bucket: 'acme-tf-state',
      key: 'lockbox/lockbox-account-eu-west-1/terraform.tfstate',
      region: 'eu-west-1',
      encrypt: true,
      use_lockfile: true,
    });
    expect(own.only('lockbox-prod').json.terraform.backend.s3.bucket).to.equal('acme-prod-state');
    const overridden = synthStacks({
      environments: [{ ...dev, state: { bucket: 'acme-tf-state' } }, prod],
      stateOverride: { bucket: 'platform' },
    });
    for (const [name, stack] of overridden.stacks) {
      expect(stack.json.terraform.backend.s3, name).to.include({
        bucket: 'platform',
        key: `lockbox/${name}/terraform.tfstate`,
      });
    }
  });

  // From CI or a second clone, a stack whose state stayed in a local file starts empty and its apply
  // fails on names that exist (the account stack's logging role first).
  it('keeps no stack in local state while another uses S3, or refuses to synth naming LOCKBOX_STATE_BUCKET', () => {
    const state = { bucket: 'acme-tf-state' };
    for (const environments of [
      [dev, { ...prod, state }],
      [{ ...dev, state }, prod],
    ]) {
      const names = environments.map((config) => `${config.name}: ${config.state?.bucket ?? 'local'}`);
      let app: SynthesizedApp | undefined;
      try {
        app = synthStacks({ environments });
      } catch (error) {
        expect((error as Error).message, names.join(', ')).to.match(/LOCKBOX_STATE_BUCKET/);
        continue;
      }
      const kinds = [...app.stacks].map(
        ([name, stack]) => `${name}: ${Object.keys(stack.json.terraform.backend)}`,
      );
      expect(new Set(kinds.map((kind) => kind.split(': ')[1])).size, kinds.join(', ')).to.equal(1);
    }
  });
});

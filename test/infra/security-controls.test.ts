import { expect } from 'chai';
import { COUNTED_COMMON_RULES } from '../../modules/stage-web-acl';
import {
  type EnvironmentConfig,
  environmentConfig,
  environments,
  validateEnvironment,
} from '../../stacks/environments';
import { type Block, type Synthesized, synth } from './synthesized';

const dev = environments.dev as EnvironmentConfig;

// Each control of stacks/security-controls.ts: on in production by default, off elsewhere, and each
// environment may switch it (docs/operations.md, "Security controls").
describe('security controls', () => {
  let prod: Synthesized;
  let plain: Synthesized;
  before(() => {
    prod = synth({ config: environmentConfig('prod') });
    plain = synth({ config: dev });
  });

  const functions = (s: Synthesized) => s.resources('aws_lambda_function').map(([, fn]) => fn);

  describe('WAF web ACL on the stage', () => {
    it('is on in production: a rate limit per IP, AWS common and known-bad-inputs rules, on this stage', () => {
      const acl = prod.only('aws_wafv2_web_acl');
      expect(acl.scope).to.equal('REGIONAL');
      expect(acl.default_action).to.deep.equal({ allow: {} });
      const [perIp, common, badInputs] = acl.rule as Block[];
      expect(perIp?.action).to.deep.equal({ block: {} });
      expect(perIp?.statement.rate_based_statement).to.include({ aggregate_key_type: 'IP', limit: 2000 });
      expect(common?.statement.managed_rule_group_statement).to.include({
        vendor_name: 'AWS',
        name: 'AWSManagedRulesCommonRuleSet',
      });
      // Only the rules our bodies and keys trip by design are counted instead of blocked.
      expect(
        common?.statement.managed_rule_group_statement.rule_action_override.map((o: Block) => [
          o.name,
          o.action_to_use,
        ]),
      ).to.deep.equal(COUNTED_COMMON_RULES.map((name) => [name, { count: {} }]));
      expect(badInputs?.statement.managed_rule_group_statement).to.deep.equal({
        vendor_name: 'AWS',
        name: 'AWSManagedRulesKnownBadInputsRuleSet',
      });
      for (const rule of acl.rule as Block[]) {
        expect(rule.visibility_config.cloudwatch_metrics_enabled, rule.name).to.equal(true);
      }
      const association = prod.only('aws_wafv2_web_acl_association');
      expect(association.resource_arn).to.equal(prod.ref('aws_api_gateway_stage', 'arn'));
      expect(association.web_acl_arn).to.equal(prod.ref('aws_wafv2_web_acl', 'arn'));
    });

    it('is off elsewhere unless switched on, and production may switch it off', () => {
      expect(plain.resources('aws_wafv2_web_acl')).to.have.length(0);
      const on = synth({ config: { ...dev, controls: { waf: true } } });
      expect(on.resources('aws_wafv2_web_acl_association')).to.have.length(1);
      const off = synth({ config: { ...environmentConfig('prod'), controls: { waf: false } } });
      expect(off.resources('aws_wafv2_web_acl')).to.have.length(0);
    });
  });

  describe('X-Ray active tracing', () => {
    it('is on in production for the stage and every function, each allowed to send traces only', () => {
      expect(prod.only('aws_api_gateway_stage').xray_tracing_enabled).to.equal(true);
      expect(functions(prod)).to.not.be.empty;
      for (const fn of functions(prod)) {
        expect(fn.tracing_config, fn.function_name).to.deep.equal({ mode: 'Active' });
        const xray = prod
          .roleStatements(fn.role)
          .filter((s) => s.actions?.some((a) => a.startsWith('xray:')));
        expect(xray, fn.function_name).to.have.length(1);
        expect(xray[0]?.actions).to.have.members(['xray:PutTraceSegments', 'xray:PutTelemetryRecords']);
      }
    });

    it('is off elsewhere: no tracing, no X-Ray permission', () => {
      expect(plain.only('aws_api_gateway_stage').xray_tracing_enabled).to.equal(false);
      for (const fn of functions(plain)) {
        expect(fn.tracing_config, fn.function_name).to.equal(undefined);
        expect(plain.roleStatements(fn.role).flatMap((s) => s.actions ?? [])).to.not.include(
          'xray:PutTraceSegments',
        );
      }
    });
  });

  describe('S3 server access logs', () => {
    it('logs the files bucket into a locked-down bucket of its own that only S3 log delivery writes', () => {
      const logging = prod.only('aws_s3_bucket_logging');
      const buckets = prod.resources('aws_s3_bucket');
      expect(buckets).to.have.length(2);
      const files = buckets.find(([, b]) => b.bucket_prefix === 'lockbox-prod-files-') as [string, Block];
      const logs = buckets.find(([, b]) => b.bucket_prefix === 'lockbox-prod-access-logs-') as [
        string,
        Block,
      ];
      expect(logging.bucket).to.equal(`\${aws_s3_bucket.${files[0]}.id}`);
      expect(logging.target_bucket).to.equal(`\${aws_s3_bucket.${logs[0]}.id}`);
      const logsId = `\${aws_s3_bucket.${logs[0]}.id}`;
      const policy = prod
        .resources('aws_s3_bucket_policy')
        .map(([, p]) => p)
        .find((p) => p.bucket === logsId) as Block;
      const [delivery, ...denies] = prod.statements(policy.policy);
      expect(delivery).to.deep.include({
        effect: 'Allow',
        principals: [{ type: 'Service', identifiers: ['logging.s3.amazonaws.com'] }],
        actions: ['s3:PutObject'],
      });
      expect(delivery?.condition?.find((c) => c.variable === 'aws:SourceArn')?.values).to.deep.equal([
        `\${aws_s3_bucket.${files[0]}.arn}`,
      ]);
      expect(denies.map((s) => s.effect)).to.deep.equal(['Deny', 'Deny']);
      for (const type of [
        'aws_s3_bucket_public_access_block',
        'aws_s3_bucket_ownership_controls',
        'aws_s3_bucket_server_side_encryption_configuration',
      ]) {
        expect(
          prod.resources(type).map(([, r]) => r.bucket),
          type,
        ).to.include(logsId);
      }
      const lifecycle = prod
        .resources('aws_s3_bucket_lifecycle_configuration')
        .map(([, l]) => l)
        .find((l) => l.bucket === logsId) as Block;
      expect(lifecycle.rule[0].expiration[0].days).to.equal(365);
    });

    it('is off elsewhere unless switched on', () => {
      expect(plain.resources('aws_s3_bucket_logging')).to.have.length(0);
      expect(plain.resources('aws_s3_bucket')).to.have.length(1);
    });
  });

  describe('customer-managed KMS key', () => {
    it('encrypts the usage table, the alarm topic and every log group in production, rotated yearly', () => {
      const key = prod.only('aws_kms_key');
      expect(key).to.include({ enable_key_rotation: true, deletion_window_in_days: 30 });
      const keyArn = prod.ref('aws_kms_key', 'arn');
      expect(prod.only('aws_dynamodb_table').server_side_encryption).to.deep.equal({
        enabled: true,
        kms_key_arn: keyArn,
      });
      expect(prod.only('aws_sns_topic').kms_master_key_id).to.equal(keyArn);
      const groups = prod.resources('aws_cloudwatch_log_group');
      expect(groups).to.not.be.empty;
      for (const [, group] of groups) expect(group.kms_key_id, group.name).to.equal(keyArn);
    });

    it('lets administrators manage the key but not use it, and each service use it for this environment only', () => {
      const statements = prod.statements(prod.only('aws_kms_key').policy);
      const sid = (name: string) => statements.find((s) => s.sid === name);
      const data = ['kms:Encrypt', 'kms:Decrypt', 'kms:GenerateDataKey'];
      for (const action of data) expect(sid('AccountAdministers')?.actions).to.not.include(action);
      expect(sid('DynamoDbTablesOfThisAccount')?.condition).to.deep.include({
        test: 'StringEquals',
        variable: 'kms:ViaService',
        values: ['dynamodb.eu-west-1.amazonaws.com'],
      });
      const logs = sid('LogGroupsOfThisEnvironment');
      expect(logs?.principals).to.deep.equal([
        { type: 'Service', identifiers: ['logs.eu-west-1.amazonaws.com'] },
      ]);
      const context = logs?.condition?.find((c) => c.variable === 'kms:EncryptionContext:aws:logs:arn');
      expect(context?.test).to.equal('ArnLike');
      // Every log group of the stack falls under one of the patterns, each `<prefix>*`.
      const prefixes = (context?.values ?? []).map((arn) => {
        expect(arn).to.match(/^arn:aws:logs:eu-west-1:\$\{[^}]+\}:log-group:[^*]+\*$/);
        return arn.slice(arn.indexOf(':log-group:') + ':log-group:'.length, -1);
      });
      for (const [, group] of prod.resources('aws_cloudwatch_log_group')) {
        expect(
          prefixes.some((prefix) => group.name.startsWith(prefix)),
          group.name,
        ).to.equal(true);
      }
      expect(sid('AlarmsPublishToTheTopic')?.principals).to.deep.equal([
        { type: 'Service', identifiers: ['cloudwatch.amazonaws.com'] },
      ]);
    });

    it('is off elsewhere: AWS-managed encryption', () => {
      expect(plain.resources('aws_kms_key')).to.have.length(0);
      expect(plain.only('aws_dynamodb_table').server_side_encryption).to.deep.equal({ enabled: true });
    });
  });

  describe('Cognito threat protection and log retention', () => {
    it('enforces threat protection in production (Plus plan) and leaves it off elsewhere by default', () => {
      expect(prod.only('aws_cognito_user_pool')).to.deep.include({
        user_pool_tier: 'PLUS',
        user_pool_add_ons: { advanced_security_mode: 'ENFORCED' },
      });
      expect(plain.only('aws_cognito_user_pool').user_pool_add_ons).to.deep.equal({
        advanced_security_mode: 'OFF',
      });
    });

    it('keeps every production log group a year or more, and refuses less', () => {
      for (const [, group] of prod.resources('aws_cloudwatch_log_group')) {
        expect(group.retention_in_days, group.name).to.be.at.least(365);
      }
      expect(() => validateEnvironment({ ...environmentConfig('prod'), logRetentionDays: 90 })).to.throw(
        /365 days or more/,
      );
    });
  });
});

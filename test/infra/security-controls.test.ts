import { expect } from 'chai';
import { CALLER_RECORD_GRANT, OWN_ROLE_SCOPES, routes, type S3Grant, workers } from '../../contract/routes';
import { COUNTED_COMMON_RULES } from '../../modules/stage-web-acl';
import {
  type EnvironmentConfig,
  environmentConfig,
  environments,
  validateEnvironment,
} from '../../stacks/environments';
import { type Block, bundleCode, type Synthesized, synth } from './synthesized';

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

    const filesBucket = (s: Synthesized) =>
      s.resources('aws_s3_bucket').find(([, b]) => b.bucket_prefix.endsWith('-files-')) as [string, Block];
    const encryptionOf = (s: Synthesized, bucketId: string) =>
      s
        .resources('aws_s3_bucket_server_side_encryption_configuration')
        .find(([, e]) => e.bucket === `\${aws_s3_bucket.${bucketId}.id}`)?.[1].rule;

    it('encrypts the files bucket with the key and S3 Bucket Keys; the access-log bucket stays SSE-S3', () => {
      const [files] = filesBucket(prod);
      expect(encryptionOf(prod, files)).to.deep.equal([
        {
          apply_server_side_encryption_by_default: {
            sse_algorithm: 'aws:kms',
            kms_master_key_id: prod.ref('aws_kms_key', 'arn'),
          },
          bucket_key_enabled: true,
        },
      ]);
      // S3 log delivery supports SSE-S3 targets only (docs/operations.md, "Security controls").
      const [logs] = prod
        .resources('aws_s3_bucket')
        .find(([, b]) => b.bucket_prefix.includes('access-logs')) as [string, Block];
      expect(encryptionOf(prod, logs)).to.deep.equal([
        { apply_server_side_encryption_by_default: { sse_algorithm: 'AES256' } },
      ]);
    });

    it("lets this account's principals use the key through S3 in its region, for the files bucket only", () => {
      const statements = prod.statements(prod.only('aws_kms_key').policy);
      const s3 = statements.filter((s) =>
        s.condition?.some((c) => c.values.some((v) => v.startsWith('s3.'))),
      );
      expect(s3).to.have.length(1);
      const [files] = filesBucket(prod);
      const bucketArn = `\${aws_s3_bucket.${files}.arn}`;
      const account = /^\$\{data\.aws_caller_identity\.[\w-]+\.account_id\}$/;
      expect(s3[0]).to.deep.include({
        effect: 'Allow',
        actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
        resources: ['*'],
      });
      const [root] = s3[0]?.principals?.[0]?.identifiers ?? [];
      expect(s3[0]?.principals?.[0]?.type).to.equal('AWS');
      expect(root?.replace(/^arn:aws:iam::(.*):root$/, '$1')).to.match(account);
      const condition = (variable: string) => s3[0]?.condition?.find((c) => c.variable === variable);
      expect(condition('kms:ViaService')).to.deep.equal({
        test: 'StringEquals',
        variable: 'kms:ViaService',
        values: ['s3.eu-west-1.amazonaws.com'],
      });
      expect(condition('kms:CallerAccount')?.values[0]).to.match(account);
      // With S3 Bucket Keys the encryption context is the bucket's ARN (an object's without them).
      expect(condition('kms:EncryptionContext:aws:s3:arn')).to.deep.equal({
        test: 'StringLike',
        variable: 'kms:EncryptionContext:aws:s3:arn',
        values: [bucketArn, `${bucketArn}/*`],
      });
      expect(s3[0]?.condition).to.have.length(3);
    });

    it('refuses writes that ask for another encryption or key, never a write that asks for none', () => {
      const [files] = filesBucket(prod);
      const policy = prod
        .resources('aws_s3_bucket_policy')
        .find(([, p]) => p.bucket === `\${aws_s3_bucket.${files}.id}`)?.[1] as Block;
      const denies = prod.statements(policy.policy).filter((s) => s.actions?.includes('s3:PutObject'));
      const keyArn = prod.ref('aws_kms_key', 'arn');
      // Each applies only when its header is present (Null false): presigned URLs send no SSE header.
      expect(denies.map((s) => [s.effect, s.condition])).to.deep.equal([
        [
          'Deny',
          [
            { test: 'Null', variable: 's3:x-amz-server-side-encryption', values: ['false'] },
            { test: 'StringNotEquals', variable: 's3:x-amz-server-side-encryption', values: ['aws:kms'] },
          ],
        ],
        [
          'Deny',
          [
            { test: 'Null', variable: 's3:x-amz-server-side-encryption-aws-kms-key-id', values: ['false'] },
            {
              test: 'StringNotEquals',
              variable: 's3:x-amz-server-side-encryption-aws-kms-key-id',
              values: [keyArn],
            },
          ],
        ],
      ]);
    });

    it('gives every role that reads or writes objects the key use its actions need, through S3 only', () => {
      // AWS: reading an SSE-KMS object needs kms:Decrypt; writing kms:GenerateDataKey, and a multipart
      // upload kms:Decrypt too (parts, Complete, ListParts); HeadObject, listings and deletes neither.
      const needs = (grants: readonly S3Grant[]) => {
        const actions = grants.flatMap((grant) => grant.actions);
        const writes = actions.includes('s3:PutObject');
        const reads =
          writes ||
          actions.some((a) =>
            ['s3:GetObject', 's3:GetObjectVersion', 's3:ListMultipartUploadParts'].includes(a),
          );
        return [...(reads ? ['kms:Decrypt'] : []), ...(writes ? ['kms:GenerateDataKey'] : [])];
      };
      const keyArn = prod.ref('aws_kms_key', 'arn');
      const keyUse = (roleName: string) => {
        const [id] = prod.resources('aws_iam_role').find(([, r]) => r.name === roleName) as [string, Block];
        return prod
          .roleStatements(`\${aws_iam_role.${id}.arn}`)
          .filter((s) => s.actions?.some((a) => a.startsWith('kms:')));
      };
      const expectKeyUse = (roleName: string, grants: readonly S3Grant[]) => {
        const expected = needs(grants);
        const statements = keyUse(roleName);
        if (expected.length === 0) {
          expect(statements, roleName).to.deep.equal([]);
          return;
        }
        expect(statements, roleName).to.deep.equal([
          {
            effect: 'Allow',
            actions: expected,
            resources: [keyArn],
            condition: [
              { test: 'StringEquals', variable: 'kms:ViaService', values: ['s3.eu-west-1.amazonaws.com'] },
            ],
          },
        ]);
      };
      for (const route of routes) {
        const own = route.s3.filter((grant) => OWN_ROLE_SCOPES.includes(grant.scope));
        expectKeyUse(`lockbox-prod-${route.handler}`, [...own, CALLER_RECORD_GRANT]);
        const callers = route.s3.filter((grant) => !OWN_ROLE_SCOPES.includes(grant.scope));
        if (callers.length > 0) expectKeyUse(`lockbox-prod-${route.handler}-caller`, callers);
      }
      for (const worker of workers) {
        expectKeyUse(`lockbox-prod-${worker.handler}`, worker.s3);
        if (worker.callerS3 !== undefined)
          expectKeyUse(`lockbox-prod-${worker.handler}-caller`, worker.callerS3);
      }
      // Spot checks of the table above: the zip worker's job sessions read and write.
      expect(keyUse('lockbox-prod-zip-worker-caller')[0]?.actions).to.deep.equal([
        'kms:Decrypt',
        'kms:GenerateDataKey',
      ]);
      expect(keyUse('lockbox-prod-list-files-caller')).to.deep.equal([]);
    });

    it('tells exactly the functions that assume caller sessions the key, for their session policies', () => {
      const keyArn = prod.ref('aws_kms_key', 'arn');
      for (const [, fn] of prod.resources('aws_lambda_function')) {
        const variables = fn.environment.variables;
        const code = bundleCode(prod, fn.filename);
        expect(variables.BUCKET_KEY_ARN, fn.function_name).to.equal(
          code.includes('"BUCKET_KEY_ARN"') ? keyArn : undefined,
        );
        // Only functions with a caller role read it.
        expect(variables.BUCKET_KEY_ARN === undefined, fn.function_name).to.equal(
          variables.CALLER_ROLE_ARN === undefined,
        );
      }
    });

    it('is off elsewhere: AWS-managed encryption, SSE-S3 files, no KMS permission, no key variable', () => {
      expect(plain.resources('aws_kms_key')).to.have.length(0);
      expect(plain.only('aws_dynamodb_table').server_side_encryption).to.deep.equal({ enabled: true });
      expect(plain.only('aws_s3_bucket_server_side_encryption_configuration').rule).to.deep.equal([
        { apply_server_side_encryption_by_default: { sse_algorithm: 'AES256' } },
      ]);
      expect(plain.statements(plain.only('aws_s3_bucket_policy').policy)).to.have.length(2);
      for (const [, policy] of plain.resources('aws_iam_role_policy')) {
        const actions = plain.statements(policy.policy).flatMap((s) => s.actions ?? []);
        expect(
          actions.filter((a) => a.startsWith('kms:')),
          policy.name,
        ).to.deep.equal([]);
      }
      for (const [, fn] of plain.resources('aws_lambda_function')) {
        expect(fn.environment.variables, fn.function_name).to.not.have.property('BUCKET_KEY_ARN');
      }
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

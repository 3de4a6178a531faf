import { createHash } from 'node:crypto';

/**
 * The IAM policies of one synthesized stack (its cdk.tf.json), as AWS would hold them once applied: every
 * `aws_iam_policy_document` turned into policy JSON, with each Terraform reference replaced by the
 * realistic value Terraform would put there (ARNs in a stand-in account). Nothing here is applied; the
 * checks (policy-check.ts) and the request table (request-table.ts) read policies through this.
 */

// biome-ignore lint/suspicious/noExplicitAny: Terraform JSON is untyped; an unknown reference fails below.
export type TerraformJson = Record<string, any>;

/** A policy in IAM's JSON grammar. */
export interface IamPolicy {
  readonly Version: '2012-10-17';
  readonly Statement: IamStatement[];
}

export interface IamStatement {
  Sid?: string;
  Effect: 'Allow' | 'Deny';
  Action?: string[];
  NotAction?: string[];
  Resource?: string[];
  NotResource?: string[];
  Principal?: '*' | Record<string, string[]>;
  Condition?: Record<string, Record<string, string[]>>;
}

/** The account every resolved ARN names: AWS's documentation account. */
export const ACCOUNT = '111122223333';

/** A role with its inline policies. */
export interface RoleWithPolicies {
  readonly name: string;
  readonly arn: string;
  readonly policies: readonly { readonly name: string; readonly policy: IamPolicy }[];
}

export class StackPolicies {
  readonly region: string;

  constructor(readonly json: TerraformJson) {
    this.region = json.provider?.aws?.[0]?.region ?? 'us-east-1';
  }

  /** Every policy document of the stack, by its data source's name. */
  documents(): Map<string, IamPolicy> {
    const documents = new Map<string, IamPolicy>();
    for (const [name, block] of Object.entries(this.json.data?.aws_iam_policy_document ?? {})) {
      documents.set(name, this.document(block as TerraformJson));
    }
    return documents;
  }

  /** Every role, by name, with its inline policies. */
  roles(): Map<string, RoleWithPolicies> {
    const roles = new Map<string, RoleWithPolicies>();
    const inline = this.resources('aws_iam_role_policy').map(([, policy]) => policy);
    for (const [id, role] of this.resources('aws_iam_role')) {
      const name = role.name as string;
      const mine = inline.filter((policy) =>
        [`\${aws_iam_role.${id}.id}`, `\${aws_iam_role.${id}.name}`].includes(policy.role),
      );
      roles.set(name, {
        name,
        arn: this.resolve(`\${aws_iam_role.${id}.arn}`),
        policies: mine.map((policy) => ({
          name: policy.name as string,
          policy: this.policyAt(policy.policy),
        })),
      });
    }
    return roles;
  }

  /** The bucket policies, by bucket name. */
  bucketPolicies(): Map<string, IamPolicy> {
    const policies = new Map<string, IamPolicy>();
    for (const [, block] of this.resources('aws_s3_bucket_policy')) {
      policies.set(this.resolve(block.bucket), this.policyAt(block.policy));
    }
    return policies;
  }

  /** The KMS keys' policies, by key ARN. */
  keyPolicies(): Map<string, IamPolicy> {
    const policies = new Map<string, IamPolicy>();
    for (const [id, block] of this.resources('aws_kms_key')) {
      policies.set(this.resolve(`\${aws_kms_key.${id}.arn}`), this.policyAt(block.policy));
    }
    return policies;
  }

  /** The KMS key each bucket encrypted with SSE-KMS uses by default, by bucket name. */
  bucketKeys(): Map<string, string> {
    const keys = new Map<string, string>();
    for (const [, block] of this.resources('aws_s3_bucket_server_side_encryption_configuration')) {
      const defaults = block.rule?.[0]?.apply_server_side_encryption_by_default;
      if (defaults?.sse_algorithm === 'aws:kms') {
        keys.set(this.resolve(block.bucket), this.resolve(defaults.kms_master_key_id));
      }
    }
    return keys;
  }

  /** The REST APIs' resource policies, by execution ARN. */
  apiPolicies(): Map<string, IamPolicy> {
    const policies = new Map<string, IamPolicy>();
    for (const [, block] of this.resources('aws_api_gateway_rest_api_policy')) {
      const executionArn = this.resolve(block.rest_api_id.replace(/\.id\}$/, '.execution_arn}'));
      policies.set(executionArn, this.policyAt(block.policy));
    }
    return policies;
  }

  /** The role a Lambda function runs as, by function name. */
  functionRoles(): Map<string, string> {
    const roles = new Map<string, string>();
    for (const [, fn] of this.resources('aws_lambda_function')) {
      roles.set(fn.function_name, this.resolve(fn.role));
    }
    return roles;
  }

  /** The authenticated roles of the identity pools (their ARNs). */
  authenticatedRoles(): string[] {
    return this.resources('aws_cognito_identity_pool_roles_attachment')
      .map(([, block]) => block.roles?.authenticated)
      .filter((arn): arn is string => typeof arn === 'string')
      .map((arn) => this.resolve(arn));
  }

  /** The stack's resources of one Terraform type, each with its id. */
  private resources(type: string): [id: string, block: TerraformJson][] {
    return Object.entries(this.json.resource?.[type] ?? {}) as [string, TerraformJson][];
  }

  /** The value of a string with `${…}` references, each replaced as Terraform would after apply. */
  resolve(text: string): string {
    return text.replace(/\$\{([^}]+)\}/g, (_whole, reference: string) => this.value(reference));
  }

  private policyAt(reference: unknown): IamPolicy {
    const match =
      typeof reference === 'string'
        ? /^\$\{data\.aws_iam_policy_document\.([^.}]+)\.json\}$/.exec(reference)
        : null;
    if (match === null) throw new Error(`Not a policy document reference: ${String(reference)}`);
    const block = this.json.data?.aws_iam_policy_document?.[match[1] as string];
    if (block === undefined) throw new Error(`No policy document ${match[1]}`);
    return this.document(block);
  }

  private document(block: TerraformJson): IamPolicy {
    const statements = (block.statement ?? []) as TerraformJson[];
    return { Version: '2012-10-17', Statement: statements.map((statement) => this.statement(statement)) };
  }

  private statement(s: TerraformJson): IamStatement {
    const strings = (values: unknown): string[] | undefined =>
      Array.isArray(values) ? values.map((value) => this.resolve(String(value))) : undefined;
    const statement: IamStatement = { Effect: s.effect === 'Deny' ? 'Deny' : 'Allow' };
    if (s.sid !== undefined) statement.Sid = s.sid;
    for (const [from, to] of [
      ['actions', 'Action'],
      ['not_actions', 'NotAction'],
      ['resources', 'Resource'],
      ['not_resources', 'NotResource'],
    ] as const) {
      const values = strings(s[from]);
      if (values !== undefined) statement[to] = values;
    }
    if (s.principals !== undefined) statement.Principal = principal(s.principals, (v) => this.resolve(v));
    if (s.condition !== undefined) {
      const condition: Record<string, Record<string, string[]>> = {};
      for (const c of s.condition as TerraformJson[]) {
        condition[c.test] = { ...condition[c.test], [c.variable]: strings(c.values) ?? [] };
      }
      statement.Condition = condition;
    }
    return statement;
  }

  /** The value of one reference `type.name.attribute` (or `data.type.name.attribute`). */
  private value(reference: string): string {
    const parts = reference.split('.');
    const [type, name, attribute] = parts[0] === 'data' ? parts.slice(1) : parts;
    const source = parts[0] === 'data' ? this.json.data : this.json.resource;
    const block = source?.[type as string]?.[name as string] as TerraformJson | undefined;
    if (block === undefined || attribute === undefined) throw new Error(`Cannot resolve \${${reference}}`);
    const region = this.region;
    const regional = (service: string, resource: string) =>
      `arn:aws:${service}:${region}:${ACCOUNT}:${resource}`;
    const key = `${parts[0] === 'data' ? 'data.' : ''}${type}.${attribute}`;
    switch (key) {
      case 'data.aws_caller_identity.account_id':
        return ACCOUNT;
      case 'data.aws_region.name':
      case 'data.aws_region.region':
        return region;
      case 'aws_s3_bucket.arn':
        return `arn:aws:s3:::${bucketName(block)}`;
      case 'aws_s3_bucket.id':
      case 'aws_s3_bucket.bucket':
        return bucketName(block);
      case 'aws_iam_role.arn':
        return `arn:aws:iam::${ACCOUNT}:role/${block.name}`;
      case 'aws_iam_role.id':
      case 'aws_iam_role.name':
        return block.name;
      case 'aws_api_gateway_rest_api.execution_arn':
        return regional('execute-api', standInId(block.name, 10));
      case 'aws_api_gateway_rest_api.id':
        return standInId(block.name, 10);
      case 'aws_cloudwatch_log_group.arn':
        return regional('logs', `log-group:${block.name}`);
      case 'aws_dynamodb_table.arn':
        return regional('dynamodb', `table/${block.name}`);
      case 'aws_lambda_function.arn':
        return regional('lambda', `function:${block.function_name}`);
      case 'aws_sns_topic.arn':
        return regional('sns', block.name);
      case 'aws_cognito_identity_pool.id':
        return `${region}:${standInUuid(block.identity_pool_name)}`;
      case 'aws_sqs_queue.arn':
        return regional('sqs', block.name);
      case 'aws_cloudwatch_event_rule.arn':
        return regional('events', `rule/${block.name}`);
      case 'aws_kms_key.arn':
        return regional('kms', `key/${standInUuid(name as string)}`);
      default:
        throw new Error(
          `No stand-in value for \${${reference}}: add one to devtools/iam/terraform-policies.ts`,
        );
    }
  }
}

/** A bucket's name; one named by a prefix gets the suffix Terraform would add (26 characters). */
function bucketName(block: TerraformJson): string {
  return block.bucket ?? `${block.bucket_prefix}${standInId(block.bucket_prefix, 26)}`;
}

/** A deterministic stand-in for an id AWS assigns (lower-case letters and digits). */
function standInId(seed: string, length: number): string {
  return createHash('sha256').update(seed).digest('hex').slice(0, length);
}

function standInUuid(seed: string): string {
  const hex = standInId(seed, 32);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

function principal(blocks: TerraformJson[], resolve: (value: string) => string): IamStatement['Principal'] {
  if (blocks.some((block) => block.type === '*')) return '*';
  const principal: Record<string, string[]> = {};
  for (const block of blocks) {
    principal[block.type] = [...(principal[block.type] ?? []), ...block.identifiers.map(resolve)];
  }
  return principal;
}

/** A policy written as JSON (a session policy), with its one-value fields made lists. */
export function policyFromJson(text: string): IamPolicy {
  const raw = JSON.parse(text) as { Statement: unknown };
  const statements = (Array.isArray(raw.Statement) ? raw.Statement : [raw.Statement]) as Record<
    string,
    unknown
  >[];
  const list = (value: unknown) =>
    value === undefined ? undefined : Array.isArray(value) ? value.map(String) : [String(value)];
  return {
    Version: '2012-10-17',
    Statement: statements.map((s) => {
      const statement: IamStatement = { ...(s as unknown as IamStatement) };
      for (const field of ['Action', 'NotAction', 'Resource', 'NotResource'] as const) {
        const values = list(s[field]);
        if (values !== undefined) statement[field] = values;
      }
      const condition = s.Condition as Record<string, Record<string, unknown>> | undefined;
      if (condition !== undefined) {
        statement.Condition = Object.fromEntries(
          Object.entries(condition).map(([operator, keys]) => [
            operator,
            Object.fromEntries(Object.entries(keys).map(([key, values]) => [key, list(values) ?? []])),
          ]),
        );
      }
      return statement;
    }),
  };
}

import { DynamodbTable } from '@cdktf/provider-aws/lib/dynamodb-table';
import type { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { Construct } from 'constructs';
import type { UsageAction } from '../contract/routes';
import { USAGE_TABLE_KEY_SCHEMA, USAGE_TABLE_TTL_ATTRIBUTE } from '../contract/usage-table';
import { inlinePolicy } from './iam';

export interface UsageTableProps {
  readonly tableName: string;
  /** Deletion protection and Terraform's prevent_destroy, as the bucket's. @default true */
  readonly preventDestroy?: boolean;
  /** A customer-managed KMS key instead of the AWS-managed `aws/dynamodb`. @default aws/dynamodb */
  readonly kmsKeyArn?: string;
}

/**
 * The usage table of the quotas (docs/quotas.md): on-demand (a user's requests come in bursts, and a quiet
 * table costs nothing), encrypted with a KMS key (AWS-managed `aws/dynamodb`), point-in-time recovery on,
 * deletion protection where the environment keeps its data, and TTL on the ledger's tombstones.
 */
export class UsageTable extends Construct {
  readonly table: DynamodbTable;

  constructor(scope: Construct, id: string, props: UsageTableProps) {
    super(scope, id);
    const preventDestroy = props.preventDestroy ?? true;
    const [hashKey, rangeKey] = USAGE_TABLE_KEY_SCHEMA.KeySchema.map((key) => key.AttributeName);
    this.table = new DynamodbTable(this, 'table', {
      name: props.tableName,
      billingMode: 'PAY_PER_REQUEST',
      hashKey,
      rangeKey,
      attribute: USAGE_TABLE_KEY_SCHEMA.AttributeDefinitions.map((a) => ({
        name: a.AttributeName,
        type: a.AttributeType,
      })),
      serverSideEncryption: { enabled: true, kmsKeyArn: props.kmsKeyArn },
      pointInTimeRecovery: { enabled: true },
      deletionProtectionEnabled: preventDestroy,
      ttl: { attributeName: USAGE_TABLE_TTL_ATTRIBUTE, enabled: true },
      lifecycle: { preventDestroy },
    });
  }

  get tableName(): string {
    return this.table.name;
  }

  /** Allows `role` exactly `actions` on this table's ARN (no index, no stream, no other table). */
  grant(scope: Construct, role: IamRole, actions: readonly UsageAction[]): void {
    if (actions.length === 0) return;
    inlinePolicy(scope, 'usage-table-access', role, [
      { effect: 'Allow', actions: [...actions], resources: [this.table.arn] },
    ]);
  }
}

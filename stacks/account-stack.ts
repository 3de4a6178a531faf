import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { TerraformStack } from 'cdktf';
import type { Construct } from 'constructs';
import { ApiGatewayLoggingRole } from '../modules/api-gateway-logging-role';
import { configureStateBackend, type StateBucket } from './state-backend';

/** One AWS account and region that at least one environment deploys to. */
export interface AccountRegion {
  readonly region: string;
  /** @default any account (environments that name none) */
  readonly accountId?: string;
}

export interface AccountStackProps extends AccountRegion {
  /** @default local state (see state-backend.ts) */
  readonly stateBucket?: StateBucket;
}

/** `lockbox-account-<region>`, or `lockbox-account-<account id>-<region>` when environments name accounts. */
export function accountStackName({ region, accountId }: AccountRegion): string {
  return accountId === undefined ? `lockbox-account-${region}` : `lockbox-account-${accountId}-${region}`;
}

/**
 * What an account holds once per region, whatever environments it runs: API Gateway's CloudWatch role
 * setting, without which a stage with logging fails to deploy. The environment stacks of that account
 * and region depend on this stack, so cdktf deploys it first and refuses to destroy it before them;
 * destroying an environment never touches it.
 */
export class AccountStack extends TerraformStack {
  constructor(scope: Construct, id: string, props: AccountStackProps) {
    super(scope, id);
    new AwsProvider(this, 'aws', {
      region: props.region,
      allowedAccountIds: props.accountId === undefined ? undefined : [props.accountId],
      defaultTags: [{ tags: { project: 'lockbox', environment: 'account' } }],
    });
    configureStateBackend(this, id, props.region, props.stateBucket);
    // IAM names are global to the account: the region keeps each region's role apart.
    new ApiGatewayLoggingRole(this, 'api-gateway-logging', {
      roleName: `lockbox-apigateway-logs-${props.region}`,
    });
  }
}

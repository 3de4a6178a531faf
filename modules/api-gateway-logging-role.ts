import { ApiGatewayAccount } from '@cdktf/provider-aws/lib/api-gateway-account';
import { IamRolePolicyAttachment } from '@cdktf/provider-aws/lib/iam-role-policy-attachment';
import { Construct } from 'constructs';
import { serviceRole } from './iam';

export interface ApiGatewayLoggingRoleProps {
  /** The role's name, unique in the account (IAM names are global). */
  readonly roleName: string;
}

/**
 * The account-wide (per region) role through which API Gateway writes access and execution logs; a
 * stage with logging fails to deploy until the account has one. It is a singleton of the account and
 * region: create it from one stack only (stacks/account-stack.ts). With AWS provider 6, destroying it
 * resets the region's setting, and stages there can no longer be updated with logging on.
 */
export class ApiGatewayLoggingRole extends Construct {
  readonly account: ApiGatewayAccount;

  constructor(scope: Construct, id: string, props: ApiGatewayLoggingRoleProps) {
    super(scope, id);
    const role = serviceRole(this, 'role', props.roleName, 'apigateway.amazonaws.com');
    // AWS's managed policy for exactly this role; API Gateway creates the log groups it writes to.
    const attachment = new IamRolePolicyAttachment(this, 'push-to-cloudwatch', {
      role: role.name,
      policyArn: 'arn:aws:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs',
    });
    this.account = new ApiGatewayAccount(this, 'account', {
      cloudwatchRoleArn: role.arn,
      dependsOn: [attachment],
    });
  }
}

import { ApiGatewayAccount } from '@cdktf/provider-aws/lib/api-gateway-account';
import { IamRolePolicyAttachment } from '@cdktf/provider-aws/lib/iam-role-policy-attachment';
import { Construct } from 'constructs';
import { serviceRole } from './iam';

export interface ApiGatewayLoggingRoleProps {
  /** Prefix of the role's name, e.g. `lockbox-dev`. */
  readonly namePrefix: string;
}

/**
 * The account-wide (per region) role through which API Gateway writes access and execution logs; a
 * stage with logging fails to deploy until the account has one. It is a singleton of the account: create
 * it from one stack only, and destroying that stack leaves the setting pointing at a deleted role.
 */
export class ApiGatewayLoggingRole extends Construct {
  readonly account: ApiGatewayAccount;

  constructor(scope: Construct, id: string, props: ApiGatewayLoggingRoleProps) {
    super(scope, id);
    const role = serviceRole(this, 'role', `${props.namePrefix}-apigateway-logs`, 'apigateway.amazonaws.com');
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

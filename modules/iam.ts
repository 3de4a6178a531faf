import {
  DataAwsIamPolicyDocument,
  type DataAwsIamPolicyDocumentStatement,
} from '@cdktf/provider-aws/lib/data-aws-iam-policy-document';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import type { Construct } from 'constructs';

export type PolicyStatement = DataAwsIamPolicyDocumentStatement;

/** A role that only `service` (e.g. lambda.amazonaws.com) may assume. */
export function serviceRole(scope: Construct, id: string, name: string, service: string): IamRole {
  const trust = new DataAwsIamPolicyDocument(scope, `${id}-trust`, {
    statement: [
      {
        effect: 'Allow',
        actions: ['sts:AssumeRole'],
        principals: [{ type: 'Service', identifiers: [service] }],
      },
    ],
  });
  return new IamRole(scope, id, { name, assumeRolePolicy: trust.json });
}

/**
 * An inline policy on `role`, built as a policy document (never a JSON string), named `id` within the
 * role: each grant is its own named policy, so a plan shows which one changed.
 */
export function inlinePolicy(
  scope: Construct,
  id: string,
  role: IamRole,
  statement: PolicyStatement[],
): IamRolePolicy {
  const document = new DataAwsIamPolicyDocument(scope, `${id}-document`, { statement });
  return new IamRolePolicy(scope, id, { name: id, role: role.id, policy: document.json });
}

import type { BlockDiff } from './resource-diff';
import type { TerraformBlock } from './terraform-json';

/**
 * Resources holding users or their data, and the arguments the AWS provider (6.x) cannot update in place:
 * a change to one destroys the resource and creates a new one. Replacing the identity pool gives every
 * user a new identity id, which orphans their folder; replacing the user pool loses every account;
 * replacing the bucket loses the files. Extend the table when the stack gains another stateful resource.
 */
export const STATEFUL_RESOURCES: Readonly<Record<string, readonly string[]>> = {
  aws_cognito_user_pool: ['name', 'alias_attributes', 'username_attributes', 'username_configuration'],
  aws_cognito_identity_pool: ['identity_pool_name', 'developer_provider_name'],
  aws_s3_bucket: ['bucket', 'bucket_prefix', 'object_lock_enabled'],
};

export interface ReplacementWarning {
  readonly address: string;
  readonly constructPath?: string;
  readonly reason: string;
}

/**
 * Every change that destroys a stateful resource: an argument of the table changed, the resource is gone,
 * or its address moved (a renamed construct id or scope), which Terraform plans as destroy-and-create
 * unless a `moved` block says otherwise.
 */
export function replacementWarnings(diff: BlockDiff): ReplacementWarning[] {
  const stateful = (block: TerraformBlock) => Object.hasOwn(STATEFUL_RESOURCES, block.type);
  const warnings: ReplacementWarning[] = [];
  for (const block of diff.changed.filter((changed) => stateful(changed.after))) {
    const forcing = STATEFUL_RESOURCES[block.after.type] as readonly string[];
    const paths = block.changes
      .map((change) => change.path)
      .filter((path) =>
        forcing.some(
          (argument) =>
            path === argument || path.startsWith(`${argument}.`) || path.startsWith(`${argument}[`),
        ),
      );
    if (paths.length > 0) {
      warnings.push({
        address: block.after.address,
        constructPath: block.after.constructPath,
        reason: `replaced: ${paths.map((path) => `\`${path}\``).join(', ')} cannot change in place`,
      });
    }
  }
  const added = diff.added.filter(stateful);
  for (const block of diff.removed.filter(stateful)) {
    const successor = added.find((candidate) => candidate.type === block.type);
    warnings.push({
      address: block.address,
      constructPath: block.constructPath,
      reason:
        successor === undefined
          ? 'destroyed: it is gone from the stack'
          : `replaced: its address moves to \`${successor.address}\`` +
            (successor.constructPath === undefined ? '' : ` (construct \`${successor.constructPath}\`)`) +
            '; keep the construct id, or add a `moved` block',
    });
  }
  return warnings;
}

import { LocalBackend, S3Backend, type TerraformStack } from 'cdktf';

/** A state bucket that the platform team provides. */
export interface StateBucket {
  readonly bucket: string;
  /** @default the environment's region */
  readonly region?: string;
}

/**
 * Where Terraform keeps the stack's state: an S3 object with S3-native locking (`use_lockfile`, no
 * DynamoDB table) when the platform team provides a bucket, else a local file at the project root. The
 * local path is relative (to `cdktf.out/stacks/<stack>/`, where Terraform runs), so the synthesized JSON
 * is the same on every machine.
 */
export function configureStateBackend(
  stack: TerraformStack,
  stackName: string,
  region: string,
  stateBucket?: StateBucket,
): void {
  if (stateBucket === undefined) {
    new LocalBackend(stack, { path: `../../../terraform.${stackName}.tfstate` });
    return;
  }
  const backend = new S3Backend(stack, {
    bucket: stateBucket.bucket,
    key: `lockbox/${stackName}/terraform.tfstate`,
    region: stateBucket.region ?? region,
    encrypt: true,
  });
  // Terraform ≥ 1.10; cdktf 0.21's S3Backend has no typed property for it.
  backend.addOverride('use_lockfile', true);
}

/** Reading a synthesized stack (`cdk.tf.json`): its resources and data sources as addressed blocks. */

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

/** One resource or data source, addressed as Terraform addresses it in a plan. */
export interface TerraformBlock {
  /** `type.name` for a resource, `data.type.name` for a data source. */
  readonly address: string;
  readonly type: string;
  /** The construct path cdktf records (`lockbox-dev/auth/user-pool`), when it does. */
  readonly constructPath?: string;
  /** The block's arguments, without cdktf's `//` metadata. */
  readonly body: JsonObject;
}

export function isObject(value: Json | undefined): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Every resource and data source of a stack, by address. */
export function blocksOf(stack: JsonObject): Map<string, TerraformBlock> {
  const blocks = new Map<string, TerraformBlock>();
  for (const [section, prefix] of [
    ['resource', ''],
    ['data', 'data.'],
  ] as const) {
    const byType = stack[section];
    if (!isObject(byType)) continue;
    for (const [type, byName] of Object.entries(byType)) {
      if (!isObject(byName)) continue;
      for (const [name, block] of Object.entries(byName)) {
        if (!isObject(block)) continue;
        const { '//': metadata, ...body } = block;
        const path = isObject(metadata) && isObject(metadata.metadata) ? metadata.metadata.path : undefined;
        const address = `${prefix}${type}.${name}`;
        blocks.set(address, {
          address,
          type,
          constructPath: typeof path === 'string' ? path : undefined,
          body,
        });
      }
    }
  }
  return blocks;
}

/**
 * A JSON value as leaf paths (`environment.variables.BUCKET_NAME`, `statement[0].actions`). A list of
 * plain values is one leaf, since Terraform compares it whole; a list of blocks is indexed.
 */
export function flatten(value: Json, prefix = ''): Map<string, Json> {
  const leaves = new Map<string, Json>();
  const visit = (node: Json, path: string) => {
    if (isObject(node)) {
      for (const [key, child] of Object.entries(node)) visit(child, path === '' ? key : `${path}.${key}`);
    } else if (Array.isArray(node) && node.some((item) => typeof item === 'object' && item !== null)) {
      node.forEach((item, index) => {
        visit(item, `${path}[${index}]`);
      });
    } else {
      leaves.set(path, node);
    }
  };
  visit(value, prefix);
  return leaves;
}

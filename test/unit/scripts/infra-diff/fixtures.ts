import { diffBlocks } from '../../../../scripts/infra-diff/resource-diff';
import { blocksOf, type Json, type JsonObject } from '../../../../scripts/infra-diff/terraform-json';

/** A synthesized stack as cdktf writes it: each block carries its construct path in `//`. */
export function stackJson(blocks: {
  resource?: Record<string, JsonObject>;
  data?: Record<string, JsonObject>;
}): JsonObject {
  const section = (byAddress: Record<string, JsonObject> = {}) => {
    const byType: Record<string, Record<string, Json>> = {};
    for (const [address, body] of Object.entries(byAddress)) {
      const [type, name] = address.split('.') as [string, string];
      byType[type] ??= {};
      byType[type][name] = { '//': { metadata: { path: `stack/${name}`, uniqueId: name } }, ...body };
    }
    return byType;
  };
  return {
    terraform: { required_providers: { aws: { source: 'aws', version: '6.25.0' } } },
    resource: section(blocks.resource),
    data: section(blocks.data),
  };
}

/** A policy document data source with these statements (snake_case, as synthesized). */
export function policyDocument(...statement: JsonObject[]): JsonObject {
  return { statement };
}

export function allow(actions: string[], resources: string[], condition?: JsonObject[]): JsonObject {
  return { effect: 'Allow', actions, resources, ...(condition === undefined ? {} : { condition }) };
}

export const PREFIX_CONDITION: JsonObject = {
  test: 'StringLike',
  variable: 's3:prefix',
  values: ['eu-west-1:*'],
};

/** A Terraform reference to the bucket's ARN, and the users' folders under it, as synthesized. */
export const BUCKET_ARN = `\${aws_s3_bucket.b.arn}`;
export const OBJECTS = `${BUCKET_ARN}/eu-west-1:*`;

/** The resource diff between two stacks made of these blocks. */
export function blockDiff(before: Record<string, JsonObject>, after: Record<string, JsonObject>) {
  return diffBlocks(blocksOf(stackJson({ resource: before })), blocksOf(stackJson({ resource: after })));
}

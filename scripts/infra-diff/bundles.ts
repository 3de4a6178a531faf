import type { AttributeChange, BlockDiff } from './resource-diff';

/**
 * The arguments of `aws_lambda_function` that carry its code: the asset path (which holds the bundle's
 * hash) and the hash itself. A change to them is summarised as "code changed", not listed leaf by leaf.
 */
export const CODE_ATTRIBUTES: readonly string[] = ['filename', 'source_code_hash', 's3_key', 'image_uri'];

const FUNCTION_TYPE = 'aws_lambda_function';

/** A deployed function whose bundle differs. */
export interface CodeChange {
  readonly address: string;
  /** The function's `function_name`, or its address when the name is not a literal. */
  readonly functionName: string;
}

/** Functions present on both sides whose code changed, sorted by name. */
export function codeChanges(diff: BlockDiff): CodeChange[] {
  return diff.changed
    .filter((block) => block.after.type === FUNCTION_TYPE && block.changes.some(isCodeChange))
    .map((block) => {
      const name = block.after.body.function_name;
      return {
        address: block.after.address,
        functionName: typeof name === 'string' ? name : block.after.address,
      };
    })
    .sort((a, b) => (a.functionName < b.functionName ? -1 : a.functionName > b.functionName ? 1 : 0));
}

/** Whether a changed leaf of a function is its code (shown in the bundle summary instead). */
export function isCodeChange(change: AttributeChange): boolean {
  return CODE_ATTRIBUTES.includes(change.path);
}

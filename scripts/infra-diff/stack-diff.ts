import { type CodeChange, codeChanges } from './bundles';
import { diffPolicyDocuments, type StatementChange } from './iam-diff';
import { type ReplacementWarning, replacementWarnings } from './replacements';
import { type AttributeChange, attributeChanges, type BlockDiff, compare, diffBlocks } from './resource-diff';
import { blocksOf, type JsonObject } from './terraform-json';

/** Everything a reviewer needs about one stack between two versions. */
export interface StackDiff {
  readonly stack: string;
  /** Whether the stack exists only in the new version, only in the old one, or in both. */
  readonly presence: 'added' | 'removed' | 'both';
  readonly blocks: BlockDiff;
  readonly iam: readonly StatementChange[];
  readonly code: readonly CodeChange[];
  readonly replacements: readonly ReplacementWarning[];
  /** Changes outside resources and data sources: providers, backend, outputs, cdktf's metadata. */
  readonly settings: readonly AttributeChange[];
}

/** Stacks by name (their folder under cdktf.out/stacks/) → their `cdk.tf.json`. */
export type Stacks = ReadonlyMap<string, JsonObject>;

/** One StackDiff per stack of either version, sorted by stack name. */
export function diffStacks(before: Stacks, after: Stacks): StackDiff[] {
  const names = [...new Set([...before.keys(), ...after.keys()])].sort(compare);
  return names.map((stack) => diffStack(stack, before.get(stack), after.get(stack)));
}

export function diffStack(stack: string, before?: JsonObject, after?: JsonObject): StackDiff {
  const oldBlocks = blocksOf(before ?? {});
  const newBlocks = blocksOf(after ?? {});
  const blocks = diffBlocks(oldBlocks, newBlocks);
  return {
    stack,
    presence: before === undefined ? 'added' : after === undefined ? 'removed' : 'both',
    blocks,
    iam: diffPolicyDocuments(oldBlocks, newBlocks),
    code: codeChanges(blocks),
    replacements: replacementWarnings(blocks),
    settings: attributeChanges(settingsOf(before ?? {}), settingsOf(after ?? {})),
  };
}

function settingsOf(stack: JsonObject): JsonObject {
  const { resource: _resource, data: _data, ...settings } = stack;
  return settings;
}

export function hasChanges(diff: StackDiff): boolean {
  const { added, removed, changed } = diff.blocks;
  return added.length + removed.length + changed.length + diff.settings.length > 0;
}

import { flatten, type Json, type JsonObject, type TerraformBlock } from './terraform-json';

/** One leaf that differs; `undefined` means the leaf is absent on that side. */
export interface AttributeChange {
  readonly path: string;
  readonly before?: Json;
  readonly after?: Json;
}

export interface ChangedBlock {
  readonly before: TerraformBlock;
  readonly after: TerraformBlock;
  readonly changes: readonly AttributeChange[];
}

export interface BlockDiff {
  readonly added: readonly TerraformBlock[];
  readonly removed: readonly TerraformBlock[];
  readonly changed: readonly ChangedBlock[];
}

/** Blocks added, removed and changed between two stacks, each list sorted by address. */
export function diffBlocks(
  before: ReadonlyMap<string, TerraformBlock>,
  after: ReadonlyMap<string, TerraformBlock>,
): BlockDiff {
  const byAddress = (a: TerraformBlock, b: TerraformBlock) => compare(a.address, b.address);
  const added = [...after.values()].filter((block) => !before.has(block.address)).sort(byAddress);
  const removed = [...before.values()].filter((block) => !after.has(block.address)).sort(byAddress);
  const changed: ChangedBlock[] = [];
  for (const [address, old] of [...before].sort(([a], [b]) => compare(a, b))) {
    const current = after.get(address);
    if (current === undefined) continue;
    const changes = attributeChanges(old.body, current.body);
    if (changes.length > 0) changed.push({ before: old, after: current, changes });
  }
  return { added, removed, changed };
}

/** The leaves of two JSON objects that differ, sorted by path. */
export function attributeChanges(before: JsonObject, after: JsonObject): AttributeChange[] {
  const old = flatten(before);
  const current = flatten(after);
  const paths = [...new Set([...old.keys(), ...current.keys()])].sort(compare);
  return paths
    .filter((path) => JSON.stringify(old.get(path)) !== JSON.stringify(current.get(path)))
    .map((path) => ({ path, before: old.get(path), after: current.get(path) }));
}

/** Code-point order, so the output is the same whatever the machine's locale. */
export function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

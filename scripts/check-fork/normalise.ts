import { isObject, type Json, type JsonObject } from '../infra-diff/terraform-json';

/**
 * A synthesized stack with the three values that differ between cdktf and its fork by design made
 * comparable, and nothing else touched: each provider's version constraint is set to `providerVersions`
 * (ours), cdktf's metadata version is blanked, and provider sources are spelt in full
 * (`aws` and `hashicorp/aws` are both `registry.terraform.io/hashicorp/aws`).
 */
export function normaliseStack(stack: JsonObject, providerVersions: ReadonlyMap<string, string>): JsonObject {
  const copy = structuredClone(stack);
  const providers = child(child(copy, 'terraform'), 'required_providers');
  for (const [name, requirement] of Object.entries(providers ?? {})) {
    if (!isObject(requirement)) continue;
    const version = providerVersions.get(name);
    if (version !== undefined) requirement.version = version;
    if (typeof requirement.source === 'string') requirement.source = fullSource(requirement.source);
  }
  const metadata = child(child(copy, '//'), 'metadata');
  if (metadata !== undefined && 'version' in metadata) metadata.version = '(cdktf or cdktn version)';
  return copy;
}

/** Each required provider's version constraint, by local name: the values the fork's JSON is pinned to. */
export function providerVersions(stack: JsonObject): Map<string, string> {
  const providers = child(child(stack, 'terraform'), 'required_providers');
  return new Map(
    Object.entries(providers ?? {}).flatMap(([name, requirement]): [string, string][] =>
      isObject(requirement) && typeof requirement.version === 'string' ? [[name, requirement.version]] : [],
    ),
  );
}

/** A provider source address in full: `aws` → `registry.terraform.io/hashicorp/aws`. */
export function fullSource(source: string): string {
  const parts = source.split('/');
  if (parts.length === 1) return `registry.terraform.io/hashicorp/${source}`;
  if (parts.length === 2) return `registry.terraform.io/${source}`;
  return source;
}

function child(parent: JsonObject | undefined, key: string): JsonObject | undefined {
  const value: Json | undefined = parent?.[key];
  return isObject(value) ? value : undefined;
}

/** The stack outputs the app needs in AWS (the client derives the Cognito endpoints from `region`). */
const FIELDS = ['region', 'user_pool_id', 'user_pool_client_id', 'identity_pool_id', 'api_url'] as const;

export type DeployedConfig = Readonly<Record<(typeof FIELDS)[number], string>>;

/**
 * `config.json` for a deployed app, from `npx cdktf output <stack> --outputs-file <file>`: that file nests
 * the outputs under the stack's name; a flat object of outputs is taken as it is.
 */
export function configOfOutputs(outputs: unknown, stack?: string): DeployedConfig {
  const record = (value: unknown) =>
    typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {};
  const all = record(outputs);
  const stacks = Object.keys(all).filter((name) => typeof all[name] === 'object');
  const chosen = stack ?? (stacks.length === 1 ? stacks[0] : undefined);
  const values = chosen === undefined ? all : record(all[chosen]);
  const missing = FIELDS.filter((field) => typeof values[field] !== 'string' || values[field] === '');
  if (missing.length > 0) {
    throw new Error(
      `The outputs${chosen === undefined ? '' : ` of ${chosen}`} lack ${missing.join(', ')}` +
        (stacks.length > 1 && stack === undefined ? ` (name one stack of: ${stacks.join(', ')})` : ''),
    );
  }
  return Object.fromEntries(FIELDS.map((field) => [field, values[field]])) as DeployedConfig;
}

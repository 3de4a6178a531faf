import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { FrontendConfig } from '../../local/config-files';

/**
 * What the admin CLI and the smoke test need of a deployed stack: its outputs (stacks/lockbox-stack.ts),
 * under the names the frontend config uses. The two Cognito endpoints exist only in local mode; in AWS
 * the SDKs find the regional endpoints themselves.
 */
export type StackConfig = Omit<FrontendConfig, CognitoEndpoint> &
  Partial<Pick<FrontendConfig, CognitoEndpoint>>;

type CognitoEndpoint = 'user_pool_endpoint' | 'identity_pool_endpoint';

/** The frontend's config and what only the operator needs: the usage table (purge, `usage reconcile`). */
export type StackOutputs = StackConfig & { readonly usage_table_name: string };

const REQUIRED = [
  'region',
  'user_pool_id',
  'user_pool_client_id',
  'identity_pool_id',
  'api_url',
  'bucket_name',
  'usage_table_name',
] as const;

/**
 * The stack's outputs from either file shape: `cdktf output <stack> --outputs-file` writes
 * `{ "<stack>": { "<name>": value } }`, `terraform output -json` writes `{ "<name>": { "value": value } }`.
 */
export function parseStackOutputs(json: unknown, stack: string): StackOutputs {
  if (typeof json !== 'object' || json === null) throw new Error('Stack outputs: not a JSON object');
  const byStack = (json as Record<string, unknown>)[stack];
  const outputs = (typeof byStack === 'object' && byStack !== null ? byStack : json) as Record<
    string,
    unknown
  >;
  const config: Record<string, string> = {};
  for (const name of REQUIRED) {
    const raw = outputs[name];
    const value =
      typeof raw === 'object' && raw !== null && 'value' in raw ? (raw as { value: unknown }).value : raw;
    if (typeof value !== 'string' || value === '') {
      throw new Error(`Stack outputs of ${stack}: "${name}" is missing (is the stack deployed?)`);
    }
    config[name] = value;
  }
  return config as unknown as StackOutputs;
}

/** Runs `npx cdktf output <stack> --outputs-file <temp>` (needs Terraform and the stack's state). */
export async function readStackOutputs(stack: string): Promise<StackOutputs> {
  if (!/^[A-Za-z0-9_-]+$/.test(stack)) throw new Error(`Not a stack name: ${stack}`);
  const dir = await mkdtemp(join(tmpdir(), 'lockbox-outputs-'));
  try {
    const file = join(dir, 'outputs.json');
    await promisify(execFile)('npx', ['cdktf', 'output', stack, '--outputs-file', file], {
      maxBuffer: 16 * 1024 * 1024,
    });
    return parseStackOutputs(JSON.parse(await readFile(file, 'utf8')), stack);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

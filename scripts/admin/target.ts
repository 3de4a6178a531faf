import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import type { UsageStore } from '../../handlers/lib/quotas/reservations';
import type { AdminFile, FrontendConfig } from '../../local/config-files';
import { DATA_ENTRIES } from '../../local/data-dir';
import { parseStackOutputs, readStackOutputs, type StackConfig } from './stack-outputs';

/** The system the admin CLI and the smoke test act on, with the operator's clients for it. */
export interface Target {
  /** For messages: "stack lockbox-dev" or "local system in .lockbox". */
  readonly name: string;
  readonly config: StackConfig;
  readonly cognito: CognitoIdentityProviderClient;
  /** Reads users' records and usage, and deletes a purged user's objects. */
  readonly s3: S3Client;
  /** The quotas' usage table (`usage reconcile`); undefined when the target names none. */
  readonly usage?: UsageStore;
  close(): void;
}

/** Where the CLI finds its target: `--local` (a data folder) or a deployed stack. */
export type TargetSpec =
  | { readonly kind: 'local'; readonly dataDir: string }
  | { readonly kind: 'stack'; readonly stack: string; readonly outputsFile?: string };

export async function openTarget(spec: TargetSpec): Promise<Target> {
  if (spec.kind === 'local') return localTarget(spec.dataDir);
  const config =
    spec.outputsFile === undefined
      ? await readStackOutputs(spec.stack)
      : parseStackOutputs(JSON.parse(await readFile(spec.outputsFile, 'utf8')), spec.stack);
  return stackTarget(spec.stack, config);
}

/** A running (or stopped) `npm start`: its config.json and the operator credentials of its admin.json. */
export async function localTarget(dataDir: string): Promise<Target> {
  const read = async <T>(entry: string): Promise<T> => {
    try {
      return JSON.parse(await readFile(join(dataDir, entry), 'utf8')) as T;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      throw new Error(`No ${join(dataDir, entry)}: start the local system first (npm start).`);
    }
  };
  // One after the other, so that a missing data folder is always reported by its config.json.
  const config = await read<FrontendConfig>(DATA_ENTRIES.config);
  const admin = await read<AdminFile>(DATA_ENTRIES.admin);
  const credentials = { accessKeyId: admin.accessKeyId, secretAccessKey: admin.secretAccessKey };
  return withClients(
    `local system in ${dataDir}`,
    config,
    new CognitoIdentityProviderClient({
      region: admin.region,
      endpoint: config.user_pool_endpoint,
      credentials,
    }),
    new S3Client({ region: admin.region, endpoint: admin.s3Endpoint, forcePathStyle: true, credentials }),
    // An admin.json written before the quotas names no table.
    admin.usageTable === undefined
      ? undefined
      : {
          dynamodb: new DynamoDBClient({
            region: admin.region,
            endpoint: admin.dynamodbEndpoint,
            credentials,
          }),
          table: admin.usageTable,
        },
  );
}

/** A deployed stack, with AWS credentials from the SDK's default chain (environment, profile, SSO, role). */
export function stackTarget(stack: string, config: StackConfig): Target {
  return withClients(
    `stack ${stack}`,
    config,
    new CognitoIdentityProviderClient({ region: config.region }),
    new S3Client({ region: config.region }),
    config.usage_table_name === undefined
      ? undefined
      : { dynamodb: new DynamoDBClient({ region: config.region }), table: config.usage_table_name },
  );
}

function withClients(
  name: string,
  config: StackConfig,
  cognito: CognitoIdentityProviderClient,
  s3: S3Client,
  usage: UsageStore | undefined,
): Target {
  return {
    name,
    config,
    cognito,
    s3,
    ...(usage === undefined ? {} : { usage }),
    close: () => {
      cognito.destroy();
      s3.destroy();
      usage?.dynamodb.destroy();
    },
  };
}

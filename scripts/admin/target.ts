import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CognitoIdentityClient } from '@aws-sdk/client-cognito-identity';
import { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import type { AdminFile, FrontendConfig } from '../../local/config-files';
import { DATA_ENTRIES } from '../../local/data-dir';
import { parseStackOutputs, readStackOutputs, type StackConfig } from './stack-outputs';

/** The system the admin CLI and the smoke test act on, with the operator's clients for it. */
export interface Target {
  /** For messages: "stack lockbox-dev" or "local system in .lockbox". */
  readonly name: string;
  /** The frontend config (`config` prints it). */
  readonly config: StackConfig;
  readonly cognito: CognitoIdentityProviderClient;
  /** The identity pool: a purge deletes the user's identity. */
  readonly identities: CognitoIdentityClient;
  /** Reads users' records and usage, and deletes a purged user's objects. */
  readonly s3: S3Client;
  /** The usage table: a purge deletes the user's items. */
  readonly usageTable: { readonly dynamodb: DynamoDBClient; readonly table: string };
  close(): void;
}

/** Where the CLI finds its target: `--local` (a data folder) or a deployed stack. */
export type TargetSpec =
  | { readonly kind: 'local'; readonly dataDir: string }
  | { readonly kind: 'stack'; readonly stack: string; readonly outputsFile?: string };

export async function openTarget(spec: TargetSpec): Promise<Target> {
  if (spec.kind === 'local') return localTarget(spec.dataDir);
  const { usage_table_name, ...config } =
    spec.outputsFile === undefined
      ? await readStackOutputs(spec.stack)
      : parseStackOutputs(JSON.parse(await readFile(spec.outputsFile, 'utf8')), spec.stack);
  return stackTarget(spec.stack, config, usage_table_name);
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
  const region = admin.region;
  return withClients(`local system in ${dataDir}`, config, {
    cognito: new CognitoIdentityProviderClient({ region, endpoint: config.user_pool_endpoint, credentials }),
    identities: new CognitoIdentityClient({ region, endpoint: config.identity_pool_endpoint, credentials }),
    s3: new S3Client({ region, endpoint: admin.s3Endpoint, forcePathStyle: true, credentials }),
    usageTable: {
      dynamodb: new DynamoDBClient({ region, endpoint: admin.usageTable.endpoint, credentials }),
      table: admin.usageTable.tableName,
    },
  });
}

/** A deployed stack, with AWS credentials from the SDK's default chain (environment, profile, SSO, role). */
export function stackTarget(stack: string, config: StackConfig, usageTableName: string): Target {
  const region = config.region;
  return withClients(`stack ${stack}`, config, {
    cognito: new CognitoIdentityProviderClient({ region }),
    identities: new CognitoIdentityClient({ region }),
    s3: new S3Client({ region }),
    usageTable: { dynamodb: new DynamoDBClient({ region }), table: usageTableName },
  });
}

function withClients(
  name: string,
  config: StackConfig,
  clients: Pick<Target, 'cognito' | 'identities' | 's3' | 'usageTable'>,
): Target {
  return {
    name,
    config,
    ...clients,
    close: () => {
      clients.cognito.destroy();
      clients.identities.destroy();
      clients.s3.destroy();
      clients.usageTable.dynamodb.destroy();
    },
  };
}

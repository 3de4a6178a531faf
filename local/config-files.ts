import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { amplifyConfig } from './amplify-config';
import { DATA_ENTRIES } from './data-dir';
import { writeJsonFile } from './json-file';

/**
 * The frontend's configuration: the stack's outputs (`npx cdktf output` in AWS) under the same names, plus
 * the two Cognito endpoints that only a local system needs.
 */
export interface FrontendConfig {
  readonly region: string;
  readonly user_pool_id: string;
  readonly user_pool_client_id: string;
  readonly identity_pool_id: string;
  readonly api_url: string;
  readonly bucket_name: string;
  readonly user_pool_endpoint: string;
  readonly identity_pool_endpoint: string;
}

/**
 * The operator's credentials, as the AWS SDK takes them: the user pool's and identity pool's admin calls
 * and the S3 (the admin CLI reads users' records and files there, at `s3Endpoint`, path-style); and the
 * usage table (dynalite, which takes any credentials), where `users delete --purge` deletes a user's items.
 */
export interface AdminFile {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly region: string;
  readonly s3Endpoint: string;
  readonly usageTable: { readonly endpoint: string; readonly tableName: string };
}

export interface ConfigPaths {
  readonly config: string;
  /** The same config as the object `Amplify.configure` takes (amplify-config.ts). */
  readonly amplifyConfig: string;
  readonly admin: string;
}

export function writeConfigFiles(dataDir: string, config: FrontendConfig, admin: AdminFile): ConfigPaths {
  const paths = {
    config: join(dataDir, DATA_ENTRIES.config),
    amplifyConfig: join(dataDir, DATA_ENTRIES.amplifyConfig),
    admin: join(dataDir, DATA_ENTRIES.admin),
  };
  rewrite(paths.config, config);
  rewrite(paths.amplifyConfig, amplifyConfig(config));
  rewrite(paths.admin, admin);
  return paths;
}

/**
 * These files are written anew at every start. On a full disk there is no room for writeJsonFile's
 * temporary copy, but the old file's room is enough for the new one (same keys, other ports).
 */
function rewrite(path: string, value: unknown, mode = 0o600): void {
  try {
    writeJsonFile(path, value, mode);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOSPC') throw error;
    rmSync(path, { force: true });
    writeFileSync(path, `${JSON.stringify(value, null, 2)}\n`, { mode });
  }
}

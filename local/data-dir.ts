import { rm } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * What the local system keeps in its data folder. `--reset` deletes exactly these, never the folder
 * itself: LOCKBOX_DATA may point anywhere.
 */
export const DATA_ENTRIES = {
  account: 'account.json',
  config: 'config.json',
  amplifyConfig: 'amplify-config.json',
  admin: 'admin.json',
  lambdaLog: 'lambda.log',
  s3: 's3',
  userPool: 'user-pool',
  identityPool: 'identity-pool',
  usageTable: 'usage-table',
  demoUser: 'demo-user.json',
  outbox: 'outbox',
} as const;

export async function resetDataDir(dataDir: string): Promise<void> {
  await Promise.all(
    Object.values(DATA_ENTRIES).map((entry) => rm(join(dataDir, entry), { recursive: true, force: true })),
  );
}

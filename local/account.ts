import { randomBytes, randomUUID } from 'node:crypto';
import { readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DATA_ENTRIES } from './data-dir';

/**
 * The local "AWS account": the ids and secrets that production gets from Terraform and IAM, made once per
 * data folder so that sessions, users and files stay valid across restarts.
 */
export interface LocalAccount {
  readonly region: string;
  readonly userPoolId: string;
  readonly userPoolClientId: string;
  readonly identityPoolId: string;
  readonly bucket: string;
  /** The operator's credentials for admin calls (admin.json). */
  readonly admin: { readonly accessKeyId: string; readonly secretAccessKey: string };
  /** The credentials every handler's S3 client uses, as a Lambda role would give them. */
  readonly functionRole: { readonly accessKeyId: string; readonly secretAccessKey: string };
}

export async function loadOrCreateAccount(
  dataDir: string,
  region: string,
): Promise<{ account: LocalAccount; created: boolean }> {
  const path = join(dataDir, DATA_ENTRIES.account);
  try {
    return { account: JSON.parse(await readFile(path, 'utf8')) as LocalAccount, created: false };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  const account: LocalAccount = {
    region,
    // Real ids have these shapes; the SDKs split a pool id on "_" and an identity pool id on ":".
    userPoolId: `${region}_${alphanumeric(9)}`,
    userPoolClientId: alphanumeric(26).toLowerCase(),
    identityPoolId: `${region}:${randomUUID()}`,
    bucket: 'lockbox-local',
    admin: { accessKeyId: `AKIA${alphanumeric(16).toUpperCase()}`, secretAccessKey: secret() },
    functionRole: { accessKeyId: `ASIA${alphanumeric(16).toUpperCase()}`, secretAccessKey: secret() },
  };
  await writeFile(`${path}.tmp`, `${JSON.stringify(account, null, 2)}\n`, { mode: 0o600 });
  await rename(`${path}.tmp`, path);
  return { account, created: true };
}

function alphanumeric(length: number): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  return Array.from(randomBytes(length), (byte) => alphabet[byte % alphabet.length]).join('');
}

function secret(): string {
  return randomBytes(30).toString('base64');
}

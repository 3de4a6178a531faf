import { randomBytes, randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { DATA_ENTRIES } from './data-dir';
import { readJsonFile, writeJsonFile } from './json-file';

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

export function loadOrCreateAccount(
  dataDir: string,
  region: string,
): { account: LocalAccount; created: boolean } {
  const path = join(dataDir, DATA_ENTRIES.account);
  const existing = readJsonFile(path);
  if (existing !== undefined) return { account: existing as LocalAccount, created: false };
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
  writeJsonFile(path, account);
  return { account, created: true };
}

function alphanumeric(length: number): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  return Array.from(randomBytes(length), (byte) => alphabet[byte % alphabet.length]).join('');
}

function secret(): string {
  return randomBytes(30).toString('base64');
}

import { randomInt } from 'node:crypto';
import { join } from 'node:path';
import { DATA_ENTRIES } from './data-dir';
import { writeJsonFile } from './json-file';

/** The user `npm start` creates in a fresh data folder, so that the example app can be tried at once. */
export interface DemoUser {
  readonly email: string;
  readonly password: string;
}

const EMAIL = 'demo@lockbox.local';
/** Groups that meet the password policy (an upper and a lower case letter, a digit, a symbol: `-`). */
const GROUPS = [
  'ABCDEFGHJKLMNPQRSTUVWXYZ',
  'abcdefghijkmnopqrstuvwxyz',
  '23456789',
  'abcdefghjkmnpqrstuvwxyz23456789',
];

/**
 * A new demo user for a fresh data folder, its password random (about 70 bits) and kept in
 * `demo-user.json` (0600) beside the folder's other secrets: a constant in the source would let anyone
 * who can reach the port sign in.
 */
export function createDemoUser(dataDir: string): DemoUser {
  const password = GROUPS.map((set) =>
    Array.from({ length: 4 }, () => set[randomInt(set.length)]).join(''),
  ).join('-');
  const user = { email: EMAIL, password };
  writeJsonFile(demoUserPath(dataDir), user);
  return user;
}

export function demoUserPath(dataDir: string): string {
  return join(dataDir, DATA_ENTRIES.demoUser);
}

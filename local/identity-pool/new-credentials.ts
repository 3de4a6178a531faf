import { randomBytes } from 'node:crypto';

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** `ASIA` and 16 base-32 characters: the shape of every temporary AWS access key id. */
export function newAccessKeyId(): string {
  // 256 is a multiple of 32, so `byte % 32` picks every character equally often.
  return `ASIA${[...randomBytes(16)].map((byte) => BASE32[byte % 32]).join('')}`;
}

/** 40 characters, as AWS's secret keys (30 random bytes in base64). */
export function newSecretAccessKey(): string {
  return randomBytes(30).toString('base64');
}

/** An opaque session token; only the gateway's equality check reads it. */
export function newSessionToken(): string {
  return randomBytes(120).toString('base64');
}

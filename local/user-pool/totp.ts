/**
 * TOTP as authenticator apps compute it (RFC 6238 over RFC 4226): HMAC-SHA1 of the 30-second step, six
 * digits; the secret travels in base32 (RFC 4648, no padding), as Cognito's AssociateSoftwareToken gives it.
 */
import { createHmac, randomBytes } from 'node:crypto';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
export const STEP_SECONDS = 30;

/** A new shared secret: 32 random bytes, 52 base32 characters. */
export function newTotpSecret(): string {
  const bytes = randomBytes(32);
  let bits = 0;
  let value = 0;
  let out = '';
  for (const byte of bytes) {
    value = ((value << 8) | byte) & 0x1fff;
    bits += 8;
    while (bits >= 5) {
      out += ALPHABET[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += ALPHABET[(value << (5 - bits)) & 31];
  return out;
}

function decodeBase32(text: string): Buffer {
  const bytes: number[] = [];
  let bits = 0;
  let value = 0;
  for (const char of text.toUpperCase()) {
    const index = ALPHABET.indexOf(char);
    if (index < 0) throw new Error('not base32');
    value = ((value << 5) | index) & 0x1fff;
    bits += 5;
    if (bits >= 8) {
      bytes.push((value >>> (bits - 8)) & 255);
      bits -= 8;
    }
  }
  return Buffer.from(bytes);
}

/** The six-digit code of a time step (epoch ms / 30 s). */
export function totpCode(secret: string, step: number): string {
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(step));
  const mac = createHmac('sha1', decodeBase32(secret)).update(counter).digest();
  const offset = mac[mac.length - 1] & 15;
  const number = mac.readUInt32BE(offset) & 0x7fffffff;
  return String(number % 1_000_000).padStart(6, '0');
}

export function stepAt(ms: number): number {
  return Math.floor(ms / 1000 / STEP_SECONDS);
}

/**
 * The step a code belongs to, looking one step either side for clock drift (RFC 6238 §5.2), or undefined.
 * A step at or before `usedStep` does not count: each code signs in once.
 */
export function matchingStep(secret: string, code: string, now: number, usedStep = -1): number | undefined {
  const current = stepAt(now);
  for (const step of [current, current - 1, current + 1]) {
    if (step > usedStep && totpCode(secret, step) === code) return step;
  }
  return undefined;
}

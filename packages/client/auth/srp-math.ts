/**
 * Cognito's SRP-6a, the math both sides share: the client (packages/client/auth/srp.ts) and local mode's user pool
 * (local/user-pool/srp.ts) compute every hash, key and signature here, on BigInt and WebCrypto, so that
 * the two can never disagree on a formula or a padding rule. The rules, and where they were checked, are
 * in docs/local-mode.md ("SRP as Cognito does it").
 */

import type { Bytes } from '../bytes.js';

/** RFC 5054's 3072-bit group, the one Cognito uses. */
export const N = BigInt(
  '0xFFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD129024E088A67CC74020BBEA63B139B22514A08798E3404DD' +
    'EF9519B3CD3A431B302B0A6DF25F14374FE1356D6D51C245E485B576625E7EC6F44C42E9A637ED6B0BFF5CB6F406B7ED' +
    'EE386BFB5A899FA5AE9F24117C4B1FE649286651ECE45B3DC2007CB8A163BF0598DA48361C55D39A69163FA8FD24CF5F' +
    '83655D23DCA3AD961C62F356208552BB9ED529077096966D670C354E4ABC9804F1746C08CA18217C32905E462E36CE3B' +
    'E39E772C180E86039B2783A2EC07A28FB5C55DF06F4C52C9DE2BCBF6955817183995497CEA956AE515D2261898FA0510' +
    '15728E5A8AAAC42DAD33170D04507A33A85521ABDF1CBA64ECFB850458DBEF0A8AEA71575D060C7DB3970F85A6E1E4C7' +
    'ABF5AE8CDB0933D71E8C94E04A25619DCEE3D2261AD2EE6BF12FFA06D98A0864D87602733EC86A64521F2B18177B200C' +
    'BBE117577A615D6C770988C0BAD946E208E24FA074E5AB3143DB5BFCE0FD108E4B82D120A93AD2CAFFFFFFFFFFFFFFFF',
);
export const g = 2n;
const utf8 = new TextEncoder();

/** Lowercase hex, one leading `0` for an odd length and `00` more when the top bit is set. */
export function padHex(n: bigint): string {
  let hex = n.toString(16);
  if (hex.length % 2 === 1) hex = `0${hex}`;
  return '89abcdef'.includes(hex[0] ?? '') ? `00${hex}` : hex;
}

export function hexBytes(hex: string) {
  const bytes = new Uint8Array(hex.length / 2);
  for (let i = 0; i < bytes.length; i++) bytes[i] = Number.parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return bytes;
}

export function bytesHex(bytes: ArrayBuffer | Uint8Array): string {
  return Array.from(new Uint8Array(bytes), (b) => b.toString(16).padStart(2, '0')).join('');
}

function concat(...parts: Uint8Array[]) {
  const out = new Uint8Array(parts.reduce((sum, p) => sum + p.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

async function sha256(bytes: Bytes) {
  return new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
}

async function hmac(key: Bytes, message: Bytes) {
  const cryptoKey = await crypto.subtle.importKey('raw', key, { name: 'HMAC', hash: 'SHA-256' }, false, [
    'sign',
  ]);
  return new Uint8Array(await crypto.subtle.sign('HMAC', cryptoKey, message));
}

/** H(hex) as a number: SHA-256 of the bytes the hex spells. */
export async function hashOf(hex: string): Promise<bigint> {
  return BigInt(`0x${bytesHex(await sha256(hexBytes(hex)))}`);
}

export function modPow(base: bigint, exponent: bigint, modulus: bigint): bigint {
  let result = 1n;
  let b = ((base % modulus) + modulus) % modulus;
  let e = exponent;
  while (e > 0n) {
    if (e & 1n) result = (result * b) % modulus;
    b = (b * b) % modulus;
    e >>= 1n;
  }
  return result;
}

/** Who the password belongs to: the pool's id after `_`, and the `USER_ID_FOR_SRP` the pool returned. */
export interface SrpIdentity {
  readonly poolName: string;
  readonly userId: string;
}

/** `k = H(padHex(N) ‖ padHex(g))`. */
export function multiplier(): Promise<bigint> {
  return hashOf(padHex(N) + padHex(g));
}

/** `u = H(padHex(A) ‖ padHex(B))`; a handshake with u = 0 must be refused. */
export function scrambler(A: bigint, B: bigint): Promise<bigint> {
  return hashOf(padHex(A) + padHex(B));
}

/** `x = H(padHex(salt) ‖ SHA-256(poolName + userId + ':' + password))`; the salt is read as a number. */
export async function passwordExponent(identity: SrpIdentity, password: string, saltHex: string) {
  const inner = bytesHex(await sha256(utf8.encode(`${identity.poolName}${identity.userId}:${password}`)));
  return hashOf(padHex(BigInt(`0x${saltHex}`)) + inner);
}

/** `v = g^x mod N`, what the pool keeps instead of the password. */
export async function passwordVerifier(identity: SrpIdentity, password: string, saltHex: string) {
  return modPow(g, await passwordExponent(identity, password, saltHex), N);
}

/**
 * `PASSWORD_CLAIM_SIGNATURE`'s bytes from the shared secret S: HMAC(K, poolName ‖ userId ‖ secret block ‖
 * timestamp) with K = HKDF(salt u, S, "Caldera Derived Key")[0..16).
 */
export async function claimSignature(
  identity: SrpIdentity,
  u: bigint,
  S: bigint,
  secretBlock: Uint8Array,
  timestamp: string,
): Promise<Bytes> {
  const prk = await hmac(hexBytes(padHex(u)), hexBytes(padHex(S)));
  const info = concat(utf8.encode('Caldera Derived Key'), Uint8Array.of(1));
  const key = (await hmac(prk, info)).slice(0, 16);
  const claim = concat(
    utf8.encode(identity.poolName),
    utf8.encode(identity.userId),
    secretBlock,
    utf8.encode(timestamp),
  );
  return hmac(key, claim);
}

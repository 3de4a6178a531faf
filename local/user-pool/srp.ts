/**
 * Cognito's SRP-6a, server side: the verifier a password leaves behind and the proof that a client knew
 * it. The math is the client's own (packages/client/auth/srp-math.ts), so the two sides share every formula and
 * padding rule; facts in docs/local-mode.md ("SRP as Cognito does it").
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import {
  claimSignature,
  g,
  modPow,
  multiplier,
  N,
  padHex,
  passwordVerifier,
  type SrpIdentity,
  scrambler,
} from '../../packages/client/auth/srp-math';

export type { SrpIdentity } from '../../packages/client/auth/srp-math';

/** What the pool keeps instead of a password. */
export interface PasswordVerifier {
  readonly salt: string;
  readonly verifier: string;
}

/** `v = g^x mod N` for a given salt; createVerifier picks a fresh random salt. */
export async function verifierFor(
  identity: SrpIdentity,
  password: string,
  salt: string,
): Promise<PasswordVerifier> {
  return { salt, verifier: (await passwordVerifier(identity, password, salt)).toString(16) };
}

export function createVerifier(identity: SrpIdentity, password: string): Promise<PasswordVerifier> {
  return verifierFor(identity, password, randomBytes(16).toString('hex'));
}

/** Checks a plain password against a verifier (ChangePassword's previous password). */
export async function verifierMatches(
  identity: SrpIdentity,
  password: string,
  stored: PasswordVerifier,
): Promise<boolean> {
  const v = await passwordVerifier(identity, password, stored.salt);
  const expected = Buffer.from(padHex(BigInt(`0x${stored.verifier}`)), 'hex');
  const actual = Buffer.from(padHex(v), 'hex');
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}

/** The server's half of one handshake; `b` never leaves the process. */
export interface ServerHandshake {
  readonly A: bigint;
  readonly b: bigint;
  readonly B: bigint;
}

/** Parses the client's `SRP_A`; undefined when it is not hex or `A mod N = 0` (a forged key). */
export function parseClientKey(srpA: string): bigint | undefined {
  if (!/^[0-9a-fA-F]{1,2048}$/.test(srpA)) return undefined;
  const A = BigInt(`0x${srpA}`);
  return A % N === 0n ? undefined : A;
}

export async function startHandshake(A: bigint, verifierHex: string): Promise<ServerHandshake> {
  const v = BigInt(`0x${verifierHex}`);
  const k = await multiplier();
  let b: bigint;
  let B: bigint;
  do {
    // 256 random bits, RFC 5054's floor for the secret exponent: a 3072-bit one costs ten times more.
    b = BigInt(`0x${randomBytes(32).toString('hex')}`);
    B = (k * v + modPow(g, b, N)) % N;
  } while (B === 0n);
  return { A, b, B };
}

/** `B` as the client reads `SRP_B`: plain hex, which it parses as a number. */
export function serverKeyHex(handshake: ServerHandshake): string {
  return handshake.B.toString(16);
}

/** What the client signed: the handshake's secret block and its `TIMESTAMP`, exactly as sent. */
export interface PasswordClaim {
  readonly secretBlock: Buffer;
  readonly timestamp: string;
  readonly signature: string;
}

/** True when the client's `PASSWORD_CLAIM_SIGNATURE` proves it knows the password behind the verifier. */
export async function claimIsValid(
  identity: SrpIdentity,
  verifierHex: string,
  handshake: ServerHandshake,
  claim: PasswordClaim,
): Promise<boolean> {
  const u = await scrambler(handshake.A, handshake.B);
  if (u === 0n) return false;
  const v = BigInt(`0x${verifierHex}`);
  // The server's S = (A·v^u)^b mod N, the same number as the client's (B − k·g^x)^(a + u·x).
  const S = modPow((handshake.A * modPow(v, u, N)) % N, handshake.b, N);
  const expected = Buffer.from(await claimSignature(identity, u, S, claim.secretBlock, claim.timestamp));
  const actual = Buffer.from(claim.signature, 'base64');
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}

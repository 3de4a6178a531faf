/**
 * Cognito's SRP-6a, server side: the verifier a password leaves behind and the proof that a client knew
 * it. Every formula and padding rule follows the fact sheet in /work/shared/LOCAL-MODE.md, which was
 * checked against amazon-cognito-identity-js and Amplify; padding slips pass only some sign-ins.
 */
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/** RFC 5054's 3072-bit group, the one Cognito uses. */
const N = BigInt(
  '0x' +
    'FFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD129024E088A67CC74020BBEA63B139B22514A08798E3404DD' +
    'EF9519B3CD3A431B302B0A6DF25F14374FE1356D6D51C245E485B576625E7EC6F44C42E9A637ED6B0BFF5CB6F406B7ED' +
    'EE386BFB5A899FA5AE9F24117C4B1FE649286651ECE45B3DC2007CB8A163BF0598DA48361C55D39A69163FA8FD24CF5F' +
    '83655D23DCA3AD961C62F356208552BB9ED529077096966D670C354E4ABC9804F1746C08CA18217C32905E462E36CE3B' +
    'E39E772C180E86039B2783A2EC07A28FB5C55DF06F4C52C9DE2BCBF6955817183995497CEA956AE515D2261898FA0510' +
    '15728E5A8AAAC42DAD33170D04507A33A85521ABDF1CBA64ECFB850458DBEF0A8AEA71575D060C7DB3970F85A6E1E4C7' +
    'ABF5AE8CDB0933D71E8C94E04A25619DCEE3D2261AD2EE6BF12FFA06D98A0864D87602733EC86A64521F2B18177B200C' +
    'BBE117577A615D6C770988C0BAD946E208E24FA074E5AB3143DB5BFCE0FD108E4B82D120A93AD2CAFFFFFFFFFFFFFFFF',
);
const g = 2n;

/** Lowercase hex, one leading `0` for an odd length and `00` more when the top bit is set (a positive number). */
export function padHex(n: bigint): string {
  let hex = n.toString(16);
  if (hex.length % 2 === 1) hex = `0${hex}`;
  return '89abcdef'.includes(hex[0]) ? `00${hex}` : hex;
}

/** SHA-256 of the bytes a hex string spells, as 64 hex digits. */
export function hashHex(hex: string): string {
  return createHash('sha256').update(Buffer.from(hex, 'hex')).digest('hex');
}

/** `k = H(padHex(N) ‖ padHex(g))`. */
export const k = BigInt(`0x${hashHex(padHex(N) + padHex(g))}`);

function modPow(base: bigint, exponent: bigint, modulus: bigint): bigint {
  let result = 1n;
  let b = base % modulus;
  let e = exponent;
  while (e > 0n) {
    if (e & 1n) result = (result * b) % modulus;
    b = (b * b) % modulus;
    e >>= 1n;
  }
  return result;
}

/** Who the password belongs to: the pool's id after `_`, and the user's `USER_ID_FOR_SRP`. */
export interface SrpIdentity {
  readonly poolName: string;
  readonly userId: string;
}

/** `x = H(padHex(salt) ‖ SHA-256(poolName + userId + ':' + password))`; the salt is read as a number. */
export function passwordExponent(identity: SrpIdentity, password: string, saltHex: string): bigint {
  const inner = createHash('sha256')
    .update(`${identity.poolName}${identity.userId}:${password}`, 'utf8')
    .digest('hex');
  return BigInt(`0x${hashHex(padHex(BigInt(`0x${saltHex}`)) + inner)}`);
}

/** What the pool keeps instead of a password. */
export interface PasswordVerifier {
  readonly salt: string;
  readonly verifier: string;
}

/** `v = g^x mod N` for a given salt; createVerifier picks a fresh random salt. */
export function verifierFor(identity: SrpIdentity, password: string, salt: string): PasswordVerifier {
  return { salt, verifier: modPow(g, passwordExponent(identity, password, salt), N).toString(16) };
}

export function createVerifier(identity: SrpIdentity, password: string): PasswordVerifier {
  return verifierFor(identity, password, randomBytes(16).toString('hex'));
}

/** Checks a plain password against a verifier (ChangePassword's previous password). */
export function verifierMatches(identity: SrpIdentity, password: string, stored: PasswordVerifier): boolean {
  const v = modPow(g, passwordExponent(identity, password, stored.salt), N);
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

export function startHandshake(A: bigint, verifierHex: string): ServerHandshake {
  const v = BigInt(`0x${verifierHex}`);
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
export function claimIsValid(
  identity: SrpIdentity,
  verifierHex: string,
  handshake: ServerHandshake,
  claim: PasswordClaim,
): boolean {
  const u = BigInt(`0x${hashHex(padHex(handshake.A) + padHex(handshake.B))}`);
  if (u === 0n) return false;
  const v = BigInt(`0x${verifierHex}`);
  const S = modPow((handshake.A * modPow(v, u, N)) % N, handshake.b, N);
  const prk = createHmac('sha256', Buffer.from(padHex(u), 'hex'))
    .update(Buffer.from(padHex(S), 'hex'))
    .digest();
  const key = createHmac('sha256', prk)
    .update(Buffer.concat([Buffer.from('Caldera Derived Key', 'utf8'), Buffer.from([1])]))
    .digest()
    .subarray(0, 16);
  const expected = createHmac('sha256', key)
    .update(Buffer.from(identity.poolName, 'utf8'))
    .update(Buffer.from(identity.userId, 'utf8'))
    .update(claim.secretBlock)
    .update(Buffer.from(claim.timestamp, 'utf8'))
    .digest();
  const actual = Buffer.from(claim.signature, 'base64');
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}

/**
 * Cognito's SRP-6a, client side: the sign-in's key pair, the password claim and its timestamp. The math
 * is shared with local mode's user pool (srp-math.ts); facts in docs/local-mode.md.
 */
import {
  bytesHex,
  claimSignature,
  g,
  modPow,
  multiplier,
  N,
  passwordExponent,
  type SrpIdentity,
  scrambler,
} from './srp-math.js';

export type { SrpIdentity } from './srp-math.js';

/** The client's secret `a` and public `A = g^a mod N`, one pair per sign-in. */
export interface ClientKey {
  readonly a: bigint;
  readonly A: bigint;
}

export function newClientKey(): ClientKey {
  const random = crypto.getRandomValues(new Uint8Array(32));
  const a = BigInt(`0x${bytesHex(random)}`) % N;
  const A = modPow(g, a, N);
  // A mod N = 0 would be refused by the pool; with a 256-bit random `a` it does not happen, but retry anyway.
  return A === 0n ? newClientKey() : { a, A };
}

/** `SRP_A` as the pool takes it: plain hex. */
export function clientKeyHex(key: ClientKey): string {
  return key.A.toString(16);
}

/** The PASSWORD_VERIFIER challenge's parameters, as the pool sent them. */
export interface VerifierChallenge {
  readonly SALT: string;
  readonly SRP_B: string;
  readonly SECRET_BLOCK: string;
}

/** `PASSWORD_CLAIM_SIGNATURE`, from the client's S = (B − k·g^x)^(a + u·x) mod N. */
export async function passwordClaimSignature(
  identity: SrpIdentity,
  password: string,
  key: ClientKey,
  challenge: VerifierChallenge,
  timestamp: string,
): Promise<string> {
  const B = BigInt(`0x${challenge.SRP_B}`);
  if (B % N === 0n) throw new Error('The user pool sent an invalid SRP_B.');
  const u = await scrambler(key.A, B);
  if (u === 0n) throw new Error('The SRP handshake gave u = 0.');
  const k = await multiplier();
  const x = await passwordExponent(identity, password, challenge.SALT);
  const S = modPow(B - ((k * modPow(g, x, N)) % N), key.a + u * x, N);
  const secretBlock = Uint8Array.from(atob(challenge.SECRET_BLOCK), (c) => c.charCodeAt(0));
  const signature = await claimSignature(identity, u, S, secretBlock, timestamp);
  return btoa(String.fromCharCode(...signature));
}

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** `ddd MMM D HH:mm:ss UTC YYYY` (English names, no leading zero on the day), as Cognito expects. */
export function srpTimestamp(date: Date): string {
  const two = (n: number) => String(n).padStart(2, '0');
  const time = `${two(date.getUTCHours())}:${two(date.getUTCMinutes())}:${two(date.getUTCSeconds())}`;
  return `${DAYS[date.getUTCDay()]} ${MONTHS[date.getUTCMonth()]} ${date.getUTCDate()} ${time} UTC ${date.getUTCFullYear()}`;
}

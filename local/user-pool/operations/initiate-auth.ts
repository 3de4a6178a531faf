/**
 * InitiateAuth: the SRP handshake's first step, or a refresh when refresh-token rotation is off (the
 * stack's client then allows ALLOW_REFRESH_TOKEN_AUTH; with rotation, only GetTokensFromRefreshToken).
 */
import { createHmac, randomBytes } from 'node:crypto';
import { CognitoError, invalidParameter, validationError } from '../errors';
import { type Input, requiredString, stringMap } from '../input';
import { type Pool, refresh, requireClient, requireEnabled, srpIdentity } from '../pool';
import { parseClientKey, serverKeyHex, startHandshake, verifierFor } from '../srp';

const AUTH_FLOWS = [
  'USER_SRP_AUTH',
  'REFRESH_TOKEN_AUTH',
  'REFRESH_TOKEN',
  'CUSTOM_AUTH',
  'ADMIN_NO_SRP_AUTH',
  'USER_PASSWORD_AUTH',
  'ADMIN_USER_PASSWORD_AUTH',
  'USER_AUTH',
];

export async function initiateAuth(pool: Pool, input: Input): Promise<object> {
  const flow = requiredString(input, 'AuthFlow');
  const clientId = requiredString(input, 'ClientId', 128);
  const parameters = stringMap(input, 'AuthParameters');
  if (!AUTH_FLOWS.includes(flow)) {
    throw validationError('authFlow', `Member must satisfy enum value set: [${AUTH_FLOWS.join(', ')}]`);
  }
  requireClient(pool, clientId);
  if (flow === 'USER_SRP_AUTH') return startSrp(pool, parameters);
  if ((flow === 'REFRESH_TOKEN_AUTH' || flow === 'REFRESH_TOKEN') && !pool.rotation.enabled) {
    const token = parameters.REFRESH_TOKEN;
    if (token === undefined) throw invalidParameter('Missing required parameter REFRESH_TOKEN');
    return { AuthenticationResult: refresh(pool, token), ChallengeParameters: {} };
  }
  throw invalidParameter(`${flow} flow not enabled for this client`);
}

async function startSrp(pool: Pool, parameters: Readonly<Record<string, string>>): Promise<object> {
  const { USERNAME: name, SRP_A: srpA } = parameters;
  if (name === undefined) throw invalidParameter('Missing required parameter USERNAME');
  if (srpA === undefined) throw invalidParameter('Missing required parameter SRP_A');
  const A = parseClientKey(srpA);
  if (A === undefined) throw invalidParameter('Invalid SRP_A');
  const now = pool.now();
  const user = pool.store.find(name);
  let username: string | undefined;
  let challengeUsername: string;
  let salt: string;
  let verifier: string;
  if (user === undefined) {
    // User-existence errors are prevented: an unknown user gets a challenge that looks like a real one
    // (the same salt every time) and fails at the proof with the usual "Incorrect username or password."
    challengeUsername = decoyUsername(pool, name);
    salt = createHmac('sha256', pool.decoySecret)
      .update(`salt:${name.toLowerCase()}`)
      .digest('hex')
      .slice(0, 32);
    ({ verifier } = await verifierFor(
      srpIdentity(pool, challengeUsername),
      randomBytes(32).toString('hex'),
      salt,
    ));
  } else {
    requireEnabled(user);
    if (user.status === 'RESET_REQUIRED') {
      throw new CognitoError('PasswordResetRequiredException', 'Password reset required for the user');
    }
    if (user.status === 'FORCE_CHANGE_PASSWORD' && (user.temporaryPasswordExpiresAt ?? 0) <= now) {
      throw new CognitoError(
        'NotAuthorizedException',
        'Temporary password has expired and must be reset by an administrator.',
      );
    }
    username = user.username;
    challengeUsername = user.username;
    ({ salt, verifier } = user);
  }
  const identity = srpIdentity(pool, challengeUsername);
  const handshake = await startHandshake(A, verifier);
  const secretBlock = pool.challenges.verifiers.put(
    { username, challengeUsername, identity, verifier, handshake },
    now,
    64,
  );
  return {
    ChallengeName: 'PASSWORD_VERIFIER',
    ChallengeParameters: {
      SALT: salt,
      SECRET_BLOCK: secretBlock,
      SRP_B: serverKeyHex(handshake),
      USERNAME: challengeUsername,
      USER_ID_FOR_SRP: challengeUsername,
    },
  };
}

/** A UUID-shaped username that stays the same for the same unknown name. */
function decoyUsername(pool: Pool, name: string): string {
  const hex = createHmac('sha256', pool.decoySecret).update(`user:${name.toLowerCase()}`).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

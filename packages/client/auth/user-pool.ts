/** The user pool's operations the app needs, as plain JSON 1.1 calls (no Amplify, no SDK: size). */
import { type LockboxConfig, userPoolEndpoint } from '../config.js';
import { cognitoCall } from './cognito-wire.js';
import {
  clientKeyHex,
  newClientKey,
  passwordClaimSignature,
  type SrpIdentity,
  srpTimestamp,
  type VerifierChallenge,
} from './srp.js';

export interface Tokens {
  readonly idToken: string;
  readonly accessToken: string;
  readonly refreshToken: string;
}

/** What the pool answers to a sign-in step: tokens, or the next challenge with its session. */
export type AuthStep =
  | { readonly tokens: Tokens }
  | {
      readonly challenge: string;
      readonly session: string;
      readonly username: string;
    };

interface AuthenticationResult {
  readonly IdToken: string;
  readonly AccessToken: string;
  readonly RefreshToken?: string;
}

interface AuthAnswer {
  readonly AuthenticationResult?: AuthenticationResult;
  readonly ChallengeName?: string;
  readonly ChallengeParameters?: Readonly<Record<string, string>>;
  readonly Session?: string;
}

export class UserPool {
  private readonly config: LockboxConfig;
  private readonly fetchImpl: typeof fetch;
  private readonly now: () => number;

  constructor(config: LockboxConfig, fetchImpl: typeof fetch, now: () => number) {
    this.config = config;
    this.fetchImpl = fetchImpl;
    this.now = now;
  }

  private call<T>(operation: string, input: object): Promise<T> {
    return cognitoCall<T>(
      this.fetchImpl,
      userPoolEndpoint(this.config),
      'AWSCognitoIdentityProviderService',
      operation,
      { ClientId: this.config.user_pool_client_id, ...input },
    );
  }

  /** USER_SRP_AUTH, then the PASSWORD_VERIFIER proof: the password itself is never sent. */
  async signInWithSrp(email: string, password: string): Promise<AuthStep> {
    const key = newClientKey();
    const started = await this.call<AuthAnswer>('InitiateAuth', {
      AuthFlow: 'USER_SRP_AUTH',
      AuthParameters: { USERNAME: email, SRP_A: clientKeyHex(key) },
    });
    const parameters = started.ChallengeParameters ?? {};
    const challenge = parameters as unknown as VerifierChallenge & {
      USER_ID_FOR_SRP: string;
      USERNAME: string;
    };
    const identity: SrpIdentity = {
      poolName: this.config.user_pool_id.split('_')[1] ?? '',
      userId: challenge.USER_ID_FOR_SRP,
    };
    const timestamp = srpTimestamp(new Date(this.now()));
    const answer = await this.call<AuthAnswer>('RespondToAuthChallenge', {
      ChallengeName: 'PASSWORD_VERIFIER',
      ChallengeResponses: {
        USERNAME: challenge.USERNAME,
        PASSWORD_CLAIM_SECRET_BLOCK: challenge.SECRET_BLOCK,
        TIMESTAMP: timestamp,
        PASSWORD_CLAIM_SIGNATURE: await passwordClaimSignature(identity, password, key, challenge, timestamp),
      },
      ...(started.Session === undefined ? {} : { Session: started.Session }),
    });
    return step(answer, challenge.USERNAME);
  }

  /** Answers NEW_PASSWORD_REQUIRED or SOFTWARE_TOKEN_MFA. */
  async respond(
    previous: { readonly challenge: string; readonly session: string; readonly username: string },
    responses: Readonly<Record<string, string>>,
  ): Promise<AuthStep> {
    const answer = await this.call<AuthAnswer>('RespondToAuthChallenge', {
      ChallengeName: previous.challenge,
      Session: previous.session,
      ChallengeResponses: { USERNAME: previous.username, ...responses },
    });
    return step(answer, previous.username);
  }

  /**
   * New ID and access tokens for a refresh token, and a new refresh token when the app client rotates
   * them (the default): the one given then stops working after a short grace period, so keep the new one.
   */
  async refresh(refreshToken: string): Promise<Tokens> {
    const answer = await this.call<AuthAnswer>('GetTokensFromRefreshToken', { RefreshToken: refreshToken });
    const result = answer.AuthenticationResult;
    if (result === undefined) throw new Error('The user pool answered a refresh without tokens.');
    return {
      idToken: result.IdToken,
      accessToken: result.AccessToken,
      refreshToken: result.RefreshToken ?? refreshToken,
    };
  }

  async revoke(refreshToken: string): Promise<void> {
    await this.call('RevokeToken', { Token: refreshToken });
  }

  async forgotPassword(email: string): Promise<void> {
    await this.call('ForgotPassword', { Username: email });
  }

  async confirmForgotPassword(email: string, code: string, newPassword: string): Promise<void> {
    await this.call('ConfirmForgotPassword', {
      Username: email,
      ConfirmationCode: code,
      Password: newPassword,
    });
  }
}

function step(answer: AuthAnswer, username: string): AuthStep {
  const result = answer.AuthenticationResult;
  if (result !== undefined) {
    return {
      tokens: {
        idToken: result.IdToken,
        accessToken: result.AccessToken,
        refreshToken: result.RefreshToken ?? '',
      },
    };
  }
  return {
    challenge: answer.ChallengeName ?? '',
    session: answer.Session ?? '',
    // NEW_PASSWORD_REQUIRED names the user again; the pool's username, not the e-mail, answers it.
    username: answer.ChallengeParameters?.USER_ID_FOR_SRP ?? username,
  };
}

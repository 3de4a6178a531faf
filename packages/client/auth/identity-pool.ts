/** The identity pool's two calls: the user's identity id, and temporary AWS credentials for it. */
import { identityPoolEndpoint, type LockboxConfig, loginsKey } from '../config.js';
import { cognitoCall } from './cognito-wire.js';

export interface AwsCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken: string;
  /** Milliseconds since the epoch. */
  readonly expiresAt: number;
}

interface CredentialsAnswer {
  readonly IdentityId: string;
  readonly Credentials: {
    readonly AccessKeyId: string;
    readonly SecretKey: string;
    readonly SessionToken: string;
    /** Epoch seconds. */
    readonly Expiration: number;
  };
}

export class IdentityPool {
  private readonly config: LockboxConfig;
  private readonly fetchImpl: typeof fetch;

  constructor(config: LockboxConfig, fetchImpl: typeof fetch) {
    this.config = config;
    this.fetchImpl = fetchImpl;
  }

  private call<T>(operation: string, input: object): Promise<T> {
    return cognitoCall<T>(
      this.fetchImpl,
      identityPoolEndpoint(this.config),
      'AWSCognitoIdentityService',
      operation,
      input,
    );
  }

  private logins(idToken: string) {
    return { [loginsKey(this.config)]: idToken };
  }

  async identityId(idToken: string): Promise<string> {
    const answer = await this.call<{ IdentityId: string }>('GetId', {
      IdentityPoolId: this.config.identity_pool_id,
      Logins: this.logins(idToken),
    });
    return answer.IdentityId;
  }

  async credentials(identityId: string, idToken: string): Promise<AwsCredentials> {
    const answer = await this.call<CredentialsAnswer>('GetCredentialsForIdentity', {
      IdentityId: identityId,
      Logins: this.logins(idToken),
    });
    const c = answer.Credentials;
    return {
      accessKeyId: c.AccessKeyId,
      secretAccessKey: c.SecretKey,
      sessionToken: c.SessionToken,
      expiresAt: c.Expiration * 1000,
    };
  }
}

/**
 * The frontend config: the stack's outputs (`npx cdktf output` in AWS) or `.lockbox/config.json` (local
 * mode), under the same names. The two endpoints exist only locally; in AWS the client derives them.
 */
export interface LockboxConfig {
  readonly region: string;
  readonly user_pool_id: string;
  readonly user_pool_client_id: string;
  readonly identity_pool_id: string;
  readonly api_url: string;
  readonly user_pool_endpoint?: string;
  readonly identity_pool_endpoint?: string;
}

export function userPoolEndpoint(config: LockboxConfig): string {
  return config.user_pool_endpoint ?? `https://cognito-idp.${config.region}.amazonaws.com/`;
}

export function identityPoolEndpoint(config: LockboxConfig): string {
  return config.identity_pool_endpoint ?? `https://cognito-identity.${config.region}.amazonaws.com/`;
}

/** The identity pool's Logins key for this user pool: the ID token's issuer without its scheme. */
export function loginsKey(config: LockboxConfig): string {
  return `cognito-idp.${config.region}.amazonaws.com/${config.user_pool_id}`;
}

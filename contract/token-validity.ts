/**
 * How long the user pool's tokens live and whether refresh tokens rotate, when an environment does not
 * say otherwise: the stack's user pool client and the local user pool read these.
 */
export const tokenValidity = {
  /** Access and id tokens, in minutes (Cognito allows 5..1440). */
  accessAndIdMinutes: 60,
  /** Refresh tokens, in days: a stolen one is worth a week at most. */
  refreshDays: 7,
  /** The range an environment may set refreshDays to. */
  refreshDaysRange: { min: 1, max: 30 },
  /**
   * Each refresh (GetTokensFromRefreshToken) answers a new refresh token and retires the one it was given,
   * which still works for `retryGraceSeconds` (Cognito allows 0..60) so that a retried request whose
   * answer was lost does not sign the user out. Rotation rules out InitiateAuth's REFRESH_TOKEN_AUTH.
   */
  rotation: { enabled: true, retryGraceSeconds: 10 },
} as const;

/** An environment's refresh-token settings (EnvironmentConfig.auth), each defaulting to tokenValidity. */
export interface RefreshTokenSettings {
  /** @default tokenValidity.refreshDays */
  readonly refreshTokenValidityDays?: number;
  /** @default tokenValidity.rotation.enabled */
  readonly refreshTokenRotation?: boolean;
  /** 0..60. @default tokenValidity.rotation.retryGraceSeconds */
  readonly refreshTokenRetryGraceSeconds?: number;
}

/**
 * How long the user pool's tokens live when an environment does not say otherwise: the stack's user pool
 * client and the local user pool read these. No cdktf import here.
 */
export const tokenValidity = {
  /** Access and id tokens, in minutes (Cognito allows 5..1440). */
  accessAndIdMinutes: 60,
  /** Refresh tokens, in days. */
  refreshDays: 30,
} as const;

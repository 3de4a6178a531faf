/**
 * The user pool's password policy: the one source from which the stack configures Cognito and the local
 * user pool checks passwords.
 */
export interface PasswordPolicy {
  readonly minimumLength: number;
  readonly requireLowercase: boolean;
  readonly requireUppercase: boolean;
  readonly requireNumbers: boolean;
  readonly requireSymbols: boolean;
  /** How long an administrator's temporary password can be used for the first sign-in. */
  readonly temporaryPasswordValidityDays: number;
}

export const passwordPolicy: PasswordPolicy = {
  minimumLength: 12,
  requireLowercase: true,
  requireUppercase: true,
  requireNumbers: true,
  requireSymbols: true,
  temporaryPasswordValidityDays: 3,
};

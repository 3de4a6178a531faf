import { CognitoIdentityPool } from '@cdktf/provider-aws/lib/cognito-identity-pool';
import { CognitoIdentityPoolRolesAttachment } from '@cdktf/provider-aws/lib/cognito-identity-pool-roles-attachment';
import { CognitoUserPool } from '@cdktf/provider-aws/lib/cognito-user-pool';
import { CognitoUserPoolClient } from '@cdktf/provider-aws/lib/cognito-user-pool-client';
import { DataAwsIamPolicyDocument } from '@cdktf/provider-aws/lib/data-aws-iam-policy-document';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { Construct } from 'constructs';
import { passwordPolicy } from '../contract/password-policy';
import { type RefreshTokenSettings, tokenValidity } from '../contract/token-validity';

/** TOTP (software token) multi-factor authentication: off, each user's choice, or required of everyone. */
export type MfaMode = 'OFF' | 'OPTIONAL' | 'ON';

/**
 * Cognito's threat protection (formerly advanced security): AUDIT logs risky sign-ins, ENFORCED also
 * blocks them or asks for MFA. Anything but OFF moves the pool to the Plus feature plan (docs/operations.md).
 */
export type ThreatProtection = 'OFF' | 'AUDIT' | 'ENFORCED';

/** An SES identity (verified, out of the sandbox, in the pool's region) that mails invitations and codes. */
export interface EmailSender {
  /** ARN of the verified SES identity, e.g. `arn:aws:ses:eu-west-1:123456789012:identity/example.com`. */
  readonly sourceArn: string;
  /** The From header: `no-reply@example.com` or `Lockbox <no-reply@example.com>`. */
  readonly fromEmailAddress: string;
  readonly replyToEmailAddress?: string;
  /** An SES configuration set, e.g. for bounce and delivery events. */
  readonly configurationSet?: string;
}

/** What an environment may choose about its users' accounts (EnvironmentConfig.auth). */
export interface AccountSettings extends RefreshTokenSettings {
  /** @default 'OPTIONAL' (free: TOTP, no SMS) */
  readonly mfa?: MfaMode;
  /** @default 'OFF' */
  readonly threatProtection?: ThreatProtection;
  /** @default Cognito's own sender (no-reply@verificationemail.com, a small daily quota) */
  readonly emailSender?: EmailSender;
}

export interface UserAuthProps {
  /** Prefix of every name, e.g. `lockbox-dev`. */
  readonly namePrefix: string;
  /** Lifetime of access and id tokens, in minutes (5..1440). @default 60 */
  readonly tokenValidityMinutes?: number;
  /** Refresh tokens, MFA, threat protection and the e-mail sender. @default every default of AccountSettings */
  readonly settings?: AccountSettings;
  /**
   * Refuse `destroy` of the user pool and identity pool, and turn on the user pool's deletion protection.
   * Replacing the identity pool gives every user a new identity id and orphans their folder. @default true
   */
  readonly preventDestroy?: boolean;
}

/**
 * Who the users are and what credentials they get: a user pool (email sign-in, admin-created accounts,
 * strong passwords, a new e-mail address used only once verified, TOTP MFA and threat protection as the
 * environment says), a browser client (SRP and rotating refresh tokens only, no secret, may read the
 * e-mail and change it through verification, nothing else), an identity
 * pool for that client alone (no guests, no classic flow) and the role its signed-in users assume. The
 * role starts with no permissions; RestApi.grantInvoke adds exactly the API's routes.
 */
export class UserAuth extends Construct {
  readonly userPool: CognitoUserPool;
  readonly client: CognitoUserPoolClient;
  readonly identityPool: CognitoIdentityPool;
  readonly authenticatedRole: IamRole;

  constructor(scope: Construct, id: string, props: UserAuthProps) {
    super(scope, id);
    const preventDestroy = props.preventDestroy ?? true;
    const settings = props.settings ?? {};
    const mfa = settings.mfa ?? 'OPTIONAL';
    const threatProtection = settings.threatProtection ?? 'OFF';
    const sender = settings.emailSender;
    const rotation = settings.refreshTokenRotation ?? tokenValidity.rotation.enabled;

    this.userPool = new CognitoUserPool(this, 'user-pool', {
      name: `${props.namePrefix}-users`,
      usernameAttributes: ['email'],
      usernameConfiguration: { caseSensitive: false },
      autoVerifiedAttributes: ['email'],
      adminCreateUserConfig: { allowAdminCreateUserOnly: true },
      passwordPolicy: { ...passwordPolicy },
      accountRecoverySetting: { recoveryMechanism: [{ name: 'verified_email', priority: 1 }] },
      // Until the code sent to the new address is confirmed, the old one stays the sign-in and recovery address.
      userAttributeUpdateSettings: { attributesRequireVerificationBeforeUpdate: ['email'] },
      mfaConfiguration: mfa,
      softwareTokenMfaConfiguration: mfa === 'OFF' ? undefined : { enabled: true },
      // Threat protection needs the Plus plan; Essentials (the default for new pools) has everything else.
      userPoolTier: threatProtection === 'OFF' ? 'ESSENTIALS' : 'PLUS',
      userPoolAddOns: { advancedSecurityMode: threatProtection },
      emailConfiguration:
        sender === undefined
          ? { emailSendingAccount: 'COGNITO_DEFAULT' }
          : {
              emailSendingAccount: 'DEVELOPER',
              sourceArn: sender.sourceArn,
              fromEmailAddress: sender.fromEmailAddress,
              replyToEmailAddress: sender.replyToEmailAddress,
              configurationSet: sender.configurationSet,
            },
      deletionProtection: preventDestroy ? 'ACTIVE' : 'INACTIVE',
      lifecycle: { preventDestroy },
    });

    const tokenMinutes = props.tokenValidityMinutes ?? tokenValidity.accessAndIdMinutes;
    this.client = new CognitoUserPoolClient(this, 'client', {
      name: `${props.namePrefix}-web`,
      userPoolId: this.userPool.id,
      generateSecret: false,
      // Rotation refreshes through GetTokensFromRefreshToken only; Cognito refuses it beside REFRESH_TOKEN_AUTH.
      explicitAuthFlows: rotation
        ? ['ALLOW_USER_SRP_AUTH']
        : ['ALLOW_USER_SRP_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'],
      refreshTokenRotation: [
        rotation
          ? {
              feature: 'ENABLED',
              retryGracePeriodSeconds:
                settings.refreshTokenRetryGraceSeconds ?? tokenValidity.rotation.retryGraceSeconds,
            }
          : { feature: 'DISABLED' },
      ],
      preventUserExistenceErrors: 'ENABLED',
      enableTokenRevocation: true,
      accessTokenValidity: tokenMinutes,
      idTokenValidity: tokenMinutes,
      refreshTokenValidity: settings.refreshTokenValidityDays ?? tokenValidity.refreshDays,
      tokenValidityUnits: [{ accessToken: 'minutes', idToken: 'minutes', refreshToken: 'days' }],
      // Unset (or empty) would let the client read and write every standard attribute. The app shows the
      // e-mail; a user may change it, which takes effect only once the new address is verified.
      readAttributes: ['email', 'email_verified'],
      writeAttributes: ['email'],
      supportedIdentityProviders: ['COGNITO'],
    });

    this.identityPool = new CognitoIdentityPool(this, 'identity-pool', {
      // Identity pool names allow letters, digits, spaces and underscores only.
      identityPoolName: `${props.namePrefix.replace(/[^A-Za-z0-9]/g, '_')}_identities`,
      allowUnauthenticatedIdentities: false,
      allowClassicFlow: false,
      cognitoIdentityProviders: [
        {
          providerName: this.userPool.endpoint,
          clientId: this.client.id,
          serverSideTokenCheck: true,
        },
      ],
      lifecycle: { preventDestroy },
    });

    const trust = new DataAwsIamPolicyDocument(this, 'authenticated-trust', {
      statement: [
        {
          effect: 'Allow',
          actions: ['sts:AssumeRoleWithWebIdentity'],
          principals: [{ type: 'Federated', identifiers: ['cognito-identity.amazonaws.com'] }],
          condition: [
            {
              test: 'StringEquals',
              variable: 'cognito-identity.amazonaws.com:aud',
              values: [this.identityPool.id],
            },
            {
              test: 'ForAnyValue:StringLike',
              variable: 'cognito-identity.amazonaws.com:amr',
              values: ['authenticated'],
            },
          ],
        },
      ],
    });
    this.authenticatedRole = new IamRole(this, 'authenticated-role', {
      name: `${props.namePrefix}-authenticated`,
      assumeRolePolicy: trust.json,
    });

    new CognitoIdentityPoolRolesAttachment(this, 'roles', {
      identityPoolId: this.identityPool.id,
      roles: { authenticated: this.authenticatedRole.arn },
    });
  }
}

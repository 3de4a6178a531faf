import { CognitoIdentityPool } from '@cdktf/provider-aws/lib/cognito-identity-pool';
import { CognitoIdentityPoolRolesAttachment } from '@cdktf/provider-aws/lib/cognito-identity-pool-roles-attachment';
import { CognitoUserPool } from '@cdktf/provider-aws/lib/cognito-user-pool';
import { CognitoUserPoolClient } from '@cdktf/provider-aws/lib/cognito-user-pool-client';
import { DataAwsIamPolicyDocument } from '@cdktf/provider-aws/lib/data-aws-iam-policy-document';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { Construct } from 'constructs';
import { passwordPolicy } from '../handlers/password-policy';
import { tokenValidity } from '../handlers/token-validity';

export interface UserAuthProps {
  /** Prefix of every name, e.g. `lockbox-dev`. */
  readonly namePrefix: string;
  /** Lifetime of access and id tokens, in minutes (5..1440). @default 60 */
  readonly tokenValidityMinutes?: number;
  /** Lifetime of refresh tokens, in days. @default 30 */
  readonly refreshTokenValidityDays?: number;
  /**
   * Refuse `destroy` of the user pool and identity pool, and turn on the user pool's deletion protection.
   * Replacing the identity pool gives every user a new identity id and orphans their folder. @default true
   */
  readonly preventDestroy?: boolean;
}

/**
 * Who the users are and what credentials they get: a user pool (email sign-in, admin-created accounts,
 * strong passwords, optional TOTP MFA), a browser client (SRP and refresh only, no secret), an identity
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

    this.userPool = new CognitoUserPool(this, 'user-pool', {
      name: `${props.namePrefix}-users`,
      usernameAttributes: ['email'],
      usernameConfiguration: { caseSensitive: false },
      autoVerifiedAttributes: ['email'],
      adminCreateUserConfig: { allowAdminCreateUserOnly: true },
      passwordPolicy: { ...passwordPolicy },
      accountRecoverySetting: { recoveryMechanism: [{ name: 'verified_email', priority: 1 }] },
      mfaConfiguration: 'OPTIONAL',
      softwareTokenMfaConfiguration: { enabled: true },
      deletionProtection: preventDestroy ? 'ACTIVE' : 'INACTIVE',
      lifecycle: { preventDestroy },
    });

    const tokenMinutes = props.tokenValidityMinutes ?? tokenValidity.accessAndIdMinutes;
    this.client = new CognitoUserPoolClient(this, 'client', {
      name: `${props.namePrefix}-web`,
      userPoolId: this.userPool.id,
      generateSecret: false,
      explicitAuthFlows: ['ALLOW_USER_SRP_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'],
      preventUserExistenceErrors: 'ENABLED',
      enableTokenRevocation: true,
      accessTokenValidity: tokenMinutes,
      idTokenValidity: tokenMinutes,
      refreshTokenValidity: props.refreshTokenValidityDays ?? tokenValidity.refreshDays,
      tokenValidityUnits: [{ accessToken: 'minutes', idToken: 'minutes', refreshToken: 'days' }],
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

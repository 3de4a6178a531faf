import type { APIGatewayEventIdentity } from 'aws-lambda';
import type { IssuedCredentials } from '../credentials/registry';

/** The fake AWS account the local system runs in. */
export const LOCAL_ACCOUNT_ID = '000000000000';
/** The stack's authenticated role, `<namePrefix>-authenticated`, for an environment named `local`. */
const AUTHENTICATED_ROLE_NAME = 'lockbox-local-authenticated';
/** A fixed role id of AWS's shape (`AROA` and 17 characters), as STS puts in `caller` and `user`. */
const AUTHENTICATED_ROLE_ID = 'AROALOCKBOXLOCALAUTH1';
/** The session name Cognito gives the role sessions it creates. */
const SESSION_NAME = 'CognitoIdentityCredentials';

/**
 * `requestContext.identity` as API Gateway fills it for a request signed with identity-pool credentials
 * (awsdocs api-gateway-mapping-template-reference; values as in a captured event).
 */
export function callerIdentity(
  credentials: IssuedCredentials,
  request: { readonly sourceIp: string; readonly userAgent: string | null },
): APIGatewayEventIdentity {
  const { identity } = credentials;
  const provider = `cognito-idp.${regionOf(identity.userPoolId)}.amazonaws.com/${identity.userPoolId}`;
  const caller = `${AUTHENTICATED_ROLE_ID}:${SESSION_NAME}`;
  return {
    accessKey: credentials.accessKeyId,
    accountId: LOCAL_ACCOUNT_ID,
    apiKey: null,
    apiKeyId: null,
    caller,
    clientCert: null,
    cognitoAuthenticationProvider: `${provider},${provider}:CognitoSignIn:${identity.sub}`,
    cognitoAuthenticationType: identity.authenticationType,
    cognitoIdentityId: identity.identityId,
    cognitoIdentityPoolId: identity.identityPoolId,
    principalOrgId: null,
    sourceIp: request.sourceIp,
    user: caller,
    userAgent: request.userAgent,
    userArn: `arn:aws:sts::${LOCAL_ACCOUNT_ID}:assumed-role/${AUTHENTICATED_ROLE_NAME}/${SESSION_NAME}`,
  };
}

/** A user pool id is `<region>_<id>`. */
function regionOf(userPoolId: string): string {
  return userPoolId.slice(0, userPoolId.indexOf('_'));
}

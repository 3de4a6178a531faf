import type { LockboxConfig } from '../packages/client/config.js';

/** The REST API's name in the Amplify config: `get({ apiName: 'lockbox', path: '/files' })`. */
export const AMPLIFY_API_NAME = 'lockbox';

/**
 * The object `Amplify.configure` takes (aws-amplify v6): the user pool and identity pool, sign-in with
 * email, no guest access, and the API as a REST API that Amplify signs with SigV4 (`execute-api`) using
 * the identity pool's credentials. A local system's config adds its Cognito endpoints.
 */
export function amplifyConfig(config: LockboxConfig) {
  return {
    Auth: {
      Cognito: {
        userPoolId: config.user_pool_id,
        userPoolClientId: config.user_pool_client_id,
        identityPoolId: config.identity_pool_id,
        allowGuestAccess: false,
        loginWith: { email: true },
        ...(config.user_pool_endpoint === undefined ? {} : { userPoolEndpoint: config.user_pool_endpoint }),
        ...(config.identity_pool_endpoint === undefined
          ? {}
          : { identityPoolEndpoint: config.identity_pool_endpoint }),
      },
    },
    API: {
      REST: {
        [AMPLIFY_API_NAME]: { endpoint: config.api_url, region: config.region, service: 'execute-api' },
      },
    },
  };
}

/**
 * Bundled in place of @aws-sdk/credential-provider-node (see handler-bundle.ts). Lambda always hands a
 * function its role's credentials in AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY / AWS_SESSION_TOKEN, the
 * first source the default chain tries; the rest of the chain (SSO, ini files, IMDS, web identity) and
 * the STS/SSO clients it pulls in are dead weight there, about 130 KB of each bundle. Local runs and
 * tests use the unbundled sources, so they keep the full chain.
 */
export { fromEnv as defaultProvider } from '@aws-sdk/credential-provider-env';

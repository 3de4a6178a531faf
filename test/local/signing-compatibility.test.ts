import { signRequest } from '@aws-amplify/core/internals/aws-client-utils';
import { AwsClient } from 'aws4fetch';
import { expect } from 'chai';
import { type GatewayHarness, STAGE, startGateway } from './support/gateway-harness';
import { REGION } from './support/id-tokens';
import { rawRequest } from './support/raw-http';
import { rfc3986, smithySign } from './support/smithy-sign';

/**
 * Which client signers the gateway accepts, on the characters where signers and API Gateway disagree.
 * docs/local-mode.md's signing table is this test's outcome. Keys travel in the query string (the
 * contract); the one path parameter is a zip job id, but a signer must still get odd paths right.
 */
type Signer = 'aws4fetch' | 'smithy' | 'amplify';
const ODD = "a b:(c)'+%#&=~*!é日本";
const CASES = {
  'query value with reserved and non-ASCII characters': { path: '/files', query: { prefix: ODD } },
  'path segment with space, colon and non-ASCII letters': { path: `/zips/${rfc3986('a b:é')}`, query: {} },
  "path segment with ( ) ' ! * percent-encoded (RFC 3986)": { path: `/zips/${rfc3986("(x)'!*")}`, query: {} },
  "path segment with ( ) ' ! * as encodeURIComponent leaves them": {
    path: `/zips/${encodeURIComponent("(x)'!*")}`,
    query: {},
  },
} as const;
type Case = keyof typeof CASES;

const EXPECTED: Record<Signer, Record<Case, number>> = {
  aws4fetch: all(200),
  smithy: all(200),
  // Amplify v6's getCanonicalUri encodes with encodeURIComponent, which leaves ( ) ' ! * as they are,
  // while API Gateway (and smithy) encode them: a path that carries them raw cannot match.
  amplify: { ...all(200), "path segment with ( ) ' ! * as encodeURIComponent leaves them": 403 },
};

function all(status: number): Record<Case, number> {
  return Object.fromEntries(Object.keys(CASES).map((c) => [c, status])) as Record<Case, number>;
}

async function send(gateway: GatewayHarness, signer: Signer, testCase: Case): Promise<number> {
  const { path, query } = CASES[testCase];
  const stagePath = `/${STAGE}${path}`;
  const search = Object.entries(query)
    .map(([name, value]) => `${rfc3986(name)}=${rfc3986(value)}`)
    .join('&');
  const wirePath = search ? `${stagePath}?${search}` : stagePath;
  const { accessKeyId, secretAccessKey, sessionToken } = gateway.credentials;
  const method = 'GET';
  if (signer === 'aws4fetch') {
    const client = new AwsClient({
      accessKeyId,
      secretAccessKey,
      sessionToken,
      service: 'execute-api',
      region: REGION,
    });
    return (await client.fetch(`http://127.0.0.1:${gateway.port}${wirePath}`, { method })).status;
  }
  if (signer === 'smithy') {
    const signed = await smithySign({
      credentials: gateway.credentials,
      port: gateway.port,
      method,
      path: stagePath,
      query,
    });
    return (await rawRequest(gateway.port, { method, path: signed.path, headers: signed.headers })).status;
  }
  const url = new URL(`http://127.0.0.1:${gateway.port}${wirePath}`);
  const signed = signRequest(
    { url, method, headers: { host: url.host } },
    {
      credentials: { accessKeyId, secretAccessKey, sessionToken },
      signingRegion: REGION,
      signingService: 'execute-api',
    },
  );
  return (await rawRequest(gateway.port, { method, path: wirePath, headers: signed.headers })).status;
}

describe('signing compatibility: client signers against the gateway', () => {
  let gateway: GatewayHarness;
  before(async () => {
    gateway = await startGateway();
  });
  after(() => gateway.close());

  for (const signer of Object.keys(EXPECTED) as Signer[]) {
    for (const testCase of Object.keys(CASES) as Case[]) {
      const expected = EXPECTED[signer][testCase];
      it(`${signer}, ${testCase}: ${expected === 200 ? 'accepted' : 'refused (403)'}`, async () => {
        expect(await send(gateway, signer, testCase)).to.equal(expected);
      });
    }
  }
});

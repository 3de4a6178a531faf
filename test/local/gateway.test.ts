import { request } from 'node:http';
import { AwsClient } from 'aws4fetch';
import { expect } from 'chai';
import type { IssuedCredentials } from '../../local/credentials/registry';
import { timedOutRefusal } from '../../local/gateway/invoke-route';
import { ConcurrencyLimit } from '../../local/lambda/concurrency';
import { LambdaTimeoutError } from '../../local/lambda/context';
import { answerOk, type GatewayHarness, ORIGINS, STAGE, startGateway } from './support/gateway-harness';
import { REGION } from './support/id-tokens';
import { rawRequest } from './support/raw-http';
import { rfc3986, smithySign } from './support/smithy-sign';

const IDENTITY_ID = /^eu-west-1:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

describe('API gateway stand-in', () => {
  let gw: GatewayHarness;

  function aws(credentials: Partial<IssuedCredentials> = {}) {
    const { accessKeyId, secretAccessKey, sessionToken } = { ...gw.credentials, ...credentials };
    return new AwsClient({
      accessKeyId,
      secretAccessKey,
      sessionToken,
      service: 'execute-api',
      region: REGION,
      retries: 0,
    });
  }
  const url = (path: string) => `${gw.url}/${STAGE}${path}`;

  beforeEach(async () => {
    gw = await startGateway();
  });
  afterEach(async () => {
    await gw.close();
  });

  describe('the proxy event', () => {
    it('is a REST v1 event: path without the stage, requestContext.path with it, multiValue fields', async () => {
      const response = await aws().fetch(url('/files?prefix=a&limit=5&prefix=b%20c'), {
        headers: { 'X-Test': 'one', Origin: ORIGINS[0] },
      });
      expect(response.status).to.equal(200);
      const event = gw.events[0];
      expect(event).to.include({
        resource: '/files',
        path: '/files',
        httpMethod: 'GET',
        body: null,
        isBase64Encoded: false,
      });
      expect(event.queryStringParameters).to.deep.equal({ prefix: 'b c', limit: '5' });
      expect(event.multiValueQueryStringParameters).to.deep.equal({ prefix: ['a', 'b c'], limit: ['5'] });
      expect(event.pathParameters).to.equal(null);
      expect(event.stageVariables).to.equal(null);
      // Header names as the client sent them, as API Gateway passes them.
      expect(event.headers['X-Test']).to.equal('one');
      expect(event.multiValueHeaders['X-Test']).to.deep.equal(['one']);
      expect(event.headers.Origin).to.equal(ORIGINS[0]);
      expect(event.headers.Authorization).to.match(/^AWS4-HMAC-SHA256 /);
      expect(event.headers['X-Forwarded-Proto']).to.equal('http');
      expect(event.headers['X-Amzn-Trace-Id']).to.match(/^Root=1-[0-9a-f]{8}-[0-9a-f]{24}$/);

      const context = event.requestContext;
      expect(context).to.include({
        path: `/${STAGE}/files`,
        resourcePath: '/files',
        httpMethod: 'GET',
        stage: STAGE,
        protocol: 'HTTP/1.1',
        accountId: '000000000000',
        domainName: '127.0.0.1',
      });
      expect(context.requestId).to.equal(response.headers.get('x-amzn-requestid'));
      expect(context.requestTimeEpoch).to.be.closeTo(Date.now(), 5000);
      expect(context.requestTime).to.match(/^\d{2}\/[A-Z][a-z]{2}\/\d{4}:\d{2}:\d{2}:\d{2} \+0000$/);
    });

    it('fills requestContext.identity as API Gateway does for identity-pool credentials', async () => {
      await aws().fetch(url('/files'), { headers: { 'User-Agent': 'lockbox-test' } });
      const { identity } = gw.credentials;
      const provider = `cognito-idp.${REGION}.amazonaws.com/${identity.userPoolId}`;
      expect(gw.events[0].requestContext.identity).to.deep.equal({
        accessKey: gw.credentials.accessKeyId,
        accountId: '000000000000',
        apiKey: null,
        apiKeyId: null,
        caller: 'AROALOCKBOXLOCALAUTH1:CognitoIdentityCredentials',
        clientCert: null,
        cognitoAuthenticationProvider: `${provider},${provider}:CognitoSignIn:${identity.sub}`,
        cognitoAuthenticationType: 'authenticated',
        cognitoIdentityId: identity.identityId,
        cognitoIdentityPoolId: identity.identityPoolId,
        principalOrgId: null,
        sourceIp: '127.0.0.1',
        user: 'AROALOCKBOXLOCALAUTH1:CognitoIdentityCredentials',
        userAgent: 'lockbox-test',
        userArn:
          'arn:aws:sts::000000000000:assumed-role/lockbox-local-authenticated/CognitoIdentityCredentials',
      });
      expect(identity.identityId).to.match(IDENTITY_ID);
    });

    it('carries every body base64-encoded, byte for byte (binaryMediaTypes */*)', async () => {
      const json = '{"keys":["é/"]}';
      await aws().fetch(url('/files/delete'), {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: json,
      });
      expect(gw.events[0]).to.include({ isBase64Encoded: true, body: Buffer.from(json).toString('base64') });

      const bytes = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
      await aws().fetch(url('/file?key=all-bytes.bin'), { method: 'PUT', body: bytes });
      expect(Buffer.from(gw.events[1].body ?? '', 'base64').equals(bytes)).to.equal(true);
    });

    it('repeats a repeated header in multiValueHeaders and keeps its last value in headers', async () => {
      const signed = await smithySign({
        credentials: gw.credentials,
        port: gw.port,
        method: 'GET',
        path: `/${STAGE}/files`,
      });
      const rawHeaders = Object.entries(signed.headers).flat();
      await new Promise<void>((resolve, reject) => {
        const headers = [...rawHeaders, 'X-Twice', 'a', 'X-Twice', 'b'];
        request({ host: '127.0.0.1', port: gw.port, path: signed.path, headers }, (res) =>
          res.resume().on('end', resolve),
        )
          .on('error', reject)
          .end();
      });
      expect(gw.events[0].multiValueHeaders['X-Twice']).to.deep.equal(['a', 'b']);
      expect(gw.events[0].headers['X-Twice']).to.equal('b');
    });

    it('decodes path parameters', async () => {
      await aws().fetch(url('/zips/job%2D1'));
      expect(gw.events[0]).to.deep.include({
        resource: '/zips/{id}',
        path: '/zips/job%2D1',
        pathParameters: { id: 'job-1' },
      });
    });
  });

  describe('signed by either client, over awkward characters', () => {
    const awkward = "a b:(c)'+%#&=~*!é日本";

    it('reaches the function when signed with aws4fetch', async () => {
      const response = await aws().fetch(
        url(`/zips/${encodeURIComponent(awkward)}?prefix=${encodeURIComponent(awkward)}`),
      );
      expect(response.status).to.equal(200);
      expect(gw.events[0].pathParameters).to.deep.equal({ id: awkward });
      expect(gw.events[0].queryStringParameters).to.deep.equal({ prefix: awkward });
    });

    it('says in Server-Timing how long the gateway and the function took (local only)', async () => {
      const response = await aws().fetch(url('/files'));
      const timing = response.headers.get('server-timing') ?? '';
      const match = /^gateway;dur=(\d+\.\d{3}), wait;dur=(\d+\.\d{3}), handler;dur=(\d+\.\d{3})$/.exec(
        timing,
      );
      expect(match, timing).to.not.equal(null);
      expect(Number(match?.[1])).to.be.at.least(0);
    });

    it('reaches the function when signed with @smithy/signature-v4', async () => {
      const signed = await smithySign({
        credentials: gw.credentials,
        port: gw.port,
        method: 'GET',
        path: `/${STAGE}/zips/${rfc3986(awkward)}`,
        query: { prefix: awkward, [awkward]: ['x', 'y'] },
      });
      const response = await rawRequest(gw.port, {
        method: 'GET',
        path: signed.path,
        headers: signed.headers,
      });
      expect(response.status).to.equal(200);
      expect(gw.events[0].pathParameters).to.deep.equal({ id: awkward });
      expect(gw.events[0].multiValueQueryStringParameters).to.deep.equal({
        prefix: [awkward],
        [awkward]: ['x', 'y'],
      });
    });

    it('reaches the function with a signed POST body through smithy', async () => {
      const body = JSON.stringify({ keys: [awkward] });
      const signed = await smithySign({
        credentials: gw.credentials,
        port: gw.port,
        method: 'POST',
        path: `/${STAGE}/zips`,
        headers: { 'content-type': 'application/json' },
        body,
      });
      const response = await rawRequest(gw.port, {
        method: 'POST',
        path: signed.path,
        headers: signed.headers,
        body,
      });
      expect(response.status).to.equal(200);
      expect(Buffer.from(gw.events[0].body ?? '', 'base64').toString()).to.equal(body);
    });
  });

  describe('refuses before any function runs, as API Gateway does,', () => {
    async function expectRefused(response: Response, status: number, errorType: string, error: object) {
      expect(response.status).to.equal(status);
      expect(response.headers.get('x-amzn-errortype')).to.equal(errorType);
      expect(response.headers.get('access-control-allow-origin')).to.equal(ORIGINS[0]);
      expect(response.headers.get('vary')).to.equal('Origin');
      expect(await response.json()).to.deep.equal({ error });
      expect(gw.events).to.have.length(0);
    }
    const notSigned = {
      code: 'Unauthorized',
      message: 'The request is not signed, or no route serves this method and path.',
    };
    const badSignature = {
      code: 'Unauthorized',
      message: 'The request signature does not match: sign it with SigV4 for execute-api.',
    };
    const invalidToken = {
      code: 'BadRequest',
      message: 'The security token included in the request is invalid.',
    };

    it('an unsigned request', async () => {
      await expectRefused(await fetch(url('/files')), 403, 'MissingAuthenticationTokenException', notSigned);
    });

    it('a malformed Authorization header', async () => {
      const response = await fetch(url('/files'), { headers: { Authorization: 'Bearer abc.def' } });
      await expectRefused(response, 403, 'IncompleteSignatureException', notSigned);
    });

    it('a signature dated more than 5 minutes off', async () => {
      gw.clockOffsetMs = 6 * 60 * 1000;
      await expectRefused(await aws().fetch(url('/files')), 403, 'InvalidSignatureException', badSignature);
      gw.clockOffsetMs = -6 * 60 * 1000;
      await expectRefused(await aws().fetch(url('/files')), 403, 'InvalidSignatureException', badSignature);
    });

    it('an access key it never issued', async () => {
      const response = await aws({ accessKeyId: 'ASIAUNKNOWNKEY000000' }).fetch(url('/files'));
      await expectRefused(response, 403, 'UnrecognizedClientException', invalidToken);
    });

    it('a wrong or missing session token', async () => {
      await expectRefused(
        await aws({ sessionToken: 'forged' }).fetch(url('/files')),
        403,
        'UnrecognizedClientException',
        invalidToken,
      );
      const { accessKeyId, secretAccessKey } = gw.credentials;
      const withoutToken = new AwsClient({
        accessKeyId,
        secretAccessKey,
        service: 'execute-api',
        region: REGION,
        retries: 0,
      });
      await expectRefused(
        await withoutToken.fetch(url('/files')),
        403,
        'UnrecognizedClientException',
        invalidToken,
      );
    });

    it('expired credentials', async () => {
      const expired = gw.issue(Date.now() - 1000);
      await expectRefused(await aws(expired).fetch(url('/files')), 403, 'ExpiredTokenException', {
        code: 'Unauthorized',
        message: 'The credentials have expired: sign in again.',
      });
    });

    it('a tampered signature', async () => {
      const signed = await aws().sign(url('/files'));
      const authorization = String(signed.headers.get('authorization'));
      const last = authorization.at(-1) === '0' ? '1' : '0';
      signed.headers.set('authorization', authorization.slice(0, -1) + last);
      await expectRefused(await fetch(signed), 403, 'InvalidSignatureException', badSignature);
    });

    it('a body changed after signing', async () => {
      const signed = await aws().sign(url('/files/delete'), { method: 'POST', body: '{"keys":["a"]}' });
      const response = await fetch(signed.url, {
        method: 'POST',
        headers: signed.headers,
        body: '{"keys":["b"]}',
      });
      await expectRefused(response, 403, 'InvalidSignatureException', badSignature);
    });

    it('a signature made with the wrong secret', async () => {
      const response = await aws({ secretAccessKey: 'x'.repeat(40) }).fetch(url('/files'));
      await expectRefused(response, 403, 'InvalidSignatureException', badSignature);
    });

    it('a route not in the table, or a method its path does not serve, even when signed', async () => {
      await expectRefused(
        await aws().fetch(url('/nope')),
        403,
        'MissingAuthenticationTokenException',
        notSigned,
      );
      await expectRefused(
        await aws().fetch(url('/files'), { method: 'PUT' }),
        403,
        'MissingAuthenticationTokenException',
        notSigned,
      );
      await expectRefused(await fetch(url('/nope')), 403, 'MissingAuthenticationTokenException', notSigned);
      const malformed = await fetch(url('/nope'), { headers: { Authorization: 'Bearer x' } });
      await expectRefused(malformed, 403, 'IncompleteSignatureException', notSigned);
    });

    it('a body beyond Lambda’s 6 MB once base64-encoded (413)', async () => {
      const response = await aws().fetch(url('/file?key=big.bin'), {
        method: 'PUT',
        body: Buffer.alloc(5 * 1024 * 1024),
      });
      await expectRefused(response, 413, 'RequestTooLargeException', {
        code: 'PayloadTooLarge',
        message: 'The request is larger than the API accepts.',
      });
    });

    it('a path outside the stage', async () => {
      const response = await fetch(`${gw.url}/prod/files`);
      expect(response.status).to.equal(403);
      expect(await response.json()).to.deep.equal({ message: 'Forbidden' });
    });
  });

  describe('CORS preflight', () => {
    const preflight = (path: string, origin: string) =>
      fetch(url(path), {
        method: 'OPTIONS',
        headers: { Origin: origin, 'Access-Control-Request-Method': 'PUT' },
      });

    it('answers without auth with the resource’s methods and the signing headers', async () => {
      const response = await preflight('/file', ORIGINS[0]);
      expect(response.status).to.equal(204);
      expect(
        Object.fromEntries([...response.headers].filter(([name]) => name.startsWith('access-control'))),
      ).to.deep.equal({
        'access-control-allow-origin': ORIGINS[0],
        'access-control-allow-methods': 'GET,PUT,DELETE,OPTIONS',
        'access-control-allow-headers':
          'Authorization,Content-Type,X-Amz-Content-Sha256,X-Amz-Date,X-Amz-Security-Token,X-Amz-User-Agent,Idempotency-Key',
        'access-control-max-age': '600',
      });
      expect(response.headers.get('vary')).to.equal('Origin');
    });

    it('echoes another allowed origin and names the first one to any other', async () => {
      expect((await preflight('/zips/x', ORIGINS[1])).headers.get('access-control-allow-origin')).to.equal(
        ORIGINS[1],
      );
      expect(
        (await preflight('/zips/x', 'https://evil.example')).headers.get('access-control-allow-origin'),
      ).to.equal(ORIGINS[0]);
    });

    it('is a missing token on a path no route serves', async () => {
      const response = await preflight('/nope', ORIGINS[0]);
      expect(response.status).to.equal(403);
      expect(response.headers.get('x-amzn-errortype')).to.equal('MissingAuthenticationTokenException');
    });
  });

  describe('Lambda semantics', () => {
    const internal = async (response: Response) => {
      const requestId = response.headers.get('x-amzn-requestid');
      expect(response.status).to.equal(502);
      expect(response.headers.get('access-control-allow-origin')).to.equal(ORIGINS[0]);
      expect(await response.json()).to.deep.equal({
        error: { code: 'Internal', message: `Internal error. Request id: ${requestId}` },
      });
    };

    it('sends the function’s status, headers (single and multi-valued) and base64 body as bytes', async () => {
      const bytes = Buffer.from([0, 255, 1, 254]);
      gw.behaviour = async () => ({
        statusCode: 201,
        headers: { 'Content-Type': 'application/octet-stream', 'X-One': 1 },
        multiValueHeaders: { 'X-Many': ['a', 'b'] },
        body: bytes.toString('base64'),
        isBase64Encoded: true,
      });
      const response = await aws().fetch(url('/files'));
      expect(response.status).to.equal(201);
      expect(response.headers.get('x-one')).to.equal('1');
      expect(response.headers.get('x-many')).to.equal('a, b');
      expect(Buffer.from(await response.arrayBuffer()).equals(bytes)).to.equal(true);
    });

    it('answers 502 through DEFAULT_5XX when the function throws, without its text', async () => {
      gw.behaviour = async () => {
        throw new Error('secret detail');
      };
      const response = await aws().fetch(url('/files'));
      expect(await response.clone().text()).to.not.include('secret');
      await internal(response);
    });

    it('answers 502 for a malformed proxy result', async () => {
      gw.behaviour = async () => ({ statusCode: '200', body: {} });
      await internal(await aws().fetch(url('/files')));
    });

    it('answers 502 when the function outlives its route timeout', async () => {
      gw.behaviour = () => new Promise(() => {});
      const started = Date.now();
      await internal(await aws().fetch(url('/slow'), { method: 'POST' }));
      expect(Date.now() - started).to.be.within(900, 3000);
      gw.behaviour = answerOk;
    });

    it('answers 500 through DEFAULT_5XX when the stand-in itself fails', async () => {
      gw.failResolve = true;
      const response = await aws().fetch(url('/files'));
      expect(response.status).to.equal(500);
      expect(await response.json()).to.deep.equal({
        error: {
          code: 'Internal',
          message: `Internal error. Request id: ${response.headers.get('x-amzn-requestid')}`,
        },
      });
    });

    describe('with at most one function running at once', () => {
      let limit: ConcurrencyLimit;
      let finishFirst: () => void;
      /** One slot; the first call holds it until the test lets it finish, later calls answer at once. */
      async function holdTheSlot(maxWaitMs: number) {
        await gw.close();
        limit = new ConcurrencyLimit(1, maxWaitMs);
        gw = await startGateway({ concurrency: limit });
        const released = new Promise<void>((resolve) => {
          finishFirst = resolve;
        });
        gw.behaviour = async (event, context) => {
          gw.behaviour = answerOk;
          await released;
          return answerOk(event, context);
        };
        const first = aws().fetch(url('/files'));
        await until(() => gw.events.length === 1);
        return { first }; // not the promise itself, which an async function would wait for
      }

      it('runs a waiting request once the slot frees, its function after the first one', async () => {
        const { first } = await holdTheSlot(60_000);
        const second = aws().fetch(url('/files?second=1'));
        await until(() => limit.queued === 1);
        expect(gw.events).to.have.length(1);
        finishFirst();
        expect((await first).status).to.equal(200);
        expect((await second).status).to.equal(200);
        expect(gw.events.map((event) => event.queryStringParameters)).to.deep.equal([null, { second: '1' }]);
      });

      it('throttles a request that waited too long: 429 TooManyRequests with Retry-After', async () => {
        const { first } = await holdTheSlot(200);
        const throttled = await aws().fetch(url('/files'));
        finishFirst();
        expect(throttled.status).to.equal(429);
        expect(throttled.headers.get('retry-after')).to.equal('1');
        expect(throttled.headers.get('x-amzn-errortype')).to.equal('TooManyRequestsException');
        expect(((await throttled.json()) as { error: { code: string } }).error.code).to.equal(
          'TooManyRequests',
        );
        expect((await first).status).to.equal(200);
        expect(gw.events).to.have.length(1);
      });
    });

    it('answers 504 when API Gateway’s 29 s integration timeout comes first', () => {
      expect(timedOutRefusal(new LambdaTimeoutError(29), 29)).to.include({
        responseType: 'INTEGRATION_TIMEOUT',
        status: 504,
      });
      expect(timedOutRefusal(new LambdaTimeoutError(10), 10)).to.include({
        responseType: 'DEFAULT_5XX',
        status: 502,
      });
    });
  });

  it('logs one line per request with the route of the table, never the query, key or token', async () => {
    await aws().fetch(url('/zips/job-1?secret-query=1'));
    await fetch(url('/files?prefix=private'));
    await fetch(url('/zips/job-2'), { method: 'OPTIONS' });
    expect(gw.logLines).to.have.length(3);
    expect(gw.logLines[2]).to.match(/^OPTIONS \/zips\/\{id\} 204 \d+ms$/);
    expect(gw.logLines[0]).to.match(/^GET \/zips\/\{id\} 200 \d+ms$/);
    expect(gw.logLines[1]).to.match(/^GET \/files 403 \d+ms$/);
    const all = gw.logLines.join('\n');
    for (const secret of [
      'secret-query',
      'private',
      gw.credentials.accessKeyId,
      gw.credentials.sessionToken,
    ]) {
      expect(all).to.not.include(secret);
    }
  });
});

/** Resolves once `condition` holds, checking every 10 ms. */
async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 10));
}

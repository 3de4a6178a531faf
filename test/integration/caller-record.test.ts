import { randomUUID } from 'node:crypto';
import { GetObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { expect } from 'chai';
import sinon from 'sinon';
import { BUCKET, type S3Server, startS3Server } from '../../devtools/local-s3';
import { callerRecorder } from '../../handlers/lib/http/caller-record';
import { httpHandler } from '../../handlers/lib/http/handler';
import { apiEvent, context, IDENTITY_POOL_ID, identityId, ORIGIN } from '../support/events';
import { logTo } from '../support/log-lines';

/**
 * The API's record of which folder is whose (`users/<sub>.json`), written by the HTTP wrapper. Against
 * local/s3, which honours If-None-Match: * as S3 does (412 on an existing key).
 */
describe('caller record (users/<sub>.json), written by the HTTP wrapper', () => {
  let fixture: S3Server;
  let s3: S3Client;
  before(async () => {
    fixture = await startS3Server();
    s3 = fixture.client;
  });
  after(() => fixture.stop());

  const POOL = 'cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbCdEfGhI';
  /** An event as API Gateway delivers a signed-in user's request. */
  function userEvent(sub: string, id: string, provider = `${POOL},${POOL}:CognitoSignIn:${sub}`) {
    const event = apiEvent({ identityId: id });
    (
      event.requestContext.identity as { cognitoAuthenticationProvider: string }
    ).cognitoAuthenticationProvider = provider;
    return event;
  }

  function apiFunction(client: S3Client, bucket = BUCKET) {
    const lines: string[] = [];
    const handler = httpHandler(
      'GET /files',
      {
        allowedOrigins: [ORIGIN],
        identityPoolId: IDENTITY_POOL_ID,
        log: logTo(lines),
        recordCaller: callerRecorder(client, bucket),
      },
      async () => ({ status: 200, body: { ok: true } }),
    );
    return { call: (event: APIGatewayProxyEvent) => handler(event, context), lines };
  }

  async function record(sub: string): Promise<unknown> {
    const object = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: `users/${sub}.json` }));
    return JSON.parse(await (object.Body as { transformToString(): Promise<string> }).transformToString());
  }

  it("records the caller's identity id under its sub, once per warm function", async () => {
    const send = sinon.spy(s3, 'send');
    try {
      const fn = apiFunction(s3);
      const sub = randomUUID();
      const id = identityId();
      for (let i = 0; i < 3; i++) expect((await fn.call(userEvent(sub, id))).statusCode).to.equal(200);
      expect(await record(sub)).to.deep.equal({ identityId: id });
      const puts = send.getCalls().filter((call) => call.args[0] instanceof PutObjectCommand);
      expect(puts).to.have.length(1);
      expect(puts[0]?.args[0].input).to.include({ Key: `users/${sub}.json`, IfNoneMatch: '*' });
    } finally {
      send.restore();
    }
  });

  it('never replaces a record: another function finds it written (412) and keeps it', async () => {
    const sub = randomUUID();
    const first = identityId();
    await apiFunction(s3).call(userEvent(sub, first));
    const other = apiFunction(s3);
    expect((await other.call(userEvent(sub, identityId()))).statusCode).to.equal(200);
    expect(await record(sub)).to.deep.equal({ identityId: first });
    expect(other.lines.map((line) => JSON.parse(line).userRecordError)).to.deep.equal([undefined]);
  });

  it("answers the user's request when the write fails, logs it, and tries again at the next request", async () => {
    const fn = apiFunction(s3, 'no-such-bucket');
    const sub = randomUUID();
    const result = await fn.call(userEvent(sub, identityId()));
    expect(result.statusCode).to.equal(200);
    expect(JSON.parse(result.body)).to.deep.equal({ ok: true });
    await fn.call(userEvent(sub, identityId()));
    const logged = fn.lines.map((line) => JSON.parse(line));
    expect(logged.map((line) => line.status)).to.deep.equal([200, 200]);
    expect(logged.map((line) => line.userRecordError)).to.deep.equal(['NoSuchBucket', 'NoSuchBucket']);
    expect(fn.lines.join('\n')).to.not.include('no-such-bucket');
  });

  it('writes nothing for a caller without a user pool sub, or a malformed one', async () => {
    const send = sinon.spy(s3, 'send');
    try {
      const fn = apiFunction(s3);
      await fn.call(apiEvent());
      await fn.call(userEvent('x', identityId(), `${POOL},${POOL}:CognitoSignIn:../../other`));
      expect(send.callCount).to.equal(0);
    } finally {
      send.restore();
    }
  });

  it('writes nothing when the caller has no identity (the request is refused first)', async () => {
    const fn = apiFunction(s3);
    const sub = randomUUID();
    const result = await fn.call(userEvent(sub, 'not-an-identity'));
    expect(result.statusCode).to.equal(403);
    try {
      await record(sub);
      expect.fail('a record was written');
    } catch (error) {
      expect((error as Error).name).to.equal('NoSuchKey');
    }
  });
});

import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { SignatureV4 } from '@smithy/signature-v4';
import type { AwsCredentialIdentity } from '@smithy/types';
import { expect } from 'chai';
import {
  adminClient,
  identityCredentials,
  newSignedInUser,
  type SignedInUser,
  signIn,
} from '../../devtools/local-session';
import { type ApiFetch, apiUrlOf, type SignerName, signedFetch } from '../../devtools/signed-fetch';
import type { LocalAccount } from '../../local/account';
import { type LaunchedSystem, launchLocalSystem } from '../../local/launch';
import { NodeSha256 } from '../../local/sigv4/sha256';
import { unzip } from '../support/unzip';
import { launchWithTwoUsers, PASSWORD, type TwoUserSystem } from './support/two-users';

const MiB = 1024 * 1024;
/** Response bodies as the test reads them; the contract test suites check their shapes. */
// biome-ignore lint/suspicious/noExplicitAny: JSON read field by field in assertions.
const loose = (value: unknown): any => value;
/** Every character that signers, API Gateway and S3 disagree on, and some that are not ASCII. */
const ODD_NAME = "a b:(c)'+%#&=~*!-Ünïcødé ß.txt";

describe('local system, end to end (npm start in its own process, as a browser app uses it)', function () {
  this.timeout(120_000);
  let local: TwoUserSystem;
  let dataDir: string;
  let system: LaunchedSystem;
  let alice: SignedInUser;
  let bob: SignedInUser;

  before(async () => {
    local = await launchWithTwoUsers();
    ({ dataDir, system, alice, bob } = local);
  });

  after(async () => {
    expect(await local?.stop()).to.equal(0);
  });

  const api = (user: SignedInUser, signer: SignerName = 'aws4fetch'): ApiFetch => local.api(user, signer);

  it('writes the frontend config with the stack outputs and the Cognito endpoints', async () => {
    expect(Object.keys(system.config).sort()).to.deep.equal(
      [
        'api_url',
        'bucket_name',
        'identity_pool_endpoint',
        'identity_pool_id',
        'region',
        'user_pool_client_id',
        'user_pool_endpoint',
        'user_pool_id',
      ].sort(),
    );
    expect(system.config.api_url).to.match(/^http:\/\/127\.0\.0\.1:\d+\/local$/);
    expect(system.admin).to.have.keys('accessKeyId', 'secretAccessKey', 'region', 's3Endpoint', 'usageTable');
  });

  it('gives each signed-in user their own identity, the same at every sign-in', async () => {
    expect(alice.identityId).to.match(/^eu-west-1:[0-9a-f-]{36}$/);
    expect(bob.identityId).to.not.equal(alice.identityId);
    const again = await identityCredentials(
      system.config,
      await signIn(system.config, alice.email, PASSWORD),
    );
    expect(again.identityId).to.equal(alice.identityId);
  });

  for (const signer of ['aws4fetch', 'smithy'] as const) {
    describe(`every route, signed with ${signer}, on keys with reserved and non-ASCII characters`, () => {
      const folder = `${signer}/${ODD_NAME.slice(0, 12)}/`;
      const key = `${folder}${ODD_NAME}`;
      const content = new TextEncoder().encode(`hello from ${signer} ✓`);

      it('PUT /file, GET /files, GET /file and its download URL', async () => {
        const call = api(alice, signer);
        const put = await call({
          method: 'PUT',
          path: '/file',
          query: { key },
          body: content,
          headers: { 'content-type': 'text/plain; charset=utf-8' },
        });
        expect(put.status, await put.clone().text()).to.equal(201);
        expect(await put.json().then(loose)).to.include({ key, size: content.length });

        const list = await call({ method: 'GET', path: '/files', query: { prefix: folder } });
        expect(list.status).to.equal(200);
        expect((await list.json().then(loose)).files.map((f: { key: string }) => f.key)).to.deep.equal([key]);

        const info = await call({ method: 'GET', path: '/file', query: { key } });
        expect(info.status).to.equal(200);
        const { url, contentType } = await info.json().then(loose);
        expect(contentType).to.equal('text/plain; charset=utf-8');
        const download = await fetch(url);
        expect(download.status).to.equal(200);
        expect(new Uint8Array(await download.arrayBuffer())).to.deep.equal(content);
        expect(download.headers.get('content-disposition')).to.match(/^attachment;/);
      });

      it('POST /uploads (single), the presigned PUT, then POST /files/delete and DELETE /file', async () => {
        const call = api(alice, signer);
        const small = `${folder}small ${ODD_NAME}`;
        const start = await call({
          method: 'POST',
          path: '/uploads',
          body: JSON.stringify({ key: small, size: 3, contentType: 'application/octet-stream' }),
        });
        expect(start.status).to.equal(200);
        const upload = await start.json().then(loose);
        expect(upload.type).to.equal('single');
        const put = await fetch(upload.url, { method: 'PUT', headers: upload.headers, body: 'abc' });
        expect(put.status).to.equal(200);

        const deleted = await call({
          method: 'POST',
          path: '/files/delete',
          body: JSON.stringify({ keys: [small] }),
        });
        expect(deleted.status).to.equal(200);
        expect(await deleted.json().then(loose)).to.deep.equal({ deleted: [small], errors: [] });
        const gone = await call({ method: 'DELETE', path: '/file', query: { key } });
        expect(gone.status).to.equal(204);
        const empty = await call({ method: 'GET', path: '/files', query: { prefix: folder } });
        expect((await empty.json().then(loose)).files).to.deep.equal([]);
      });

      it('GET /files/deleted, GET /file/versions and POST /files/restore undo those deletes', async () => {
        const call = api(alice, signer);
        const deleted = await call({ method: 'GET', path: '/files/deleted', query: { prefix: folder } });
        expect(deleted.status, await deleted.clone().text()).to.equal(200);
        const { items } = await deleted.json().then(loose);
        expect(items.map((item: { key: string }) => item.key).sort()).to.deep.equal(
          [key, `${folder}small ${ODD_NAME}`].sort(),
        );
        const versions = await call({ method: 'GET', path: '/file/versions', query: { key } });
        expect((await versions.json().then(loose)).items).to.have.length(1);
        const restored = await call({
          method: 'POST',
          path: '/files/restore',
          body: JSON.stringify({
            items: items.map(({ key, versionId }: { key: string; versionId: string }) => ({
              key,
              versionId,
            })),
          }),
        });
        expect(restored.status).to.equal(200);
        const statuses = (await restored.json().then(loose)).items.map(
          (item: { status: string }) => item.status,
        );
        expect(statuses).to.deep.equal(['restored', 'restored']);
        const back = await call({ method: 'GET', path: '/files', query: { prefix: folder } });
        expect((await back.json().then(loose)).files).to.have.length(2);
      });
    });

    it(`${signer}: uploads 40 MiB in three 16 MiB parts through presigned URLs, resumes with re-signed parts, aborts another upload`, async () => {
      const call = api(alice, signer);
      const data = randomBytes(40 * MiB);
      const key = `${signer}/big/${ODD_NAME}.bin`;
      const start = await call({
        method: 'POST',
        path: '/uploads',
        body: JSON.stringify({ key, size: data.length, contentType: 'application/octet-stream' }),
      });
      const upload = await start.json().then(loose);
      expect(upload).to.include({ type: 'multipart', partSize: 16 * MiB });
      expect(upload.parts).to.have.length(3);
      const putPart = async ({ partNumber, url }: { partNumber: number; url: string }) => {
        const body = data.subarray((partNumber - 1) * upload.partSize, partNumber * upload.partSize);
        const res = await fetch(url, { method: 'PUT', body });
        expect(res.status).to.equal(200);
        return { partNumber, etag: String(res.headers.get('etag')) };
      };
      // Part 1 with the first URLs; then, as after a reload, ask what S3 holds and re-sign the rest.
      const first = await putPart(upload.parts[0]);
      const held = await (
        await call({ method: 'GET', path: '/uploads', query: { key, uploadId: upload.uploadId } })
      )
        .json()
        .then(loose);
      expect(held.parts.map((p: { partNumber: number }) => p.partNumber)).to.deep.equal([1]);
      const resigned = await call({
        method: 'POST',
        path: '/uploads/parts',
        body: JSON.stringify({ key, uploadId: upload.uploadId, partNumbers: [2, 3] }),
      });
      expect(resigned.status).to.equal(200);
      const rest = await Promise.all((await resigned.json().then(loose)).parts.map(putPart));
      const parts = [first, ...rest];
      const done = await call({
        method: 'POST',
        path: '/uploads/complete',
        body: JSON.stringify({ key, uploadId: upload.uploadId, parts }),
      });
      expect(done.status).to.equal(200);
      expect(await done.json().then(loose)).to.include({ key, size: data.length });
      const info = await (await call({ method: 'GET', path: '/file', query: { key } })).json().then(loose);
      expect(Buffer.from(await (await fetch(info.url)).arrayBuffer()).equals(data)).to.equal(true);

      const other = await (
        await call({
          method: 'POST',
          path: '/uploads',
          body: JSON.stringify({
            key: `${signer}/big/abandoned.bin`,
            size: 20 * MiB,
            contentType: 'application/octet-stream',
          }),
        })
      )
        .json()
        .then(loose);
      const abort = await call({
        method: 'POST',
        path: '/uploads/abort',
        body: JSON.stringify({ key: `${signer}/big/abandoned.bin`, uploadId: other.uploadId }),
      });
      expect(abort.status).to.equal(204);
      const late = await fetch(other.parts[0].url, { method: 'PUT', body: new Uint8Array(16 * MiB) });
      expect(late.status).to.equal(404);
      expect(await late.text()).to.include('NoSuchUpload');
    });

    it(`${signer}: zips files and a folder in the background (the S3 notification starts the worker)`, async () => {
      const call = api(alice, signer);
      const files: Record<string, string> = {
        [`${signer}/zip-me/one.txt`]: 'one',
        [`${signer}/zip-me/sub/${ODD_NAME}`]: 'two',
        [`${signer}/loose.txt`]: 'three',
      };
      for (const [key, text] of Object.entries(files)) {
        expect((await call({ method: 'PUT', path: '/file', query: { key }, body: text })).status).to.equal(
          201,
        );
      }
      const created = await call({
        method: 'POST',
        path: '/zips',
        body: JSON.stringify({ keys: [`${signer}/zip-me/`, `${signer}/loose.txt`], name: 'bundle.zip' }),
      });
      expect(created.status).to.equal(202);
      const { id } = await created.json().then(loose);
      let job: { status: string; url?: string; fileCount: number; filesDone: number };
      const deadline = Date.now() + 30_000;
      do {
        await new Promise((resolve) => setTimeout(resolve, 200));
        job = await (await call({ method: 'GET', path: `/zips/${id}` })).json().then(loose);
      } while ((job.status === 'pending' || job.status === 'running') && Date.now() < deadline);
      expect(job).to.include({ status: 'done', fileCount: 3, filesDone: 3 });
      const archive = Buffer.from(await (await fetch(String(job.url))).arrayBuffer());
      const { entries } = await unzip(archive);
      // Entries are named relative to the selection's folder, with '_' for what Windows forbids (':', '*').
      const expected = Object.fromEntries(
        Object.entries(files).map(([key, text]) => [
          key.slice(signer.length + 1).replace(/[:*]/g, '_'),
          text,
        ]),
      );
      expect(Object.fromEntries(entries.map((e) => [e.name, e.data.toString()]))).to.deep.equal(expected);
    });
  }

  it("refuses user B everything of user A's: files, uploads and zip jobs", async () => {
    const key = 'private/secret.txt';
    await api(alice)({ method: 'PUT', path: '/file', query: { key }, body: 'for alice only' });
    const asBob = api(bob);
    expect((await asBob({ method: 'GET', path: '/file', query: { key } })).status).to.equal(404);
    expect(
      (
        await (
          await asBob({ method: 'GET', path: '/files', query: { prefix: 'private/' } })
        )
          .json()
          .then(loose)
      ).files,
    ).to.deep.equal([]);
    await asBob({ method: 'DELETE', path: '/file', query: { key } });
    const zip = await asBob({ method: 'POST', path: '/zips', body: JSON.stringify({ keys: [key] }) });
    expect(zip.status).to.equal(404);
    const aliceJob = await (
      await api(alice)({ method: 'POST', path: '/zips', body: JSON.stringify({ keys: [key] }) })
    )
      .json()
      .then(loose);
    expect((await asBob({ method: 'GET', path: `/zips/${aliceJob.id}` })).status).to.equal(404);
    const still = await api(alice)({ method: 'GET', path: '/file', query: { key } });
    expect(still.status).to.equal(200);
  });

  describe('refusals, each with the status and error type API Gateway or S3 gives', () => {
    async function signed(
      credentials: AwsCredentialIdentity,
      options: { body?: string; signingDate?: Date } = {},
    ): Promise<{ url: URL; headers: Record<string, string> }> {
      const url = apiUrlOf(system.config.api_url, { path: '/files', query: { prefix: '' } });
      const signer = new SignatureV4({
        service: 'execute-api',
        region: system.config.region,
        credentials,
        sha256: NodeSha256,
      });
      const request = await signer.sign(
        {
          method: options.body === undefined ? 'GET' : 'POST',
          protocol: 'http:',
          hostname: url.hostname,
          port: Number(url.port),
          path: url.pathname,
          query: { prefix: '' },
          headers: { host: url.host },
          body: options.body,
        },
        { signingDate: options.signingDate },
      );
      const { host: _, ...headers } = request.headers;
      return { url, headers };
    }

    /** The stack's gateway responses give each refusal the contract's body; the ones without a type of their own fall back to DEFAULT_4XX. */
    async function expectRefusal(
      response: Response,
      errorType: string,
      code = 'Unauthorized',
    ): Promise<void> {
      expect(response.status).to.equal(403);
      expect(response.headers.get('x-amzn-errortype')).to.equal(errorType);
      expect((await response.json().then(loose)).error.code).to.equal(code);
    }

    it('unsigned', async () => {
      await expectRefusal(
        await fetch(apiUrlOf(system.config.api_url, { path: '/files' })),
        'MissingAuthenticationTokenException',
      );
    });

    it('a tampered signature', async () => {
      const { url, headers } = await signed(alice.credentials);
      headers.authorization = headers.authorization.replace(
        /Signature=(.)/,
        (_, c) => `Signature=${c === 'a' ? 'b' : 'a'}`,
      );
      await expectRefusal(await fetch(url, { headers }), 'InvalidSignatureException');
    });

    it('a tampered body', async () => {
      const { url, headers } = await signed(alice.credentials, { body: '{"keys":["a"]}' });
      const response = await fetch(new URL('/local/files/delete', url), {
        method: 'POST',
        headers,
        body: '{"keys":["b"]}',
      });
      await expectRefusal(response, 'InvalidSignatureException');
    });

    it('the wrong secret', async () => {
      const { url, headers } = await signed({ ...alice.credentials, secretAccessKey: 'not-the-secret' });
      await expectRefusal(await fetch(url, { headers }), 'InvalidSignatureException');
    });

    it('an unknown access key', async () => {
      const { url, headers } = await signed({ ...alice.credentials, accessKeyId: 'ASIAUNKNOWNKEY000000' });
      await expectRefusal(await fetch(url, { headers }), 'UnrecognizedClientException', 'BadRequest');
    });

    it('a date 6 minutes off', async () => {
      const { url, headers } = await signed(alice.credentials, {
        signingDate: new Date(Date.now() - 6 * 60_000),
      });
      await expectRefusal(await fetch(url, { headers }), 'InvalidSignatureException');
    });

    it('expired session credentials', async () => {
      const shortDir = await mkdtemp(join(tmpdir(), 'lockbox-local-short-'));
      const short = await launchLocalSystem({ dataDir: shortDir, env: { LOCKBOX_CREDENTIALS_SECONDS: '1' } });
      try {
        const admin = adminClient(short.config, short.admin);
        const carol = await newSignedInUser(admin, short.config, 'carol@example.com', PASSWORD);
        await new Promise((resolve) => setTimeout(resolve, 1500));
        const call = signedFetch(short.config.api_url, short.config.region, carol.credentials, 'smithy');
        await expectRefusal(await call({ method: 'GET', path: '/files' }), 'ExpiredTokenException');
      } finally {
        await short.stop();
        await rm(shortDir, { recursive: true, force: true });
      }
    });

    it('an expired presigned URL (S3 answers AccessDenied)', async () => {
      const key = 'private/secret.txt';
      const info = await (await api(alice)({ method: 'GET', path: '/file', query: { key } }))
        .json()
        .then(loose);
      const account = JSON.parse(await readFile(join(dataDir, 'account.json'), 'utf8')) as LocalAccount;
      const s3 = new S3Client({
        region: account.region,
        endpoint: new URL(info.url).origin,
        forcePathStyle: true,
        credentials: account.functionRole,
      });
      const object = new GetObjectCommand({ Bucket: account.bucket, Key: `${alice.identityId}/${key}` });
      const fresh = await getSignedUrl(s3, object, { expiresIn: 300 });
      expect((await fetch(fresh)).status).to.equal(200);
      const stale = await getSignedUrl(s3, object, {
        expiresIn: 300,
        signingDate: new Date(Date.now() - 6 * 60_000),
      });
      const response = await fetch(stale);
      expect(response.status).to.equal(403);
      const text = await response.text();
      expect(text).to.include('<Code>AccessDenied</Code>');
      expect(text).to.include('Request has expired');
    });
  });
});

import { randomBytes, randomUUID } from 'node:crypto';
import { identityCredentials, signIn } from '../../devtools/local-session';
import { type ApiFetch, signedFetch } from '../../devtools/signed-fetch';
import type { Target } from '../admin/target';
import { createUser, deleteUser, showUser } from '../admin/users';

/**
 * The smoke test's steps (`npm run smoke`): a temporary user signs in with SRP as the browser app does and
 * calls every route, then the user and their data are deleted with the admin CLI's own functions. Each
 * step is timed; after a failure the remaining steps are skipped, but the cleanup always runs.
 */

export type StepOutcome = 'ok' | 'failed' | 'skipped';

export interface StepResult {
  readonly name: string;
  readonly outcome: StepOutcome;
  readonly ms: number;
  readonly error?: string;
}

interface Step {
  readonly name: string;
  readonly run: () => Promise<void>;
  /** Runs even after a failure (the cleanup). */
  readonly always?: boolean;
}

const MiB = 1024 * 1024;
/** Above the multipart threshold (16 MiB in every environment so far): two parts at least. */
const MULTIPART_BYTES = 20 * MiB;
const ZIP_DEADLINE_MS = 120_000;

// biome-ignore lint/suspicious/noExplicitAny: JSON answers, read field by field and checked as they are used.
type Json = any;

export async function runSmoke(target: Target, report: (result: StepResult) => void): Promise<boolean> {
  const email = `lockbox-smoke-${randomUUID().slice(0, 8)}@example.com`;
  const temporary = `Smoke-${randomUUID()}-1a!`;
  const password = `Smoke-${randomUUID()}-2b!`;
  const folder = `smoke ${randomUUID().slice(0, 8)}/`;
  const small = `${folder}hello ünïcødé.txt`;
  const content = `lockbox smoke test ${new Date().toISOString()}`;
  const big = `${folder}multipart.bin`;
  let created = false;
  let identityId = '';
  let api: ApiFetch | undefined;
  const call = (
    method: string,
    path: string,
    options: {
      query?: Record<string, string>;
      body?: string | Uint8Array;
      headers?: Record<string, string>;
    } = {},
  ) => {
    if (api === undefined) throw new Error('not signed in');
    return api({ method, path, ...options });
  };
  const expectStatus = async (response: Response, status: number, what: string): Promise<Json> => {
    const text = await response.text();
    if (response.status !== status)
      throw new Error(`${what}: ${response.status}, expected ${status}: ${text.slice(0, 300)}`);
    return text === '' ? undefined : JSON.parse(text);
  };

  const steps: Step[] = [
    {
      name: `create user ${email} (AdminCreateUser)`,
      run: async () => {
        await createUser(target, email, { temporaryPassword: temporary });
        created = true;
      },
    },
    {
      name: 'sign in with SRP, set a new password, get identity credentials',
      run: async () => {
        const idToken = await signIn(target.config, email, temporary, password);
        const identity = await identityCredentials(target.config, idToken);
        identityId = identity.identityId;
        api = signedFetch(target.config.api_url, target.config.region, identity.credentials, 'smithy');
      },
    },
    {
      name: 'PUT /file',
      run: async () => {
        const put = await call('PUT', '/file', {
          query: { key: small },
          body: content,
          headers: { 'content-type': 'text/plain; charset=utf-8' },
        });
        await expectStatus(put, 201, 'PUT /file');
      },
    },
    {
      name: 'GET /files',
      run: async () => {
        const list = await expectStatus(
          await call('GET', '/files', { query: { prefix: folder } }),
          200,
          'GET /files',
        );
        const keys = list.files.map((file: { key: string }) => file.key);
        if (!keys.includes(small)) throw new Error(`GET /files lists ${JSON.stringify(keys)}, not the file`);
      },
    },
    {
      name: 'GET /file and its download URL',
      run: async () => {
        const info = await expectStatus(
          await call('GET', '/file', { query: { key: small } }),
          200,
          'GET /file',
        );
        const download = await fetch(info.url);
        if ((await download.text()) !== content) throw new Error('the download URL served other content');
      },
    },
    {
      name: 'POST /uploads (single) and its presigned PUT',
      run: async () => {
        const key = `${folder}single.txt`;
        const upload = await expectStatus(
          await call('POST', '/uploads', {
            body: JSON.stringify({ key, size: 5, contentType: 'text/plain' }),
          }),
          200,
          'POST /uploads',
        );
        if (upload.type !== 'single') throw new Error(`expected a single upload, got ${upload.type}`);
        const put = await fetch(upload.url, { method: 'PUT', headers: upload.headers, body: 'hello' });
        if (put.status !== 200) throw new Error(`presigned PUT: ${put.status}`);
      },
    },
    {
      name: `POST /uploads (multipart, ${MULTIPART_BYTES / MiB} MiB), the parts, POST /uploads/complete`,
      run: async () => {
        const data = randomBytes(MULTIPART_BYTES);
        const upload = await expectStatus(
          await call('POST', '/uploads', {
            body: JSON.stringify({ key: big, size: data.length, contentType: 'application/octet-stream' }),
          }),
          200,
          'POST /uploads',
        );
        if (upload.type !== 'multipart') throw new Error(`expected a multipart upload, got ${upload.type}`);
        const parts = [];
        for (const { partNumber, url } of upload.parts as { partNumber: number; url: string }[]) {
          const body = data.subarray((partNumber - 1) * upload.partSize, partNumber * upload.partSize);
          const put = await fetch(url, { method: 'PUT', body });
          if (put.status !== 200) throw new Error(`part ${partNumber}: ${put.status}`);
          parts.push({ partNumber, etag: put.headers.get('etag') });
        }
        const done = await expectStatus(
          await call('POST', '/uploads/complete', {
            body: JSON.stringify({ key: big, uploadId: upload.uploadId, parts }),
          }),
          200,
          'POST /uploads/complete',
        );
        if (done.size !== data.length)
          throw new Error(`completed size ${done.size}, expected ${data.length}`);
      },
    },
    {
      name: 'POST /uploads then POST /uploads/abort',
      run: async () => {
        const key = `${folder}abandoned.bin`;
        const upload = await expectStatus(
          await call('POST', '/uploads', {
            body: JSON.stringify({ key, size: MULTIPART_BYTES, contentType: 'application/octet-stream' }),
          }),
          200,
          'POST /uploads',
        );
        await expectStatus(
          await call('POST', '/uploads/abort', { body: JSON.stringify({ key, uploadId: upload.uploadId }) }),
          204,
          'POST /uploads/abort',
        );
      },
    },
    {
      name: 'POST /zips, GET /zips/{id} until done, the archive',
      run: async () => {
        const job = await expectStatus(
          await call('POST', '/zips', { body: JSON.stringify({ keys: [folder], name: 'smoke.zip' }) }),
          202,
          'POST /zips',
        );
        const deadline = Date.now() + ZIP_DEADLINE_MS;
        let status: Json;
        do {
          await new Promise((resolve) => setTimeout(resolve, 500));
          status = await expectStatus(await call('GET', `/zips/${job.id}`), 200, 'GET /zips/{id}');
        } while ((status.status === 'pending' || status.status === 'running') && Date.now() < deadline);
        if (status.status !== 'done')
          throw new Error(`zip job ${status.status} after ${ZIP_DEADLINE_MS / 1000} s at most`);
        const archive = Buffer.from(await (await fetch(status.url)).arrayBuffer());
        if (archive.subarray(0, 2).toString() !== 'PK' || archive.length < MULTIPART_BYTES) {
          throw new Error(`the archive (${archive.length} bytes) is not the zip of the folder`);
        }
      },
    },
    {
      name: 'POST /files/copy and POST /files/move (rename)',
      run: async () => {
        const copy = `${folder}copy.txt`;
        const copied = await expectStatus(
          await call('POST', '/files/copy', { body: JSON.stringify({ from: small, to: copy }) }),
          200,
          'POST /files/copy',
        );
        const moved = await expectStatus(
          await call('POST', '/files/move', {
            body: JSON.stringify({ from: copy, to: `${folder}renamed.txt` }),
          }),
          200,
          'POST /files/move',
        );
        if (copied.filesDone !== 1 || moved.filesDone !== 1)
          throw new Error(`copy then move: ${JSON.stringify([copied, moved])}`);
        // The folder keeps the files the later steps count.
        const removed = await call('DELETE', '/file', { query: { key: `${folder}renamed.txt` } });
        await expectStatus(removed, 204, 'DELETE /file');
      },
    },
    {
      name: 'DELETE /file',
      run: async () => {
        await expectStatus(await call('DELETE', '/file', { query: { key: small } }), 204, 'DELETE /file');
      },
    },
    {
      name: 'POST /files/delete',
      run: async () => {
        const answer = await expectStatus(
          await call('POST', '/files/delete', { body: JSON.stringify({ keys: [`${folder}single.txt`] }) }),
          200,
          'POST /files/delete',
        );
        if (answer.errors.length > 0) throw new Error(`POST /files/delete: ${JSON.stringify(answer.errors)}`);
      },
    },
    {
      name: 'users show: the API recorded the folder',
      run: async () => {
        const details = await showUser(target, email);
        if (details.folder?.identityId !== identityId) {
          throw new Error(`the record names ${details.folder?.identityId ?? 'no folder'}, not ${identityId}`);
        }
        if (details.folder.files.objects !== 1)
          throw new Error(`${details.folder.files.objects} file(s) left, expected 1`);
      },
    },
    {
      name: 'users delete --purge: the user, their files, zip jobs and record',
      always: true,
      run: async () => {
        if (!created) return;
        await deleteUser(target, email, { purge: true });
        created = false;
      },
    },
  ];

  let failed = false;
  for (const step of steps) {
    if (failed && !step.always) {
      report({ name: step.name, outcome: 'skipped', ms: 0 });
      continue;
    }
    const started = performance.now();
    try {
      await step.run();
      report({ name: step.name, outcome: 'ok', ms: Math.round(performance.now() - started) });
    } catch (error) {
      failed = true;
      report({
        name: step.name,
        outcome: 'failed',
        ms: Math.round(performance.now() - started),
        error: `${(error as Error).name}: ${(error as Error).message}`,
      });
    }
  }
  return !failed;
}

/** One line per step: outcome, time, name (and why it failed). */
export function formatStep(result: StepResult): string {
  const outcome = { ok: 'ok  ', failed: 'FAIL', skipped: 'skip' }[result.outcome];
  const line = `${outcome} ${String(result.ms).padStart(6)} ms  ${result.name}`;
  return result.error === undefined ? line : `${line}\n       ${result.error}`;
}

/**
 * The hooks against the real local system (its own process, a fresh user), rendered with React Testing
 * Library in happy-dom. The client calls the API with Node's fetch and its classes (put back after
 * happy-dom replaces them with its own, which apply a browser's CORS rules), so bytes really go through the
 * gateway and S3.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GlobalRegistrator } from '@happy-dom/global-registrator';
import { createLockboxClient, isLockboxError, type LockboxClient, memoryStorage } from '@lockbox/client';
import { act, renderHook, waitFor } from '@testing-library/react';
import { expect } from 'chai';
import { createElement, type ReactNode } from 'react';
import { adminClient, createUser } from '../../../devtools/local-session.js';
import { type LaunchedSystem, launchLocalSystem } from '../../../local/launch.js';
import { LockboxProvider, useAuth, useDeleted, useFolder, useUpload, useUsage, useZip } from '../index.js';

const PASSWORD = 'Correct-Horse-Battery-1!';
/** Node's own fetch and its classes: happy-dom's would apply a browser's CORS rules to the API calls. */
const NODE_GLOBALS = [
  'fetch',
  'Request',
  'Response',
  'Headers',
  'AbortController',
  'AbortSignal',
  'Blob',
  'File',
  'ReadableStream',
  'WritableStream',
  'TransformStream',
] as const;
const nodeGlobals = NODE_GLOBALS.map((name) => [name, globalThis[name]] as const);
const NodeFile = globalThis.File;

describe('@lockbox/react hooks against the local system (React Testing Library, happy-dom)', function () {
  this.timeout(120_000);
  let dataDir: string;
  let system: LaunchedSystem;
  let client: LockboxClient;
  let email: string;
  let temporary: string;
  const wrapper = ({ children }: { children?: ReactNode }) =>
    createElement(LockboxProvider, { config: system.config, client }, children);
  const file = (name: string, text: string) => new NodeFile([text], name, { type: 'text/plain' });

  before(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'lockbox-react-'));
    system = await launchLocalSystem({ dataDir });
    email = `react-${crypto.randomUUID()}@example.com`;
    temporary = `Temp-${crypto.randomUUID()}-1a!`;
    await createUser(adminClient(system.config, system.admin), system.config, email, temporary);
    GlobalRegistrator.register({ url: new URL(system.config.api_url).origin });
    for (const [name, value] of nodeGlobals) Object.assign(globalThis, { [name]: value });
    client = createLockboxClient(system.config, { fetch, storage: memoryStorage() });
  });

  after(async () => {
    if (GlobalRegistrator.isRegistered) await GlobalRegistrator.unregister();
    expect(await system?.stop()).to.equal(0);
    await rm(dataDir, { recursive: true, force: true });
  });

  it('useAuth: signed out, a wrong password kept as the error, then the new-password step, then signed in', async () => {
    const { result } = renderHook(() => useAuth(), { wrapper });
    expect(result.current.step).to.equal('loading');
    await waitFor(() => expect(result.current.step).to.equal('signed-out'));

    expect(await act(() => result.current.signIn(email, 'Wrong-Password-1!'))).to.equal(false);
    expect(isLockboxError(result.current.error, 'NotAuthorizedException')).to.equal(true);
    expect(result.current.step).to.equal('signed-out');

    expect(await act(() => result.current.signIn(email, temporary))).to.equal(true);
    expect(result.current.step).to.equal('new-password');
    expect(result.current.error).to.equal(undefined);
    expect(await act(() => result.current.respond(PASSWORD))).to.equal(true);
    const signedIn = result.current;
    if (signedIn.step !== 'signed-in') throw new Error(signedIn.step);
    expect(signedIn.user.email).to.equal(email);
  });

  it('useAuth: restores the session on mount, and resets a forgotten password with the mailed code', async () => {
    const { result } = renderHook(() => useAuth(), { wrapper });
    await waitFor(() => expect(result.current.step).to.equal('signed-in'));
    // A second client: the reset flow starts signed out.
    const other = createLockboxClient(system.config, { fetch, storage: memoryStorage() });
    const { result: reset } = renderHook(() => useAuth(), {
      wrapper: ({ children }: { children?: ReactNode }) =>
        createElement(LockboxProvider, { config: system.config, client: other }, children),
    });
    await waitFor(() => expect(reset.current.step).to.equal('signed-out'));
    expect(await act(() => reset.current.forgotPassword(email))).to.equal(true);
    expect(reset.current).to.include({ step: 'reset-password', email });
    const code = new RegExp(`password reset code for ${email.replace(/\./g, '\\.')}: (\\d{6})`).exec(
      system.output(),
    )?.[1];
    expect(await act(() => reset.current.resetPassword('000000', `${PASSWORD}x`))).to.equal(false);
    expect(reset.current.step).to.equal('reset-password');
    expect(await act(() => reset.current.resetPassword(code ?? '', PASSWORD))).to.equal(true);
    expect(reset.current.step).to.equal('signed-out');
    expect(await act(() => reset.current.signIn(email, PASSWORD))).to.equal(true);
    expect(reset.current.step).to.equal('signed-in');
  });

  it('useUpload with useFolder and useUsage: progress to the end, then the listing and usage reload', async () => {
    const { result } = renderHook(
      () => ({ auth: useAuth(), uploads: useUpload(), root: useFolder(''), usage: useUsage() }),
      { wrapper },
    );
    await waitFor(() => expect(result.current.usage.usage?.bytes).to.equal(0));
    await waitFor(() => expect(result.current.root.loading).to.equal(false));
    expect(result.current.root.files).to.deep.equal([]);

    act(() =>
      result.current.uploads.upload(
        [
          { file: file('a.txt', 'aaa'), path: 'a.txt' },
          { file: file('b.txt', 'bbbb'), path: 'docs/b.txt' },
          { file: file('c.txt', 'ccccc'), path: 'docs/c.txt' },
        ],
        '',
      ),
    );
    // Two at a time: the third waits, and a waiting upload can be cancelled before it starts.
    expect(result.current.uploads.uploads.map((u) => u.state)).to.deep.equal([
      'uploading',
      'uploading',
      'waiting',
    ]);
    act(() => result.current.uploads.cancel('docs/c.txt'));
    await waitFor(() =>
      expect(result.current.uploads.uploads.map((u) => [u.key, u.state, u.loaded])).to.deep.equal([
        ['a.txt', 'done', 3],
        ['docs/b.txt', 'done', 4],
        ['docs/c.txt', 'cancelled', 0],
      ]),
    );
    await waitFor(() => expect(result.current.root.folders).to.deep.equal(['docs/']));
    expect(result.current.root.files.map((f) => f.key)).to.deep.equal(['a.txt']);
    // S3's events correct the usage a moment after the upload: the hook loads it again then.
    await waitFor(() => expect(result.current.usage.usage).to.include({ bytes: 7, files: 2 }), {
      timeout: 10_000,
    });

    act(() => result.current.uploads.clearFinished());
    expect(result.current.uploads.uploads).to.deep.equal([]);
  });

  it('useFolder: one page at a time, loadMore appends the next; a new prefix lists that folder', async () => {
    await client.putFile('docs/d.txt', 'dd');
    const { result, rerender } = renderHook(({ prefix }) => useFolder(prefix, { pageSize: 1 }), {
      wrapper,
      initialProps: { prefix: 'docs/' },
    });
    await waitFor(() => expect(result.current.files.map((f) => f.key)).to.deep.equal(['docs/b.txt']));
    expect(result.current.hasMore).to.equal(true);
    act(() => result.current.loadMore());
    await waitFor(() =>
      expect(result.current.files.map((f) => f.key)).to.deep.equal(['docs/b.txt', 'docs/d.txt']),
    );
    expect(result.current.hasMore).to.equal(false);

    rerender({ prefix: '' });
    expect(result.current.files).to.deep.equal([]);
    await waitFor(() => expect(result.current.loading).to.equal(false));
    const root = [...result.current.folders, ...result.current.files.map((f) => f.key)];
    expect(root).to.have.length(1);
    expect(root[0]).to.be.oneOf(['docs/', 'a.txt']);
  });

  it('useDeleted: a removed file is listed as deleted, and undo brings it back everywhere', async () => {
    const { result } = renderHook(() => ({ root: useFolder(''), deleted: useDeleted() }), { wrapper });
    await waitFor(() => expect(result.current.root.files.map((f) => f.key)).to.deep.equal(['a.txt']));
    await act(() => result.current.root.remove(['a.txt', 'docs/']));
    await waitFor(() => expect(result.current.root.loading).to.equal(false));
    expect(result.current.root.files).to.deep.equal([]);
    expect(result.current.root.folders).to.deep.equal([]);
    await waitFor(() =>
      expect(result.current.deleted.items.map((item) => item.key).sort()).to.deep.equal([
        'a.txt',
        'docs/b.txt',
        'docs/d.txt',
      ]),
    );

    const restored = await act(() => result.current.deleted.undo(['a.txt']));
    expect(restored.map((item) => [item.key, item.status])).to.deep.equal([['a.txt', 'restored']]);
    await waitFor(() => expect(result.current.root.files.map((f) => f.key)).to.deep.equal(['a.txt']));
    await waitFor(() =>
      expect(result.current.deleted.items.map((item) => item.key).sort()).to.deep.equal([
        'docs/b.txt',
        'docs/d.txt',
      ]),
    );
  });

  it('useZip: a job with progress that ends done with a download URL; a bad key ends failed', async () => {
    const { result } = renderHook(() => useZip(), { wrapper });
    const job = await act(() => result.current.zip(['a.txt'], 'one.zip'));
    expect(job?.status).to.equal('done');
    expect(result.current.zips).to.have.length(1);
    expect(result.current.zips[0]).to.include({ name: 'one.zip', state: 'done' });
    expect(result.current.zips[0]?.job?.url).to.equal(job?.url);
    expect(result.current.zips[0]?.progress).to.include({ status: 'done', fileCount: 1, filesDone: 1 });
    const archive = await fetch(job?.url ?? '');
    expect(archive.status).to.equal(200);

    expect(await act(() => result.current.zip(['../escape'], 'bad.zip'))).to.equal(undefined);
    expect(result.current.zips.map((zip) => [zip.name, zip.state])).to.deep.equal([
      ['bad.zip', 'failed'],
      ['one.zip', 'done'],
    ]);
    expect(isLockboxError(result.current.zips[0]?.error, 'InvalidKey')).to.equal(true);
  });
  it('useFolder.move renames a file and moves a folder, listings reload; a taken name is a Conflict until overwrite', async () => {
    await client.putFile('b.txt', 'bb');
    await client.putFile('notes/n.txt', 'nn');
    const { result } = renderHook(
      () => ({ root: useFolder(''), archive: useFolder('archive/'), deleted: useDeleted() }),
      { wrapper },
    );
    const rootFiles = () => result.current.root.files.map((f) => f.key);
    await waitFor(() => expect(rootFiles()).to.deep.equal(['a.txt', 'b.txt']));

    expect(await act(() => result.current.root.move('b.txt', 'c.txt'))).to.include({
      status: 'done',
      filesDone: 1,
      filesFailed: 0,
    });
    await waitFor(() => expect(rootFiles()).to.deep.equal(['a.txt', 'c.txt']));

    await act(() => result.current.root.move('notes/', 'archive/notes/'));
    await waitFor(() => expect(result.current.archive.folders).to.deep.equal(['archive/notes/']));
    expect(result.current.root.folders).to.deep.equal(['archive/']);

    const taken = await act(() =>
      result.current.root.move('c.txt', 'a.txt').catch((error: unknown) => error),
    );
    expect(isLockboxError(taken, 'Conflict')).to.equal(true);
    expect(rootFiles()).to.deep.equal(['a.txt', 'c.txt']);
    await act(() => result.current.root.move('c.txt', 'a.txt', { overwrite: true }));
    await waitFor(() => expect(rootFiles()).to.deep.equal(['a.txt']));
    expect(await (await fetch((await client.getFile('a.txt')).url)).text()).to.equal('bb');
  });

  it('useDeleted.deleteVersion deletes an old version for good: no longer listed, no longer restorable', async () => {
    const { result } = renderHook(() => useDeleted(), { wrapper });
    // c.txt's only version, left behind by the move above.
    await waitFor(() => expect(result.current.items.map((item) => item.key)).to.include('c.txt'));
    const moved = result.current.items.find((item) => item.key === 'c.txt');
    await act(() => result.current.deleteVersion('c.txt', moved?.versionId ?? ''));
    await waitFor(() => expect(result.current.items.map((item) => item.key)).to.not.include('c.txt'));
    const [again] = await act(() =>
      result.current.restore([{ key: 'c.txt', versionId: moved?.versionId ?? '' }]),
    );
    expect(again?.status).to.equal('notFound');
  });
});

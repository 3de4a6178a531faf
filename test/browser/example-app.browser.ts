import { randomBytes, randomUUID } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import type { Browser, Page, Request } from 'playwright-core';
import { adminClient, createUser } from '../../devtools/local-session';
import { type LaunchedSystem, launchLocalSystem } from '../../local/launch';
import { unzip } from '../support/unzip';
import { launchChromium } from './chromium';
import { dataTransferScript, recordProgressScript } from './page-scripts';

const MiB = 1024 * 1024;
const RESULTS = join(__dirname, '..', '..', 'test-results');
const NEW_PASSWORD = 'Correct-Horse-Battery-1!';
const SMALL_TEXT = 'A small file, dropped on the page.\n';
const PHOTOS_TEXT = { a: 'photo a\n', c: 'photo c, one folder down\n' };
const PHOTOS_BYTES = PHOTOS_TEXT.a.length + PHOTOS_TEXT.c.length;
/** Whether the app keeps an upload to resume (packages/react/pending-uploads.ts). */
const PENDING_UPLOADS_STORED =
  "Object.keys(localStorage).some((name) => name.startsWith('lockbox.pending-uploads.'))";

interface PartPut {
  readonly file: string;
  readonly partNumber: number;
}

/** The S3 part PUTs the page sends: the file's name and the part number, from the presigned URL. */
function partPutOf(request: Request): PartPut | undefined {
  const url = new URL(request.url());
  const partNumber = url.searchParams.get('partNumber');
  if (request.method() !== 'PUT' || partNumber === null) return undefined;
  return { file: decodeURIComponent(url.pathname.split('/').pop() ?? ''), partNumber: Number(partNumber) };
}

describe('the React app in Chromium (npm start in its own process, a fresh user)', () => {
  let dataDir: string;
  let filesDir: string;
  let system: LaunchedSystem;
  let browser: Browser;
  let page: Page;
  let email: string;
  let temporaryPassword: string;
  let shots = 0;
  const partPuts: PartPut[] = [];
  const files = { big: '', resume: '', photos: '' };

  const shot = async (name: string) => {
    shots += 1;
    await page.screenshot({
      path: join(RESULTS, `${String(shots).padStart(2, '0')}-${name}.png`),
      fullPage: true,
    });
  };
  const row = (key: string) => page.locator(`tr[data-key="${key}"]`);
  const upload = (key: string, state: string) =>
    page.locator(`li.upload[data-key="${key}"][data-state="${state}"]`);
  /** Waits until the upload row of `key` ends, and expects it to end uploaded (a failure shows its message). */
  const uploaded = async (key: string) => {
    const ended = page.locator(`li.upload[data-key="${key}"]:is([data-state="done"], [data-state="failed"])`);
    await ended.waitFor();
    expect(await ended.getAttribute('data-state'), (await ended.textContent()) ?? '').to.equal('done');
  };
  const downloaded = async (action: () => Promise<void>): Promise<Buffer> => {
    const download = page.waitForEvent('download');
    await action();
    const path = await (await download).path();
    return readFile(path);
  };

  before(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'lockbox-browser-'));
    filesDir = join(dataDir, 'picked');
    files.big = join(filesDir, 'big.bin');
    files.resume = join(filesDir, 'resume.bin');
    files.photos = join(filesDir, 'photos');
    await mkdir(join(files.photos, 'b'), { recursive: true });
    await Promise.all([
      writeFile(files.big, randomBytes(40 * MiB)),
      writeFile(files.resume, randomBytes(40 * MiB)),
      writeFile(join(files.photos, 'a.txt'), PHOTOS_TEXT.a),
      writeFile(join(files.photos, 'b', 'c.txt'), PHOTOS_TEXT.c),
      rm(RESULTS, { recursive: true, force: true }).then(() => mkdir(RESULTS, { recursive: true })),
    ]);
    system = await launchLocalSystem({ dataDir: join(dataDir, 'system') });
    email = `browser-${randomUUID()}@example.com`;
    temporaryPassword = `Temp-${randomUUID()}-1a!`;
    await createUser(adminClient(system.config, system.admin), system.config, email, temporaryPassword);
    browser = await launchChromium();
    page = await (await browser.newContext({ viewport: { width: 1200, height: 800 } })).newPage();
    page.on('request', (request) => {
      const put = partPutOf(request);
      if (put !== undefined) partPuts.push(put);
    });
  });

  after(async () => {
    await browser?.close();
    expect(await system?.stop()).to.equal(0);
    await rm(dataDir, { recursive: true, force: true });
  });

  it('signs a new user in through the new-password challenge', async () => {
    await page.goto(`${new URL(system.config.api_url).origin}/`);
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password').fill(temporaryPassword);
    await shot('sign-in');
    await page.getByRole('button', { name: 'Sign in' }).click();

    await page.getByRole('heading', { name: 'Choose a new password' }).waitFor();
    await page.getByLabel('New password', { exact: true }).fill(NEW_PASSWORD);
    await page.getByLabel('Repeat the new password').fill(NEW_PASSWORD);
    await shot('new-password');
    await page.getByRole('button', { name: 'Set password and sign in' }).click();

    await page.getByRole('button', { name: 'Upload files' }).waitFor();
    expect(await page.locator('#account-email').textContent()).to.equal(email);
    await page.getByText('This folder is empty').waitFor();
    await shot('signed-in');
  });

  it('uploads a small file dropped on the page', async () => {
    const dataTransfer = await page.evaluateHandle(dataTransferScript('small.txt', SMALL_TEXT, 'text/plain'));
    await page.dispatchEvent('.drop-zone', 'drop', { dataTransfer });
    await uploaded('small.txt');
    await row('small.txt').waitFor();
    expect(partPuts.filter((put) => put.file === 'small.txt')).to.deep.equal([]);
    await shot('small-file-uploaded');
  });

  it('uploads a 40 MiB file in parts, its progress bar moving as the parts go', async () => {
    await page.evaluate(recordProgressScript('big.bin'));
    await page.locator('#upload-files').setInputFiles(files.big);
    await uploaded('big.bin');
    await shot('large-file-uploaded');

    const progress = await page.evaluate<number[]>('window.progressValues');
    const moving = progress.filter((value) => value > 0 && value < 40 * MiB);
    expect(moving.length, `progress values ${progress.join(', ')}`).to.be.greaterThan(1);
    expect(progress).to.deep.equal([...progress].sort((a, b) => a - b));
    expect(progress.at(-1)).to.equal(40 * MiB);
    const parts = partPuts.filter((put) => put.file === 'big.bin').map((put) => put.partNumber);
    expect(parts.sort()).to.deep.equal([1, 2, 3]); // 16 MiB parts
  });

  it('resumes a large upload after a reload, sending only the parts S3 does not hold', async () => {
    // Let the first part through and hold the others, so that the reload lands mid-upload every time.
    let passed = false;
    await page.route(
      (url) => url.pathname.endsWith('/resume.bin') && url.searchParams.has('partNumber'),
      (route) => {
        if (passed) return;
        passed = true;
        void route.continue();
      },
    );
    const firstPart = page.waitForResponse(
      (response) => partPutOf(response.request())?.file === 'resume.bin' && response.status() === 200,
    );
    await page.locator('#upload-files').setInputFiles(files.resume);
    const done = partPutOf((await firstPart).request())?.partNumber;
    await page.waitForFunction(PENDING_UPLOADS_STORED);
    await shot('upload-before-reload');

    // Reload while the held parts are still held: the navigation cancels them, so none of them can reach
    // the server between the unroute and the reload.
    await page.reload();
    await upload('resume.bin', 'interrupted').waitFor();
    await page.unrouteAll({ behavior: 'ignoreErrors' });
    await shot('interrupted-upload-after-reload');

    const sentBefore = partPuts.length;
    const chooser = page.waitForEvent('filechooser');
    await page.getByRole('button', { name: 'Resume upload of resume.bin' }).click();
    await (await chooser).setFiles(files.resume);
    await uploaded('resume.bin');
    await row('resume.bin').waitFor();
    await shot('resumed-upload-done');

    const resent = partPuts.slice(sentBefore).map((put) => put.partNumber);
    expect(resent).to.not.include(done);
    expect([...resent, done].sort()).to.deep.equal([1, 2, 3]);
    expect(await page.evaluate<boolean>(PENDING_UPLOADS_STORED)).to.equal(false);
  });

  it('uploads a folder and lists it, one level at a time', async () => {
    await page.locator('#upload-folder').setInputFiles(files.photos);
    await uploaded('photos/b/c.txt');
    await uploaded('photos/a.txt');
    await row('photos/').waitFor();
    const listed = await page
      .locator('tbody tr')
      .evaluateAll((rows) => rows.map((tr) => tr.getAttribute('data-key')));
    expect(listed).to.deep.equal(['photos/', 'big.bin', 'resume.bin', 'small.txt']);
    await shot('listing');

    await page.getByRole('button', { name: 'photos', exact: true }).click();
    await row('photos/b/').waitFor();
    expect(await page.locator('tbody tr').count()).to.equal(2);
    await shot('inside-a-folder');
    await page.getByRole('navigation', { name: 'Folder path' }).getByRole('button', { name: 'Home' }).click();
    await row('small.txt').waitFor();
  });

  it('shows the bytes stored against the quota once S3 has counted them', async () => {
    const stored = SMALL_TEXT.length + 80 * MiB + PHOTOS_BYTES;
    await page.locator(`.usage[data-bytes="${stored}"]`).waitFor();
    const meter = page.getByRole('meter', { name: 'Storage used' });
    expect(Number(await meter.getAttribute('value'))).to.equal(stored);
    const quota = Number(await meter.getAttribute('max'));
    expect(quota).to.be.greaterThan(stored);
    expect(await page.locator('.usage-text').textContent()).to.match(/^80 MiB of .+ used$/);
    await shot('usage');
  });

  it('downloads files with the bytes that were uploaded', async () => {
    const big = await downloaded(() => page.getByRole('button', { name: 'Download big.bin' }).click());
    expect(big.equals(await readFile(files.big))).to.equal(true);
    const resumed = await downloaded(() => page.getByRole('button', { name: 'Download resume.bin' }).click());
    expect(resumed.equals(await readFile(files.resume))).to.equal(true);
    const small = await downloaded(async () => {
      await page.getByRole('checkbox', { name: 'Select small.txt' }).check();
      await page
        .getByRole('toolbar', { name: 'Selected items' })
        .getByRole('button', { name: 'Download', exact: true })
        .click();
    });
    expect(small.toString()).to.equal(SMALL_TEXT);
  });

  it('zips two files and a folder and downloads the archive', async () => {
    await page.getByRole('checkbox', { name: 'Select resume.bin' }).check();
    await page.getByRole('checkbox', { name: 'Select folder photos' }).check();
    await shot('three-selected');
    const archive = await downloaded(() => page.getByRole('button', { name: 'Download as zip' }).click());
    await page.locator('li.upload[data-name="files.zip"][data-state="done"]').waitFor();
    await shot('zip-ready');

    const { entries } = await unzip(archive);
    const byName = new Map(entries.map((entry) => [entry.name, entry.data]));
    expect([...byName.keys()].sort()).to.deep.equal([
      'photos/a.txt',
      'photos/b/c.txt',
      'resume.bin',
      'small.txt',
    ]);
    expect(byName.get('resume.bin')?.equals(await readFile(files.resume))).to.equal(true);
    expect(byName.get('small.txt')?.toString()).to.equal(SMALL_TEXT);
    expect(byName.get('photos/b/c.txt')?.toString()).to.equal(PHOTOS_TEXT.c);
  });

  it('deletes a file after confirming, undoes it, deletes it again and restores it from Deleted files', async () => {
    await page.getByRole('button', { name: 'Delete small.txt' }).click();
    const dialog = page.getByRole('dialog', { name: 'Delete small.txt?' });
    await dialog.waitFor();
    await shot('confirm-delete');
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    expect(await row('small.txt').count()).to.equal(1);

    await page.getByRole('button', { name: 'Delete small.txt' }).click();
    await dialog.getByRole('button', { name: 'Delete' }).click();
    await row('small.txt').waitFor({ state: 'detached' });
    await page.locator('.notice').getByText('Deleted small.txt.').waitFor();
    await shot('deleted-with-undo');
    await page.getByRole('button', { name: 'Undo' }).click();
    await row('small.txt').waitFor();
    await shot('undone');

    await page.getByRole('button', { name: 'Delete small.txt' }).click();
    await dialog.getByRole('button', { name: 'Delete' }).click();
    await row('small.txt').waitFor({ state: 'detached' });
    await page.getByRole('button', { name: 'Deleted files' }).click();
    const restore = page.getByRole('button', { name: 'Restore small.txt' });
    await restore.waitFor();
    await shot('deleted-files');
    await restore.click();
    await row('small.txt').waitFor();
    await restore.waitFor({ state: 'detached' });
    await shot('restored');
    const small = await downloaded(() => page.getByRole('button', { name: 'Download small.txt' }).click());
    expect(small.toString()).to.equal(SMALL_TEXT);
  });

  it('renames a file: a name already taken is a clear question, cancelled here, then a free name', async () => {
    const rename = page.getByRole('dialog', { name: 'Rename small.txt' });
    await page.getByRole('button', { name: 'Rename small.txt' }).click();
    await rename.getByLabel('New name').fill('big.bin');
    await rename.getByRole('button', { name: 'Rename' }).click();
    const taken = page.getByRole('dialog', { name: 'big.bin already exists' });
    await taken.getByRole('button', { name: 'Overwrite' }).waitFor();
    await shot('rename-name-taken');
    await taken.getByRole('button', { name: 'Cancel' }).click();
    await taken.waitFor({ state: 'detached' });
    expect(await row('small.txt').count()).to.equal(1);

    await page.getByRole('button', { name: 'Rename small.txt' }).click();
    await rename.getByLabel('New name').fill('notes.txt');
    await shot('rename');
    await rename.getByRole('button', { name: 'Rename' }).click();
    await row('notes.txt').waitFor();
    await row('small.txt').waitFor({ state: 'detached' });
    await shot('renamed');
    const notes = await downloaded(() => page.getByRole('button', { name: 'Download notes.txt' }).click());
    expect(notes.toString()).to.equal(SMALL_TEXT);
  });

  it('moves a folder into a new folder, everything under it along', async () => {
    await page.getByRole('button', { name: 'Move folder photos to…' }).click();
    const move = page.getByRole('dialog', { name: 'Move photos to…' });
    await move.getByLabel('Folder').fill('archive/2026');
    await shot('move-folder');
    await move.getByRole('button', { name: 'Move' }).click();
    await row('archive/').waitFor();
    await row('photos/').waitFor({ state: 'detached' });
    await page.getByRole('button', { name: 'archive', exact: true }).click();
    await page.getByRole('button', { name: '2026', exact: true }).click();
    await page.getByRole('button', { name: 'photos', exact: true }).click();
    await row('archive/2026/photos/a.txt').waitFor();
    expect(await row('archive/2026/photos/b/').count()).to.equal(1);
    await shot('folder-moved');
    await page.getByRole('navigation', { name: 'Folder path' }).getByRole('button', { name: 'Home' }).click();
    await row('notes.txt').waitFor();
  });

  it('counts old versions in the usage after a delete, and deleting one for good frees its bytes', async () => {
    await page.getByRole('button', { name: 'Delete big.bin' }).click();
    await page
      .getByRole('dialog', { name: 'Delete big.bin?' })
      .getByRole('button', { name: 'Delete' })
      .click();
    await row('big.bin').waitFor({ state: 'detached' });
    // Old versions: small.txt's three (the upload and two restores, the last one renamed away), the
    // photos' originals (moved away) and big.bin; current: notes.txt, the photos' copies, resume.bin.
    const old = 3 * SMALL_TEXT.length + PHOTOS_BYTES + 40 * MiB;
    const stored = old + SMALL_TEXT.length + PHOTOS_BYTES + 40 * MiB;
    await page.locator(`.usage[data-bytes="${stored}"][data-version-bytes="${old}"]`).waitFor();
    expect(await page.locator('.usage-text').textContent()).to.match(
      /^80 MiB of .+ used \(40 MiB in old versions\)$/,
    );
    await shot('usage-with-old-versions');

    await page.getByRole('button', { name: 'Delete big.bin for good' }).click();
    const dialog = page.getByRole('dialog', { name: 'Delete big.bin for good?' });
    await dialog.waitFor();
    await shot('confirm-delete-for-good');
    await dialog.getByRole('button', { name: 'Delete for good' }).click();
    await page.getByRole('button', { name: 'Restore big.bin' }).waitFor({ state: 'detached' });
    await page
      .locator(`.usage[data-bytes="${stored - 40 * MiB}"][data-version-bytes="${old - 40 * MiB}"]`)
      .waitFor();
    await shot('deleted-for-good');
  });

  it('deletes everything selected', async () => {
    await page.getByRole('checkbox', { name: 'Select all' }).check();
    await page
      .getByRole('toolbar', { name: 'Selected items' })
      .getByRole('button', { name: 'Delete' })
      .click();
    await page
      .getByRole('dialog', { name: 'Delete 3 items?' })
      .getByRole('button', { name: 'Delete' })
      .click();
    await page.getByText('This folder is empty').waitFor();
    await page.reload();
    await page.getByText('This folder is empty').waitFor();
    await shot('all-deleted');
  });

  it('signs out, resets a forgotten password with the mailed code, and signs in with the new one', async () => {
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('button', { name: 'Forgot your password?' }).click();
    await page.getByLabel('Email').fill(email);
    await page.getByRole('button', { name: 'Send code' }).click();
    await page.getByText(`We sent a code to ${email}.`).waitFor();
    const code = new RegExp(`password reset code for ${email.replace(/\./g, '\\.')}: (\\d{6})`).exec(
      system.output(),
    )?.[1];
    expect(code, system.output().slice(-2000)).to.be.a('string');
    await page.getByLabel('Code').fill(code ?? '');
    await page.getByLabel('New password', { exact: true }).fill(`${NEW_PASSWORD}2`);
    await shot('reset-password');
    await page.getByRole('button', { name: 'Set new password' }).click();
    await page.getByText('Your password is changed: sign in with the new one.').waitFor();
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password').fill(`${NEW_PASSWORD}2`);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('button', { name: 'Upload files' }).waitFor();
    expect(await page.locator('#account-email').textContent()).to.equal(email);
  });
});

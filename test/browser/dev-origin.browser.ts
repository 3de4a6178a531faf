import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { build } from 'esbuild';
import type { Browser } from 'playwright-core';
import { adminClient, createUser } from '../../devtools/local-session';
import { type LaunchedSystem, launchLocalSystem } from '../../local/launch';
import { launchChromium } from './chromium';

/** A React dev server's origin (create-react-app, Next.js): not the local system's, allowed by default. */
const DEV_PORT = 3000;
const DEV_ORIGIN = `http://localhost:${DEV_PORT}`;
const PAGE = '<!doctype html><script src="/client.js"></script>';
const NEW_PASSWORD = 'Correct-Horse-Battery-1!';

/** The client bundled for the page, as a dev server would serve it: `window.Lockbox`. */
async function clientBundle(): Promise<string> {
  const result = await build({
    entryPoints: [join(__dirname, '..', '..', 'packages', 'client', 'index.ts')],
    bundle: true,
    format: 'iife',
    globalName: 'Lockbox',
    platform: 'browser',
    target: 'es2022',
    write: false,
  });
  return result.outputFiles[0]?.text ?? '';
}

describe(`a page on ${DEV_ORIGIN} against npm start (CORS of the gateway, S3 and the Cognito stand-ins)`, () => {
  let dataDir: string;
  let system: LaunchedSystem;
  let browser: Browser;

  let devServer: Server;

  before(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'lockbox-dev-origin-'));
    system = await launchLocalSystem({ dataDir });
    browser = await launchChromium();
    // A real server on the loopback address: Chromium lets a page reach loopback (the local system) only
    // from loopback, which a page fulfilled by Playwright itself is not.
    const bundle = await clientBundle();
    devServer = createServer((req, res) => {
      if (req.url === '/client.js') res.writeHead(200, { 'Content-Type': 'text/javascript' }).end(bundle);
      else res.writeHead(200, { 'Content-Type': 'text/html' }).end(PAGE);
    });
    await new Promise<void>((resolve, reject) => {
      devServer.once('error', reject);
      devServer.listen(DEV_PORT, '127.0.0.1', resolve);
    });
  });

  after(async () => {
    await new Promise((resolve) => devServer?.close(resolve));
    await browser?.close();
    expect(await system?.stop()).to.equal(0);
    await rm(dataDir, { recursive: true, force: true });
  });

  it('signs in (new-password step), uploads and lists files, and reads a gateway refusal', async () => {
    const email = `dev-${Date.now()}@example.com`;
    const temporary = `Temp-${crypto.randomUUID()}-1a!`;
    await createUser(adminClient(system.config, system.admin), system.config, email, temporary);
    const page = await browser.newPage();
    await page.goto(`${DEV_ORIGIN}/`);
    const result = await page.evaluate(
      async ({ config, email, temporary, password }) => {
        const { createLockboxClient, memoryStorage } = (
          globalThis as unknown as { Lockbox: typeof import('../../packages/client/index.js') }
        ).Lockbox;
        const lockbox = createLockboxClient(config, { storage: memoryStorage() });
        let signIn = await lockbox.auth.signIn(email, temporary);
        if (signIn.status === 'new-password-required') signIn = await signIn.complete(password);
        await lockbox.putFile('dev/hello.txt', 'hello from localhost:3000', 'text/plain');
        const page = await lockbox.listFiles({ prefix: 'dev/' });
        // An unsigned request: API Gateway's own refusal, readable here only with CORS on it.
        const refused = await fetch(`${config.api_url}/files`);
        return {
          status: signIn.status,
          keys: page.files.map((file) => file.key),
          refused: { status: refused.status, body: (await refused.json()) as { error: { code: string } } },
        };
      },
      { config: system.config, email, temporary, password: NEW_PASSWORD },
    );
    expect(result.status).to.equal('signed-in');
    expect(result.keys).to.deep.equal(['dev/hello.txt']);
    expect(result.refused.status).to.equal(403);
    expect(result.refused.body.error.code).to.equal('Unauthorized');
  });
});

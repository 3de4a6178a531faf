import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect } from 'chai';
import type { FrontendConfig } from '../../local/config-files';
import { createWebApp } from '../../local/web';

const CONFIG: FrontendConfig = {
  region: 'eu-west-1',
  user_pool_id: 'eu-west-1_local',
  user_pool_client_id: 'client',
  identity_pool_id: 'eu-west-1:pool',
  api_url: 'http://127.0.0.1:4280/local',
  bucket_name: 'lockbox-local',
  user_pool_endpoint: 'http://127.0.0.1:4280/cognito-idp',
  identity_pool_endpoint: 'http://127.0.0.1:4280/cognito-identity',
};

describe('local/web: the React app at / (built by Vite) and its config', function () {
  // The first request builds the app (2 to 3 s, longer on a loaded machine).
  this.timeout(60_000);
  let server: Server;
  let base: string;
  /** The built script's path, from the page. */
  let scriptPath = '';
  const logs: string[] = [];

  before(async () => {
    const app = createWebApp({
      config: CONFIG,
      connectOrigins: ['http://127.0.0.1:4281'],
      log: (l) => logs.push(l),
    });
    server = createServer(async (req, res) => {
      if (!(await app(req, res))) res.writeHead(404).end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  after(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('serves the page, its script and styles with their content types and a strict policy', async () => {
    const page = await fetch(`${base}/`);
    expect(page.status).to.equal(200);
    expect(page.headers.get('content-type')).to.equal('text/html; charset=utf-8');
    const html = await page.text();
    const script = /<script type="module" crossorigin src="\.\/(assets\/index-[\w-]+\.js)">/.exec(html)?.[1];
    const stylesheet = /<link rel="stylesheet" crossorigin href="\.\/(assets\/index-[\w-]+\.css)">/.exec(
      html,
    )?.[1];
    expect(script, html).to.be.a('string');
    expect(stylesheet, html).to.be.a('string');
    const policy = page.headers.get('content-security-policy') ?? '';
    expect(policy).to.include("script-src 'self'");
    expect(policy).to.include("connect-src 'self' http://127.0.0.1:4281");
    expect(page.headers.get('x-content-type-options')).to.equal('nosniff');

    const code = await fetch(`${base}/${script}`);
    expect(code.headers.get('content-type')).to.equal('text/javascript; charset=utf-8');
    expect((await code.text()).length).to.be.greaterThan(1000);
    const styles = await fetch(`${base}/${stylesheet}?v=1`);
    expect(styles.headers.get('content-type')).to.equal('text/css; charset=utf-8');
    scriptPath = `/${script}`;
    expect(logs).to.deep.equal([]);
  });

  it('serves the frontend config as /config.json', async () => {
    const answer = await fetch(`${base}/config.json`);
    expect(answer.headers.get('content-type')).to.equal('application/json; charset=utf-8');
    expect(await answer.json()).to.deep.equal(CONFIG);
  });

  it('leaves every other path and method to the caller', async () => {
    for (const path of [
      '/index.ts',
      '/main.ts',
      '/build.ts',
      '/../package.json',
      '/%2e%2e/package.json',
      '/src/main.tsx',
      '/src/App.tsx',
      '/vite.config.ts',
      '/assets/../package.json',
      '/assets/x/../../package.json',
      '/x',
    ]) {
      expect((await fetch(`${base}${path}`)).status, path).to.equal(404);
    }
    expect((await fetch(`${base}/`, { method: 'POST' })).status).to.equal(404);
    const head = await fetch(`${base}${scriptPath}`, { method: 'HEAD' });
    expect(head.status).to.equal(200);
    expect(Number(head.headers.get('content-length'))).to.be.greaterThan(1000);
  });
});

import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect } from 'chai';
import { cognitoEndpoint } from '../../local/cognito-endpoint';
import { localOrigins, parseOrigins } from '../../local/origins';

describe('local mode origins: the defaults, LOCKBOX_ORIGINS and the Cognito stand-ins', () => {
  it('allows the system itself first, then the common dev servers on both hosts, then the extra ones', () => {
    const origins = localOrigins('http://127.0.0.1:4280', 4280, ['https://app.test']);
    expect(origins.slice(0, 2)).to.deep.equal(['http://127.0.0.1:4280', 'http://localhost:4280']);
    for (const port of [5173, 4173, 3000])
      for (const host of ['localhost', '127.0.0.1']) expect(origins).to.include(`http://${host}:${port}`);
    expect(origins.at(-1)).to.equal('https://app.test');
    // On Vite's own port the system's two origins are two of the dev servers': listed once.
    expect(localOrigins('http://127.0.0.1:5173', 5173)).to.have.length(6);
  });

  it('reads LOCKBOX_ORIGINS as a comma-separated list and refuses anything but an origin', () => {
    expect(parseOrigins(undefined)).to.deep.equal([]);
    expect(parseOrigins(' https://a.test , http://10.0.0.5:8080,')).to.deep.equal([
      'https://a.test',
      'http://10.0.0.5:8080',
    ]);
    for (const bad of ['*', 'https://a.test/', 'HTTPS://A.TEST', "https://a.test'", 'a.test'])
      expect(() => parseOrigins(bad), bad).to.throw(/LOCKBOX_ORIGINS/);
  });

  describe('a Cognito stand-in', () => {
    let server: Server;
    let url: string;
    before(async () => {
      const endpoint = cognitoEndpoint(
        'cognito-idp',
        async (_req, _body, res) => {
          res.writeHead(400, { 'Content-Type': 'application/x-amz-json-1.1', 'x-amzn-ErrorType': 'X' });
          res.end('{}');
        },
        () => {},
      );
      server = createServer((req, res) => void endpoint(req, res));
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
    });
    after(() => new Promise<void>((resolve) => server.close(() => resolve())));

    it('answers every origin, as Cognito does, and allows the headers a preflight asks for', async () => {
      for (const origin of ['http://localhost:3000', 'https://anywhere.example']) {
        const preflight = await fetch(url, {
          method: 'OPTIONS',
          headers: {
            Origin: origin,
            'Access-Control-Request-Method': 'POST',
            'Access-Control-Request-Headers': 'content-type,x-amz-target,x-amz-user-agent,x-custom',
          },
        });
        expect(preflight.status).to.equal(204);
        expect(preflight.headers.get('access-control-allow-origin')).to.equal('*');
        expect(preflight.headers.get('access-control-allow-headers')).to.equal(
          'content-type,x-amz-target,x-amz-user-agent,x-custom',
        );
        const answer = await fetch(url, { method: 'POST', headers: { Origin: origin }, body: '{}' });
        expect(answer.headers.get('access-control-allow-origin')).to.equal('*');
        expect(answer.headers.get('access-control-expose-headers')).to.include('x-amzn-ErrorType');
      }
    });
  });
});

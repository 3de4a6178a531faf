import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { SignatureV4 } from '@smithy/signature-v4';
import type { HttpRequest } from '@smithy/types';
import { expect } from 'chai';
import { NodeSha256 } from '../../local/sigv4/sha256';
import { type SigningCredentials, type VerifyOptions, verifySigV4 } from '../../local/sigv4/verify';

const NOW = Date.UTC(2026, 10, 26, 12, 0, 0);
const REGION = 'eu-west-1';
const HOST = '127.0.0.1:4280';
const issued: SigningCredentials = {
  accessKeyId: 'ASIALOCALTEST',
  secretAccessKey: 'local-secret',
  sessionToken: 'local-session-token',
  expiresAt: NOW + 3600_000,
};
const apiOptions: VerifyOptions<SigningCredentials> = {
  service: 'execute-api',
  region: REGION,
  uriEscapePath: true,
  lookup: (id) => (id === issued.accessKeyId ? issued : undefined),
  now: () => NOW,
};

/** RFC 3986 encoding, as the SDK's HTTP handler writes a path segment or a query value on the wire. */
function rfc3986(value: string): string {
  return encodeURIComponent(value).replace(
    /[!'()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

interface Wire {
  method: string;
  url: string;
  rawHeaders: string[];
  body?: Uint8Array;
}

/** Signs as the SDK does, and returns the request as a server would receive it. */
async function signedWire(options: {
  method?: string;
  path?: string;
  query?: Record<string, string>;
  body?: string;
  credentials?: SigningCredentials;
  signingDate?: Date;
}): Promise<Wire> {
  const body = options.body === undefined ? undefined : new TextEncoder().encode(options.body);
  const signer = new SignatureV4({
    service: 'execute-api',
    region: REGION,
    credentials: options.credentials ?? issued,
    sha256: NodeSha256,
  });
  const request: HttpRequest = {
    method: options.method ?? 'GET',
    protocol: 'http:',
    hostname: '127.0.0.1',
    port: 4280,
    path: options.path ?? '/local/files',
    query: options.query ?? {},
    headers: { host: HOST, ...(body ? { 'content-type': 'application/json' } : {}) },
    body,
  };
  const signed = await signer.sign(request, { signingDate: options.signingDate ?? new Date(NOW) });
  const search = Object.entries(options.query ?? {})
    .map(([k, v]) => `${rfc3986(k)}=${rfc3986(v)}`)
    .join('&');
  return {
    method: signed.method,
    url: search ? `${request.path}?${search}` : request.path,
    rawHeaders: Object.entries(signed.headers).flat(),
    body: body ?? new Uint8Array(),
  };
}

function withHeader(wire: Wire, name: string, value: string): Wire {
  const rawHeaders: string[] = [];
  for (let i = 0; i < wire.rawHeaders.length; i += 2) {
    if (wire.rawHeaders[i].toLowerCase() !== name)
      rawHeaders.push(wire.rawHeaders[i], wire.rawHeaders[i + 1]);
  }
  return { ...wire, rawHeaders: [...rawHeaders, name, value] };
}

function header(wire: Wire, name: string): string {
  const i = wire.rawHeaders.findIndex((h, index) => index % 2 === 0 && h.toLowerCase() === name);
  return wire.rawHeaders[i + 1];
}

async function reasonFor(wire: Wire, options = apiOptions): Promise<string> {
  const result = await verifySigV4(wire, options);
  return result.ok ? 'ok' : result.reason;
}

describe('verifySigV4 (execute-api, header signatures)', () => {
  it('accepts a request signed by the SDK signer, with the issued credentials', async () => {
    const wire = await signedWire({ query: { key: 'a b/(c)!*~:+%#&=é.txt', limit: '5' } });
    const result = await verifySigV4(wire, apiOptions);
    expect(result).to.deep.equal({ ok: true, credentials: issued });
  });

  it('verifies the raw path as received, with characters that signers disagree on', async () => {
    const path = `/local/zips/${["(x)'!*", 'a b', 'é:~'].map(rfc3986).join('/')}`;
    expect(await reasonFor(await signedWire({ path }))).to.equal('ok');
  });

  it('accepts a body whose bytes match, and refuses a tampered body', async () => {
    const wire = await signedWire({ method: 'POST', body: '{"keys":["a"]}' });
    expect(await reasonFor(wire)).to.equal('ok');
    expect(await reasonFor({ ...wire, body: new TextEncoder().encode('{"keys":["b"]}') })).to.equal(
      'SignatureDoesNotMatch',
    );
  });

  it('refuses a tampered query, path or signature', async () => {
    const wire = await signedWire({ query: { key: 'mine.txt' } });
    expect(await reasonFor({ ...wire, url: '/local/files?key=yours.txt' })).to.equal('SignatureDoesNotMatch');
    expect(await reasonFor({ ...wire, url: '/local/file?key=mine.txt' })).to.equal('SignatureDoesNotMatch');
    const auth = header(wire, 'authorization');
    const flipped = auth.replace(/.$/, auth.endsWith('0') ? '1' : '0');
    expect(await reasonFor(withHeader(wire, 'authorization', flipped))).to.equal('SignatureDoesNotMatch');
  });

  it('refuses a signature made with the wrong secret', async () => {
    const wire = await signedWire({ credentials: { ...issued, secretAccessKey: 'guessed' } });
    expect(await reasonFor(wire)).to.equal('SignatureDoesNotMatch');
  });

  it('answers a missing signature, then a malformed Authorization header, in that order', async () => {
    expect(await reasonFor({ method: 'GET', url: '/local/files', rawHeaders: ['Host', HOST] })).to.equal(
      'MissingAuthenticationToken',
    );
    const wire = withHeader(await signedWire({}), 'authorization', 'Bearer abc');
    const result = await verifySigV4(wire, apiOptions);
    expect(result).to.include({ ok: false, reason: 'IncompleteSignature' });
    expect(result.ok ? '' : result.message).to.include("requires 'Credential' parameter");
  });

  it('refuses an x-amz-date more than 5 minutes off, either way, before looking at the key', async () => {
    const old = await signedWire({
      signingDate: new Date(NOW - 6 * 60_000),
      credentials: { ...issued, accessKeyId: 'AKIAUNKNOWN' },
    });
    const result = await verifySigV4(old, apiOptions);
    expect(result).to.include({ ok: false, reason: 'SignatureExpired' });
    expect(result.ok ? '' : result.message).to.match(
      /^Signature expired: 20261126T115400Z is now earlier than/,
    );
    const future = await signedWire({ signingDate: new Date(NOW + 6 * 60_000) });
    expect(await reasonFor(future)).to.equal('SignatureExpired');
    expect(await reasonFor(await signedWire({ signingDate: new Date(NOW - 4 * 60_000) }))).to.equal('ok');
  });

  it('refuses an unknown key, a wrong or missing session token, and expired credentials', async () => {
    expect(
      await reasonFor(await signedWire({ credentials: { ...issued, accessKeyId: 'ASIAOTHER' } })),
    ).to.equal('UnrecognizedClient');
    expect(
      await reasonFor(await signedWire({ credentials: { ...issued, sessionToken: 'forged' } })),
    ).to.equal('UnrecognizedClient');
    const { sessionToken: _, ...withoutToken } = issued;
    expect(await reasonFor(await signedWire({ credentials: withoutToken }))).to.equal('UnrecognizedClient');
    const expired = { ...apiOptions, now: () => issued.expiresAt ?? 0 };
    expect(
      await reasonFor(await signedWire({ signingDate: new Date(issued.expiresAt ?? 0) }), expired),
    ).to.equal('ExpiredToken');
  });

  it('refuses a signature scoped to another service or region', async () => {
    const wire = await signedWire({});
    const s3Options = { ...apiOptions, service: 's3' };
    expect(await reasonFor(wire, s3Options)).to.equal('SignatureDoesNotMatch');
    expect(await reasonFor(wire, { ...apiOptions, region: 'us-east-1' })).to.equal('SignatureDoesNotMatch');
  });
});

describe('verifySigV4 (S3 presigned URLs)', () => {
  const s3Options: VerifyOptions<SigningCredentials> = {
    ...apiOptions,
    service: 's3',
    uriEscapePath: false,
    allowPresigned: true,
  };
  const presigner = new S3Client({
    region: REGION,
    endpoint: `http://${HOST}`,
    forcePathStyle: true,
    credentials: issued,
    requestChecksumCalculation: 'WHEN_REQUIRED',
  });

  async function presignedPut(key: string): Promise<Wire> {
    const url = new URL(
      await getSignedUrl(
        presigner,
        new PutObjectCommand({
          Bucket: 'lockbox-local',
          Key: key,
          ContentLength: 5,
          ContentType: 'text/plain',
        }),
        {
          expiresIn: 300,
          signingDate: new Date(NOW),
          signableHeaders: new Set(['content-length', 'content-type']),
        },
      ),
    );
    return {
      method: 'PUT',
      url: url.pathname + url.search,
      rawHeaders: ['Host', HOST, 'Content-Length', '5', 'Content-Type', 'text/plain'],
    };
  }

  it('accepts a presigned PUT as the SDK presigner writes it, for keys with reserved characters', async () => {
    expect(await reasonFor(await presignedPut("id/a b/(x)!'*~:+&=é.txt"), s3Options)).to.equal('ok');
  });

  it('refuses a presigned PUT whose signed size or type differ, or whose key was changed', async () => {
    const wire = await presignedPut('id/a.txt');
    expect(await reasonFor(withHeader(wire, 'content-length', '6'), s3Options)).to.equal(
      'SignatureDoesNotMatch',
    );
    expect(await reasonFor(withHeader(wire, 'content-type', 'text/html'), s3Options)).to.equal(
      'SignatureDoesNotMatch',
    );
    expect(await reasonFor({ ...wire, url: wire.url.replace('a.txt', 'b.txt') }, s3Options)).to.equal(
      'SignatureDoesNotMatch',
    );
  });

  it('refuses a presigned URL once it has expired, and query signatures where they are not allowed', async () => {
    const wire = await presignedPut('id/a.txt');
    expect(await reasonFor(wire, { ...s3Options, now: () => NOW + 301_000 })).to.equal('RequestExpired');
    expect(await reasonFor(wire, { ...s3Options, allowPresigned: false })).to.equal(
      'MissingAuthenticationToken',
    );
  });
});

import { execFileSync } from 'node:child_process';
import { expect } from 'chai';
import { routes, ZIP_WORKER_PROCESS_ENVIRONMENT } from '../../../contract/routes';
import {
  contractRoutes,
  contractSchemaNames,
  expectMatchesContract,
  expectResultMatchesContract,
  responseValidator,
  schemaValidator,
} from '../../support/openapi';

const ETAG = '9b2cf535f27731c974343645a3985328';
const JOB_ID = '5b7f3a4e-9c1d-4e2f-8a6b-0c9d8e7f6a5b';
const WHEN = '2026-05-01T09:30:00.000Z';
const URL = 'https://lockbox-files.s3.eu-west-1.amazonaws.com/eu-west-1%3A0f8e/a.txt?X-Amz-Signature=1f2e';

/** Valid responses, one per shape the contract in DESIGN.md describes. */
const fileList = {
  files: [{ key: 'photos/beach.jpg', size: 482113, lastModified: WHEN, etag: ETAG }],
  folders: ['photos/2024/'],
  nextCursor: null,
};
const fileDownload = {
  key: 'photos/beach.jpg',
  size: 482113,
  lastModified: WHEN,
  etag: ETAG,
  contentType: 'image/jpeg',
  url: URL,
  expiresAt: WHEN,
};
const singleUpload = {
  type: 'single',
  url: URL,
  method: 'PUT',
  headers: { 'Content-Type': 'text/plain' },
  expiresAt: WHEN,
};
const multipartUpload = {
  type: 'multipart',
  uploadId: '2~wA8pPTp5bBvKjUxEaHrrxJ1NQ',
  partSize: 8 * 1024 * 1024,
  parts: [
    { partNumber: 1, url: URL },
    { partNumber: 2, url: URL },
  ],
  expiresAt: WHEN,
};
const zipProgress = { id: JOB_ID, fileCount: 3, filesDone: 1, bytesDone: 1024 };
const zipDone = { ...zipProgress, status: 'done', filesDone: 3, size: 4096, url: URL, expiresAt: WHEN };

describe('docs/openapi.yaml', () => {
  describe('routes', () => {
    it('lists exactly the routes of the route table', () => {
      const documented = contractRoutes()
        .filter((route) => route.method !== 'OPTIONS')
        .map((route) => `${route.method} ${route.path}`);
      const table = routes.map((route) => `${route.method} ${route.path}`);
      expect({
        onlyInTable: table.filter((route) => !documented.includes(route)),
        onlyInDocument: documented.filter((route) => !table.includes(route)),
      }).to.deep.equal({ onlyInTable: [], onlyInDocument: [] });
    });

    it('documents the preflight of every path: 204, or a throttle', () => {
      const paths = new Set(routes.map((route) => route.path));
      const preflights = contractRoutes().filter((route) => route.method === 'OPTIONS');
      expect(preflights.map((route) => route.path).sort()).to.deep.equal([...paths].sort());
      for (const route of preflights) expect(route.statuses, route.path).to.have.members([204, 429]);
    });

    it("documents on every route the statuses API Gateway's own answers and the handlers' wrapper give", () => {
      for (const route of contractRoutes().filter((r) => r.method !== 'OPTIONS')) {
        const id = `${route.method} ${route.path}`;
        // A refused signature or identity (403), throttling (429), the handler's 500, a failed function
        // (502), the integration timeout (504); a body above API Gateway's 10 MB (413) where there is a body.
        expect(route.statuses, id).to.include.members([403, 429, 500, 502, 504]);
        if (route.method === 'POST' || route.method === 'PUT') expect(route.statuses, id).to.include(413);
      }
    });
  });

  describe('schemas', () => {
    it('compile in strict mode, every component and every documented response', () => {
      for (const name of contractSchemaNames()) expect(schemaValidator(name), name).to.be.a('function');
      const responses = contractRoutes().flatMap((route) =>
        route.statuses.map((status) => responseValidator(route.method, route.path, status)),
      );
      const preflights = new Set(routes.map((route) => route.path)).size;
      // The two 204s of routes, and every path's preflight.
      expect(responses.filter((validator) => validator === null)).to.have.length(2 + preflights);
      expect(responses.length).to.be.greaterThan(40);
    });

    it('refuse request fields that the handlers reject', () => {
      const createUpload = schemaValidator('CreateUploadRequest');
      expect(createUpload({ key: 'a.txt', size: 3, contentType: 'text/plain' })).to.equal(true);
      expect(createUpload({ key: 'a.txt', size: 3, contentType: 'text/plain', bucket: 'x' })).to.equal(false);
      expect(createUpload({ key: 'a.txt', size: '3', contentType: 'text/plain' })).to.equal(false);
      expect(schemaValidator('DeleteFilesRequest')({ keys: [] })).to.equal(false);
      const signParts = schemaValidator('SignUploadPartsRequest');
      expect(signParts({ key: 'a', uploadId: 'u', partNumbers: [2, 1] })).to.equal(true);
      expect(signParts({ key: 'a', uploadId: 'u', partNumbers: [] })).to.equal(false);
      expect(signParts({ key: 'a', uploadId: 'u', partNumbers: [1, 1] })).to.equal(false);
      expect(
        signParts({ key: 'a', uploadId: 'u', partNumbers: Array.from({ length: 101 }, (_, i) => i + 1) }),
      ).to.equal(false);
      expect(
        schemaValidator('CompleteUploadRequest')({
          key: 'a',
          uploadId: 'u',
          parts: [{ partNumber: 10001, etag: 'e' }],
        }),
      ).to.equal(false);
    });
  });

  describe('expectMatchesContract', () => {
    it('accepts the responses that DESIGN.md describes', () => {
      expectMatchesContract('GET', '/files', 200, fileList);
      expectMatchesContract('GET', '/files', 200, { files: [], folders: [], nextCursor: 'opaque-token' });
      expectMatchesContract('GET', '/file', 200, fileDownload);
      expectMatchesContract('PUT', '/file', 201, { key: 'notes/todo.txt', size: 0, etag: ETAG });
      expectMatchesContract('DELETE', '/file', 204, '');
      expectMatchesContract('POST', '/files/delete', 200, {
        deleted: ['notes/todo.txt', 'photos/'],
        errors: [{ key: '../x', code: 'InvalidKey', message: 'Key must not contain a ".." segment.' }],
      });
      expectMatchesContract('POST', '/uploads', 200, singleUpload);
      expectMatchesContract('POST', '/uploads', 200, multipartUpload);
      expectMatchesContract('POST', '/uploads/complete', 200, { key: 'big.bin', size: 3, etag: `${ETAG}-3` });
      expectMatchesContract('POST', '/uploads/abort', 204, undefined);
      expectMatchesContract('POST', '/uploads/parts', 200, {
        partSize: multipartUpload.partSize,
        parts: multipartUpload.parts,
        expiresAt: WHEN,
      });
      expectMatchesContract('GET', '/uploads', 200, {
        key: 'big.bin',
        uploadId: multipartUpload.uploadId,
        size: 3 * multipartUpload.partSize,
        partSize: multipartUpload.partSize,
        parts: [{ partNumber: 1, size: multipartUpload.partSize, etag: ETAG }],
      });
      expectMatchesContract('POST', '/zips', 202, JSON.stringify({ id: JOB_ID, status: 'pending' }));
      expectMatchesContract('GET', '/zips/{id}', 200, { ...zipProgress, status: 'running' });
      expectMatchesContract('GET', `/zips/${JOB_ID}`, 200, zipDone);
      expectMatchesContract('GET', `/zips/${JOB_ID}`, 200, {
        ...zipProgress,
        status: 'failed',
        error: 'A file vanished.',
      });
      expectMatchesContract('GET', '/file', 404, { error: { code: 'NotFound', message: 'Not found.' } });
      expectMatchesContract('POST', '/uploads/complete', 409, {
        error: { code: 'Conflict', message: 'Part 2?' },
      });
      expectMatchesContract('POST', '/zips', 400, {
        error: { code: 'TooManyFiles', message: 'At most 1000 files.' },
      });
      expectMatchesContract('GET', '/files', 500, {
        error: { code: 'Internal', message: 'Internal error. Request id: r-1' },
      });
    });

    const wrong: [string, () => void, RegExp][] = [
      [
        'a missing field',
        () => expectMatchesContract('GET', '/files', 200, { files: [], folders: [] }),
        /required property 'nextCursor'/,
      ],
      [
        'an extra field',
        () => expectMatchesContract('PUT', '/file', 201, { key: 'a', size: 1, etag: ETAG, bucket: 'b' }),
        /additional properties {"additionalProperty":"bucket"}/,
      ],
      [
        'a quoted etag',
        () =>
          expectMatchesContract('GET', '/files', 200, {
            ...fileList,
            files: [{ ...fileList.files[0], etag: `"${ETAG}"` }],
          }),
        /\/files\/0\/etag must match pattern/,
      ],
      [
        'a time that is not ISO 8601',
        () =>
          expectMatchesContract('GET', '/file', 200, {
            ...fileDownload,
            lastModified: 'Fri, 01 May 2026 09:30:00 GMT',
          }),
        /\/lastModified must match format "date-time"/,
      ],
      [
        'a size as a string',
        () => expectMatchesContract('GET', '/file', 200, { ...fileDownload, size: '482113' }),
        /\/size must be integer/,
      ],
      [
        'a URL that is not one',
        () => expectMatchesContract('GET', '/file', 200, { ...fileDownload, url: 'a.txt' }),
        /\/url must match format "uri"/,
      ],
      [
        'a folder without its slash',
        () => expectMatchesContract('GET', '/files', 200, { ...fileList, folders: ['photos'] }),
        /\/folders\/0 must match pattern/,
      ],
      [
        'a file key with the identity prefix slash',
        () => expectMatchesContract('PUT', '/file', 201, { key: '/a.txt', size: 1, etag: ETAG }),
        /\/key must match pattern/,
      ],
      [
        'a single upload with another method',
        () => expectMatchesContract('POST', '/uploads', 200, { ...singleUpload, method: 'POST' }),
        /\/method must be equal to constant/,
      ],
      [
        'an upload of an unknown type',
        () => expectMatchesContract('POST', '/uploads', 200, { ...singleUpload, type: 'stream' }),
        /value of tag "type" must be in oneOf/,
      ],
      [
        'a multipart upload with a part 0',
        () =>
          expectMatchesContract('POST', '/uploads', 200, {
            ...multipartUpload,
            parts: [{ partNumber: 0, url: URL }],
          }),
        /\/parts\/0\/partNumber must be >= 1/,
      ],
      [
        'a new zip job that is not pending',
        () => expectMatchesContract('POST', '/zips', 202, { id: JOB_ID, status: 'running' }),
        /\/status must be equal to constant/,
      ],
      [
        'a done zip job without its URL',
        () => expectMatchesContract('GET', '/zips/{id}', 200, { ...zipDone, url: undefined }),
        /required property 'url'/,
      ],
      [
        'a running zip job with a URL',
        () => expectMatchesContract('GET', '/zips/{id}', 200, { ...zipDone, status: 'running' }),
        /additional properties {"additionalProperty":"size"}/,
      ],
      [
        'a zip job id that is not one',
        () => expectMatchesContract('POST', '/zips', 202, { id: '../other', status: 'pending' }),
        /\/id must match format "uuid"/,
      ],
      [
        'a zip job status outside the contract',
        () => expectMatchesContract('GET', '/zips/{id}', 200, { ...zipProgress, status: 'finished' }),
        /value of tag "status" must be in oneOf/,
      ],
      [
        'a status with another error code',
        () => expectMatchesContract('GET', '/file', 404, { error: { code: 'BadRequest', message: 'No.' } }),
        /\/error\/code must be equal to constant {"allowedValue":"NotFound"}/,
      ],
      [
        'an internal error with detail',
        () =>
          expectMatchesContract('GET', '/files', 500, {
            error: { code: 'Internal', message: 'NoSuchBucket: lockbox-prod' },
          }),
        /\/error\/message must match pattern/,
      ],
      [
        'an error with a stack',
        () =>
          expectMatchesContract('GET', '/file', 404, {
            error: { code: 'NotFound', message: 'Not found.', stack: 'at x' },
          }),
        /additional properties {"additionalProperty":"stack"}/,
      ],
      [
        'a body where there is none',
        () => expectMatchesContract('DELETE', '/file', 204, '{}'),
        /has no body here/,
      ],
      [
        'no body where there is one',
        () => expectMatchesContract('GET', '/file', 200, ''),
        /requires a JSON body/,
      ],
      ['a body that is not JSON', () => expectMatchesContract('GET', '/file', 200, '<html>'), /not JSON/],
      [
        'an undocumented status',
        () => expectMatchesContract('GET', '/files', 404, { error: { code: 'NotFound', message: 'x' } }),
        /status 404 is not documented/,
      ],
      [
        'an undocumented route',
        () => expectMatchesContract('PATCH', '/file', 200, {}),
        /PATCH \/file is not in docs\/openapi.yaml/,
      ],
    ];
    for (const [what, check, reason] of wrong) {
      it(`fails on ${what}`, () => {
        expect(check).to.throw(reason);
      });
    }
  });

  describe('expectResultMatchesContract', () => {
    const json = { 'Content-Type': 'application/json; charset=utf-8' };
    const notFound = JSON.stringify({ error: { code: 'NotFound', message: 'Not found.' } });

    it('accepts a result with its documented headers', () => {
      const headers = { ...json, Vary: 'Origin', 'Access-Control-Allow-Origin': 'http://localhost:5173' };
      expectResultMatchesContract('GET', '/file', { statusCode: 404, headers, body: notFound });
      expectResultMatchesContract('DELETE', '/file', {
        statusCode: 204,
        headers: { Vary: 'Origin' },
        body: '',
      });
    });

    it('fails without a required header, with a header off its schema, or with JSON not labelled JSON', () => {
      expect(() =>
        expectResultMatchesContract('GET', '/file', { statusCode: 404, headers: json, body: notFound }),
      ).to.throw(/requires the header Vary/);
      expect(() =>
        expectResultMatchesContract('GET', '/file', {
          statusCode: 404,
          headers: { ...json, Vary: 'Accept-Encoding' },
          body: notFound,
        }),
      ).to.throw(/the header Vary: "Accept-Encoding" must match pattern/);
      expect(() =>
        expectResultMatchesContract('GET', '/file', {
          statusCode: 404,
          headers: { Vary: 'Origin', 'Content-Type': 'text/html' },
          body: notFound,
        }),
      ).to.throw(/Content-Type/);
    });
  });
});

const heapLimitMiB = (environment: Record<string, string>): number =>
  Number(
    execFileSync(process.execPath, ['-p', 'v8.getHeapStatistics().heap_size_limit / 1048576'], {
      env: { PATH: process.env.PATH, ...environment },
      encoding: 'utf8',
    }),
  );

describe("the zip worker's process settings", () => {
  it('sets both heap sizes, since Lambda sets neither when NODE_OPTIONS names one', () => {
    const flag = (name: string) =>
      Number(new RegExp(`--${name}=(\\d+)`).exec(ZIP_WORKER_PROCESS_ENVIRONMENT.NODE_OPTIONS ?? '')?.[1]);
    const semiSpaceMiB = flag('max-semi-space-size');
    const oldSpaceMiB = flag('max-old-space-size');
    expect(semiSpaceMiB).to.be.within(1, 15);
    expect(oldSpaceMiB).to.be.within(256, 10_240);
    // V8's heap limit is the old space plus the young generation, three semi-spaces. execFileSync throws
    // if Node refuses a flag in NODE_OPTIONS (it accepts only a few of V8's).
    expect(heapLimitMiB(ZIP_WORKER_PROCESS_ENVIRONMENT)).to.equal(oldSpaceMiB + 3 * semiSpaceMiB);
  });
});

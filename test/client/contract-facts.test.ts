import { expect } from 'chai';
import { IDEMPOTENCY_KEY_HEADER } from '../../contract/preflight';
import { MAX_PARTS_PER_SIGNING } from '../../contract/request-limits';
import { UPLOAD_MULTIPART_THRESHOLD_BYTES } from '../../contract/settings';
import { type ApiCall, type ApiRequest, createApi } from '../../packages/client/api';
import { PartUrlBook } from '../../packages/client/uploads/part-url-book';
import type { PutBytes } from '../../packages/client/uploads/put-bytes';
import { upload } from '../../packages/client/uploads/upload';
import { zip } from '../../packages/client/zips';

/** An ApiCall that records each request and answers with `answer`, or stops the caller. */
function recordingApi(answer?: (request: ApiRequest) => unknown): { api: ApiCall; seen: ApiRequest[] } {
  const seen: ApiRequest[] = [];
  const api = (async (request: ApiRequest) => {
    seen.push(request);
    if (answer === undefined) throw new Error('stop');
    return answer(request);
  }) as ApiCall;
  return { api, seen };
}

function jsonOf<T>(request: ApiRequest | undefined): T {
  if (request === undefined) throw new Error('No request was made');
  return request.json as T;
}

/** createApi over a fetch that answers every request with this status, headers and text body. */
function apiAnswering(status: number, headers: Record<string, string>, body: string): ApiCall {
  const fetchImpl = (async () => new Response(body, { status, headers })) as typeof fetch;
  const credentials = async () => ({
    accessKeyId: 'AKIDEXAMPLE',
    secretAccessKey: 'secret',
    sessionToken: 'token',
    expiresAt: Date.now() + 3_600_000,
  });
  return createApi('https://api.example.test/prod', 'eu-west-1', credentials, fetchImpl);
}

async function codeOf(api: ApiCall): Promise<string> {
  try {
    await api({ method: 'GET', path: '/files' });
  } catch (error) {
    return (error as { code: string }).code;
  }
  throw new Error('no error');
}

describe("@lockbox/client reads the contract's facts", () => {
  it("sends a file's CRC-32 up to the default multipart threshold, not above", async () => {
    const threshold = UPLOAD_MULTIPART_THRESHOLD_BYTES.default;
    for (const [size, sendsCrc] of [
      [threshold, true],
      [threshold + 1, false],
    ] as const) {
      const { api, seen } = recordingApi();
      // Stopped at POST /uploads: no PUT is ever sent.
      const put: PutBytes = () => Promise.reject(new Error('no PUT expected'));
      await upload({ api, put, partConcurrency: 1 }, new Uint8Array(size), { key: 'a.bin' }).catch(() => {});
      expect(seen.map((r) => r.path)).to.deep.equal(['/uploads']);
      expect(jsonOf<{ crc32?: string }>(seen[0]).crc32 !== undefined, String(size)).to.equal(sendsCrc);
    }
  });

  it('signs at most 20 part URLs per request, within what the route takes', async () => {
    const { api, seen } = recordingApi((request) => ({
      parts: (request.json as { partNumbers: number[] }).partNumbers.map((n) => ({
        partNumber: n,
        url: `u${n}`,
      })),
    }));
    const pending = Array.from({ length: 150 }, (_, i) => i + 1);
    const book = new PartUrlBook(api, 'a.bin', 'up-1', () => pending, new AbortController().signal);
    expect(await book.target(1, undefined)).to.deep.equal({ url: 'u1', headers: {} });
    expect(seen).to.have.length(1);
    const { partNumbers } = jsonOf<{ partNumbers: number[] }>(seen[0]);
    expect(partNumbers).to.have.length(Math.min(20, MAX_PARTS_PER_SIGNING));
  });

  it("names POST /zips's idempotency header as the API reads it", async () => {
    const { api, seen } = recordingApi();
    await zip(api, ['a.txt'], { idempotencyKey: 'k-1' }).catch(() => undefined);
    expect(seen[0]?.headers).to.deep.equal({ [IDEMPOTENCY_KEY_HEADER]: 'k-1' });
  });

  it("gives an answer not in the API's error shape the code of its x-amzn-ErrorType, else of a 429 or 403", async () => {
    const html = '<html>refused</html>';
    expect(
      await codeOf(apiAnswering(403, { 'x-amzn-ErrorType': 'IncompleteSignatureException' }, html)),
    ).to.equal('Unauthorized');
    expect(
      await codeOf(apiAnswering(400, { 'x-amzn-ErrorType': 'UnrecognizedClientException:' }, html)),
    ).to.equal('BadRequest');
    expect(await codeOf(apiAnswering(429, {}, html))).to.equal('TooManyRequests');
    expect(await codeOf(apiAnswering(403, {}, html))).to.equal('Unauthorized');
    expect(await codeOf(apiAnswering(404, {}, html))).to.equal('BadResponse');
    expect(await codeOf(apiAnswering(413, {}, html))).to.equal('BadResponse');
  });
});

import { createServer, request, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * Real S3 binds an upload id to the key it was created for: UploadPart, CompleteMultipartUpload and
 * AbortMultipartUpload naming another key answer 404 NoSuchUpload. Neither local server does (both look an
 * upload up by id alone, and would complete user A's upload when user B names A's id with B's own key).
 * This proxy, put in front of one, adds exactly that rule and forwards everything else untouched, the Host
 * header included, so that signatures still verify.
 */
export async function bindUploadIdsToKeys(
  upstream: string,
): Promise<{ endpoint: string; stop(): Promise<void> }> {
  const target = new URL(upstream);
  const keyOfUpload = new Map<string, string>();

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://proxy');
    const path = decodeURIComponent(url.pathname);
    const uploadId = url.searchParams.get('uploadId');
    const owner = uploadId === null ? undefined : keyOfUpload.get(uploadId);
    if (owner !== undefined && owner !== path) return noSuchUpload(res);

    const forwarded = request(
      { host: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers },
      (upstreamRes) => {
        if (req.method !== 'POST' || !url.searchParams.has('uploads')) {
          res.writeHead(upstreamRes.statusCode ?? 502, upstreamRes.headers);
          upstreamRes.pipe(res);
          return;
        }
        // CreateMultipartUpload: remember which key the new upload id belongs to.
        const chunks: Buffer[] = [];
        upstreamRes.on('data', (chunk: Buffer) => chunks.push(chunk));
        upstreamRes.on('end', () => {
          const body = Buffer.concat(chunks);
          const created = /<UploadId>([^<]+)<\/UploadId>/.exec(body.toString('utf8'));
          if (created) keyOfUpload.set(created[1], path);
          res.writeHead(upstreamRes.statusCode ?? 502, upstreamRes.headers);
          res.end(body);
        });
      },
    );
    forwarded.on('error', () => res.destroy());
    req.pipe(forwarded);
  });

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    stop: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

function noSuchUpload(res: ServerResponse): void {
  res.writeHead(404, { 'Content-Type': 'application/xml' });
  res.end(
    '<?xml version="1.0" encoding="UTF-8"?><Error><Code>NoSuchUpload</Code>' +
      '<Message>The specified upload does not exist.</Message></Error>',
  );
}

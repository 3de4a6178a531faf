import { SignatureV4 } from '@smithy/signature-v4';
import type { IssuedCredentials } from '../../../local/credentials/registry';
import { NodeSha256 } from '../../../local/sigv4/sha256';
import { REGION } from './id-tokens';

/** RFC 3986 encoding, as the SDK encodes query names and values. */
export function rfc3986(value: string): string {
  return encodeURIComponent(value).replace(
    /[!'()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

/**
 * Signs a request with @smithy/signature-v4 (the AWS SDK's signer) for execute-api, and returns the
 * headers to send with exactly this path (already encoded) and query.
 */
export async function smithySign(options: {
  credentials: IssuedCredentials;
  port: number;
  method: string;
  path: string;
  query?: Record<string, string | string[]>;
  headers?: Record<string, string>;
  body?: Buffer | string;
}): Promise<{ path: string; headers: Record<string, string> }> {
  const { credentials } = options;
  const signer = new SignatureV4({
    service: 'execute-api',
    region: REGION,
    credentials: {
      accessKeyId: credentials.accessKeyId,
      secretAccessKey: credentials.secretAccessKey,
      sessionToken: credentials.sessionToken,
    },
    sha256: NodeSha256,
    uriEscapePath: true,
  });
  const host = `127.0.0.1:${options.port}`;
  const signed = await signer.sign({
    method: options.method,
    protocol: 'http:',
    hostname: '127.0.0.1',
    port: options.port,
    path: options.path,
    query: options.query ?? {},
    headers: { host, ...options.headers },
    body: options.body,
  });
  const query = Object.entries(options.query ?? {})
    .flatMap(([name, values]) => [values].flat().map((value) => `${rfc3986(name)}=${rfc3986(value)}`))
    .join('&');
  return { path: query === '' ? options.path : `${options.path}?${query}`, headers: signed.headers };
}

import { SignatureV4 } from '@smithy/signature-v4';
import type { AwsCredentialIdentity } from '@smithy/types';
import { AwsClient } from 'aws4fetch';
import { NodeSha256 } from '../local/sigv4/sha256';

/** The two SigV4 signers a frontend is likely to use, both checked against the gateway. */
export type SignerName = 'aws4fetch' | 'smithy';

export interface ApiCall {
  readonly method: string;
  /** Relative to the stage URL, e.g. "/files" or "/zips/<id>". */
  readonly path: string;
  readonly query?: Record<string, string>;
  readonly body?: string | Uint8Array;
  readonly headers?: Record<string, string>;
}

export type ApiFetch = (call: ApiCall) => Promise<Response>;

export interface SignedFetchOptions {
  /**
   * aws4fetch's retries of a 5xx or 429 answer (its own default: 10, with backoff), which hide failures
   * from a benchmark; the smithy path never retries.
   */
  readonly retries?: number;
}

/** RFC 3986, as SigV4 encodes a query value: encodeURIComponent leaves !'()* alone. */
export function rfc3986(value: string): string {
  return encodeURIComponent(value).replace(
    /[!'()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

export function apiUrlOf(apiUrl: string, call: Pick<ApiCall, 'path' | 'query'>): URL {
  const search = Object.entries(call.query ?? {})
    .map(([name, value]) => `${rfc3986(name)}=${rfc3986(value)}`)
    .join('&');
  return new URL(`${apiUrl.replace(/\/$/, '')}${call.path}${search ? `?${search}` : ''}`);
}

/** fetch() for the API, each request signed for execute-api with the given credentials. */
export function signedFetch(
  apiUrl: string,
  region: string,
  credentials: AwsCredentialIdentity,
  signer: SignerName,
  options: SignedFetchOptions = {},
): ApiFetch {
  return signer === 'aws4fetch'
    ? aws4fetchApi(apiUrl, region, credentials, options.retries)
    : smithyApi(apiUrl, region, credentials);
}

function aws4fetchApi(
  apiUrl: string,
  region: string,
  credentials: AwsCredentialIdentity,
  retries: number | undefined,
): ApiFetch {
  const client = new AwsClient({ ...credentials, service: 'execute-api', region, retries });
  return (call) =>
    client.fetch(apiUrlOf(apiUrl, call).toString(), {
      method: call.method,
      headers: call.headers,
      body: call.body,
    });
}

function smithyApi(apiUrl: string, region: string, credentials: AwsCredentialIdentity): ApiFetch {
  const signer = new SignatureV4({ service: 'execute-api', region, credentials, sha256: NodeSha256 });
  return async (call) => {
    const url = apiUrlOf(apiUrl, call);
    const query: Record<string, string> = {};
    for (const [name, value] of url.searchParams) query[name] = value;
    const body = typeof call.body === 'string' ? new TextEncoder().encode(call.body) : call.body;
    const signed = await signer.sign({
      method: call.method,
      protocol: url.protocol,
      hostname: url.hostname,
      port: Number(url.port),
      path: url.pathname,
      query,
      headers: { host: url.host, ...call.headers },
      body,
    });
    const { host: _, ...headers } = signed.headers;
    return fetch(url, { method: call.method, headers, body });
  };
}

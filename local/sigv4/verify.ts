import { timingSafeEqual } from 'node:crypto';
import { SignatureV4 } from '@smithy/signature-v4';
import type { AwsCredentialIdentity, HttpRequest, QueryParameterBag } from '@smithy/types';
import { formatAmzDate, headerMap, parseAmzDate, type SplitUrl, single, splitUrl } from './request-parts';
import { NodeSha256, sha256Hex } from './sha256';

/**
 * Checks a request's SigV4 signature as AWS does (header or presigned query), in API Gateway's order:
 * missing → malformed → clock skew → unknown key or token → signature. The signature is recomputed with
 * @smithy/signature-v4, the SDK's own signer, over the raw path as received, the signed headers only and
 * the exact body bytes, and compared in constant time.
 */

export interface RawRequest {
  readonly method: string;
  /** The request target exactly as received: path and query, still percent-encoded (node's req.url). */
  readonly url: string;
  /** node's req.rawHeaders: [name, value, name, value, ...] as received. */
  readonly rawHeaders: readonly string[];
  /** The exact body bytes. Omit only where the payload hash is taken from x-amz-content-sha256 (S3). */
  readonly body?: Uint8Array;
}

export interface SigningCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  /** Temporary credentials carry one; the request must present it (signed or as X-Amz-Security-Token). */
  readonly sessionToken?: string;
  /** Epoch ms after which the credentials are refused (ExpiredToken). */
  readonly expiresAt?: number;
}

export interface VerifyOptions<C extends SigningCredentials> {
  /** 'execute-api', 's3', 'cognito-idp', … */
  readonly service: string;
  readonly region: string;
  readonly lookup: (accessKeyId: string) => C | undefined;
  /** false for S3 only (S3 signs the path as sent; every other service encodes it once more). */
  readonly uriEscapePath: boolean;
  /** Accept query-string (presigned URL) signatures, with their X-Amz-Expires. @default false */
  readonly allowPresigned?: boolean;
  readonly now?: () => number;
}

export type SigV4Failure =
  | 'MissingAuthenticationToken'
  | 'IncompleteSignature'
  | 'SignatureExpired'
  | 'RequestExpired'
  | 'UnrecognizedClient'
  | 'ExpiredToken'
  | 'SignatureDoesNotMatch';

export type VerifyResult<C> =
  | { readonly ok: true; readonly credentials: C }
  | { readonly ok: false; readonly reason: SigV4Failure; readonly message: string };

/** How far x-amz-date may be from the server's clock. */
export const MAX_CLOCK_SKEW_MS = 5 * 60 * 1000;
/** SigV4's longest presigned URL: a week. */
const MAX_PRESIGNED_SECONDS = 7 * 24 * 3600;
const ALGORITHM = 'AWS4-HMAC-SHA256';
/** The query parameters of a presigned URL that the signer itself writes. */
const PRESIGN_PARAMS = [
  'X-Amz-Algorithm',
  'X-Amz-Credential',
  'X-Amz-Date',
  'X-Amz-Expires',
  'X-Amz-SignedHeaders',
  'X-Amz-Signature',
  'X-Amz-Security-Token',
] as const;
/** The payload hash of every presigned S3 URL. */
const UNSIGNED_PAYLOAD = 'UNSIGNED-PAYLOAD';

const MESSAGES = {
  missing: 'Missing Authentication Token',
  invalidToken: 'The security token included in the request is invalid.',
  expiredToken: 'The security token included in the request is expired',
  mismatch:
    'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.',
};

interface Claimed {
  readonly accessKeyId: string;
  readonly scope: readonly string[];
  readonly signedHeaders: readonly string[];
  readonly signature: string;
  readonly signedAt: Date;
  readonly sessionToken: string | undefined;
}

export async function verifySigV4<C extends SigningCredentials>(
  req: RawRequest,
  options: VerifyOptions<C>,
): Promise<VerifyResult<C>> {
  const headers = headerMap(req.rawHeaders);
  const url = splitUrl(req.url);
  const now = (options.now ?? Date.now)();
  const authorization = headers.get('authorization');
  if (authorization === undefined) {
    if (options.allowPresigned && url.query['X-Amz-Algorithm'] !== undefined) {
      return verifyPresigned(req, headers, url, options, now);
    }
    return fail('MissingAuthenticationToken', MESSAGES.missing);
  }
  return verifyHeader(req, headers, url, authorization, options, now);
}

async function verifyHeader<C extends SigningCredentials>(
  req: RawRequest,
  headers: Map<string, string>,
  url: SplitUrl,
  authorization: string,
  options: VerifyOptions<C>,
  now: number,
): Promise<VerifyResult<C>> {
  const parsed = parseAuthorization(authorization, headers.get('x-amz-date'));
  if (typeof parsed === 'string') return fail('IncompleteSignature', parsed);
  const claimed: Claimed = { ...parsed, sessionToken: headers.get('x-amz-security-token') };

  const skew = claimed.signedAt.getTime() - now;
  if (skew < -MAX_CLOCK_SKEW_MS) {
    return fail(
      'SignatureExpired',
      `Signature expired: ${formatAmzDate(claimed.signedAt.getTime())} is now earlier than ${formatAmzDate(now - MAX_CLOCK_SKEW_MS)} (${formatAmzDate(now)} - 5 min.)`,
    );
  }
  if (skew > MAX_CLOCK_SKEW_MS) {
    return fail(
      'SignatureExpired',
      `Signature not yet current: ${formatAmzDate(claimed.signedAt.getTime())} is still later than ${formatAmzDate(now + MAX_CLOCK_SKEW_MS)} (${formatAmzDate(now)} + 5 min.)`,
    );
  }
  const known = checkCredentials(claimed, options, now);
  if (!known.ok) return known;

  const signed = signedHeaderValues(claimed.signedHeaders, headers);
  let body: HttpRequest['body'] = req.body;
  if (req.body === undefined) {
    // S3: the payload hash is the client's x-amz-content-sha256; the server checks the bytes against it.
    if (!claimed.signedHeaders.includes('x-amz-content-sha256')) {
      return fail('IncompleteSignature', 'Missing required header for this request: x-amz-content-sha256');
    }
  } else {
    const claimedHash = headers.get('x-amz-content-sha256');
    // Never trust the header for the body it describes: a tampered body keeps the old header.
    if (claimedHash !== undefined && claimedHash !== sha256Hex(req.body)) return mismatch();
    body = req.body;
  }
  const signer = signerFor(options, known.credentials, signed.has('x-amz-security-token'));
  const result = await signer.sign(
    httpRequest(req.method, headers, url.rawPath, url.query, Object.fromEntries(signed), body),
    { signingDate: claimed.signedAt, signableHeaders: new Set(claimed.signedHeaders) },
  );
  const expected = /Signature=([0-9a-f]{64})$/.exec(String(result.headers.authorization))?.[1];
  return sameSignature(expected, claimed.signature)
    ? { ok: true, credentials: known.credentials }
    : mismatch();
}

async function verifyPresigned<C extends SigningCredentials>(
  req: RawRequest,
  headers: Map<string, string>,
  url: SplitUrl,
  options: VerifyOptions<C>,
  now: number,
): Promise<VerifyResult<C>> {
  const parsed = parsePresignQuery(url.query);
  if (typeof parsed === 'string') return fail('IncompleteSignature', parsed);
  const { claimed, expiresSeconds } = parsed;
  if (now > claimed.signedAt.getTime() + expiresSeconds * 1000)
    return fail('RequestExpired', 'Request has expired');
  if (claimed.signedAt.getTime() - now > MAX_CLOCK_SKEW_MS)
    return fail('SignatureExpired', 'Request is not valid yet');
  const known = checkCredentials(claimed, options, now);
  if (!known.ok) return known;

  const query: Record<string, string | string[] | null> = { ...url.query };
  for (const name of PRESIGN_PARAMS) delete query[name];
  const signed = signedHeaderValues(claimed.signedHeaders, headers);
  // The presigner hoists x-amz-* headers into the query and takes the payload hash from this one: hand it
  // back as a header so that it lands where the client put it and names the hash the client signed.
  const hoisted: Record<string, string> = {};
  let body: HttpRequest['body'] = req.body;
  const contentSha = single(url.query, 'X-Amz-Content-Sha256');
  if (contentSha !== undefined) {
    delete query['X-Amz-Content-Sha256'];
    hoisted['X-Amz-Content-Sha256'] = contentSha;
  } else if (options.service === 's3') {
    // Smithy hashes a body it cannot read as UNSIGNED-PAYLOAD, which every presigned S3 URL signs.
    body = { unread: UNSIGNED_PAYLOAD };
  }
  const signer = signerFor(options, known.credentials, claimed.sessionToken !== undefined);
  const result = await signer.presign(
    httpRequest(req.method, headers, url.rawPath, query, { ...Object.fromEntries(signed), ...hoisted }, body),
    {
      signingDate: claimed.signedAt,
      expiresIn: expiresSeconds,
      signableHeaders: new Set(claimed.signedHeaders),
      unhoistableHeaders: new Set(claimed.signedHeaders),
    },
  );
  const expected = single(result.query as QueryParameterBag, 'X-Amz-Signature');
  return sameSignature(expected, claimed.signature)
    ? { ok: true, credentials: known.credentials }
    : mismatch();
}

/** "AWS4-HMAC-SHA256 Credential=…, SignedHeaders=…, Signature=…", or API Gateway's complaint. */
function parseAuthorization(
  value: string,
  amzDate: string | undefined,
): Omit<Claimed, 'sessionToken'> | string {
  const fields = new Map<string, string>();
  if (value.startsWith(`${ALGORITHM} `)) {
    for (const part of value.slice(ALGORITHM.length + 1).split(',')) {
      const eq = part.indexOf('=');
      if (eq > 0) fields.set(part.slice(0, eq).trim(), part.slice(eq + 1).trim());
    }
  }
  const problems: string[] = [];
  for (const name of ['Credential', 'Signature', 'SignedHeaders']) {
    if (!fields.get(name)) problems.push(`Authorization header requires '${name}' parameter.`);
  }
  const signedAt = parseAmzDate(amzDate);
  if (signedAt === undefined) {
    problems.push("Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.");
  }
  const credential = fields.get('Credential')?.split('/') ?? [];
  if (problems.length === 0 && credential.length !== 5)
    problems.push('Credential is not of the form AccessKeyId/date/region/service/aws4_request.');
  if (problems.length > 0 || signedAt === undefined) return problems.join(' ');
  return {
    accessKeyId: credential[0],
    scope: credential.slice(1),
    signedHeaders: String(fields.get('SignedHeaders')).split(';'),
    signature: String(fields.get('Signature')),
    signedAt,
  };
}

function parsePresignQuery(query: QueryParameterBag): { claimed: Claimed; expiresSeconds: number } | string {
  const values = Object.fromEntries(PRESIGN_PARAMS.map((name) => [name, single(query, name)]));
  for (const name of PRESIGN_PARAMS) {
    if (name !== 'X-Amz-Security-Token' && values[name] === undefined) {
      return `Query-string authentication requires the ${name} parameter.`;
    }
  }
  if (values['X-Amz-Algorithm'] !== ALGORITHM) return `X-Amz-Algorithm only supports "${ALGORITHM}".`;
  const signedAt = parseAmzDate(values['X-Amz-Date']);
  if (signedAt === undefined)
    return "X-Amz-Date must be in the ISO8601 Long Format \"yyyyMMdd'T'HHmmss'Z'\".";
  const expires = String(values['X-Amz-Expires']);
  if (!/^\d{1,6}$/.test(expires) || Number(expires) > MAX_PRESIGNED_SECONDS) {
    return 'X-Amz-Expires must be a number of seconds, at most 604800 (seven days).';
  }
  const credential = String(values['X-Amz-Credential']).split('/');
  if (credential.length !== 5)
    return 'Credential is not of the form AccessKeyId/date/region/service/aws4_request.';
  return {
    claimed: {
      accessKeyId: credential[0],
      scope: credential.slice(1),
      signedHeaders: String(values['X-Amz-SignedHeaders']).split(';'),
      signature: String(values['X-Amz-Signature']),
      signedAt,
      sessionToken: values['X-Amz-Security-Token'],
    },
    expiresSeconds: Number(expires),
  };
}

/** The issued key, its session token and expiry, then the credential scope the client claims. */
function checkCredentials<C extends SigningCredentials>(
  claimed: Claimed,
  options: VerifyOptions<C>,
  now: number,
): VerifyResult<C> {
  const credentials = options.lookup(claimed.accessKeyId);
  if (credentials === undefined) return fail('UnrecognizedClient', MESSAGES.invalidToken);
  if (!sameToken(credentials.sessionToken, claimed.sessionToken)) {
    return fail('UnrecognizedClient', MESSAGES.invalidToken);
  }
  if (credentials.expiresAt !== undefined && now >= credentials.expiresAt) {
    return fail('ExpiredToken', MESSAGES.expiredToken);
  }
  const [day, region, service, terminator] = claimed.scope;
  const signedDay = formatAmzDate(claimed.signedAt.getTime()).slice(0, 8);
  if (day !== signedDay) {
    return fail(
      'SignatureDoesNotMatch',
      `Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '${day}' != '${signedDay}'.`,
    );
  }
  if (region !== options.region)
    return fail('SignatureDoesNotMatch', 'Credential should be scoped to a valid region.');
  if (service !== options.service) {
    return fail(
      'SignatureDoesNotMatch',
      `Credential should be scoped to correct service: '${options.service}'.`,
    );
  }
  if (terminator !== 'aws4_request') {
    return fail(
      'SignatureDoesNotMatch',
      "Credential should be scoped with a valid terminator: 'aws4_request'.",
    );
  }
  if (!claimed.signedHeaders.includes('host')) {
    return fail('SignatureDoesNotMatch', "'Host' must be a 'SignedHeader' in the AWS Authorization.");
  }
  return { ok: true, credentials };
}

/** The signed headers as received; a signed header that is missing signs as empty, as AWS computes it. */
function signedHeaderValues(names: readonly string[], headers: Map<string, string>): Map<string, string> {
  return new Map(names.map((name) => [name, headers.get(name) ?? '']));
}

/**
 * The signer, given the session token only when the client signed it: smithy adds the token to what it
 * signs, and a token sent unsigned (checked above) must not be.
 */
function signerFor(
  options: VerifyOptions<SigningCredentials>,
  credentials: SigningCredentials,
  tokenSigned: boolean,
) {
  const identity: AwsCredentialIdentity = {
    accessKeyId: credentials.accessKeyId,
    secretAccessKey: credentials.secretAccessKey,
    ...(tokenSigned && credentials.sessionToken !== undefined
      ? { sessionToken: credentials.sessionToken }
      : {}),
  };
  return new SignatureV4({
    service: options.service,
    region: options.region,
    credentials: identity,
    sha256: NodeSha256,
    uriEscapePath: options.uriEscapePath,
    applyChecksum: false,
  });
}

function httpRequest(
  method: string,
  headers: Map<string, string>,
  path: string,
  query: QueryParameterBag,
  signedHeaders: Record<string, string>,
  body: HttpRequest['body'],
): HttpRequest {
  const [hostname, port] = (headers.get('host') ?? '').split(':');
  return {
    method,
    protocol: 'http:',
    hostname,
    ...(port === undefined ? {} : { port: Number(port) }),
    path,
    query,
    headers: signedHeaders,
    body,
  };
}

function sameSignature(expected: string | undefined, claimed: string): boolean {
  if (expected === undefined || !/^[0-9a-f]{64}$/.test(claimed)) return false;
  return timingSafeEqual(Buffer.from(expected), Buffer.from(claimed));
}

function sameToken(issued: string | undefined, presented: string | undefined): boolean {
  if (issued === undefined || presented === undefined) return issued === presented;
  const a = Buffer.from(issued);
  const b = Buffer.from(presented);
  return a.length === b.length && timingSafeEqual(a, b);
}

function fail(reason: SigV4Failure, message: string): { ok: false; reason: SigV4Failure; message: string } {
  return { ok: false, reason, message };
}

function mismatch(): { ok: false; reason: SigV4Failure; message: string } {
  return fail('SignatureDoesNotMatch', MESSAGES.mismatch);
}

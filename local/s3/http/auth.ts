import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';
import { getSigningKey } from '@smithy/signature-v4';
import { NodeSha256 } from '../../sigv4/sha256';
import type { RawRequest, SigningCredentials, SigV4Failure, VerifyResult } from '../../sigv4/verify';
import { S3Error } from '../errors';
import type { ChunkSigning } from './aws-chunked';
import { type PayloadSpec, payloadSpec } from './payload';
import type { SessionPolicy } from './session-policy';

/** Credentials S3 knows; a session's carry the session policy that limits them (local/sts). */
export interface S3Credentials extends SigningCredentials {
  readonly sessionPolicy?: SessionPolicy;
}

/** Checks a request's SigV4 signature (verifySigV4 with S3's options, or a stand-in in tests). */
export type Verifier = (req: RawRequest) => Promise<VerifyResult<S3Credentials>>;

const S3_AUTH_ERRORS: Record<SigV4Failure, (presigned: boolean, message: string) => S3Error> = {
  MissingAuthenticationToken: () => new S3Error(403, 'AccessDenied', 'Access Denied'),
  IncompleteSignature: (presigned, message) =>
    new S3Error(
      400,
      presigned ? 'AuthorizationQueryParametersError' : 'AuthorizationHeaderMalformed',
      message,
    ),
  SignatureExpired: (presigned, message) =>
    presigned
      ? new S3Error(403, 'AccessDenied', message)
      : new S3Error(
          403,
          'RequestTimeTooSkewed',
          'The difference between the request time and the current time is too large.',
        ),
  RequestExpired: () => new S3Error(403, 'AccessDenied', 'Request has expired'),
  UnrecognizedClient: () =>
    new S3Error(
      403,
      'InvalidAccessKeyId',
      'The AWS Access Key Id you provided does not exist in our records.',
    ),
  ExpiredToken: () => new S3Error(400, 'ExpiredToken', 'The provided token has expired.'),
  SignatureDoesNotMatch: (_presigned, message) => new S3Error(403, 'SignatureDoesNotMatch', message),
};

/**
 * Where the signature of a signed aws-chunked body starts: the seed signature and its signing key (derived
 * by the SDK's own signer, as the seed request's signature was checked).
 */
async function chunkSigning(req: IncomingMessage, credentials: SigningCredentials): Promise<ChunkSigning> {
  const authorization = req.headers.authorization ?? '';
  const scope = /Credential=[^/,]+\/([^,]+)/.exec(authorization)?.[1] ?? '';
  const [day, region, service] = scope.split('/');
  const signingKey = Buffer.from(await getSigningKey(NodeSha256, credentials, day, region, service));
  return {
    signingKey,
    timestamp: String(req.headers['x-amz-date']),
    scope,
    seedSignature: /Signature=([0-9a-f]{64})/.exec(authorization)?.[1] ?? '',
  };
}

/**
 * Authenticates the request and returns how its body must be read: header auth signs the payload hash
 * in x-amz-content-sha256 (a hex hash, UNSIGNED-PAYLOAD or an aws-chunked mode); a presigned URL signs
 * no payload. `headers` include those hoisted into a presigned URL's query. A wrong session token for a known key is S3's InvalidToken.
 * Also returns the credentials that signed, for the session policy check.
 */
export async function authenticate(
  req: IncomingMessage,
  headers: IncomingHttpHeaders,
  verify: Verifier,
  isKnownKey: (accessKeyId: string) => boolean,
): Promise<{ payload: PayloadSpec; credentials: S3Credentials }> {
  const presigned = req.headers.authorization === undefined;
  const result = await verify({
    method: req.method ?? 'GET',
    url: req.url ?? '/',
    rawHeaders: req.rawHeaders,
  });
  if (!result.ok) {
    const accessKeyId = presigned
      ? new URL(req.url ?? '/', 'http://s3').searchParams.get('X-Amz-Credential')?.split('/')[0]
      : /Credential=([^/,]+)/.exec(req.headers.authorization ?? '')?.[1];
    if (result.reason === 'UnrecognizedClient' && accessKeyId && isKnownKey(accessKeyId)) {
      throw new S3Error(400, 'InvalidToken', 'The provided token is malformed or otherwise invalid.');
    }
    throw S3_AUTH_ERRORS[result.reason](presigned, result.message);
  }
  const { credentials } = result;
  if (presigned) return { payload: payloadSpec(headers, undefined), credentials };
  const contentSha256 = String(req.headers['x-amz-content-sha256']);
  const signing = contentSha256.startsWith('STREAMING-AWS4-HMAC-SHA256')
    ? await chunkSigning(req, result.credentials)
    : undefined;
  return { payload: payloadSpec(headers, contentSha256, signing), credentials };
}

/**
 * The JSON 1.1 wire: `POST` with `X-Amz-Target: AWSCognitoIdentityProviderService.<Op>`, a JSON body in
 * and out, errors as Cognito sends them. Admin operations must carry a valid SigV4 signature.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RawRequest, SigV4Failure, VerifyResult } from '../sigv4/verify';
import { IAM_OPERATIONS, UNSIGNED_OPERATIONS } from './api-operations';
import { CognitoError, type CognitoErrorType } from './errors';
import { parseInput } from './input';
import { operations } from './operations';
import type { Pool } from './pool';

const TARGET_PREFIX = 'AWSCognitoIdentityProviderService.';

export type AdminCheck = (req: RawRequest) => Promise<VerifyResult<unknown>>;

/** How a JSON-protocol service (Cognito's two) names each SigV4 failure. */
export const SIGV4_ERRORS: Readonly<Record<SigV4Failure, [CognitoErrorType, number]>> = {
  MissingAuthenticationToken: ['MissingAuthenticationTokenException', 403],
  IncompleteSignature: ['IncompleteSignatureException', 403],
  SignatureExpired: ['InvalidSignatureException', 400],
  RequestExpired: ['InvalidSignatureException', 400],
  UnrecognizedClient: ['UnrecognizedClientException', 400],
  ExpiredToken: ['ExpiredTokenException', 403],
  SignatureDoesNotMatch: ['InvalidSignatureException', 400],
};

export function createHandler(pool: Pool, checkAdmin: AdminCheck) {
  return async function handle(req: IncomingMessage, body: Buffer, res: ServerResponse): Promise<void> {
    const requestId = randomUUID();
    const target = req.headers['x-amz-target'];
    const name =
      typeof target === 'string' && target.startsWith(TARGET_PREFIX)
        ? target.slice(TARGET_PREFIX.length)
        : '';
    try {
      const operation = Object.hasOwn(operations, name) ? operations[name] : undefined;
      const known = UNSIGNED_OPERATIONS.has(name) || IAM_OPERATIONS.has(name);
      if (req.method !== 'POST' || !known) {
        throw new CognitoError('UnknownOperationException', 'The requested operation is not recognized.');
      }
      // An IAM operation is refused unsigned before anything else, whether or not the stand-in has it.
      if (IAM_OPERATIONS.has(name) || operation?.admin === true) {
        const verdict = await checkAdmin({
          method: req.method,
          url: req.url ?? '/',
          rawHeaders: req.rawHeaders,
          body,
        });
        if (!verdict.ok) {
          const [type, status] = SIGV4_ERRORS[verdict.reason];
          throw new CognitoError(type, verdict.message, status);
        }
      }
      if (operation === undefined) {
        // A signed IAM operation this stand-in lacks (every unsigned one is served; lockbox calls none of
        // these: docs/local-mode.md): said plainly, under the type an SDK reports for an operation the
        // endpoint does not serve.
        throw new CognitoError(
          'UnknownOperationException',
          `${name} is not available in the local user pool stand-in (docs/local-mode.md).`,
        );
      }
      const output = await operation.run(pool, parseInput(body));
      send(res, 200, requestId, output);
      pool.log(`user-pool: ${name} 200`);
    } catch (error) {
      if (error instanceof CognitoError) {
        sendError(res, requestId, error);
        pool.log(`user-pool: ${name || 'unknown operation'} ${error.status} ${error.type}`);
      } else {
        sendError(res, requestId, new CognitoError('InternalErrorException', 'Internal error.', 500));
        pool.log(
          `user-pool: ${name} 500 request ${requestId}: ${error instanceof Error ? error.message : String(error)}`,
        );
      }
    }
  };
}

function send(
  res: ServerResponse,
  status: number,
  requestId: string,
  body: object,
  extra: object = {},
): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'Content-Type': 'application/x-amz-json-1.1',
    'Content-Length': Buffer.byteLength(text),
    'x-amzn-RequestId': requestId,
    ...extra,
  });
  res.end(text);
}

/** Both the body's `__type` and the `x-amzn-ErrorType` header: each client library reads one of them. */
function sendError(res: ServerResponse, requestId: string, error: CognitoError): void {
  send(
    res,
    error.status,
    requestId,
    { __type: error.type, message: error.message },
    {
      'x-amzn-ErrorType': `${error.type}:`,
      // A header cannot hold line breaks or non-Latin-1 text; the body keeps the full message.
      'x-amzn-ErrorMessage': error.message.replace(/[^\x20-\x7e]+/g, ' '),
    },
  );
}

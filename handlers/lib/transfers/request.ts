import type { APIGatewayProxyEvent } from 'aws-lambda';
import { type IdentityId, type ObjectKey, s3Key } from '../files/keys';
import { jsonBody, stringField } from '../http/body';
import { BadRequestError } from '../http/errors';

export type TransferOperation = 'copy' | 'move';

/** What POST /files/copy and /files/move were asked, in user keys (as a job records it). */
export interface TransferRequest {
  readonly operation: TransferOperation;
  /** A file, or a folder ("photos/"). */
  readonly from: string;
  /** A file for a file; a folder ("" is the root) for a folder. */
  readonly to: string;
  /** Replace files that exist at the destination; otherwise refuse with 409 Conflict. */
  readonly overwrite: boolean;
}

/** A request's S3 keys, built from the caller's id (keys.ts), so both ends stay in the caller's folder. */
export interface TransferKeys {
  readonly from: ObjectKey;
  readonly to: ObjectKey;
  readonly folder: boolean;
}

/** The body `{ from, to, overwrite? }`, checked: any malformed field is a 400 before any S3 call. */
export function parseTransfer(
  event: Pick<APIGatewayProxyEvent, 'body' | 'isBase64Encoded'>,
  operation: TransferOperation,
  identityId: IdentityId,
): TransferRequest {
  const body = jsonBody(event, ['from', 'to', 'overwrite']);
  if (body.overwrite !== undefined && typeof body.overwrite !== 'boolean')
    throw new BadRequestError('"overwrite" must be a boolean.');
  const request = {
    operation,
    from: stringField(body.from, 'from'),
    to: stringField(body.to, 'to'),
    overwrite: body.overwrite === true,
  };
  transferKeys(identityId, request);
  return request;
}

/**
 * The S3 keys of a request, or InvalidKey/BadRequest: `from` is a file or a folder (never the root), `to`
 * of the same kind (a folder may go to the root ""), not the same key, and a folder never into itself
 * (its copy would be listed again as a source).
 */
export function transferKeys(identityId: IdentityId, request: TransferRequest): TransferKeys {
  const from = s3Key(identityId, request.from, 'file-or-folder');
  const folder = from.endsWith('/');
  const to = s3Key(identityId, request.to, folder ? 'folder' : 'file');
  if (from === to) throw new BadRequestError('"from" and "to" are the same.');
  if (folder && to.startsWith(from)) throw new BadRequestError('A folder cannot go inside itself.');
  return { from, to, folder };
}

import { ConflictError, NotFoundError } from '../http/errors';
import { type Handler, httpHandler } from '../http/handler';
import { queryParams } from '../http/query';
import { holdForWrite } from '../quotas/hold';
import type { QuotaDeps } from '../quotas/quota-deps';
import { headObject } from '../s3/head';
import { folderPages } from '../s3/pages';
import type { CallerDeps } from '../wiring/deps';
import { NO_PROGRESS, type TransferTarget, transferFile, transferFolder } from './copy-or-move';
import { createTransferJob, transferBody } from './jobs';
import { parseTransfer, type TransferKeys, type TransferOperation, transferKeys } from './request';

/**
 * What one request copies or moves itself: about 100 CopyObject calls at 8 at a time, and bytes S3 copies
 * well within API Gateway's 29 s. Anything larger is a background job (202).
 */
export const INLINE_MAX_FILES = 100;
export const INLINE_MAX_BYTES = 1024 ** 3;

/**
 * POST /files/copy and POST /files/move { from, to, overwrite? } — a file to a file, or a folder's files
 * to the same relative keys under another folder, inside the caller's folder. Checked before anything is
 * written: the source exists (404) and, unless `overwrite`, nothing is at the destination (409 Conflict:
 * the file, or any file under the destination folder). Small ones are done within the request (200, the
 * result); larger ones are recorded as a job and answered 202 `{ id }`, polled at GET /transfers/{id}.
 * A copy holds each file's bytes in the quota before S3 copies it; a move adds no bytes and holds none.
 */
export function transferRoute(operation: TransferOperation, deps: CallerDeps, quota?: QuotaDeps): Handler {
  return httpHandler(`POST /files/${operation}`, deps.http, async ({ event, identityId }) => {
    queryParams(event, []);
    const request = parseTransfer(event, operation, identityId);
    const keys = transferKeys(identityId, request);
    const target: TransferTarget = {
      s3: deps.s3ForCaller(identityId),
      bucket: deps.bucket,
      identityId,
      ...(quota === undefined ? {} : { hold: (key, size) => holdForWrite(quota, identityId, key, size) }),
    };
    const { from, to } = request;
    if (!(await fitsInRequest(target, keys, request.overwrite))) {
      const job = await createTransferJob(deps.s3, deps.bucket, identityId, request);
      return {
        status: 202,
        body: transferBody(job.jobId, { status: 'pending', operation, from, to, ...NO_PROGRESS }),
      };
    }
    const progress = keys.folder
      ? (await transferFolder(target, operation, keys, request.overwrite, NO_PROGRESS)).progress
      : await transferFile(target, operation, keys, request.overwrite);
    return {
      status: 200,
      body: transferBody(undefined, { status: 'done', operation, from, to, ...progress }),
    };
  });
}

/** Whether the transfer fits in one request; throws NotFound (no source) or Conflict (see above). */
async function fitsInRequest(
  target: TransferTarget,
  keys: TransferKeys,
  overwrite: boolean,
): Promise<boolean> {
  const { s3, bucket } = target;
  if (!keys.folder) {
    const head = await headObject(s3, bucket, keys.from);
    if (head === undefined) throw new NotFoundError('No such file.');
    if (!overwrite && (await headObject(s3, bucket, keys.to)) !== undefined)
      throw new ConflictError('A file exists at "to": ask again with "overwrite": true to replace it.');
    return (head.ContentLength ?? 0) <= INLINE_MAX_BYTES;
  }
  const sources = await firstPage(target, keys.from, INLINE_MAX_FILES + 1);
  if (sources.length === 0) throw new NotFoundError('No such folder.');
  if (!overwrite && (await firstPage(target, keys.to, 1)).length > 0)
    throw new ConflictError(
      'The folder "to" is not empty: ask again with "overwrite": true to replace files of the same names.',
    );
  const bytes = sources.reduce((sum, object) => sum + object.size, 0);
  return sources.length <= INLINE_MAX_FILES && bytes <= INLINE_MAX_BYTES;
}

async function firstPage(target: TransferTarget, prefix: TransferKeys['from'], size: number) {
  for await (const page of folderPages(target.s3, target.bucket, prefix, size)) return page;
  return [];
}

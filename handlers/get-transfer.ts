import { NotFoundError } from './lib/http/errors';
import { httpHandler } from './lib/http/handler';
import { queryParams } from './lib/http/query';
import { isStaleTransfer, readTransferStatus, TRANSFER_STOPPED, transferBody } from './lib/transfers/jobs';
import { depsFromEnv, type HandlerDeps } from './lib/wiring/deps';
import { isJobId } from './lib/zip/jobs/job-keys';

/**
 * GET /transfers/{id} — a background copy or move: state, progress and the files that failed. Looked up
 * under the caller's own transfers folder, so another user's id, a malformed id and an unknown id are the
 * same 404.
 */
export function getTransfer(deps: HandlerDeps, now: () => number = Date.now) {
  return httpHandler('GET /transfers/{id}', deps.http, async ({ event, identityId }) => {
    queryParams(event, []);
    const jobId = event.pathParameters?.id;
    if (!isJobId(jobId)) throw notFound();
    const status = await readTransferStatus(deps.s3, deps.bucket, { identityId, jobId });
    if (status === undefined) throw notFound();
    const shown = isStaleTransfer(status, now())
      ? { ...status, status: 'failed' as const, error: TRANSFER_STOPPED }
      : status;
    return { status: 200, body: transferBody(jobId, shown) };
  });
}

function notFound(): NotFoundError {
  return new NotFoundError('Transfer not found.');
}

export const handler = getTransfer(depsFromEnv());

/** Copy and move (rename): one request for small ones, else a background job polled until it ends. */
import type { ApiCall } from './api.js';
import type { components } from './api-types.js';
import { LockboxError } from './errors.js';
import type { Transfer, TransferOptions, TransferResult } from './lockbox-client.js';
import { sleep } from './sleep.js';

/** Jobs are large by definition: first poll after a second, then ×1.5 up to 10 s. */
const FIRST_POLL_MS = 1000;
const MAX_POLL_MS = 10_000;

export function getTransfer(api: ApiCall, id: string, signal?: AbortSignal): Promise<Transfer> {
  return api<Transfer>({ method: 'GET', path: `/transfers/${encodeURIComponent(id)}`, signal });
}

/**
 * POST /files/copy or /files/move, then (for a 202) GET /transfers/{id} until the job ends. Answers the
 * finished transfer, whose `errors` list the files of a folder that were not done; a failed job throws
 * `TransferFailed`.
 */
export async function transfer(
  api: ApiCall,
  operation: 'copy' | 'move',
  from: string,
  to: string,
  options: TransferOptions = {},
): Promise<TransferResult | Transfer> {
  const { signal, onProgress } = options;
  const json: components['schemas']['TransferRequest'] = { from, to, overwrite: options.overwrite === true };
  const answer = await api<TransferResult | Transfer>({
    method: 'POST',
    path: `/files/${operation}`,
    json,
    signal,
  });
  if (!('id' in answer)) return answer;
  let job: Transfer = answer;
  for (let delay = FIRST_POLL_MS; ; delay = Math.min(MAX_POLL_MS, delay * 1.5)) {
    onProgress?.(job);
    await sleep(delay, signal);
    job = await getTransfer(api, answer.id, signal);
    if (job.status === 'done') return job;
    if (job.status === 'failed')
      throw new LockboxError('TransferFailed', job.error ?? 'The transfer failed.', 200);
  }
}

/** Zip jobs: start one, poll it with backoff until it is done, answer its download URL. */
import type { ApiCall } from './api.js';
import type { components } from './api-types.js';
import { IDEMPOTENCY_KEY_HEADER } from './contract-facts.js';
import { LockboxError } from './errors.js';
import type {
  ListZipsOptions,
  ZipJob,
  ZipJobCreated,
  ZipJobDone,
  ZipJobPage,
  ZipOptions,
} from './lockbox-client.js';
import { sleep } from './sleep.js';

/** First poll after 250 ms, then ×1.5 up to 5 s: quick for small zips, light on the API for long ones. */
const FIRST_POLL_MS = 250;
const MAX_POLL_MS = 5000;

export function getZip(api: ApiCall, id: string, signal?: AbortSignal): Promise<ZipJob> {
  return api<ZipJob>({ method: 'GET', path: `/zips/${encodeURIComponent(id)}`, signal });
}

export function listZips(api: ApiCall, options: ListZipsOptions = {}): Promise<ZipJobPage> {
  return api<ZipJobPage>({ method: 'GET', path: '/zips', query: { ...options } });
}

export async function zip(
  api: ApiCall,
  keys: readonly string[],
  options: ZipOptions = {},
): Promise<ZipJobDone> {
  const { signal, onProgress } = options;
  const json: components['schemas']['CreateZipRequest'] = {
    keys: [...keys],
    ...(options.name ? { name: options.name } : {}),
  };
  const headers = options.idempotencyKey ? { [IDEMPOTENCY_KEY_HEADER]: options.idempotencyKey } : undefined;
  const created = await api<ZipJobCreated>({ method: 'POST', path: '/zips', json, headers, signal });
  let delay = FIRST_POLL_MS;
  for (;;) {
    await sleep(delay, signal);
    const job = await getZip(api, created.id, signal);
    if (job.status === 'done') {
      onProgress?.({
        status: 'done',
        fileCount: job.fileCount,
        filesDone: job.filesDone,
        bytesDone: job.bytesDone,
      });
      return job;
    }
    if (job.status === 'failed') throw new LockboxError('ZipFailed', job.error, 200);
    onProgress?.({
      status: job.status,
      fileCount: job.fileCount,
      filesDone: job.filesDone,
      bytesDone: job.bytesDone,
    });
    delay = Math.min(MAX_POLL_MS, delay * 1.5);
  }
}

/**
 * `upload()`: asks the API for a plan (one presigned PUT, or a multipart upload), sends the bytes
 * straight to S3 and, for multipart, completes the upload. Parts travel in parallel (bounded), each
 * retried and re-signed on its own; a cancelled upload is aborted on S3, a failed one is kept for
 * resuming when the caller took its id, else aborted.
 */
import type { ApiCall } from '../api.js';
import type { components } from '../api-types.js';
import { DEFAULT_CONTENT_TYPE, DEFAULT_MULTIPART_THRESHOLD_BYTES } from '../contract-facts.js';
import { abortedError, LockboxError, throwIfAborted } from '../errors.js';
import type { StoredFile, UploadBody, UploadOptions, UploadPlan } from '../lockbox-client.js';
import { crc32Base64 } from './crc32.js';
import { uploadProgress } from './open-upload.js';
import { forEachBounded } from './parallel.js';
import { PartUrlBook } from './part-url-book.js';
import { ProgressMeter } from './progress.js';
import type { PutBody, PutBytes } from './put-bytes.js';
import { putWithRetries, type Target } from './put-with-retries.js';

export interface UploadDeps {
  readonly api: ApiCall;
  readonly put: PutBytes;
  readonly partConcurrency: number;
}

function sizeOf(body: UploadBody): number {
  return body instanceof Uint8Array ? body.byteLength : body.size;
}

function slice(body: UploadBody, start: number, end: number): PutBody {
  return (body instanceof Uint8Array ? body.subarray(start, end) : body.slice(start, end)) as PutBody;
}

const unquoted = (etag: string) => etag.replace(/^"|"$/g, '');

/**
 * Files up to the API's default multipart threshold are read once more for their CRC-32 before the upload
 * is planned; a larger one is most likely a multipart upload, whose CRC-32 S3 computes.
 */
const CRC32_MAX_BYTES = DEFAULT_MULTIPART_THRESHOLD_BYTES;

export async function upload(
  deps: UploadDeps,
  body: UploadBody,
  options: UploadOptions,
): Promise<StoredFile> {
  const { key, signal } = options;
  // One controller for every PUT: the caller's signal, or the first failure, stops them all.
  const controller = new AbortController();
  const cancel = () => controller.abort();
  if (signal?.aborted) throw abortedError();
  signal?.addEventListener('abort', cancel, { once: true });
  try {
    const progress = new ProgressMeter(sizeOf(body), options.onProgress);
    if (options.resume !== undefined) {
      const held = await uploadProgress(deps.api, key, options.resume.uploadId, controller.signal);
      if (held.size !== sizeOf(body)) {
        throw new LockboxError(
          'Conflict',
          `The upload is for ${held.size} bytes; this file has ${sizeOf(body)}.`,
        );
      }
      options.onUploadId?.(held.uploadId);
      const done = new Map(held.parts.map((part) => [part.partNumber, { etag: part.etag, size: part.size }]));
      return await multipart(
        deps,
        body,
        options,
        { uploadId: options.resume.uploadId, partSize: held.partSize },
        done,
        progress,
        controller,
      );
    }
    const request: components['schemas']['CreateUploadRequest'] = {
      key,
      size: sizeOf(body),
      contentType: options.contentType ?? DEFAULT_CONTENT_TYPE,
      // A single PUT then carries the file's CRC-32: S3 refuses other bytes, and keeps the very CRC a zip
      // needs, so that the zip worker can copy the file inside S3. Multipart files get theirs from S3.
      ...(sizeOf(body) <= CRC32_MAX_BYTES ? { crc32: await crc32Base64(body) } : {}),
    };
    const create = () =>
      deps.api<UploadPlan>({ method: 'POST', path: '/uploads', json: request, signal: controller.signal });
    const plan = await create();
    if (plan.type === 'single')
      return await single(deps, body, key, plan, create, progress, controller.signal);
    options.onUploadId?.(plan.uploadId);
    return await multipart(deps, body, options, plan, new Map(), progress, controller);
  } finally {
    signal?.removeEventListener('abort', cancel);
  }
}

async function single(
  deps: UploadDeps,
  body: UploadBody,
  key: string,
  first: UploadPlan & { type: 'single' },
  create: () => Promise<UploadPlan>,
  progress: ProgressMeter,
  signal: AbortSignal,
): Promise<StoredFile> {
  let plan = first;
  const target = async (expired: Target | undefined): Promise<Target> => {
    if (expired !== undefined) {
      const fresh = await create();
      if (fresh.type !== 'single') throw new LockboxError('BadResponse', 'The API changed the upload plan.');
      plan = fresh;
    }
    // The browser sets Content-Length itself and refuses to be told; fetch does the same.
    const { 'Content-Length': _, ...headers } = plan.headers;
    return { url: plan.url, headers };
  };
  const etag = await putWithRetries(
    deps.put,
    { body: body as PutBody, label: 'the file', target, onProgress: (n) => progress.update(0, n) },
    signal,
  );
  return { key, size: sizeOf(body), etag: unquoted(etag) };
}

interface OpenUpload {
  readonly uploadId: string;
  readonly partSize: number;
  readonly parts?: readonly { partNumber: number; url: string }[];
}

async function multipart(
  deps: UploadDeps,
  body: UploadBody,
  options: UploadOptions,
  open: OpenUpload,
  done: Map<number, { etag: string; size: number }>,
  progress: ProgressMeter,
  controller: AbortController,
): Promise<StoredFile> {
  const { key } = options;
  const { uploadId, partSize } = open;
  const size = sizeOf(body);
  const partCount = Math.max(1, Math.ceil(size / partSize));
  const bounds = (n: number) => [(n - 1) * partSize, Math.min(n * partSize, size)] as const;
  // A held part counts only when it is the size this file's part must be (else it is sent again).
  for (const [n, part] of done) {
    const [start, end] = bounds(n);
    if (n > partCount || part.size !== end - start) done.delete(n);
  }
  progress.startWith([...done].map(([n, part]) => [n, part.size] as const));
  const todo = Array.from({ length: partCount }, (_, i) => i + 1).filter((n) => !done.has(n));
  const urls = new PartUrlBook(
    deps.api,
    key,
    uploadId,
    () => todo.filter((n) => !done.has(n)),
    controller.signal,
  );
  if (open.parts !== undefined) urls.add(open.parts);
  try {
    await forEachBounded(todo, deps.partConcurrency, async (n) => {
      const [start, end] = bounds(n);
      try {
        const etag = await putWithRetries(
          deps.put,
          {
            body: slice(body, start, end),
            label: `part ${n}`,
            target: (expired) => urls.target(n, expired),
            onProgress: (bytes) => progress.update(n, bytes),
          },
          controller.signal,
        );
        done.set(n, { etag, size: end - start });
        progress.update(n, end - start);
      } catch (error) {
        controller.abort();
        throw error;
      }
    });
    // Cancelled just as the last part arrived: still the caller's word.
    throwIfAborted(options.signal);
  } catch (error) {
    const cancelled = options.signal?.aborted === true;
    // Kept open only for a caller who can resume it; S3's lifecycle rule drops it after a day anyway.
    const resumable = !cancelled && (options.onUploadId !== undefined || options.resume !== undefined);
    if (!resumable) await abortUpload(deps.api, key, uploadId);
    throw cancelled ? abortedError() : error;
  }
  const parts = [...done].sort(([a], [b]) => a - b).map(([partNumber, { etag }]) => ({ partNumber, etag }));
  const request: components['schemas']['CompleteUploadRequest'] = { key, uploadId, parts };
  return deps.api<StoredFile>({ method: 'POST', path: '/uploads/complete', json: request });
}

async function abortUpload(api: ApiCall, key: string, uploadId: string): Promise<void> {
  const request: components['schemas']['AbortUploadRequest'] = { key, uploadId };
  await api<undefined>({ method: 'POST', path: '/uploads/abort', json: request });
}

import { isLockboxError, type LockboxClient } from '../../packages/client';
import { formatBytes, h } from './dom';
import { announce, describeError } from './notices';
import type { PendingUpload, PendingUploads } from './pending-uploads';
import type { PickedFile } from './picked-files';

export interface UploadQueue {
  readonly element: HTMLElement;
  /** Uploads each file to `folder` + its path, a few at a time. */
  add(files: readonly PickedFile[], folder: string): void;
}

interface QueuedUpload {
  readonly file: File;
  readonly key: string;
  readonly controller: AbortController;
  readonly row: HTMLElement;
  readonly bar: HTMLProgressElement;
  readonly status: HTMLElement;
  readonly cancel: HTMLButtonElement;
}

/** At once: enough to keep the line busy, few enough that each file's bar moves. */
const CONCURRENT_FILES = 2;

/**
 * The uploads panel: one row per file with its progress bar and a Cancel button, and the interrupted
 * uploads of an earlier page (a reload, a closed tab) with a way to resume each.
 */
export function createUploadQueue(
  client: LockboxClient,
  pending: PendingUploads,
  onUploaded: () => void,
): UploadQueue {
  const list = h('ul', { class: 'upload-list', 'aria-label': 'Uploads' });
  const interrupted = h('ul', { class: 'upload-list', 'aria-label': 'Interrupted uploads' });
  const interruptedSection = h(
    'section',
    { class: 'panel', 'aria-labelledby': 'interrupted-title', hidden: true },
    h('h2', { id: 'interrupted-title' }, 'Interrupted uploads'),
    h('p', { class: 'hint' }, 'Pick the same file again to upload the rest of it.'),
    interrupted,
  );
  const clearButton = h(
    'button',
    { type: 'button', class: 'button quiet', onclick: () => clearFinished() },
    'Clear finished',
  );
  const uploadsSection = h(
    'section',
    { class: 'panel', 'aria-labelledby': 'uploads-title', hidden: true },
    h('div', { class: 'panel-head' }, h('h2', { id: 'uploads-title' }, 'Uploads'), clearButton),
    list,
  );
  const element = h('div', { class: 'uploads' }, interruptedSection, uploadsSection);
  const waiting: QueuedUpload[] = [];
  const active = new Map<string, QueuedUpload>();

  renderInterrupted();

  function add(files: readonly PickedFile[], folder: string): void {
    for (const { file, path } of files) {
      const key = `${folder}${path}`;
      if (active.has(key) || waiting.some((queued) => queued.key === key)) continue;
      waiting.push(row(file, key));
    }
    uploadsSection.hidden = list.childElementCount === 0;
    if (files.length > 0)
      announce(`${files.length} ${files.length === 1 ? 'file' : 'files'} queued for upload.`);
    renderInterrupted();
    next();
  }

  function row(file: File, key: string): QueuedUpload {
    const controller = new AbortController();
    const bar = h('progress', { max: Math.max(file.size, 1), value: 0, 'aria-label': `Upload of ${key}` });
    const status = h('span', { class: 'upload-status' }, 'Waiting');
    const cancel = h(
      'button',
      { type: 'button', class: 'button quiet', 'aria-label': `Cancel upload of ${key}` },
      'Cancel',
    );
    const itemRow = h(
      'li',
      { class: 'upload', 'data-key': key, 'data-state': 'waiting' },
      h('span', { class: 'upload-name' }, key),
      bar,
      status,
      h('span', { class: 'upload-actions' }, cancel),
    );
    const queued: QueuedUpload = { file, key, controller, row: itemRow, bar, status, cancel };
    cancel.addEventListener('click', () => {
      controller.abort();
      const index = waiting.indexOf(queued);
      if (index >= 0) {
        waiting.splice(index, 1);
        finish(queued, 'cancelled', 'Cancelled');
      }
    });
    list.append(itemRow);
    return queued;
  }

  function next(): void {
    while (active.size < CONCURRENT_FILES && waiting.length > 0) {
      const queued = waiting.shift() as QueuedUpload;
      active.set(queued.key, queued);
      void run(queued).finally(() => {
        active.delete(queued.key);
        renderInterrupted();
        next();
      });
    }
  }

  async function run(queued: QueuedUpload): Promise<void> {
    const { file, key } = queued;
    const resume = pending.matching(key, file);
    queued.row.dataset.state = 'uploading';
    queued.status.textContent = resume === undefined ? 'Starting' : 'Resuming';
    try {
      await client.upload(file, {
        key,
        contentType: file.type || 'application/octet-stream',
        signal: queued.controller.signal,
        ...(resume === undefined ? {} : { resume: { uploadId: resume.uploadId } }),
        onUploadId: (uploadId) =>
          pending.save({ key, uploadId, name: file.name, size: file.size, lastModified: file.lastModified }),
        onProgress: ({ loaded, total }) => {
          queued.bar.value = loaded;
          queued.status.textContent = `${formatBytes(loaded)} of ${formatBytes(total)}`;
        },
      });
      pending.forget(key);
      queued.bar.value = queued.bar.max;
      finish(queued, 'done', `Uploaded, ${formatBytes(file.size)}`);
      announce(`Uploaded ${key}.`);
      onUploaded();
    } catch (error) {
      if (isLockboxError(error, 'Aborted')) {
        // The client aborted the multipart upload on S3: nothing is left to resume.
        pending.forget(key);
        finish(queued, 'cancelled', 'Cancelled');
        announce(`Upload of ${key} cancelled.`);
      } else {
        // An upload S3 no longer knows cannot be resumed; any other failure can be, by picking the file again.
        if (isLockboxError(error, 'NotFound')) pending.forget(key);
        finish(queued, 'failed', `Failed: ${describeError(error)}`);
        announce(`Upload of ${key} failed.`);
      }
    }
  }

  function finish(queued: QueuedUpload, state: 'done' | 'cancelled' | 'failed', text: string): void {
    queued.row.dataset.state = state;
    queued.status.textContent = text;
    queued.cancel.remove();
  }

  function clearFinished(): void {
    for (const item of [...list.children] as HTMLElement[]) {
      if (item.dataset.state !== 'waiting' && item.dataset.state !== 'uploading') item.remove();
    }
    uploadsSection.hidden = list.childElementCount === 0;
  }

  function renderInterrupted(): void {
    const stale = pending
      .all()
      .filter((upload) => !active.has(upload.key) && !waiting.some((q) => q.key === upload.key));
    interrupted.replaceChildren(...stale.map(interruptedRow));
    interruptedSection.hidden = stale.length === 0;
  }

  function interruptedRow(upload: PendingUpload): HTMLElement {
    const input = h('input', { type: 'file', class: 'visually-hidden', tabindex: -1, 'aria-hidden': 'true' });
    const message = h('span', { class: 'upload-status', role: 'alert' });
    input.addEventListener('change', () => {
      const file = input.files?.[0];
      input.value = '';
      if (file === undefined) return;
      if (pending.matching(upload.key, file) === undefined) {
        message.textContent = `That is not the same file: pick ${upload.name} (${formatBytes(upload.size)}).`;
        return;
      }
      add([{ file, path: upload.name }], upload.key.slice(0, upload.key.length - upload.name.length));
    });
    return h(
      'li',
      { class: 'upload', 'data-key': upload.key, 'data-state': 'interrupted' },
      h('span', { class: 'upload-name' }, upload.key),
      h('span', { class: 'upload-status' }, formatBytes(upload.size)),
      message,
      h(
        'span',
        { class: 'upload-actions' },
        h(
          'button',
          {
            type: 'button',
            class: 'button',
            'aria-label': `Resume upload of ${upload.key}`,
            onclick: () => input.click(),
          },
          'Resume…',
        ),
        h(
          'button',
          {
            type: 'button',
            class: 'button quiet',
            'aria-label': `Forget upload of ${upload.key}`,
            onclick: () => {
              pending.forget(upload.key);
              renderInterrupted();
            },
          },
          'Forget',
        ),
        input,
      ),
    );
  }

  return { element, add };
}

import type { LockboxClient } from '../../packages/client';
import { formatBytes, h } from './dom';
import { startDownload } from './download';
import { announce, describeError } from './notices';

export interface ZipPanel {
  readonly element: HTMLElement;
  /** Zips the keys (a folder's prefix adds its files) and downloads the archive when it is ready. */
  start(keys: readonly string[], name: string): Promise<void>;
}

/** One row per zip job: its progress while the server builds it, then a link to download it again. */
export function createZipPanel(client: LockboxClient): ZipPanel {
  const list = h('ul', { class: 'upload-list', 'aria-label': 'Zip downloads' });
  const element = h(
    'section',
    { class: 'panel', 'aria-labelledby': 'zips-title', hidden: true },
    h('h2', { id: 'zips-title' }, 'Zip downloads'),
    list,
  );

  async function start(keys: readonly string[], name: string): Promise<void> {
    const bar = h('progress', { 'aria-label': `Progress of ${name}` });
    const status = h('span', { class: 'upload-status' }, 'Waiting for the server');
    const row = h(
      'li',
      { class: 'upload', 'data-state': 'zipping', 'data-name': name },
      h('span', { class: 'upload-name' }, name),
      bar,
      status,
      h('span', { class: 'upload-actions' }),
    );
    list.prepend(row);
    element.hidden = false;
    announce(`Preparing ${name}.`);
    try {
      const done = await client.zip(keys, {
        name,
        onProgress: ({ fileCount, filesDone, bytesDone }) => {
          bar.max = Math.max(fileCount, 1);
          bar.value = filesDone;
          status.textContent = `${filesDone} of ${fileCount} files, ${formatBytes(bytesDone)}`;
        },
      });
      bar.max = 1;
      bar.value = 1;
      row.dataset.state = 'done';
      status.replaceChildren(
        `Ready, ${formatBytes(done.size)} `,
        h('a', { href: done.url, class: 'link', rel: 'noopener' }, 'Download again'),
      );
      startDownload(done.url);
      announce(`${name} is ready and downloading.`);
    } catch (error) {
      row.dataset.state = 'failed';
      status.textContent = `Failed: ${describeError(error)}`;
      announce(`${name} failed.`);
    }
  }

  return { element, start };
}

import type { FileEntry, LockboxClient } from '../../packages/client';
import { confirmDialog } from './confirm';
import { formatBytes, formatDate, h } from './dom';
import { startDownload } from './download';
import { announce, errorBox } from './notices';
import type { PendingUploads } from './pending-uploads';
import { filesOfDrop, filesOfInput } from './picked-files';
import { createUploadQueue } from './upload-queue';
import { createZipPanel } from './zip-panel';

/** A row of the listing: a folder (its prefix, ending in `/`) or a file. */
type Item =
  | { readonly kind: 'folder'; readonly key: string }
  | { readonly kind: 'file'; readonly file: FileEntry };

const PAGE_SIZE = 200;

/** The signed-in view: one folder's listing, selection, uploads (pick or drop), downloads, zips, deletes. */
export function renderFileBrowser(root: HTMLElement, client: LockboxClient, pending: PendingUploads): void {
  let folder = '';
  let items: Item[] = [];
  let cursor: string | null = null;
  const selected = new Set<string>();
  let loading = 0;

  const errors = errorBox();
  const crumbs = h('ol', { class: 'crumbs' });
  const fileInput = h('input', {
    type: 'file',
    multiple: true,
    id: 'upload-files',
    class: 'visually-hidden',
    tabindex: -1,
  });
  const folderInput = h('input', {
    type: 'file',
    webkitdirectory: true,
    id: 'upload-folder',
    class: 'visually-hidden',
    tabindex: -1,
  });
  const selectAll = h('input', { type: 'checkbox', id: 'select-all', 'aria-label': 'Select all' });
  const body = h('tbody');
  const empty = h(
    'p',
    { class: 'empty', hidden: true },
    'This folder is empty. Drop files or folders here, or use Upload.',
  );
  const more = h(
    'button',
    { type: 'button', class: 'button', hidden: true, onclick: () => void load(true) },
    'Show more',
  );
  const selectionCount = h('span', { class: 'selection-count', 'aria-live': 'polite' });
  const downloadSelected = h(
    'button',
    { type: 'button', class: 'button', onclick: () => void downloadOne() },
    'Download',
  );
  const zipSelected = h(
    'button',
    { type: 'button', class: 'button', onclick: () => void zipSelection() },
    'Download as zip',
  );
  const deleteSelected = h(
    'button',
    { type: 'button', class: 'button danger', onclick: () => void remove([...selected]) },
    'Delete',
  );
  const queue = createUploadQueue(client, pending, () => void load(false));
  const zips = createZipPanel(client);
  const table = h(
    'table',
    { class: 'files', 'aria-labelledby': 'files-title', 'aria-busy': 'false' },
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        h('th', { scope: 'col', class: 'check' }, selectAll),
        h('th', { scope: 'col' }, 'Name'),
        h('th', { scope: 'col', class: 'size' }, 'Size'),
        h('th', { scope: 'col', class: 'date' }, 'Modified'),
        h('th', { scope: 'col', class: 'row-actions' }, h('span', { class: 'visually-hidden' }, 'Actions')),
      ),
    ),
    body,
  );
  const dropZone = h(
    'section',
    { class: 'drop-zone', 'aria-labelledby': 'files-title' },
    h(
      'div',
      { class: 'toolbar' },
      h('h2', { id: 'files-title', class: 'visually-hidden' }, 'Files'),
      h('nav', { 'aria-label': 'Folder path' }, crumbs),
      h(
        'div',
        { class: 'actions' },
        h(
          'button',
          { type: 'button', class: 'button primary', onclick: () => fileInput.click() },
          'Upload files',
        ),
        h('button', { type: 'button', class: 'button', onclick: () => folderInput.click() }, 'Upload folder'),
        h('button', { type: 'button', class: 'button quiet', onclick: () => void load(false) }, 'Refresh'),
        fileInput,
        folderInput,
      ),
    ),
    h(
      'div',
      { class: 'selection-bar', role: 'toolbar', 'aria-label': 'Selected items' },
      selectionCount,
      downloadSelected,
      zipSelected,
      deleteSelected,
    ),
    errors.element,
    table,
    empty,
    more,
    h('p', { class: 'drop-hint', 'aria-hidden': 'true' }, 'Drop files or folders to upload them here'),
  );
  root.replaceChildren(dropZone, queue.element, zips.element);

  fileInput.addEventListener('change', () => takeInput(fileInput));
  folderInput.addEventListener('change', () => takeInput(folderInput));
  selectAll.addEventListener('change', () => {
    for (const item of items) {
      if (selectAll.checked) selected.add(keyOf(item));
      else selected.delete(keyOf(item));
    }
    renderRows();
  });
  dropZone.addEventListener('dragover', (event) => {
    if (!event.dataTransfer?.types.includes('Files')) return;
    event.preventDefault();
    event.dataTransfer.dropEffect = 'copy';
    dropZone.classList.add('dragging');
  });
  dropZone.addEventListener('dragleave', (event) => {
    if (!dropZone.contains(event.relatedTarget as Node | null)) dropZone.classList.remove('dragging');
  });
  dropZone.addEventListener('drop', (event) => {
    if (event.dataTransfer === null) return;
    event.preventDefault();
    dropZone.classList.remove('dragging');
    const target = folder;
    filesOfDrop(event.dataTransfer).then(
      (files) => queue.add(files, target),
      (error) => errors.show(error),
    );
  });

  void load(false);

  function takeInput(input: HTMLInputElement): void {
    queue.add(filesOfInput(input), folder);
    input.value = '';
  }

  async function open(next: string): Promise<void> {
    folder = next;
    selected.clear();
    await load(false);
    announce(`Opened ${folder === '' ? 'Home' : folder}.`);
  }

  /** The folder's first page again, or (`append`) the next page. */
  async function load(append: boolean): Promise<void> {
    const shown = folder;
    loading += 1;
    table.setAttribute('aria-busy', 'true');
    try {
      const page = await client.listFiles({
        prefix: shown,
        limit: PAGE_SIZE,
        ...(append && cursor !== null ? { cursor } : {}),
      });
      if (shown !== folder) return;
      const fresh: Item[] = [
        ...page.folders.map((key): Item => ({ kind: 'folder', key })),
        ...page.files.map((file): Item => ({ kind: 'file', file })),
      ];
      items = append ? [...items, ...fresh] : fresh;
      cursor = page.nextCursor;
      const present = new Set(items.map(keyOf));
      for (const key of selected) if (!present.has(key)) selected.delete(key);
      errors.clear();
    } catch (error) {
      errors.show(error);
    } finally {
      loading -= 1;
      if (loading === 0) table.setAttribute('aria-busy', 'false');
    }
    renderCrumbs();
    renderRows();
  }

  function renderCrumbs(): void {
    const parts = folder.split('/').filter((part) => part !== '');
    const links = [{ label: 'Home', prefix: '' }];
    parts.forEach((part, index) => {
      links.push({ label: part, prefix: `${parts.slice(0, index + 1).join('/')}/` });
    });
    crumbs.replaceChildren(
      ...links.map((link, index) =>
        h(
          'li',
          {},
          index === links.length - 1
            ? h('span', { 'aria-current': 'page' }, link.label)
            : h(
                'button',
                { type: 'button', class: 'link', onclick: () => void open(link.prefix) },
                link.label,
              ),
        ),
      ),
    );
  }

  function renderRows(): void {
    body.replaceChildren(...items.map(rowOf));
    empty.hidden = items.length > 0;
    table.hidden = items.length === 0;
    more.hidden = cursor === null;
    const count = selected.size;
    selectAll.checked = count > 0 && items.every((item) => selected.has(keyOf(item)));
    selectAll.indeterminate = count > 0 && !selectAll.checked;
    selectionCount.textContent = count === 0 ? 'Nothing selected' : `${count} selected`;
    const onlyFile = count === 1 && items.some((item) => item.kind === 'file' && selected.has(item.file.key));
    downloadSelected.disabled = !onlyFile;
    zipSelected.disabled = count === 0;
    deleteSelected.disabled = count === 0;
  }

  function rowOf(item: Item): HTMLElement {
    const key = keyOf(item);
    const name = key.slice(folder.length).replace(/\/$/, '');
    const label = item.kind === 'folder' ? `folder ${name}` : name;
    const check = h('input', {
      type: 'checkbox',
      'aria-label': `Select ${label}`,
      checked: selected.has(key),
    });
    check.addEventListener('change', () => {
      if (check.checked) selected.add(key);
      else selected.delete(key);
      renderRows();
      (body.querySelector(`[data-key="${CSS.escape(key)}"] input`) as HTMLElement | null)?.focus();
    });
    const nameCell =
      item.kind === 'folder'
        ? h('button', { type: 'button', class: 'link folder', onclick: () => void open(key) }, name)
        : h('span', { class: 'file' }, name);
    const actions =
      item.kind === 'file'
        ? h(
            'button',
            {
              type: 'button',
              class: 'button quiet',
              'aria-label': `Download ${name}`,
              onclick: () => void download(key),
            },
            'Download',
          )
        : h(
            'button',
            {
              type: 'button',
              class: 'button quiet',
              'aria-label': `Download ${label} as zip`,
              onclick: () => void zip([key]),
            },
            'Zip',
          );
    return h(
      'tr',
      { 'data-key': key, class: selected.has(key) ? 'selected' : undefined },
      h('td', { class: 'check' }, check),
      h('td', { class: 'name' }, nameCell),
      h('td', { class: 'size' }, item.kind === 'file' ? formatBytes(item.file.size) : '—'),
      h('td', { class: 'date' }, item.kind === 'file' ? formatDate(item.file.lastModified) : ''),
      h(
        'td',
        { class: 'row-actions' },
        actions,
        h(
          'button',
          {
            type: 'button',
            class: 'button quiet danger',
            'aria-label': `Delete ${label}`,
            onclick: () => void remove([key]),
          },
          'Delete',
        ),
      ),
    );
  }

  async function downloadOne(): Promise<void> {
    const [key] = selected;
    if (key !== undefined) await download(key);
  }

  async function download(key: string): Promise<void> {
    errors.clear();
    try {
      startDownload((await client.getFile(key)).url);
      announce(`Downloading ${key}.`);
    } catch (error) {
      errors.show(error);
    }
  }

  async function zipSelection(): Promise<void> {
    await zip([...selected]);
  }

  async function zip(keys: readonly string[]): Promise<void> {
    errors.clear();
    const only = keys.length === 1 ? keys[0] : undefined;
    const name = only?.endsWith('/') ? `${only.slice(0, -1).split('/').pop()}.zip` : 'files.zip';
    await zips.start(keys, name);
  }

  async function remove(keys: readonly string[]): Promise<void> {
    if (keys.length === 0) return;
    const folders = keys.filter((key) => key.endsWith('/'));
    const names = keys.map((key) => key.slice(folder.length));
    const confirmed = await confirmDialog(
      keys.length === 1 ? `Delete ${names[0]}?` : `Delete ${keys.length} items?`,
      [
        ...(keys.length > 1 ? [`${names.slice(0, 5).join(', ')}${keys.length > 5 ? ', …' : ''}`] : []),
        ...(folders.length > 0 ? ['Everything inside the selected folders is deleted too.'] : []),
        'This cannot be undone.',
      ],
      'Delete',
    );
    if (!confirmed) return;
    errors.clear();
    try {
      if (keys.length === 1 && folders.length === 0) await client.deleteFile(keys[0]);
      else {
        const result = await client.deleteFiles(keys);
        if (result.errors.length > 0) {
          throw new Error(
            `${result.errors.length} could not be deleted: ${result.errors.map((e) => e.key).join(', ')}`,
          );
        }
      }
      for (const key of keys) selected.delete(key);
      announce(keys.length === 1 ? `Deleted ${names[0]}.` : `Deleted ${keys.length} items.`);
    } catch (error) {
      errors.show(error);
    }
    await load(false);
  }
}

function keyOf(item: Item): string {
  return item.kind === 'folder' ? item.key : item.file.key;
}

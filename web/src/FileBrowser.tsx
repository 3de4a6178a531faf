import { isLockboxError, type Transfer, type TransferResult } from '@lockbox/client';
import { useDeleted, useFolder, useLockbox, useUpload, useZip } from '@lockbox/react';
import { type DragEvent, useRef, useState } from 'react';
import { useConfirm } from './ConfirmDialog';
import { DeletedPanel } from './DeletedPanel';
import { startDownload } from './download';
import { FileTable, type Item, type RowActions } from './FileTable';
import { nameIn } from './format';
import { announce, ErrorAlert } from './notices';
import { filesOfDrop, filesOfInput } from './picked-files';
import { UploadPanel } from './UploadPanel';
import { ZipPanel } from './ZipPanel';

const PAGE_SIZE = 200;

/** A key as people read it: a folder without its trailing `/`, the root as Home. */
const shown = (key: string) => (key === '' ? 'Home' : key.replace(/\/$/, ''));

/** Throws when some of a folder's files were not moved (they stay where they were). */
function expectAllMoved(result: TransferResult | Transfer): void {
  if (result.filesFailed === 0) return;
  const some = result.errors.map((e) => `${e.key} (${e.message})`).join(', ');
  throw new Error(`${result.filesFailed} files could not be moved and stay where they were: ${some}`);
}

/**
 * The signed-in view: one folder's listing, selection, uploads (pick or drop), downloads, zips, rename,
 * move, deletes and undo.
 */
export function FileBrowser() {
  const { client } = useLockbox();
  const [folder, setFolder] = useState('');
  const listing = useFolder(folder, { pageSize: PAGE_SIZE });
  const deleted = useDeleted(folder);
  const uploads = useUpload();
  const zips = useZip();
  const [chosen, setChosen] = useState<ReadonlySet<string>>(new Set());
  const [error, setError] = useState<unknown>();
  const [undo, setUndo] = useState<{ keys: readonly string[]; text: string }>();
  const [showDeleted, setShowDeleted] = useState(false);
  const [dragging, setDragging] = useState(false);
  const [dialog, confirm, prompt] = useConfirm();
  const fileInput = useRef<HTMLInputElement>(null);
  const folderInput = useRef<HTMLInputElement>(null);

  const items: Item[] = [
    ...listing.folders.map((key): Item => ({ kind: 'folder', key })),
    ...listing.files.map((file): Item => ({ kind: 'file', key: file.key, file })),
  ];
  // The selection never holds keys that the listing no longer shows.
  const selected = new Set(items.filter((item) => chosen.has(item.key)).map((item) => item.key));
  const onlyFile =
    selected.size === 1 && items.some((item) => item.kind === 'file' && selected.has(item.key));

  const attempt = async (work: () => Promise<void>) => {
    setError(undefined);
    try {
      await work();
    } catch (failure) {
      setError(failure);
    }
  };

  /** Moves `from` to `to`; a destination that exists is asked about, then replaced if the user says so. */
  const moveTo = async (from: string, to: string) => {
    try {
      expectAllMoved(await listing.move(from, to));
    } catch (failure) {
      if (!isLockboxError(failure, 'Conflict')) throw failure;
      const replace = await confirm({
        title: `${shown(to)} already exists`,
        details: [
          from.endsWith('/')
            ? 'Files of the same name in that folder are replaced; the others there are kept.'
            : 'Overwriting replaces it.',
          'The content it replaces is kept as an old version for a while.',
        ],
        confirmLabel: 'Overwrite',
      });
      if (!replace) return announce('Nothing was moved.');
      expectAllMoved(await listing.move(from, to, { overwrite: true }));
    }
    setChosen(new Set());
    setUndo(undefined); // an undo offered before may now name keys the move took
    announce(`Moved ${shown(from)} to ${shown(to)}.`);
  };

  const actions: RowActions = {
    open: (next) => {
      setFolder(next);
      setChosen(new Set());
      setUndo(undefined);
      announce(`Opened ${next === '' ? 'Home' : next}.`);
    },
    download: (key) =>
      void attempt(async () => {
        startDownload((await client.getFile(key)).url);
        announce(`Downloading ${key}.`);
      }),
    zip: (keys) => {
      const only = keys.length === 1 ? keys[0] : undefined;
      const name = only?.endsWith('/') ? `${only.slice(0, -1).split('/').pop()}.zip` : 'files.zip';
      announce(`Preparing ${name}.`);
      void zips.zip(keys, name).then((job) => {
        if (job === undefined) return announce(`${name} failed.`);
        startDownload(job.url);
        announce(`${name} is ready and downloading.`);
      });
    },
    remove: (keys) =>
      void attempt(async () => {
        const names = keys.map((key) => nameIn(folder, key));
        const answer = await confirm({
          title: keys.length === 1 ? `Delete ${names[0]}?` : `Delete ${keys.length} items?`,
          details: [
            ...(keys.length > 1 ? [`${names.slice(0, 5).join(', ')}${keys.length > 5 ? ', …' : ''}`] : []),
            ...(keys.some((key) => key.endsWith('/'))
              ? ['Everything inside the selected folders is deleted too.']
              : []),
            'You can restore deleted files from “Deleted files” for a while.',
          ],
          confirmLabel: 'Delete',
        });
        if (!answer) return;
        const result = await listing.remove(keys);
        setChosen(new Set());
        const text = keys.length === 1 ? `Deleted ${names[0]}.` : `Deleted ${keys.length} items.`;
        setUndo({ keys, text });
        announce(text);
        if (result.errors.length > 0) {
          throw new Error(
            `${result.errors.length} could not be deleted: ${result.errors.map((e) => e.key).join(', ')}`,
          );
        }
      }),
    rename: (key) =>
      void attempt(async () => {
        const name = nameIn(folder, key);
        const answer = await prompt({
          title: `Rename ${name}`,
          details: [],
          field: { label: 'New name', value: name },
          confirmLabel: 'Rename',
          tone: 'primary',
        });
        const next = answer?.trim();
        if (!next || next === name) return;
        if (next.includes('/')) throw new Error('A name cannot hold “/”: use “Move to…” to change folders.');
        await moveTo(key, `${folder}${next}${key.endsWith('/') ? '/' : ''}`);
      }),
    move: (key) =>
      void attempt(async () => {
        const name = nameIn(folder, key);
        const answer = await prompt({
          title: `Move ${name} to…`,
          details: [
            'A folder path such as archive/2024, or nothing for Home; a new folder is made as needed.',
          ],
          field: { label: 'Folder', value: folder.replace(/\/$/, '') },
          confirmLabel: 'Move',
          tone: 'primary',
        });
        if (answer === undefined) return;
        const target = answer.split('/').filter(Boolean).join('/');
        const to = `${target === '' ? '' : `${target}/`}${name}${key.endsWith('/') ? '/' : ''}`;
        if (to !== key) await moveTo(key, to);
      }),
  };

  const undoDelete = (keys: readonly string[]) =>
    void attempt(async () => {
      setUndo(undefined);
      const restored = await deleted.undo(keys);
      announce(`Restored ${restored.filter((item) => item.status === 'restored').length} files.`);
    });

  const onDrop = (event: DragEvent<HTMLElement>) => {
    event.preventDefault();
    setDragging(false);
    const target = folder;
    filesOfDrop(event.dataTransfer).then((files) => uploads.upload(files, target), setError);
  };

  const crumbs = [{ label: 'Home', prefix: '' }];
  for (const [index, part] of folder.split('/').filter(Boolean).entries()) {
    crumbs.push({
      label: part,
      prefix: `${folder
        .split('/')
        .slice(0, index + 1)
        .join('/')}/`,
    });
  }

  return (
    <>
      <section
        className={`drop-zone${dragging ? ' dragging' : ''}`}
        aria-labelledby="files-title"
        onDragOver={(event) => {
          if (!event.dataTransfer.types.includes('Files')) return;
          event.preventDefault();
          event.dataTransfer.dropEffect = 'copy';
          setDragging(true);
        }}
        onDragLeave={(event) => {
          if (!event.currentTarget.contains(event.relatedTarget as Node | null)) setDragging(false);
        }}
        onDrop={onDrop}
      >
        <div className="toolbar">
          <h2 id="files-title" className="visually-hidden">
            Files
          </h2>
          <nav aria-label="Folder path">
            <ol className="crumbs">
              {crumbs.map((crumb, index) => (
                <li key={crumb.prefix}>
                  {index === crumbs.length - 1 ? (
                    <span aria-current="page">{crumb.label}</span>
                  ) : (
                    <button type="button" className="link" onClick={() => actions.open(crumb.prefix)}>
                      {crumb.label}
                    </button>
                  )}
                </li>
              ))}
            </ol>
          </nav>
          <div className="actions">
            <button type="button" className="button primary" onClick={() => fileInput.current?.click()}>
              Upload files
            </button>
            <button type="button" className="button" onClick={() => folderInput.current?.click()}>
              Upload folder
            </button>
            <button type="button" className="button quiet" onClick={listing.refresh}>
              Refresh
            </button>
            <button
              type="button"
              className="button quiet"
              aria-pressed={showDeleted}
              onClick={() => setShowDeleted((shown) => !shown)}
            >
              Deleted files
            </button>
            <input
              ref={fileInput}
              id="upload-files"
              type="file"
              multiple
              className="visually-hidden"
              tabIndex={-1}
              onChange={(event) => {
                uploads.upload(filesOfInput(event.currentTarget), folder);
                event.currentTarget.value = '';
              }}
            />
            <input
              ref={(input) => {
                folderInput.current = input;
                // React has no prop for it: the folder picker.
                input?.setAttribute('webkitdirectory', '');
              }}
              id="upload-folder"
              type="file"
              className="visually-hidden"
              tabIndex={-1}
              onChange={(event) => {
                uploads.upload(filesOfInput(event.currentTarget), folder);
                event.currentTarget.value = '';
              }}
            />
          </div>
        </div>
        <div className="selection-bar" role="toolbar" aria-label="Selected items">
          <span className="selection-count" aria-live="polite">
            {selected.size === 0 ? 'Nothing selected' : `${selected.size} selected`}
          </span>
          <button
            type="button"
            className="button"
            disabled={!onlyFile}
            onClick={() => actions.download([...selected][0] ?? '')}
          >
            Download
          </button>
          <button
            type="button"
            className="button"
            disabled={selected.size === 0}
            onClick={() => actions.zip([...selected])}
          >
            Download as zip
          </button>
          <button
            type="button"
            className="button danger"
            disabled={selected.size === 0}
            onClick={() => actions.remove([...selected])}
          >
            Delete
          </button>
        </div>
        {undo && (
          <div className="notice" role="status">
            <span>{undo.text}</span>
            <button type="button" className="button" onClick={() => undoDelete(undo.keys)}>
              Undo
            </button>
          </div>
        )}
        <ErrorAlert error={error ?? listing.error} onDismiss={() => setError(undefined)} />
        {items.length > 0 ? (
          <FileTable
            folder={folder}
            items={items}
            selected={selected}
            busy={listing.loading}
            actions={actions}
            onSelect={(keys, on) =>
              setChosen(() => {
                const next = new Set(selected);
                for (const key of keys) {
                  if (on) next.add(key);
                  else next.delete(key);
                }
                return next;
              })
            }
          />
        ) : (
          !listing.loading && (
            <p className="empty">This folder is empty. Drop files or folders here, or use Upload.</p>
          )
        )}
        {listing.hasMore && (
          <button type="button" className="button" onClick={listing.loadMore}>
            Show more
          </button>
        )}
        <p className="drop-hint" aria-hidden="true">
          Drop files or folders to upload them here
        </p>
      </section>
      {showDeleted && <DeletedPanel deleted={deleted} folder={folder} />}
      <UploadPanel queue={uploads} />
      <ZipPanel zips={zips} />
      {dialog}
    </>
  );
}

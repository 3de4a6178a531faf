import type { FileEntry } from '@lockbox/client';
import { formatBytes, formatDate, nameIn } from './format';

/** A row of the listing: a folder (its prefix, ending in `/`) or a file. */
export type Item =
  | { readonly kind: 'folder'; readonly key: string }
  | { readonly kind: 'file'; readonly key: string; readonly file: FileEntry };

/** What a row's buttons do; a new row action (rename, move) is one more entry here and one more button below. */
export interface RowActions {
  open(folder: string): void;
  download(key: string): void;
  zip(keys: readonly string[]): void;
  remove(keys: readonly string[]): void;
  /** Asks for a new name in the same folder. */
  rename(key: string): void;
  /** Asks for a folder to move into. */
  move(key: string): void;
}

interface FileTableProps {
  readonly folder: string;
  readonly items: readonly Item[];
  readonly selected: ReadonlySet<string>;
  readonly busy: boolean;
  readonly onSelect: (keys: readonly string[], on: boolean) => void;
  readonly actions: RowActions;
}

export function FileTable({ folder, items, selected, busy, onSelect, actions }: FileTableProps) {
  const count = items.filter((item) => selected.has(item.key)).length;
  return (
    <table className="files" aria-labelledby="files-title" aria-busy={busy}>
      <thead>
        <tr>
          <th scope="col" className="check">
            <input
              type="checkbox"
              aria-label="Select all"
              checked={count > 0 && count === items.length}
              ref={(box) => {
                if (box) box.indeterminate = count > 0 && count < items.length;
              }}
              onChange={(event) =>
                onSelect(
                  items.map((item) => item.key),
                  event.currentTarget.checked,
                )
              }
            />
          </th>
          <th scope="col">Name</th>
          <th scope="col" className="size">
            Size
          </th>
          <th scope="col" className="date">
            Modified
          </th>
          <th scope="col" className="row-actions">
            <span className="visually-hidden">Actions</span>
          </th>
        </tr>
      </thead>
      <tbody>
        {items.map((item) => {
          const name = nameIn(folder, item.key);
          const label = item.kind === 'folder' ? `folder ${name}` : name;
          return (
            <tr
              key={item.key}
              data-key={item.key}
              className={selected.has(item.key) ? 'selected' : undefined}
            >
              <td className="check">
                <input
                  type="checkbox"
                  aria-label={`Select ${label}`}
                  checked={selected.has(item.key)}
                  onChange={(event) => onSelect([item.key], event.currentTarget.checked)}
                />
              </td>
              <td className="name">
                {item.kind === 'folder' ? (
                  <button type="button" className="link folder" onClick={() => actions.open(item.key)}>
                    {name}
                  </button>
                ) : (
                  <span className="file">{name}</span>
                )}
              </td>
              <td className="size">{item.kind === 'file' ? formatBytes(item.file.size) : '—'}</td>
              <td className="date">{item.kind === 'file' ? formatDate(item.file.lastModified) : ''}</td>
              <td className="row-actions">
                {item.kind === 'file' ? (
                  <button
                    type="button"
                    className="button quiet"
                    aria-label={`Download ${name}`}
                    onClick={() => actions.download(item.key)}
                  >
                    Download
                  </button>
                ) : (
                  <button
                    type="button"
                    className="button quiet"
                    aria-label={`Download ${label} as zip`}
                    onClick={() => actions.zip([item.key])}
                  >
                    Zip
                  </button>
                )}
                <button
                  type="button"
                  className="button quiet"
                  aria-label={`Rename ${label}`}
                  onClick={() => actions.rename(item.key)}
                >
                  Rename
                </button>
                <button
                  type="button"
                  className="button quiet"
                  aria-label={`Move ${label} to…`}
                  onClick={() => actions.move(item.key)}
                >
                  Move to…
                </button>
                <button
                  type="button"
                  className="button quiet danger"
                  aria-label={`Delete ${label}`}
                  onClick={() => actions.remove([item.key])}
                >
                  Delete
                </button>
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

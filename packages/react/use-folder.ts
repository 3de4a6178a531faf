import type {
  DeleteFilesResult,
  FileEntry,
  Transfer,
  TransferOptions,
  TransferResult,
} from '@lockbox/client';
import { useLockbox } from './context.js';
import { type Paged, usePaged } from './paged.js';

export interface Folder extends Paged {
  /** The subfolders' prefixes (each ends in `/`), then the files, of the pages loaded so far. */
  readonly folders: readonly string[];
  readonly files: readonly FileEntry[];
  /** Deletes files and folders (a prefix deletes everything under it), then every listing reloads. */
  remove(keys: readonly string[]): Promise<DeleteFilesResult>;
  /**
   * Moves (renames) a file to another key, or a folder (`from` ending in `/`) to another folder, then every
   * listing reloads; a destination that exists is a `Conflict` unless `options.overwrite`.
   */
  move(from: string, to: string, options?: TransferOptions): Promise<TransferResult | Transfer>;
}

export interface FolderOptions {
  /** Entries per page (the API's default when absent). */
  readonly pageSize?: number;
}

/** One folder's listing: `prefix` is empty for the root, else ends in `/`. */
export function useFolder(prefix: string, options: FolderOptions = {}): Folder {
  const { client, changed } = useLockbox();
  /** Every listing, usage and deleted view reloads once the change has ended, failed or not. */
  const thenReload = async <T>(change: Promise<T>): Promise<T> => {
    try {
      return await change;
    } finally {
      changed();
    }
  };
  const { pages, ...paged } = usePaged(
    `${prefix}\n${options.pageSize}`,
    (cursor) => client.listFiles({ prefix, cursor, limit: options.pageSize }),
    (page) => page.nextCursor,
  );
  return {
    ...paged,
    folders: pages.flatMap((page) => page.folders),
    files: pages.flatMap((page) => page.files),
    remove: (keys) => thenReload(client.deleteFiles(keys)),
    move: (from, to, moveOptions) => thenReload(client.move(from, to, moveOptions)),
  };
}

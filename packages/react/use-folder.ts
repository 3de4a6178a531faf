import type { DeleteFilesResult, FileEntry } from '@lockbox/client';
import { useLockbox } from './context.js';
import { type Paged, usePaged } from './paged.js';

export interface Folder extends Paged {
  /** The subfolders' prefixes (each ends in `/`), then the files, of the pages loaded so far. */
  readonly folders: readonly string[];
  readonly files: readonly FileEntry[];
  /** Deletes files and folders (a prefix deletes everything under it), then every listing reloads. */
  remove(keys: readonly string[]): Promise<DeleteFilesResult>;
}

export interface FolderOptions {
  /** Entries per page (the API's default when absent). */
  readonly pageSize?: number;
}

/** One folder's listing: `prefix` is empty for the root, else ends in `/`. */
export function useFolder(prefix: string, options: FolderOptions = {}): Folder {
  const { client, changed } = useLockbox();
  const { pages, ...paged } = usePaged(
    `${prefix}\n${options.pageSize}`,
    (cursor) => client.listFiles({ prefix, cursor, limit: options.pageSize }),
    (page) => page.nextCursor,
  );
  return {
    ...paged,
    folders: pages.flatMap((page) => page.folders),
    files: pages.flatMap((page) => page.files),
    remove: async (keys) => {
      try {
        return await client.deleteFiles(keys);
      } finally {
        changed();
      }
    },
  };
}

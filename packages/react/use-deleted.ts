import {
  type DeletedFilesPage,
  MAX_RESTORE_ITEMS,
  type RestoreFilesResult,
  type RestoreItem,
} from '@lockbox/client';
import { useLockbox } from './context.js';
import { type Paged, usePaged } from './paged.js';

export type DeletedFile = DeletedFilesPage['items'][number];

export interface Deleted extends Paged {
  /** Files deleted within the undo window, each with the version a restore brings back. */
  readonly items: readonly DeletedFile[];
  /** Brings the versions back (`MAX_RESTORE_ITEMS`, 100, per call to the API); every listing then reloads. */
  restore(items: readonly RestoreItem[]): Promise<RestoreFilesResult['items']>;
  /** Undoes a delete: restores every deleted file at these keys (a prefix: everything under it). */
  undo(keys: readonly string[]): Promise<RestoreFilesResult['items']>;
  /**
   * Deletes one old version for good (a deleted file's `versionId`, or one from `listFileVersions()`),
   * freeing its bytes in the quota; every listing and usage then reloads.
   */
  deleteVersion(key: string, versionId: string): Promise<void>;
}

/** The deleted files under `prefix` (a folder ending in `/`; the whole folder when empty). */
export function useDeleted(prefix = ''): Deleted {
  const { client, changed } = useLockbox();
  const { pages, ...paged } = usePaged(
    prefix,
    (cursor) => client.listDeletedFiles({ prefix: prefix || undefined, cursor }),
    (page) => page.nextCursor,
  );
  const restore = async (items: readonly RestoreItem[]) => {
    const results: RestoreFilesResult['items'] = [];
    try {
      for (let at = 0; at < items.length; at += MAX_RESTORE_ITEMS) {
        results.push(...(await client.restoreFiles(items.slice(at, at + MAX_RESTORE_ITEMS))).items);
      }
      return results;
    } finally {
      changed();
    }
  };
  return {
    ...paged,
    items: pages.flatMap((page) => page.items),
    restore,
    deleteVersion: async (key, versionId) => {
      try {
        await client.deleteFileVersion(key, versionId);
      } finally {
        changed();
      }
    },
    undo: async (keys) => {
      const under = (key: string) => keys.some((k) => (k.endsWith('/') ? key.startsWith(k) : key === k));
      const found: RestoreItem[] = [];
      let cursor: string | undefined;
      do {
        const page = await client.listDeletedFiles({ prefix: commonFolder(keys) || undefined, cursor });
        found.push(...page.items.filter((item) => under(item.key)));
        cursor = page.nextCursor;
      } while (cursor !== undefined);
      return restore(found);
    },
  };
}

/** The deepest folder (ending in `/`, or empty) that holds every key. */
function commonFolder(keys: readonly string[]): string {
  let folder = (keys[0] ?? '').replace(/[^/]*$/, '');
  while (folder !== '' && !keys.every((key) => key.startsWith(folder))) {
    folder = folder.replace(/[^/]*\/$/, '');
  }
  return folder;
}

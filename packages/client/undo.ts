/**
 * Undo and usage: deleted files, a file's versions, restoring or deleting them, and the quota they count
 * against.
 */
import type { ApiCall } from './api.js';
import type { components } from './api-types.js';
import type {
  DeletedFilesPage,
  FileVersions,
  ListDeletedOptions,
  RestoreFilesResult,
  RestoreItem,
  Usage,
} from './lockbox-client.js';

export function listDeletedFiles(api: ApiCall, options: ListDeletedOptions = {}): Promise<DeletedFilesPage> {
  return api<DeletedFilesPage>({ method: 'GET', path: '/files/deleted', query: { ...options } });
}

export function listFileVersions(api: ApiCall, key: string): Promise<FileVersions> {
  return api<FileVersions>({ method: 'GET', path: '/file/versions', query: { key } });
}

export function restoreFiles(api: ApiCall, items: readonly RestoreItem[]): Promise<RestoreFilesResult> {
  const json: components['schemas']['RestoreFilesRequest'] = {
    items: items.map(({ key, versionId }) => ({ key, versionId })),
  };
  return api<RestoreFilesResult>({ method: 'POST', path: '/files/restore', json });
}

export async function deleteFileVersion(api: ApiCall, key: string, versionId: string): Promise<void> {
  await api<undefined>({ method: 'DELETE', path: '/file', query: { key, versionId } });
}

export function getUsage(api: ApiCall): Promise<Usage> {
  return api<Usage>({ method: 'GET', path: '/usage' });
}

/** The files routes as typed methods; request and response types come from docs/openapi.yaml. */
import type { ApiCall } from './api.js';
import type { components } from './api-types.js';
import type { Bytes } from './bytes.js';
import { DEFAULT_CONTENT_TYPE } from './contract-facts.js';
import type {
  DeleteFilesResult,
  FileDownload,
  FolderPage,
  ListFilesOptions,
  StoredFile,
  UploadBody,
} from './lockbox-client.js';

export function listFiles(api: ApiCall, options: ListFilesOptions = {}): Promise<FolderPage> {
  return api<FolderPage>({ method: 'GET', path: '/files', query: { ...options } });
}

export function getFile(api: ApiCall, key: string): Promise<FileDownload> {
  return api<FileDownload>({ method: 'GET', path: '/file', query: { key } });
}

export async function putFile(
  api: ApiCall,
  key: string,
  body: UploadBody | string,
  contentType = DEFAULT_CONTENT_TYPE,
): Promise<StoredFile> {
  // SigV4 hashes the body, so it is read into memory first (at most MAX_PUT_FILE_BYTES, 4 MiB).
  const bytes =
    typeof body === 'string' || body instanceof Uint8Array ? body : new Uint8Array(await body.arrayBuffer());
  return api<StoredFile>({
    method: 'PUT',
    path: '/file',
    query: { key },
    body: bytes as Bytes | string,
    contentType,
  });
}

export async function deleteFile(api: ApiCall, key: string): Promise<void> {
  await api<undefined>({ method: 'DELETE', path: '/file', query: { key } });
}

export function deleteFiles(api: ApiCall, keys: readonly string[]): Promise<DeleteFilesResult> {
  const json: components['schemas']['DeleteFilesRequest'] = { keys: [...keys] };
  return api<DeleteFilesResult>({ method: 'POST', path: '/files/delete', json });
}

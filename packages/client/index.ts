/**
 * lockbox's typed client for browsers and Node: SRP sign-in against the Cognito user pool, identity-pool
 * credentials refreshed before they expire, every API route as a typed method signed with SigV4
 * (aws4fetch), uploads of any size and zip downloads. No framework; see docs/client.md.
 */

export type { SessionStorage } from './auth/storage.js';
export { memoryStorage } from './auth/storage.js';
export type { LockboxConfig } from './config.js';
export { MAX_PUT_FILE_BYTES, MAX_RESTORE_ITEMS } from './contract-facts.js';
export { type ClientOptions, createLockboxClient } from './create-client.js';
export { isLockboxError, LockboxError, type LockboxErrorCode } from './errors.js';
export { apiErrorCode, GATEWAY_ERROR_CODES } from './gateway-errors.js';
export type {
  Auth,
  CurrentUser,
  DeletedFilesPage,
  DeleteFilesResult,
  ErrorCode,
  FileDownload,
  FileEntry,
  FileVersions,
  FolderPage,
  ListDeletedOptions,
  ListFilesOptions,
  ListZipsOptions,
  LockboxClient,
  Progress,
  RestoreFilesResult,
  RestoreItem,
  SignInResult,
  StoredFile,
  Transfer,
  TransferOptions,
  TransferResult,
  UploadBody,
  UploadOptions,
  Usage,
  ZipJob,
  ZipJobDone,
  ZipJobPage,
  ZipOptions,
  ZipProgress,
} from './lockbox-client.js';

/** The client's public shape: what `createLockboxClient` returns, and the types of its arguments and answers. */
import type { components } from './api-types.js';

type Schemas = components['schemas'];
export type FolderPage = Schemas['FolderPage'];
export type FileEntry = Schemas['FileEntry'];
export type FileDownload = Schemas['FileDownload'];
export type StoredFile = Schemas['StoredFile'];
export type DeleteFilesResult = Schemas['DeleteFilesResult'];
export type UploadPlan = Schemas['UploadPlan'];
export type ZipJobCreated = Schemas['ZipJobCreated'];
export type ZipJob = Schemas['ZipJob'];
export type ZipJobDone = Schemas['ZipJobDone'];
export type ZipJobPage = Schemas['ZipJobPage'];
export type DeletedFilesPage = Schemas['DeletedFilesPage'];
export type FileVersions = Schemas['FileVersions'];
export type RestoreFilesResult = Schemas['RestoreFilesResult'];
export type Usage = Schemas['Usage'];
export type TransferResult = Schemas['TransferResult'];
export type Transfer = Schemas['Transfer'];
export type ErrorCode = Schemas['ErrorCode'];

/** What a sign-in step ends in: signed in, or a challenge the user must answer to go on. */
export type SignInResult =
  | { readonly status: 'signed-in'; readonly user: CurrentUser }
  | {
      readonly status: 'new-password-required';
      /** Sets the user's own password (a first sign-in with a temporary one). */
      complete(newPassword: string): Promise<SignInResult>;
    }
  | {
      readonly status: 'totp-required';
      /** The 6-digit code of the user's authenticator app. */
      complete(code: string): Promise<SignInResult>;
    };

export interface CurrentUser {
  /** The user pool's `sub`. */
  readonly sub: string;
  readonly email: string;
  readonly username: string;
  /** The identity pool's id: the user's folder in the bucket. */
  readonly identityId: string;
}

export interface Auth {
  /** SRP sign-in (the password never leaves the device). */
  signIn(email: string, password: string): Promise<SignInResult>;
  /** Revokes the refresh token and forgets the session, on this device. */
  signOut(): Promise<void>;
  /** Mails (locally: prints) a code; answers the same for unknown users. */
  forgotPassword(email: string): Promise<void>;
  confirmForgotPassword(email: string, code: string, newPassword: string): Promise<void>;
  /** The signed-in user, restoring a stored session if there is one; null when signed out. */
  currentUser(): Promise<CurrentUser | null>;
}

export interface ListFilesOptions {
  /** A folder: empty for the root, else ending in `/`. */
  readonly prefix?: string;
  readonly cursor?: string;
  readonly limit?: number;
}

export interface Progress {
  readonly loaded: number;
  readonly total: number;
}

export interface UploadOptions {
  readonly key: string;
  /** Defaults to `application/octet-stream`. */
  readonly contentType?: string;
  readonly onProgress?: (progress: Progress) => void;
  /** Aborting it cancels the upload, and aborts its multipart upload on S3. */
  readonly signal?: AbortSignal;
  /** A multipart upload to carry on with (the `uploadId` of an interrupted one): only missing parts are sent. */
  readonly resume?: { readonly uploadId: string };
  /** Called once a multipart upload exists, so an app can store the id and resume after a reload. */
  readonly onUploadId?: (uploadId: string) => void;
}

export interface ZipProgress {
  readonly status: 'pending' | 'running' | 'done';
  readonly fileCount: number;
  readonly filesDone: number;
  readonly bytesDone: number;
}

export interface ZipOptions {
  /** The archive's download name; `files.zip` when absent. */
  readonly name?: string;
  readonly onProgress?: (progress: ZipProgress) => void;
  /** Stops polling (the job itself runs on). */
  readonly signal?: AbortSignal;
  /**
   * Sent as `Idempotency-Key`: calling zip() again with the same key and keys (say after a lost answer)
   * within 24 hours follows the same job instead of starting another.
   */
  readonly idempotencyKey?: string;
}

export interface ListDeletedOptions {
  /** A folder relative to the user's own, ending in `/`; the whole folder when absent. */
  readonly prefix?: string;
  readonly cursor?: string;
  readonly limit?: number;
}

/** A version to bring back: from `listDeletedFiles()` or `listFileVersions()`. */
export interface RestoreItem {
  readonly key: string;
  readonly versionId: string;
}

export interface ListZipsOptions {
  readonly cursor?: string;
  readonly limit?: number;
}

export interface TransferOptions {
  /** Replace files that exist at the destination; otherwise such a copy or move is a 409 `Conflict`. */
  readonly overwrite?: boolean;
  /** Told of a background job's progress at each poll. */
  readonly onProgress?: (job: Transfer) => void;
  /** Stops waiting (a background job itself runs on). */
  readonly signal?: AbortSignal;
}

/** A Blob (File included) in the browser or Node, or bytes. */
export type UploadBody = Blob | Uint8Array;

export interface LockboxClient {
  readonly auth: Auth;
  listFiles(options?: ListFilesOptions): Promise<FolderPage>;
  getFile(key: string): Promise<FileDownload>;
  /** A small file (≤ `MAX_PUT_FILE_BYTES`, 4 MiB) through the API; `contentType` defaults to `application/octet-stream`. */
  putFile(key: string, body: UploadBody | string, contentType?: string): Promise<StoredFile>;
  deleteFile(key: string): Promise<void>;
  deleteFiles(keys: readonly string[]): Promise<DeleteFilesResult>;
  /** Any size: one presigned PUT, or a multipart upload with parallel, retried, re-signed parts. */
  upload(body: UploadBody, options: UploadOptions): Promise<StoredFile>;
  /** Starts a zip job, waits for it, and answers the finished job (its `url` downloads the archive). */
  zip(keys: readonly string[], options?: ZipOptions): Promise<ZipJobDone>;
  getZip(id: string): Promise<ZipJob>;
  /** The user's zip jobs of the last day, newest first. */
  listZips(options?: ListZipsOptions): Promise<ZipJobPage>;
  /** Files deleted within the undo window, each with the version a restore brings back. */
  listDeletedFiles(options?: ListDeletedOptions): Promise<DeletedFilesPage>;
  /** A file's versions, newest first: its current content and those an overwrite replaced. */
  listFileVersions(key: string): Promise<FileVersions>;
  /** Makes each version its file's current content again (≤ 100 per call); one result per item. */
  restoreFiles(items: readonly RestoreItem[]): Promise<RestoreFilesResult>;
  /**
   * Deletes one old (noncurrent) version of a file for good, freeing its bytes in the quota; the current
   * version is refused (`Conflict`), an unknown one is `NotFound`.
   */
  deleteFileVersion(key: string, versionId: string): Promise<void>;
  /** The user's stored bytes (current and old versions) and files, and the quota they count against. */
  getUsage(): Promise<Usage>;
  /**
   * Copies a file to another key, or a folder (`from` ending in `/`) to another folder (`""` is the root);
   * waits for a background job when the copy is large. `errors` lists a folder's files that failed.
   */
  copy(from: string, to: string, options?: TransferOptions): Promise<TransferResult | Transfer>;
  /** As copy(), removing each source once copied: a rename is a move within the same folder. */
  move(from: string, to: string, options?: TransferOptions): Promise<TransferResult | Transfer>;
  /** A background copy's or move's state (the `id` a large copy or move started). */
  getTransfer(id: string): Promise<Transfer>;
}

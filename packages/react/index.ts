/**
 * React bindings for lockbox: `<LockboxProvider config>` and hooks for sign-in, folders, uploads, zips,
 * usage and undo. Plain React state, no state library; see docs/react.md.
 */
export type { AuthMachine, AuthStep } from './auth-machine.js';
export {
  type LockboxContextValue,
  LockboxProvider,
  type LockboxProviderProps,
  useLockbox,
} from './context.js';
export type { Paged } from './paged.js';
export type { PendingUpload } from './pending-uploads.js';
export { useAuth } from './use-auth.js';
export { type Deleted, type DeletedFile, useDeleted } from './use-deleted.js';
export { type Folder, type FolderOptions, useFolder } from './use-folder.js';
export { type PickedFile, type UploadItem, type Uploads, useUpload } from './use-upload.js';
export { type UsageState, useUsage } from './use-usage.js';
export { useZip, type ZipItem, type Zips } from './use-zip.js';

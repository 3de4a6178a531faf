import type { S3Client } from '@aws-sdk/client-s3';
import type { IdentityId } from '../files/keys';
import type { UploadDeps } from '../wiring/deps';

/** The clients of an upload route for one caller (uploadClients builds them from UploadDeps). */
export interface UploadClients {
  readonly bucket: string;
  /** The caller's session: the upload plans (`uploads/<identityId>/`). */
  readonly s3: S3Client;
  /** The same session: the multipart upload itself, in the caller's folder. */
  readonly files: S3Client;
  /** The same session, without checksums: the URLs the browser uploads with. */
  readonly presigner: S3Client;
}

/** The clients of `deps` for `identityId`. */
export function uploadClients(deps: UploadDeps, identityId: IdentityId): UploadClients {
  return {
    bucket: deps.bucket,
    s3: deps.s3ForCaller(identityId),
    files: deps.s3ForCaller(identityId),
    presigner: deps.presignerForCaller(identityId),
  };
}

/**
 * Multipart uploads under way, kept in localStorage so that a reload can resume them: a browser cannot
 * re-open a file by itself, so when the user picks the same file again (same name, size and
 * modification time) the upload carries on from the parts S3 already holds.
 */
export interface PendingUpload {
  readonly key: string;
  readonly uploadId: string;
  readonly name: string;
  readonly size: number;
  readonly lastModified: number;
}

export interface PendingUploads {
  all(): PendingUpload[];
  /** The pending upload of this key that `file` can resume, if it is the same file. */
  matching(key: string, file: File): PendingUpload | undefined;
  save(upload: PendingUpload): void;
  forget(key: string): void;
}

/** One list per user (their identity id), so that a shared browser never offers another user's upload. */
export function pendingUploads(userId: string, storage: Storage = localStorage): PendingUploads {
  const name = `lockbox.pending-uploads.${userId}`;
  const read = (): PendingUpload[] => {
    try {
      const value: unknown = JSON.parse(storage.getItem(name) ?? '[]');
      return Array.isArray(value) ? value.filter(isPendingUpload) : [];
    } catch {
      return [];
    }
  };
  const write = (uploads: PendingUpload[]) => {
    if (uploads.length === 0) storage.removeItem(name);
    else storage.setItem(name, JSON.stringify(uploads));
  };
  return {
    all: read,
    matching: (key, file) =>
      read().find(
        (upload) =>
          upload.key === key &&
          upload.name === file.name &&
          upload.size === file.size &&
          upload.lastModified === file.lastModified,
      ),
    save: (upload) => write([...read().filter((other) => other.key !== upload.key), upload]),
    forget: (key) => write(read().filter((upload) => upload.key !== key)),
  };
}

function isPendingUpload(value: unknown): value is PendingUpload {
  const upload = value as Partial<PendingUpload> | null;
  return (
    typeof upload?.key === 'string' &&
    typeof upload.uploadId === 'string' &&
    typeof upload.name === 'string' &&
    typeof upload.size === 'number' &&
    typeof upload.lastModified === 'number'
  );
}

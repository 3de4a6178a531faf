import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { noSuchUpload } from '../errors';
import type { ChecksumAlgorithm, ChecksumType } from './checksums';
import { isMissingFile, namesIn, writeJsonAtomic } from './files';
import { KeyedLock } from './keyed-lock';

/** A multipart upload in progress: what CreateMultipartUpload fixed for the object to be. */
export interface UploadMeta {
  readonly uploadId: string;
  readonly key: string;
  readonly initiated: number;
  readonly contentType: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly metadata: Readonly<Record<string, string>>;
  readonly checksumAlgorithm?: ChecksumAlgorithm;
  /** With an algorithm: COMPOSITE (S3's default) or FULL_OBJECT (x-amz-checksum-type). */
  readonly checksumType?: ChecksumType;
}

export interface PartMeta {
  readonly partNumber: number;
  readonly size: number;
  /** Quoted MD5 hex of the part. */
  readonly etag: string;
  readonly lastModified: number;
  readonly checksums: Readonly<Partial<Record<ChecksumAlgorithm, string>>>;
  /** The part's data file in the upload's folder. */
  readonly blob: string;
}

const UPLOAD_ID = /^[A-Za-z0-9_-]{32}$/;

/**
 * Multipart uploads on disk: `<uploadId>/upload.json`, and per part a data file and `<n>.json` naming it
 * (written last, so a part is there whole or not at all). Everything that changes an upload's folder runs
 * under the upload's lock, so that an abort or a completion never races a part landing in it.
 */
export class UploadStore {
  private readonly lock = new KeyedLock();

  private constructor(
    private readonly dir: string,
    private readonly tmpDir: string,
  ) {}

  static async open(dir: string, tmpDir: string): Promise<UploadStore> {
    await mkdir(dir, { recursive: true });
    return new UploadStore(dir, tmpDir);
  }

  async create(fields: Omit<UploadMeta, 'uploadId' | 'initiated'>): Promise<UploadMeta> {
    const upload: UploadMeta = {
      ...fields,
      uploadId: randomBytes(24).toString('base64url'),
      initiated: Date.now(),
    };
    await mkdir(this.folder(upload.uploadId));
    await writeJsonAtomic(join(this.folder(upload.uploadId), 'upload.json'), upload, this.tmpDir);
    return upload;
  }

  /** Runs `task` under the upload's lock once the upload is known to exist for exactly this key. */
  withUpload<T>(uploadId: string, key: string, task: (upload: UploadMeta) => Promise<T>): Promise<T> {
    return this.lock.run(uploadId, async () => task(await this.read(uploadId, key)));
  }

  /** The upload `uploadId` of `key`, or NoSuchUpload (also when it belongs to another key, as in S3). */
  async read(uploadId: string, key: string): Promise<UploadMeta> {
    if (!UPLOAD_ID.test(uploadId)) throw noSuchUpload(uploadId);
    try {
      const upload = JSON.parse(
        await readFile(join(this.folder(uploadId), 'upload.json'), 'utf8'),
      ) as UploadMeta;
      if (upload.key !== key) throw noSuchUpload(uploadId);
      return upload;
    } catch (error) {
      if (isMissingFile(error)) throw noSuchUpload(uploadId);
      throw error;
    }
  }

  /** Makes the finished file `dataPath` part `part.partNumber` of the upload, replacing an earlier one. */
  async putPart(
    uploadId: string,
    key: string,
    dataPath: string,
    part: Omit<PartMeta, 'blob'>,
  ): Promise<void> {
    try {
      await this.withUpload(uploadId, key, async () => {
        const previous = await this.part(uploadId, part.partNumber);
        const meta: PartMeta = { ...part, blob: `${part.partNumber}-${randomBytes(8).toString('hex')}.part` };
        await rename(dataPath, this.partPath(uploadId, meta));
        await writeJsonAtomic(join(this.folder(uploadId), `${part.partNumber}.json`), meta, this.tmpDir);
        if (previous) await rm(this.partPath(uploadId, previous), { force: true });
      });
    } finally {
      await rm(dataPath, { force: true });
    }
  }

  private async part(uploadId: string, partNumber: number): Promise<PartMeta | undefined> {
    try {
      return JSON.parse(
        await readFile(join(this.folder(uploadId), `${partNumber}.json`), 'utf8'),
      ) as PartMeta;
    } catch (error) {
      if (isMissingFile(error)) return undefined;
      throw error;
    }
  }

  /** The upload's parts by part number. */
  async parts(uploadId: string): Promise<PartMeta[]> {
    const parts: PartMeta[] = [];
    for (const name of await namesIn(this.folder(uploadId))) {
      if (!/^\d+\.json$/.test(name)) continue;
      parts.push(JSON.parse(await readFile(join(this.folder(uploadId), name), 'utf8')) as PartMeta);
    }
    return parts.sort((a, b) => a.partNumber - b.partNumber);
  }

  partPath(uploadId: string, part: PartMeta): string {
    return join(this.folder(uploadId), part.blob);
  }

  /** Removes the upload and its parts; call under the upload's lock. */
  async remove(uploadId: string): Promise<void> {
    await rm(this.folder(uploadId), { recursive: true, force: true });
  }

  /** Every upload in progress, oldest first. */
  async list(): Promise<UploadMeta[]> {
    const uploads: UploadMeta[] = [];
    for (const uploadId of await namesIn(this.dir)) {
      try {
        uploads.push(
          JSON.parse(await readFile(join(this.folder(uploadId), 'upload.json'), 'utf8')) as UploadMeta,
        );
      } catch (error) {
        if (!isMissingFile(error)) throw error;
      }
    }
    return uploads.sort((a, b) => a.initiated - b.initiated);
  }

  private folder(uploadId: string): string {
    return join(this.dir, uploadId);
  }
}

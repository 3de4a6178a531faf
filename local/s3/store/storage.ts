import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { noSuchBucket, S3Error } from '../errors';
import { namesIn } from './files';
import { ObjectStore } from './object-store';
import { UploadStore } from './upload-store';

export interface Bucket {
  readonly name: string;
  readonly objects: ObjectStore;
  readonly uploads: UploadStore;
}

const BUCKET_NAME = /^(?!\d+\.\d+\.\d+\.\d+$)[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

/**
 * Everything under one data folder: `tmp/` (files being received; emptied at start) and per bucket
 * `buckets/<name>/objects/` and `buckets/<name>/uploads/`. Buckets found on disk are opened again.
 */
export class Storage {
  private readonly buckets = new Map<string, Bucket>();
  readonly tmpDir: string;

  private constructor(private readonly dataDir: string) {
    this.tmpDir = join(dataDir, 'tmp');
  }

  static async open(
    dataDir: string,
    bucketNames: readonly string[],
    versionedBuckets: readonly string[] = [],
  ): Promise<Storage> {
    const storage = new Storage(dataDir);
    await rm(storage.tmpDir, { recursive: true, force: true });
    await mkdir(storage.tmpDir, { recursive: true });
    const existing = await namesIn(join(dataDir, 'buckets'));
    for (const name of new Set([...existing, ...bucketNames, ...versionedBuckets])) {
      await storage.createBucket(name);
    }
    for (const name of versionedBuckets) {
      const { objects } = storage.bucket(name);
      if (objects.versioning !== 'Enabled') await objects.setVersioning('Enabled');
    }
    return storage;
  }

  bucket(name: string): Bucket {
    const bucket = this.buckets.get(name);
    if (!bucket) throw noSuchBucket(name);
    return bucket;
  }

  /** Creates the bucket (or opens it again); true when it is new. */
  async createBucket(name: string): Promise<boolean> {
    if (this.buckets.has(name)) return false;
    if (!BUCKET_NAME.test(name))
      throw new S3Error(400, 'InvalidBucketName', 'The specified bucket is not valid.');
    const dir = join(this.dataDir, 'buckets', name);
    const [objects, uploads] = await Promise.all([
      ObjectStore.open(join(dir, 'objects'), this.tmpDir),
      UploadStore.open(join(dir, 'uploads'), this.tmpDir),
    ]);
    this.buckets.set(name, { name, objects, uploads });
    return true;
  }
}

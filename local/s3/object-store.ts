import { createHash, randomBytes } from 'node:crypto';
import { type FileHandle, mkdir, open, readFile, rename, rm, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import type { ChecksumAlgorithm } from './checksums';
import { isMissingFile, namesIn, writeJsonAtomic } from './files';
import { KeyedLock } from './keyed-lock';

/** An object's metadata, kept in a JSON sidecar next to its bytes and in memory. */
export interface ObjectMeta {
  readonly key: string;
  readonly size: number;
  /** Quoted, as S3 sends it: `"<md5 hex>"` or `"<hex>-<parts>"`. */
  readonly etag: string;
  /** Epoch milliseconds, whole seconds (HTTP dates have no finer grain). */
  readonly lastModified: number;
  readonly contentType: string;
  /** Stored response headers: content-disposition, content-encoding, content-language, cache-control, expires. */
  readonly headers: Readonly<Record<string, string>>;
  /** x-amz-meta-* values by their lower-case name without the prefix. */
  readonly metadata: Readonly<Record<string, string>>;
  /** Base64 full-object checksums: CRC32 always, but for a COMPOSITE multipart object (`<base64>-<parts>`). */
  readonly checksums: Readonly<Partial<Record<ChecksumAlgorithm, string>>>;
  /** A multipart upload created with a checksum algorithm and no FULL_OBJECT type: what S3 then keeps. */
  readonly composite?: {
    readonly algorithm: ChecksumAlgorithm;
    /** Each part's size and checksum, as GetObjectAttributes lists them. */
    readonly parts: readonly { readonly size: number; readonly checksum: string }[];
  };
  /** The data file's name under blobs/. */
  readonly blob: string;
}

export type NewObject = Omit<ObjectMeta, 'blob' | 'key'>;

interface IndexEntry {
  readonly bytes: Buffer;
  meta: ObjectMeta;
}

/**
 * One bucket's objects on disk: `meta/<sha256 of key>.json` sidecars name their data file in `blobs/`.
 * A write renames the finished data file into blobs/, then renames the new sidecar over the old one (the
 * commit point), then removes the old data file: a crash leaves the old object or the new one, and at
 * worst an orphan blob that the next start removes. Keys are indexed in memory in UTF-8 byte order.
 */
export class ObjectStore {
  private readonly sorted: IndexEntry[] = [];
  private readonly byKey = new Map<string, IndexEntry>();
  private readonly lock = new KeyedLock();

  private constructor(
    private readonly dir: string,
    private readonly tmpDir: string,
  ) {}

  static async open(dir: string, tmpDir: string): Promise<ObjectStore> {
    const store = new ObjectStore(dir, tmpDir);
    await mkdir(join(dir, 'meta'), { recursive: true });
    await mkdir(join(dir, 'blobs'), { recursive: true });
    await store.loadIndex();
    return store;
  }

  private async loadIndex(): Promise<void> {
    const referenced = new Set<string>();
    for (const name of await namesIn(join(this.dir, 'meta'))) {
      const meta = JSON.parse(await readFile(join(this.dir, 'meta', name), 'utf8')) as ObjectMeta;
      referenced.add(meta.blob);
      this.insert(meta);
    }
    for (const blob of await namesIn(join(this.dir, 'blobs'))) {
      if (!referenced.has(blob)) await rm(join(this.dir, 'blobs', blob), { force: true });
    }
  }

  get(key: string): ObjectMeta | undefined {
    return this.byKey.get(key)?.meta;
  }

  /** Objects from the first key whose UTF-8 bytes sort at or after `from`, in that order. */
  *keysFrom(from: Buffer): Generator<ObjectMeta> {
    for (let i = this.position(from); i < this.sorted.length; i++) yield this.sorted[i].meta;
  }

  /** Where `bytes` is or would be in the sorted index. */
  private position(bytes: Buffer): number {
    let low = 0;
    let high = this.sorted.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if (Buffer.compare(this.sorted[mid].bytes, bytes) < 0) low = mid + 1;
      else high = mid;
    }
    return low;
  }

  /**
   * Makes the finished file `dataPath` the object `key`. `check` sees the current object under the key's
   * lock (conditional writes) and may throw to refuse; then `dataPath` is removed.
   */
  async commit(
    key: string,
    dataPath: string,
    object: NewObject,
    check: (current: ObjectMeta | undefined) => void = () => {},
  ): Promise<ObjectMeta> {
    return this.lock.run(key, async () => {
      const previous = this.get(key);
      try {
        check(previous);
      } catch (error) {
        await rm(dataPath, { force: true });
        throw error;
      }
      const meta: ObjectMeta = { ...object, key, blob: randomBytes(16).toString('hex') };
      await rename(dataPath, this.blobPath(meta));
      await writeJsonAtomic(this.metaPath(key), meta, this.tmpDir);
      this.insert(meta);
      if (previous) await rm(this.blobPath(previous), { force: true });
      return meta;
    });
  }

  /** Removes `key`; true when it existed. */
  async delete(key: string): Promise<boolean> {
    return this.lock.run(key, async () => {
      const previous = this.get(key);
      if (!previous) return false;
      await unlink(this.metaPath(key)).catch((error) => {
        if (!isMissingFile(error)) throw error;
      });
      this.remove(key);
      await rm(this.blobPath(previous), { force: true });
      return true;
    });
  }

  /**
   * Opens the current data of `key` with its metadata. An open file stays readable when a concurrent write
   * replaces the object; a write landing between the lookup and the open is retried once.
   */
  async openObject(key: string): Promise<{ meta: ObjectMeta; file: FileHandle } | undefined> {
    for (let attempt = 0; attempt < 2; attempt++) {
      const meta = this.get(key);
      if (!meta) return undefined;
      try {
        return { meta, file: await open(this.blobPath(meta), 'r') };
      } catch (error) {
        if (!isMissingFile(error)) throw error;
      }
    }
    return undefined;
  }

  private blobPath(meta: ObjectMeta): string {
    return join(this.dir, 'blobs', meta.blob);
  }

  private metaPath(key: string): string {
    return join(this.dir, 'meta', `${createHash('sha256').update(key).digest('hex')}.json`);
  }

  private insert(meta: ObjectMeta): void {
    const existing = this.byKey.get(meta.key);
    if (existing) {
      existing.meta = meta;
      return;
    }
    const entry = { bytes: Buffer.from(meta.key), meta };
    const low = this.position(entry.bytes);
    this.sorted.splice(low, 0, entry);
    this.byKey.set(meta.key, entry);
  }

  private remove(key: string): void {
    const entry = this.byKey.get(key);
    if (!entry) return;
    this.byKey.delete(key);
    this.sorted.splice(this.position(entry.bytes), 1);
  }
}

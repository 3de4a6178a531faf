import { createHash, randomBytes } from 'node:crypto';
import { type FileHandle, mkdir, open, readFile, rename, rm, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import type { ChecksumAlgorithm } from './checksums';
import { isMissingFile, namesIn, writeJsonAtomic } from './files';
import { KeyedLock } from './keyed-lock';

/** An object version's metadata, kept in a JSON sidecar next to its bytes and in memory. */
export interface ObjectMeta {
  readonly key: string;
  /** `null` for the version written while versioning was off (or suspended), as S3 names it. */
  readonly versionId: string;
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

/** What a DELETE without a version id leaves in a versioned bucket: the key reads as absent. */
export interface DeleteMarker {
  readonly key: string;
  readonly versionId: string;
  readonly lastModified: number;
  readonly deleteMarker: true;
}

export type Version = ObjectMeta | DeleteMarker;

export const isDeleteMarker = (version: Version): version is DeleteMarker => 'deleteMarker' in version;

/** A bucket's versioning state: never set (unversioned), Enabled, or Suspended. */
export type VersioningStatus = 'Enabled' | 'Suspended' | undefined;

export type NewObject = Omit<ObjectMeta, 'blob' | 'key' | 'versionId'>;

/** One key and its versions, newest first. */
export interface KeyVersions {
  readonly key: string;
  readonly versions: readonly Version[];
}

interface IndexEntry {
  readonly bytes: Buffer;
  versions: Version[];
}

const NULL_VERSION = 'null';
const newVersionId = () => randomBytes(24).toString('base64url');

/**
 * One bucket's objects on disk: `meta/<sha256 of key>.json` sidecars list a key's versions (newest first),
 * each naming its data file in `blobs/`. Unversioned, a key has one version, `null`, replaced by each
 * write; with versioning Enabled every write adds a version and a delete adds a delete marker (S3's
 * model). A write renames the finished data file into blobs/, then renames the new sidecar over the old
 * one (the commit point), then removes data files no version names any more: a crash leaves the old state
 * or the new one, and at worst an orphan blob that the next start removes. Keys are indexed in memory in
 * UTF-8 byte order.
 */
export class ObjectStore {
  private readonly sorted: IndexEntry[] = [];
  private readonly byKey = new Map<string, IndexEntry>();
  private readonly lock = new KeyedLock();
  private status: VersioningStatus;

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

  get versioning(): VersioningStatus {
    return this.status;
  }

  /** PutBucketVersioning: a bucket once versioned can be suspended, never unversioned again (as S3). */
  async setVersioning(status: 'Enabled' | 'Suspended'): Promise<void> {
    await writeJsonAtomic(this.versioningPath(), { status }, this.tmpDir);
    this.status = status;
  }

  private versioningPath(): string {
    return join(this.dir, 'versioning.json');
  }

  private async loadIndex(): Promise<void> {
    try {
      this.status = (
        JSON.parse(await readFile(this.versioningPath(), 'utf8')) as { status: VersioningStatus }
      ).status;
    } catch (error) {
      if (!isMissingFile(error)) throw error;
    }
    const referenced = new Set<string>();
    for (const name of await namesIn(join(this.dir, 'meta'))) {
      const stored = JSON.parse(await readFile(join(this.dir, 'meta', name), 'utf8')) as
        | KeyVersions
        | Omit<ObjectMeta, 'versionId'>;
      // A sidecar written before versions existed holds one object: its `null` version.
      const entry: KeyVersions =
        'versions' in stored
          ? stored
          : { key: stored.key, versions: [{ ...stored, versionId: NULL_VERSION }] };
      for (const version of entry.versions) if (!isDeleteMarker(version)) referenced.add(version.blob);
      this.insert(entry.key, [...entry.versions]);
    }
    for (const blob of await namesIn(join(this.dir, 'blobs'))) {
      if (!referenced.has(blob)) await rm(join(this.dir, 'blobs', blob), { force: true });
    }
  }

  /** The current object of `key`: none when it has no version or its newest is a delete marker. */
  get(key: string): ObjectMeta | undefined {
    const latest = this.byKey.get(key)?.versions[0];
    return latest === undefined || isDeleteMarker(latest) ? undefined : latest;
  }

  /** The newest version of `key` (undefined: no version at all), or the one named `versionId`. */
  version(key: string, versionId?: string): Version | undefined {
    const versions = this.byKey.get(key)?.versions ?? [];
    return versionId === undefined ? versions[0] : versions.find((v) => v.versionId === versionId);
  }

  /** Current objects from the first key whose UTF-8 bytes sort at or after `from`, in that order. */
  *keysFrom(from: Buffer): Generator<ObjectMeta> {
    for (let i = this.position(from); i < this.sorted.length; i++) {
      const latest = this.sorted[i].versions[0];
      if (!isDeleteMarker(latest)) yield latest;
    }
  }

  /** Every key with its versions (delete markers included) from `from` on, in UTF-8 byte order. */
  *versionsFrom(from: Buffer): Generator<KeyVersions> {
    for (let i = this.position(from); i < this.sorted.length; i++) {
      const { versions } = this.sorted[i];
      yield { key: versions[0].key, versions };
    }
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
   * Makes the finished file `dataPath` the current version of `key`: a new version when versioning is
   * Enabled, else the `null` version (replacing an earlier `null` one). `check` sees the current object
   * under the key's lock (conditional writes) and may throw to refuse; then `dataPath` is removed.
   */
  async commit(
    key: string,
    dataPath: string,
    object: NewObject,
    check: (current: ObjectMeta | undefined) => void = () => {},
  ): Promise<ObjectMeta> {
    return this.lock.run(key, async () => {
      try {
        check(this.get(key));
      } catch (error) {
        await rm(dataPath, { force: true });
        throw error;
      }
      const versionId = this.status === 'Enabled' ? newVersionId() : NULL_VERSION;
      const meta: ObjectMeta = { ...object, key, versionId, blob: randomBytes(16).toString('hex') };
      await rename(dataPath, this.blobPath(meta));
      await this.replaceVersions(key, (versions) => [
        meta,
        ...versions.filter((v) => v.versionId !== versionId),
      ]);
      return meta;
    });
  }

  /**
   * DELETE without a version id: unversioned, removes the object; Enabled, adds a delete marker (also over
   * a key that has none, as S3 does); Suspended, replaces the `null` version with a `null` marker.
   * Returns the marker made, if any.
   */
  async delete(key: string): Promise<DeleteMarker | undefined> {
    return this.lock.run(key, async () => {
      if (this.status === undefined) {
        await this.replaceVersions(key, (versions) => versions.filter((v) => v.versionId !== NULL_VERSION));
        return undefined;
      }
      const marker: DeleteMarker = {
        key,
        versionId: this.status === 'Enabled' ? newVersionId() : NULL_VERSION,
        lastModified: Math.floor(Date.now() / 1000) * 1000,
        deleteMarker: true,
      };
      await this.replaceVersions(key, (versions) => [
        marker,
        ...versions.filter((v) => v.versionId !== marker.versionId),
      ]);
      return marker;
    });
  }

  /** DELETE with a version id: removes that version for good; returns it, or undefined if absent. */
  async deleteVersion(key: string, versionId: string): Promise<Version | undefined> {
    return this.lock.run(key, async () => {
      const removed = this.version(key, versionId);
      if (removed) await this.replaceVersions(key, (versions) => versions.filter((v) => v !== removed));
      return removed;
    });
  }

  /** Writes the key's new version list (or removes its sidecar when empty), then drops unnamed blobs. */
  private async replaceVersions(key: string, change: (versions: Version[]) => Version[]): Promise<void> {
    const before = this.byKey.get(key)?.versions ?? [];
    const after = change(before);
    if (after.length > 0) {
      await writeJsonAtomic(this.metaPath(key), { key, versions: after } satisfies KeyVersions, this.tmpDir);
      this.insert(key, after);
    } else if (before.length > 0) {
      await unlink(this.metaPath(key)).catch((error) => {
        if (!isMissingFile(error)) throw error;
      });
      this.remove(key);
    }
    for (const gone of before) {
      if (!isDeleteMarker(gone) && !after.includes(gone)) await rm(this.blobPath(gone), { force: true });
    }
  }

  /**
   * Opens the data of `key`'s current object (or of the version `versionId`, which must not be a delete
   * marker) with its metadata. An open file stays readable when a concurrent write replaces the object;
   * a write landing between the lookup and the open is retried once.
   */
  async openObject(
    key: string,
    versionId?: string,
  ): Promise<{ meta: ObjectMeta; file: FileHandle } | undefined> {
    for (let attempt = 0; attempt < 2; attempt++) {
      const version = versionId === undefined ? this.get(key) : this.version(key, versionId);
      if (!version || isDeleteMarker(version)) return undefined;
      try {
        return { meta: version, file: await open(this.blobPath(version), 'r') };
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

  private insert(key: string, versions: Version[]): void {
    const existing = this.byKey.get(key);
    if (existing) {
      existing.versions = versions;
      return;
    }
    const entry = { bytes: Buffer.from(key), versions };
    const low = this.position(entry.bytes);
    this.sorted.splice(low, 0, entry);
    this.byKey.set(key, entry);
  }

  private remove(key: string): void {
    const entry = this.byKey.get(key);
    if (!entry) return;
    this.byKey.delete(key);
    this.sorted.splice(this.position(entry.bytes), 1);
  }
}

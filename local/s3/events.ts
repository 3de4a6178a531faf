/** What the server tells its listeners: an object stored, an object removed (as S3's event notifications). */

export interface ObjectCreatedEvent {
  readonly bucket: string;
  readonly key: string;
  readonly size: number;
  /** Quoted, as S3 reports it. */
  readonly etag: string;
  /** The version stored, once the bucket is versioned. */
  readonly versionId?: string;
  /** Orders the events of one key, as S3's sequencer (set by the server when the object is stored). */
  readonly sequencer?: string;
}

/** An object deleted (DeleteObject or DeleteObjects), for the usage recorder's notification. */
export interface ObjectRemovedEvent {
  readonly bucket: string;
  readonly key: string;
  /** The version removed, or the delete marker's version. */
  readonly versionId?: string;
  /** A delete marker was created (S3's ObjectRemoved:DeleteMarkerCreated). @default false */
  readonly deleteMarker?: boolean;
  /** Removed by the bucket's lifecycle rules (S3's LifecycleExpiration:Delete). @default false */
  readonly lifecycle?: boolean;
  readonly sequencer?: string;
}

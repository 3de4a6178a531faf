import { HeadObjectCommand, ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import { NotFoundError, PayloadTooLargeError, TooManyFilesError } from './errors';
import { s3Key } from './keys';
import { mapConcurrently } from './pool';
import { isNotFound } from './zip-job-records';
import type { ZipLimits } from './zip-limits';

/** A file to zip, before entry names are made unique. */
export interface ZipSource {
  readonly s3Key: string;
  /** Its path relative to the folder the caller was looking at: "a.txt", or "photos/2024/b.jpg". */
  readonly relativeName: string;
  readonly size: number;
  readonly lastModified?: string;
}

/** HeadObject and ListObjectsV2 calls in flight at once: quick for 1,000 keys, gentle on S3. */
const CONCURRENCY = 16;

/**
 * The files behind the caller's keys, in the keys' order, each once. A file key must exist (404 naming
 * it); a folder key ("photos/") adds every file below it with its path from the folder's own name on,
 * as a file manager would ("photos/2024/b.jpg"), and must hold at least one file. The limits are
 * checked as files are found, so a huge folder is refused without listing all of it.
 */
export async function resolveSources(
  s3: S3Client,
  bucket: string,
  identityId: string,
  userKeys: readonly unknown[],
  limits: ZipLimits,
): Promise<ZipSource[]> {
  const counted = new Set<string>();
  let totalBytes = 0;
  const count = (source: ZipSource) => {
    if (counted.has(source.s3Key)) return;
    counted.add(source.s3Key);
    totalBytes += source.size;
    if (counted.size > limits.maxFiles) {
      throw new TooManyFilesError(`A zip holds at most ${limits.maxFiles} files.`);
    }
    if (totalBytes > limits.maxBytes) {
      throw new PayloadTooLargeError(`A zip holds at most ${formatBytes(limits.maxBytes)} of files.`);
    }
  };

  // Validate every key before the first S3 call, so a bad key costs nothing.
  const targets = userKeys.map((key) => ({
    s3Key: s3Key(identityId, key, 'file-or-folder'),
    key: key as string,
  }));
  const found = await mapConcurrently(targets, CONCURRENCY, (target) =>
    target.key.endsWith('/')
      ? folderSources(s3, bucket, target.key, target.s3Key, count)
      : fileSource(s3, bucket, target.key, target.s3Key).then((source) => {
          count(source);
          return [source];
        }),
  );

  const seen = new Set<string>();
  return found.flat().filter((source) => !seen.has(source.s3Key) && seen.add(source.s3Key));
}

async function fileSource(s3: S3Client, bucket: string, userKey: string, key: string): Promise<ZipSource> {
  try {
    const head = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
    return {
      s3Key: key,
      relativeName: lastSegment(userKey),
      size: head.ContentLength ?? 0,
      lastModified: head.LastModified?.toISOString(),
    };
  } catch (error) {
    if (!isNotFound(error)) throw error;
    throw new NotFoundError(
      `File not found: ${JSON.stringify(userKey)} (a folder's key ends in "/", e.g. ${JSON.stringify(`${userKey}/`)}).`,
    );
  }
}

async function folderSources(
  s3: S3Client,
  bucket: string,
  userKey: string,
  prefix: string,
  count: (source: ZipSource) => void,
): Promise<ZipSource[]> {
  const base = `${lastSegment(userKey.slice(0, -1))}/`;
  const sources: ZipSource[] = [];
  let token: string | undefined;
  do {
    const page = await s3.send(
      new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }),
    );
    for (const object of page.Contents ?? []) {
      const key = object.Key ?? '';
      // Zero-byte "folder/" markers that some tools create are folders, not files.
      if (!key.startsWith(prefix) || key.endsWith('/')) continue;
      const source = {
        s3Key: key,
        relativeName: base + key.slice(prefix.length),
        size: object.Size ?? 0,
        lastModified: object.LastModified?.toISOString(),
      };
      count(source);
      sources.push(source);
    }
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);
  if (sources.length === 0) {
    throw new NotFoundError(`Folder is empty or not found: ${JSON.stringify(userKey)}.`);
  }
  return sources;
}

function lastSegment(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

function formatBytes(bytes: number): string {
  for (const [unit, size] of [
    ['GiB', 1024 ** 3],
    ['MiB', 1024 ** 2],
    ['KiB', 1024],
  ] as const) {
    if (bytes >= size && bytes % size === 0) return `${bytes / size} ${unit}`;
  }
  return `${bytes} bytes`;
}

// --server aws: the zip benchmark against real S3, in a scratch bucket of the operator's own (default
// credential chain and region). Run it inside AWS, in the bucket's region (CloudShell, an EC2 instance):
// the streaming modes then pay a network like a Lambda's, and the copy modes S3's own copy speed.
import { DeleteObjectsCommand, ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import type { BenchTarget } from './bench-zip-client';

/** The only keys the benchmark writes: its sources and its archives. */
const BENCH_PREFIXES = ['bench/', 'zip/bench/'];

/**
 * The target of a run on real S3, once the bucket is known to hold nothing but the benchmark's own
 * objects: the benchmark overwrites and deletes those keys, so it refuses any bucket with other data.
 */
export async function awsTarget(s3: S3Client, bucket: string): Promise<BenchTarget> {
  let token: string | undefined;
  do {
    const page = await s3.send(new ListObjectsV2Command({ Bucket: bucket, ContinuationToken: token }));
    const foreign = (page.Contents ?? []).find(
      ({ Key = '' }) => !BENCH_PREFIXES.some((prefix) => Key.startsWith(prefix)),
    );
    if (foreign)
      throw new Error(
        `--server aws needs a scratch bucket: ${bucket} holds keys outside ${BENCH_PREFIXES.join(' and ')}`,
      );
    token = page.NextContinuationToken;
  } while (token);
  return { server: 'aws', endpoint: '', bucket };
}

/** Deletes the sources the run seeded (the archives are deleted after each mode). */
export async function removeSources(s3: S3Client, bucket: string, keys: readonly string[]): Promise<void> {
  for (let at = 0; at < keys.length; at += 1000) {
    const Objects = keys.slice(at, at + 1000).map((Key) => ({ Key }));
    await s3.send(new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects, Quiet: true } }));
  }
}

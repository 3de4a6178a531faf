import { Readable } from 'node:stream';
import type { S3Client } from '@aws-sdk/client-s3';
import { expect } from 'chai';
import {
  ObjectPrefetcher,
  type PrefetchEntry,
} from '../../../../../../handlers/lib/zip/yazl-stream/prefetch';
import { objectKey } from '../../../../../support/objects';

const MiB = 1024 * 1024;

/** A client whose GetObject answers at once with an empty stream of the entry's size, and notes each key. */
function fakeS3(requested: string[]): S3Client {
  const send = async (command: { input: { Key: string } }) => {
    requested.push(command.input.Key);
    return { Body: Readable.from([]), ContentLength: Number(command.input.Key.split(':')[1]) };
  };
  return { send } as unknown as S3Client;
}

const entry = (index: number, size: number): PrefetchEntry => ({
  s3Key: objectKey(`${index}:${size}`),
  name: `f${index}`,
  size,
});

describe('ObjectPrefetcher', () => {
  it('opens up to `objects` entries ahead of the one being written', () => {
    const requested: string[] = [];
    const entries = [1, 2, 3, 4, 5].map((i) => entry(i, 1000));
    const prefetcher = new ObjectPrefetcher(
      fakeS3(requested),
      'b',
      entries,
      { objects: 2, bytes: 16 * MiB },
      () => {},
    );
    prefetcher.take(0);
    expect(requested).to.deep.equal(['1:1000', '2:1000', '3:1000']);
    prefetcher.take(1);
    expect(requested).to.deep.equal(['1:1000', '2:1000', '3:1000', '4:1000']);
  });

  it('opens the next entry only when the bytes left before it fit in the window', () => {
    const requested: string[] = [];
    const entries = [entry(1, 100 * MiB), entry(2, 1), entry(3, 20 * MiB)];
    const prefetcher = new ObjectPrefetcher(
      fakeS3(requested),
      'b',
      entries,
      { objects: 8, bytes: 16 * MiB },
      () => {},
    );
    prefetcher.take(0);
    expect(requested).to.have.length(1);
    prefetcher.advance(80 * MiB);
    expect(requested).to.have.length(1);
    prefetcher.advance(10 * MiB); // 10 MiB left: the next two entries start within 16 MiB
    expect(requested).to.deep.equal([`1:${100 * MiB}`, '2:1', `3:${20 * MiB}`]);
  });

  it('opens nothing ahead with objects 0', () => {
    const requested: string[] = [];
    const entries = [entry(1, 1), entry(2, 1)];
    const prefetcher = new ObjectPrefetcher(
      fakeS3(requested),
      'b',
      entries,
      { objects: 0, bytes: 16 * MiB },
      () => {},
    );
    prefetcher.take(0);
    prefetcher.advance(1);
    expect(requested).to.deep.equal(['1:1']);
  });
});

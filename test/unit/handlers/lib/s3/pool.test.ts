import { expect } from 'chai';
import { mapConcurrently } from '../../../../../handlers/lib/s3/pool';

describe('mapConcurrently', () => {
  it('keeps the order of the items and never runs more than the limit at once', async () => {
    let running = 0;
    let peak = 0;
    const result = await mapConcurrently([5, 1, 4, 2, 3, 0], 2, async (n) => {
      running++;
      peak = Math.max(peak, running);
      for (let i = 0; i < n; i++) await Promise.resolve();
      running--;
      return n * 10;
    });
    expect(result).to.deep.equal([50, 10, 40, 20, 30, 0]);
    expect(peak).to.equal(2);
  });

  it('rejects with the first failure and starts nothing after it', async () => {
    const started: number[] = [];
    const run = mapConcurrently([1, 2, 3, 4, 5], 1, async (n) => {
      started.push(n);
      if (n === 2) throw new Error('boom');
      return n;
    });
    const error = await run.then(
      () => undefined,
      (e: Error) => e,
    );
    expect(error?.message).to.equal('boom');
    expect(started).to.deep.equal([1, 2]);
  });
});

import { expect } from 'chai';
import { ProgressRecorder } from '../../handlers/lib/progress-recorder';

describe('ProgressRecorder', () => {
  function recorder(intervalMs = 2000) {
    let clock = 0;
    const writes: number[] = [];
    let release: () => void = () => {};
    const rec = new ProgressRecorder<number>(
      (progress) => {
        writes.push(progress);
        return new Promise<void>((resolve) => {
          release = resolve;
        });
      },
      intervalMs,
      () => clock,
    );
    return { rec, writes, tick: (ms: number) => (clock += ms), release: () => release() };
  }

  it('writes at most once per interval', async () => {
    const { rec, writes, tick, release } = recorder();
    rec.report(1);
    tick(1999);
    rec.report(2);
    expect(writes).to.deep.equal([]);
    tick(1);
    rec.report(3);
    release();
    await rec.settle();
    tick(500);
    rec.report(4);
    tick(1500);
    rec.report(5);
    release();
    await rec.settle();
    expect(writes).to.deep.equal([3, 5]);
  });

  it('skips reports while a write is in flight, and settle waits for it', async () => {
    const { rec, writes, tick, release } = recorder();
    tick(2000);
    rec.report(1);
    tick(5000);
    rec.report(2);
    expect(writes).to.deep.equal([1]);
    let settled = false;
    const settling = rec.settle().then(() => {
      settled = true;
    });
    await Promise.resolve();
    expect(settled).to.equal(false);
    release();
    await settling;
    expect(settled).to.equal(true);
  });

  it('swallows a failed write and reports it', async () => {
    const errors: unknown[] = [];
    const rec = new ProgressRecorder<number>(
      () => Promise.reject(new Error('S3 down')),
      0,
      () => 0,
      (error) => errors.push(error),
    );
    rec.report(1);
    await rec.settle();
    expect(errors).to.have.length(1);
  });
});

import { expect } from 'chai';
import { ProgressRecorder } from '../../../../../../handlers/lib/zip/jobs/progress';

describe('ProgressRecorder', () => {
  /** A recorder on a fake clock whose writes stay in flight until released. */
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
    const settle = async () => {
      release();
      await new Promise((resolve) => setImmediate(resolve));
    };
    return { rec, writes, tick: (ms: number) => (clock += ms), settle };
  }

  it('writes at most once per interval', async () => {
    const { rec, writes, tick, settle } = recorder();
    rec.report(1);
    tick(1999);
    rec.report(2);
    expect(writes).to.deep.equal([]);
    tick(1);
    rec.report(3);
    await settle();
    tick(1999);
    rec.report(4);
    tick(1);
    rec.report(5);
    await settle();
    expect(writes).to.deep.equal([3, 5]);
  });

  it('skips reports while a write is in flight', async () => {
    const { rec, writes, tick, settle } = recorder();
    tick(2000);
    rec.report(1);
    tick(5000);
    rec.report(2);
    expect(writes).to.deep.equal([1]);
    await settle();
    rec.report(3);
    expect(writes).to.deep.equal([1, 3]);
  });

  it('on close, waits for the write in flight and ignores every later report', async () => {
    const { rec, writes, tick, settle } = recorder();
    tick(2000);
    rec.report(1);
    let closed = false;
    const closing = rec.close().then(() => {
      closed = true;
    });
    await Promise.resolve();
    expect(closed).to.equal(false);
    await settle();
    await closing;
    expect(closed).to.equal(true);
    tick(5000);
    rec.report(2);
    expect(writes).to.deep.equal([1]);
  });

  it('swallows a failed write and hands the error on', async () => {
    const errors: unknown[] = [];
    const rec = new ProgressRecorder<number>(
      () => Promise.reject(new Error('S3 down')),
      0,
      () => 0,
      (error) => errors.push(error),
    );
    rec.report(1);
    await rec.close();
    expect(errors).to.have.length(1);
  });
});

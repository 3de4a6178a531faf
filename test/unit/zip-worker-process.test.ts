import { execFileSync } from 'node:child_process';
import { expect } from 'chai';
import { ZIP_WORKER_PROCESS_ENVIRONMENT as settings } from '../../handlers/routes';

const heapLimitMiB = (environment: Record<string, string>): number =>
  Number(
    execFileSync(process.execPath, ['-p', 'v8.getHeapStatistics().heap_size_limit / 1048576'], {
      env: { PATH: process.env.PATH, ...environment },
      encoding: 'utf8',
    }),
  );

describe("the zip worker's process settings", () => {
  it('sets NODE_OPTIONS, which Node accepts (it refuses most V8 flags there)', () => {
    expect(settings.NODE_OPTIONS).to.be.a('string');
    // execFileSync throws when Node exits with "… is not allowed in NODE_OPTIONS".
    expect(heapLimitMiB(settings)).to.be.greaterThan(0);
  });

  it("caps V8's young generation (three semi-spaces) below its default on a large machine", () => {
    const semiSpaceMiB = Number(/--max-semi-space-size=(\d+)/.exec(settings.NODE_OPTIONS ?? '')?.[1]);
    expect(semiSpaceMiB).to.be.within(1, 15);
    const capped = heapLimitMiB(settings);
    const uncapped = heapLimitMiB({ NODE_OPTIONS: '--max-semi-space-size=16' });
    expect(uncapped - capped).to.equal(3 * (16 - semiSpaceMiB));
  });
});

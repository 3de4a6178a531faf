import { execFileSync } from 'node:child_process';
import { expect } from 'chai';
import { ZIP_WORKER_PROCESS_ENVIRONMENT as settings } from '../../contract/routes';

const heapLimitMiB = (environment: Record<string, string>): number =>
  Number(
    execFileSync(process.execPath, ['-p', 'v8.getHeapStatistics().heap_size_limit / 1048576'], {
      env: { PATH: process.env.PATH, ...environment },
      encoding: 'utf8',
    }),
  );

describe("the zip worker's process settings", () => {
  it('sets both heap sizes, since Lambda sets neither when NODE_OPTIONS names one', () => {
    const flag = (name: string) =>
      Number(new RegExp(`--${name}=(\\d+)`).exec(settings.NODE_OPTIONS ?? '')?.[1]);
    const semiSpaceMiB = flag('max-semi-space-size');
    const oldSpaceMiB = flag('max-old-space-size');
    expect(semiSpaceMiB).to.be.within(1, 15);
    expect(oldSpaceMiB).to.be.within(256, 10_240);
    // V8's heap limit is the old space plus the young generation, three semi-spaces. execFileSync throws
    // if Node refuses a flag in NODE_OPTIONS (it accepts only a few of V8's).
    expect(heapLimitMiB(settings)).to.equal(oldSpaceMiB + 3 * semiSpaceMiB);
  });
});

import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import type { LogLine } from '../../../../../contract/log-line';
import { jobWorker } from '../../../../../handlers/lib/wiring/job-worker';
import { zipRequestKey } from '../../../../../handlers/lib/zip/jobs/job-keys';
import { identityId } from '../../../../support/events';
import { s3Event } from '../../../../support/zip-jobs';

describe('jobWorker', () => {
  const bucket = 'lockbox-test';
  const context = { awsRequestId: 'req-1', getRemainingTimeInMillis: () => 60_000 };
  const job = { identityId: identityId(), jobId: randomUUID() };
  const worker = (run: Parameters<typeof jobWorker>[1]) => {
    const lines: LogLine[] = [];
    return { lines, handle: jobWorker({ bucket, log: (line) => lines.push(line) }, run) };
  };

  it("runs the event's job and logs its outcome with the job's ids and a duration", async () => {
    const seen: unknown[] = [];
    const { lines, handle } = worker(async (ran, _context, ids) => {
      seen.push(ran, ids);
      return { outcome: 'done', filesDone: 2 };
    });
    await handle(s3Event(bucket, zipRequestKey(job)), context);
    const ids = { requestId: 'req-1', ...job };
    expect(seen).to.deep.equal([job, ids]);
    expect(lines).to.have.length(1);
    expect(lines[0]).to.deep.include({ ...ids, outcome: 'done', filesDone: 2 });
    expect((lines[0] as { durationMs: number }).durationMs)
      .to.be.a('number')
      .and.at.least(0);
  });

  it('logs an event that names no job as refused records, and runs nothing', async () => {
    let runs = 0;
    const { lines, handle } = worker(async () => {
      runs++;
      return { outcome: 'done' };
    });
    await handle(s3Event('other-bucket', zipRequestKey(job)), context);
    expect(runs).to.equal(0);
    expect(lines).to.deep.equal([{ requestId: 'req-1', refusedRecords: 1 }]);
  });

  it('logs a thrown error as retry, its class only, and throws it again for Lambda to retry', async () => {
    const failure = new Error('s3://secret-bucket/key refused');
    const { lines, handle } = worker(async () => {
      throw failure;
    });
    let thrown: unknown;
    await handle(s3Event(bucket, zipRequestKey(job)), context).catch((error: unknown) => {
      thrown = error;
    });
    expect(thrown).to.equal(failure);
    expect(lines).to.have.length(1);
    expect(lines[0]).to.deep.include({ outcome: 'retry', reason: 'Error' });
    expect(JSON.stringify(lines)).to.not.contain('secret-bucket');
  });
});

import { expect } from 'chai';
import sinon from 'sinon';
import { logLine } from '../../../../../handlers/lib/wiring/log-line';

describe('logLine', () => {
  const line = { worker: 'usage-recorder', records: 2, applied: 1, refused: 0 } as const;
  let saved: string | undefined;
  beforeEach(() => {
    saved = process.env.AWS_LAMBDA_LOG_FORMAT;
  });
  afterEach(() => {
    sinon.restore();
    if (saved === undefined) delete process.env.AWS_LAMBDA_LOG_FORMAT;
    else process.env.AWS_LAMBDA_LOG_FORMAT = saved;
  });

  it("hands Lambda's JSON log format the object, which it nests as the record's message", () => {
    process.env.AWS_LAMBDA_LOG_FORMAT = 'JSON';
    const write = sinon.stub(console, 'log');
    logLine(line);
    expect(write.args).to.deep.equal([[line]]);
  });

  it('writes one JSON string anywhere else (Text format, local mode)', () => {
    delete process.env.AWS_LAMBDA_LOG_FORMAT;
    const write = sinon.stub(console, 'log');
    logLine(line);
    expect(write.args).to.deep.equal([[JSON.stringify(line)]]);
  });

  it('takes only the shapes contract/log-line.ts declares: an ad-hoc line does not compile', () => {
    const adHoc = () => {
      // @ts-expect-error a field no line has
      logLine({ requestId: 'r', refusedRecords: 0, bucket: 'lockbox-files' });
      // @ts-expect-error a renamed field: the usage check's drift is `usersWithDrift`
      logLine({ worker: 'usage-reconciler', usersDrifted: 1, usersChanging: 0, driftBytes: 0, users: [] });
      // @ts-expect-error a string, as handlers wrote before the schema
      logLine(JSON.stringify(line));
    };
    expect(adHoc).to.be.a('function');
  });
});

import { expect } from 'chai';
import { type AsyncFunction, AsyncInvoker } from '../../local/lambda/async-invoker';
import { LambdaTimeoutError, withTimeout } from '../../local/lambda/context';
import { matchesFilter, objectCreatedEvent } from '../../local/lambda/s3-notification';

function fn(
  name: string,
  behaviour: (event: unknown) => Promise<unknown>,
  extra: Partial<AsyncFunction> = {},
) {
  const calls: unknown[] = [];
  const target: AsyncFunction = {
    name,
    handler: async (event) => {
      calls.push(event);
      return behaviour(event);
    },
    timeoutSeconds: 1,
    memoryMiB: 128,
    maxRetryAttempts: 2,
    ...extra,
  };
  return { target, calls };
}

describe('AsyncInvoker (Lambda asynchronous invocation)', () => {
  const quiet = { retryDelaysMs: [1, 1], log: () => {} };

  it('returns at once and runs the function in the background', async () => {
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const worker = fn('zip-worker', () => gate);
    const invoker = new AsyncInvoker(quiet);
    invoker.invoke(worker.target, { n: 1 });
    await Promise.resolve();
    expect(worker.calls).to.deep.equal([{ n: 1 }]);
    release();
    await invoker.idle();
  });

  it('retries a failed invocation, and stops at the first success', async () => {
    let attempts = 0;
    const worker = fn('zip-worker', async () => {
      attempts++;
      if (attempts < 3) throw new Error('S3 is busy');
    });
    const failed = fn('zip-failed', async () => {});
    const invoker = new AsyncInvoker(quiet);
    invoker.invoke({ ...worker.target, onFailure: failed.target }, { job: 'a' });
    await invoker.idle();
    expect(worker.calls).to.have.length(3);
    expect(failed.calls).to.have.length(0);
  });

  it('hands the event and the last error to the on-failure destination after every retry failed', async () => {
    const worker = fn('zip-worker', async () => {
      throw new TypeError('boom');
    });
    const failed = fn('zip-failed', async () => {});
    const lines: string[] = [];
    const invoker = new AsyncInvoker({ ...quiet, log: (line) => lines.push(line) });
    invoker.invoke({ ...worker.target, onFailure: failed.target }, { job: 'b' });
    await invoker.idle();
    expect(worker.calls).to.have.length(3);
    expect(failed.calls).to.have.length(1);
    expect(failed.calls[0]).to.deep.include({
      requestPayload: { job: 'b' },
      responsePayload: { errorType: 'TypeError', errorMessage: 'boom' },
    });
    expect(failed.calls[0]).to.have.nested.property('requestContext.condition', 'RetriesExhausted');
    expect(failed.calls[0]).to.have.nested.property('requestContext.approximateInvokeCount', 3);
    expect(lines).to.deep.equal([1, 2, 3].map((n) => `zip-worker failed (attempt ${n}): TypeError`));
  });

  it('counts a run past the timeout as a failure', async () => {
    const slow = withTimeout(new Promise((resolve) => setTimeout(resolve, 200)), 0.01);
    await slow.then(
      () => expect.fail('should time out'),
      (error) => expect(error).to.be.instanceOf(LambdaTimeoutError),
    );
  });
});

describe('S3 notifications', () => {
  it('match the trigger by prefix and suffix', () => {
    const trigger = { prefix: 'zip/', suffix: 'request.json' };
    expect(matchesFilter('zip/eu-west-1:abc/123/request.json', trigger)).to.equal(true);
    expect(matchesFilter('zip/eu-west-1:abc/123/status.json', trigger)).to.equal(false);
    expect(matchesFilter('eu-west-1:abc/zip/request.json', trigger)).to.equal(false);
  });

  it('carry the key URL-encoded with "+" for a space, as S3 sends it', () => {
    const key = 'zip/eu-west-1:abc/a b+c(é)/request.json';
    const event = objectCreatedEvent({ bucket: 'lockbox-local', key, size: 10, etag: '"abc"' }, 'eu-west-1');
    const record = event.Records[0];
    expect(record.eventName).to.equal('ObjectCreated:Put');
    expect(record.s3.bucket.name).to.equal('lockbox-local');
    expect(record.s3.object.key).to.equal('zip/eu-west-1%3Aabc/a+b%2Bc(%C3%A9)/request.json');
    expect(decodeURIComponent(record.s3.object.key.replace(/\+/g, ' '))).to.equal(key);
    expect(record.s3.object.eTag).to.equal('abc');
  });
});

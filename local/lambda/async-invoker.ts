import { invocationContext, withTimeout } from './context';
import type { LambdaHandler } from './handlers';
import type { Outbox } from './outbox';

/** A function invoked asynchronously (an S3 notification, an on-failure destination). */
export interface AsyncFunction {
  readonly name: string;
  readonly handler: LambdaHandler;
  readonly timeoutSeconds: number;
  readonly memoryMiB: number;
  /** Retries after the first attempt, and the function that gets the event when all have failed. */
  readonly maxRetryAttempts: number;
  readonly onFailure?: AsyncFunction;
}

export interface AsyncInvokerOptions {
  /** The wait before each retry. Lambda waits about 1 then 2 minutes; locally seconds are enough. */
  readonly retryDelaysMs: readonly number[];
  readonly log: (line: string) => void;
  /** Where each invocation is kept until it ends, so that a crash loses none (outbox.ts). @default none */
  readonly outbox?: Outbox;
}

/**
 * Lambda's asynchronous invocation: the caller does not wait; a thrown error or a timeout is retried
 * `maxRetryAttempts` times, then the on-failure destination receives the event and the last error. With
 * an outbox, `invoke` records the invocation before it returns (and throws if it cannot), and `resume`
 * delivers again what a killed process had not finished.
 */
export class AsyncInvoker {
  private readonly running = new Set<Promise<void>>();

  constructor(private readonly options: AsyncInvokerOptions) {}

  invoke(fn: AsyncFunction, event: unknown): void {
    this.start(fn, event, this.options.outbox?.add(fn.name, event));
  }

  /** Starts again every invocation the outbox holds (call once, at start); returns how many. */
  resume(functionNamed: (name: string) => AsyncFunction | undefined): number {
    const outbox = this.options.outbox;
    if (outbox === undefined) return 0;
    const { invocations, unreadable } = outbox.pending();
    if (unreadable > 0) this.options.log(`outbox: dropped ${unreadable} unreadable invocation(s)`);
    let resumed = 0;
    for (const { id, functionName, event } of invocations) {
      const fn = functionNamed(functionName);
      if (fn === undefined) {
        this.options.log(`outbox: no function ${functionName}, invocation dropped`);
        outbox.remove(id);
        continue;
      }
      this.start(fn, event, id);
      resumed++;
    }
    return resumed;
  }

  private start(fn: AsyncFunction, event: unknown, outboxId: string | undefined): void {
    const run = this.attempt(fn, event).finally(() => {
      if (outboxId !== undefined) this.options.outbox?.remove(outboxId);
      this.running.delete(run);
    });
    this.running.add(run);
  }

  /** Resolves once every invocation started so far, retries and destinations included, has ended. */
  async idle(): Promise<void> {
    while (this.running.size > 0) await Promise.allSettled([...this.running]);
  }

  private async attempt(fn: AsyncFunction, event: unknown): Promise<void> {
    let lastError: unknown;
    for (let attempt = 0; attempt <= fn.maxRetryAttempts; attempt++) {
      if (attempt > 0) await sleep(this.options.retryDelaysMs[attempt - 1] ?? 0);
      const context = invocationContext(fn.name, fn.timeoutSeconds, fn.memoryMiB);
      try {
        await withTimeout(fn.handler(event, context), fn.timeoutSeconds);
        return;
      } catch (error) {
        lastError = error;
        // The error's name only: a message may quote a key.
        this.options.log(`${fn.name} failed (attempt ${attempt + 1}): ${errorName(error)}`);
      }
    }
    // Recorded before this invocation's own record is removed (start's finally).
    if (fn.onFailure !== undefined) {
      this.invoke(fn.onFailure, failureRecord(fn, event, lastError, fn.maxRetryAttempts + 1));
    }
  }
}

/** What Lambda delivers to an on-failure destination. */
function failureRecord(fn: AsyncFunction, event: unknown, error: unknown, attempts: number) {
  return {
    version: '1.0',
    timestamp: new Date().toISOString(),
    requestContext: {
      requestId: crypto.randomUUID(),
      functionArn: `arn:aws:lambda:local:000000000000:function:${fn.name}:$LATEST`,
      condition: 'RetriesExhausted',
      approximateInvokeCount: attempts,
    },
    requestPayload: event,
    responseContext: { statusCode: 200, executedVersion: '$LATEST', functionError: 'Unhandled' },
    responsePayload: {
      errorType: errorName(error),
      errorMessage: error instanceof Error ? error.message : String(error),
    },
  };
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function errorName(error: unknown): string {
  return error instanceof Error ? error.name : typeof error;
}

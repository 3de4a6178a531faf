import { randomUUID } from 'node:crypto';
import type { Context } from 'aws-lambda';

/** The invocation context Lambda hands a handler: a request id and the time left before the timeout. */
export function invocationContext(functionName: string, timeoutSeconds: number, memoryMiB: number): Context {
  const deadline = Date.now() + timeoutSeconds * 1000;
  const awsRequestId = randomUUID();
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:local:000000000000:function:${functionName}`,
    memoryLimitInMB: String(memoryMiB),
    awsRequestId,
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: awsRequestId,
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: unsupported,
    fail: unsupported,
    succeed: unsupported,
  };
}

function unsupported(): never {
  throw new Error('Callback-style handlers are not used: lockbox handlers are async.');
}

/** Lambda's timeout: the handler's promise races its deadline, as the runtime kills a late invocation. */
export async function withTimeout<T>(run: Promise<T>, timeoutSeconds: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new LambdaTimeoutError(timeoutSeconds)), timeoutSeconds * 1000);
  });
  try {
    return await Promise.race([run, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

export class LambdaTimeoutError extends Error {
  constructor(timeoutSeconds: number) {
    super(`Task timed out after ${timeoutSeconds.toFixed(2)} seconds`);
    this.name = 'Sandbox.Timedout';
  }
}

import { INTEGRATION_TIMEOUT_SECONDS, type Route, type Worker } from '../contract/routes';

const MAX_TIMEOUT_SECONDS = 900;

/**
 * Checks the route and worker tables at synth, so that a mistake fails there rather than halfway
 * through an apply: one function per handler, settings Lambda accepts, failure destinations and
 * concurrency reservations that name a worker.
 */
export function checkFunctionTable(
  routes: readonly Route[],
  workers: readonly Worker[],
  workerConcurrency: Readonly<Record<string, number>>,
): void {
  const seen = new Set<string>();
  for (const { handler } of [...routes, ...workers]) {
    if (seen.has(handler)) throw new Error(`Handler "${handler}" serves more than one route or worker`);
    seen.add(handler);
  }
  for (const route of routes) {
    checkSize(route.handler, route.memoryMiB, route.timeoutSeconds, INTEGRATION_TIMEOUT_SECONDS);
  }
  const workerNames = new Set(workers.map((worker) => worker.handler));
  for (const worker of workers) {
    checkSize(worker.handler, worker.memoryMiB, worker.timeoutSeconds, MAX_TIMEOUT_SECONDS);
    const retries = worker.async;
    if (retries === undefined) continue;
    if (!workerNames.has(retries.onFailure) || retries.onFailure === worker.handler) {
      throw new Error(`${worker.handler}: onFailure "${retries.onFailure}" is not another worker`);
    }
    checkRange(`${worker.handler}: maxRetryAttempts`, retries.maxRetryAttempts, 0, 2);
    // The event age is a limit: validateEnvironment checks it against Lambda's 60..21600 s (settings.ts).
  }
  for (const name of Object.keys(workerConcurrency)) {
    if (!workerNames.has(name)) throw new Error(`workerConcurrency: "${name}" is not a worker`);
  }
}

function checkSize(handler: string, memoryMiB: number | undefined, timeout: number | undefined, max: number) {
  if (memoryMiB !== undefined) checkRange(`${handler}: memoryMiB`, memoryMiB, 128, 10240);
  if (timeout !== undefined) checkRange(`${handler}: timeoutSeconds`, timeout, 1, max);
}

function checkRange(what: string, value: number, min: number, max: number): void {
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    throw new Error(`${what} must be an integer in ${min}..${max}, got ${value}`);
  }
}

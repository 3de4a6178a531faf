import { join } from 'node:path';
import type { Context } from 'aws-lambda';

/** A handler as Lambda calls it: an event in, a result (or nothing) out. */
export type LambdaHandler = (event: unknown, context: Context) => Promise<unknown>;

/**
 * Imports `handlers/<name>.ts` and returns its `handler`, exactly the export Lambda runs. The module reads
 * its settings from process.env when it loads, so the caller sets the environment first.
 */
export function loadHandler(handlersDir: string, name: string): LambdaHandler {
  if (!/^[a-z][a-z0-9-]*$/.test(name)) throw new Error(`Not a handler name: ${name}`);
  // require, not import(): the handlers are TypeScript, compiled on load by the same hook as this file.
  const module = require(join(handlersDir, `${name}.ts`)) as { handler?: unknown };
  if (typeof module.handler !== 'function') throw new Error(`handlers/${name}.ts exports no handler`);
  return module.handler as LambdaHandler;
}

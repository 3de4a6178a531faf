import { transferRoute } from './lib/transfers/route';
import { type CallerDeps, callerDepsFromEnv } from './lib/wiring/deps';

/** POST /files/move { from, to, overwrite? } — lib/transfers/route.ts; a move adds no bytes to the quota. */
export function moveFiles(deps: CallerDeps) {
  return transferRoute('move', deps);
}

export const handler = moveFiles(callerDepsFromEnv());

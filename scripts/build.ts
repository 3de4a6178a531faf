/**
 * Bundles every route's and worker's handler as the stack deploys it (dist/handlers/<name>.zip) and prints each
 * bundle's size against the 300 KB target. Exits non-zero if a handler fails to bundle.
 */
import { routes, workers } from '../contract/routes';
import { bundleHandlers } from '../modules/bundle/handler-bundle';

const TARGET_BYTES = 300 * 1024;

const bundles = bundleHandlers([...routes, ...workers].map((entry) => entry.handler));
for (const bundle of bundles.values()) {
  const kb = (bundle.bytes / 1024).toFixed(1);
  const verdict = bundle.bytes <= TARGET_BYTES ? 'ok' : 'OVER the 300 KB target';
  console.log(`${bundle.handler.padEnd(24)} ${kb.padStart(7)} KB  ${verdict}  ${bundle.zipPath}`);
}

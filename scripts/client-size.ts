/**
 * npm run size:client: what the client and the hooks add to an app's bundle, from their sources (see
 * scripts/package-size.ts), against their targets; exits non-zero above one. `npm run check:packages`
 * measures the same from the packed tarballs.
 */
import { PACKAGES, packageSize, report } from './package-size';

async function main(): Promise<void> {
  const sizes = await Promise.all(
    PACKAGES.map(({ name, dir, target }) => packageSize(name, `packages/${dir}/index.ts`, target)),
  );
  if (!report(sizes, true)) process.exitCode = 1;
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});

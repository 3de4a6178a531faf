// npm run build:web [-- --outputs <cdktf outputs file> [--stack <name>]]: the React app as static files
// in web/dist/, for any static host. With --outputs it also writes web/dist/config.json from the stack's
// outputs (`npx cdktf output lockbox-dev --outputs-file outputs.json`). See docs/example-app.md.
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import { buildWebApp } from './web/build';
import { configOfOutputs } from './web/deploy-config';

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { outputs: { type: 'string' }, stack: { type: 'string' } } });
  const outdir = join(__dirname, '..', 'web', 'dist');
  const config =
    values.outputs === undefined
      ? undefined
      : configOfOutputs(JSON.parse(await readFile(values.outputs, 'utf8')), values.stack);
  await rm(outdir, { recursive: true, force: true });
  await mkdir(outdir, { recursive: true });
  for (const file of await buildWebApp()) {
    await mkdir(dirname(join(outdir, file.name)), { recursive: true });
    await writeFile(join(outdir, file.name), file.body);
    console.log(`web/dist/${file.name}  ${(file.body.byteLength / 1024).toFixed(1)} KiB`);
  }
  if (config !== undefined) {
    await writeFile(join(outdir, 'config.json'), `${JSON.stringify(config, null, 2)}\n`);
    console.log(`web/dist/config.json  for ${config.api_url}`);
  } else {
    console.log('No --outputs: put a config.json beside index.html before serving it (docs/example-app.md).');
  }
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});

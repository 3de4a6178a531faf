// lockbox-admin: the operator's CLI (docs/admin.md). `npm run admin -- --help`.
import { createInterface } from 'node:readline/promises';
import { runAdmin } from './cli';

async function ask(question: string): Promise<string> {
  const lines = createInterface({ input: process.stdin, output: process.stderr });
  try {
    return await lines.question(question);
  } finally {
    lines.close();
  }
}

// `lockbox-admin … | head` closes the pipe early: that is not an error.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code !== 'EPIPE') throw error;
});

runAdmin(process.argv.slice(2), {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
  ask,
  env: process.env,
}).then((code) => {
  process.exitCode = code;
});

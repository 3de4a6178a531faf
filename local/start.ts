// npm start: the whole system on this machine (docs/local-mode.md).
// Settings: LOCKBOX_PORT (default 4280; 0 = any free port; S3 listens on the next port, or any free one),
// LOCKBOX_DATA (default .lockbox/), LOCKBOX_CREDENTIALS_SECONDS (the identity credentials' lifetime,
// default 3600), LOCKBOX_ORIGINS (browser origins allowed besides the local system and the common dev
// servers, comma-separated). `npm start -- --reset` starts from an empty data folder.
import { createWriteStream, existsSync } from 'node:fs';
import { mkdir, stat } from 'node:fs/promises';
import { join, relative, resolve } from 'node:path';
import { format } from 'node:util';
import { DATA_ENTRIES, resetDataDir } from './data-dir';
import { demoUserPath } from './demo-user';
import { FULL_DISK_MESSAGE, isDiskFull, isNoSpaceError } from './full-disk';
import { READY_LINE } from './launch';
import { parseOrigins } from './origins';
import { startLocalSystem } from './system';

const USAGE = `Usage: npm start [-- --reset]

Runs lockbox on this machine: the API (signed like API Gateway), Cognito stand-ins, an embedded S3 and
the example app. Settings: LOCKBOX_PORT (default 4280, 0 = any free port), LOCKBOX_DATA (default .lockbox),
LOCKBOX_ORIGINS (more browser origins, comma-separated; localhost and 127.0.0.1 on 5173, 4173 and 3000
are allowed already).
  --reset   delete the data folder's users, sessions and files first
  --help    this text`;

function port(value: string | undefined): number {
  if (value === undefined || value === '') return 4280;
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new UsageError(`LOCKBOX_PORT must be a port number (0 for any free one), not "${value}".`);
  }
  return port;
}

/** Local only: a short lifetime lets a frontend try its credential refresh. @default 3600, Cognito's */
function credentialsSeconds(value: string | undefined): number | undefined {
  if (value === undefined || value === '') return undefined;
  const seconds = Number(value);
  if (!Number.isInteger(seconds) || seconds < 1 || seconds > 43_200) {
    throw new UsageError(`LOCKBOX_CREDENTIALS_SECONDS must be 1..43200, not "${value}".`);
  }
  return seconds;
}

function origins(value: string | undefined): string[] {
  try {
    return parseOrigins(value);
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

class UsageError extends Error {}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  if (args.includes('--help')) {
    console.log(USAGE);
    return;
  }
  const unknown = args.filter((arg) => arg !== '--reset');
  if (unknown.length > 0) throw new UsageError(`Unknown argument: ${unknown[0]}\n\n${USAGE}`);
  const dataDir = resolve(process.env.LOCKBOX_DATA || '.lockbox');
  const mainPort = port(process.env.LOCKBOX_PORT);
  // The folder holds credentials, signing keys and users' files: only this user may read what is made
  // here (folders 0700, files 0600), whatever the shell's umask.
  process.umask(0o077);
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  const openToOthers = (await stat(dataDir)).mode & 0o077;
  const out = (line: string) => process.stdout.write(`${line}\n`);
  if (args.includes('--reset')) await resetDataDir(dataDir);

  // Handlers log one JSON line per request with console.log; in AWS that goes to CloudWatch, here to a file.
  // A failed write (a full disk) drops the lines and says so once; the system goes on.
  const lambdaLog = createWriteStream(join(dataDir, DATA_ENTRIES.lambdaLog), { flags: 'a', mode: 0o600 });
  lambdaLog.on('error', (error: NodeJS.ErrnoException) =>
    out(`lambda.log: ${error.code ?? error.name}: handler log lines are dropped until the next start`),
  );
  console.log = (...items: unknown[]) => {
    if (!lambdaLog.destroyed) lambdaLog.write(`${format(...items)}\n`);
  };
  // dynalite throws a full disk's error from a callback, where nothing catches it (ENOSPC, then "Database
  // is closed"): the local system says so and keeps serving (reads work; writes are refused while the
  // disk is full, see full-disk.ts).
  process.on('uncaughtException', (error) => {
    if (!isNoSpaceError(error) && !isDiskFull(dataDir)) {
      process.stderr.write(`${error.stack ?? error}\n`);
      process.exit(1);
    }
    out(`Disk full (${error.message.slice(0, 200)}): ${FULL_DISK_MESSAGE}`);
  });

  const system = await startLocalSystem({
    port: mainPort,
    s3Port: mainPort === 0 ? 0 : mainPort + 1,
    dataDir,
    credentialsSeconds: credentialsSeconds(process.env.LOCKBOX_CREDENTIALS_SECONDS),
    origins: origins(process.env.LOCKBOX_ORIGINS),
    log: out,
  });
  const shown = (path: string) => relative(process.cwd(), path) || '.';
  out('');
  out('lockbox local');
  out(`  Example app        ${system.webUrl}`);
  out(`  API                ${system.config.api_url}`);
  out(`  User pool          ${system.config.user_pool_endpoint}  (${system.config.user_pool_id})`);
  out(`  Identity pool      ${system.config.identity_pool_endpoint}`);
  out(`  S3                 ${system.s3Endpoint}  (bucket ${system.config.bucket_name})`);
  out(`  Frontend config    ${shown(system.paths.config)}`);
  out(`  Amplify config     ${shown(system.paths.amplifyConfig)}`);
  out(`  Admin credentials  ${shown(system.paths.admin)}`);
  out(
    `  Data               ${shown(dataDir)}  (handler logs: ${shown(join(dataDir, DATA_ENTRIES.lambdaLog))})`,
  );
  if (system.demoUser !== undefined) {
    out(`  Demo user          ${system.demoUser.email}  password ${system.demoUser.password}`);
  } else if (existsSync(demoUserPath(dataDir))) {
    out(`  Demo user          password in ${shown(demoUserPath(dataDir))}`);
  }
  if (openToOthers !== 0) {
    out(`  Warning            ${shown(dataDir)} can be read by other users: chmod 700 ${shown(dataDir)}`);
  }
  out('');
  out(`${READY_LINE} Ctrl-C stops it.`);

  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    out('Stopping…');
    await system.stop();
    lambdaLog.end();
    process.exit(0);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((error) => {
  process.stderr.write(`${error instanceof UsageError ? error.message : (error?.stack ?? error)}\n`);
  process.exit(error instanceof UsageError ? 2 : 1);
});

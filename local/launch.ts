import { type ChildProcess, spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { AdminFile, FrontendConfig } from './config-files';

/** What `npm start` prints once every service listens and the config files are written. */
export const READY_LINE = 'lockbox local is ready.';

export interface LaunchOptions {
  readonly dataDir: string;
  /** 0 (the default) picks free ports. */
  readonly port?: number;
  readonly reset?: boolean;
  readonly env?: NodeJS.ProcessEnv;
}

export interface LaunchedSystem {
  readonly config: FrontendConfig;
  readonly admin: AdminFile;
  /** Everything the process printed so far. */
  output(): string;
  /** Ctrl-C, as a user stops it; resolves with the exit code. */
  stop(): Promise<number | null>;
  /** SIGKILL to its whole process group, as a crash or `kill -9`: nothing runs after it. */
  crash(): Promise<void>;
}

/**
 * Starts the local system in its own process, as `npm start` does, and waits until it is ready. Tests,
 * benchmarks and the smoke test use it: a process of its own keeps the handlers' cold-start settings
 * (read from the environment when a handler module loads) apart from the caller's.
 */
export async function launchLocalSystem(options: LaunchOptions): Promise<LaunchedSystem> {
  const child = spawn(
    process.execPath,
    [
      '--require',
      require.resolve('tsx/cjs'),
      join(__dirname, 'start.ts'),
      ...(options.reset ? ['--reset'] : []),
    ],
    {
      env: {
        ...process.env,
        ...options.env,
        LOCKBOX_PORT: String(options.port ?? 0),
        LOCKBOX_DATA: options.dataDir,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
      // Its own process group, which crash() kills whole.
      detached: true,
    },
  );
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  await ready(child, () => output);
  const [config, admin] = await Promise.all([
    readJson<FrontendConfig>(join(options.dataDir, 'config.json')),
    readJson<AdminFile>(join(options.dataDir, 'admin.json')),
  ]);
  return { config, admin, output: () => output, stop: () => stop(child), crash: () => crash(child) };
}

function ready(child: ChildProcess, output: () => string): Promise<void> {
  return new Promise((resolve, reject) => {
    const onData = () => {
      if (output().includes(READY_LINE)) {
        child.stdout?.off('data', onData);
        resolve();
      }
    };
    child.stdout?.on('data', onData);
    child.once('exit', (code) =>
      reject(new Error(`The local system exited (${code}) before it was ready:\n${output()}`)),
    );
  });
}

function stop(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve) => {
    const kill = setTimeout(() => child.kill('SIGKILL'), 10_000);
    child.once('exit', (code) => {
      clearTimeout(kill);
      resolve(code);
    });
    child.kill('SIGINT');
  });
}

function crash(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    process.kill(-(child.pid as number), 'SIGKILL');
  });
}

async function readJson<T>(path: string): Promise<T> {
  return JSON.parse(await readFile(path, 'utf8')) as T;
}

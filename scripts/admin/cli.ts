import { resolve } from 'node:path';
import { amplifyConfig } from '../../local/amplify-config';
import type { PurgeReport } from './purge';
import type { TargetSpec } from './target';
import { openTarget, type Target } from './target';
import { type ReconcileReport, reconcileUsers } from './usage';
import {
  checkEmail,
  createUser,
  deleteUser,
  listUsers,
  resendInvitation,
  resetPassword,
  setEnabled,
  showUser,
  UsageError,
  type UserDetails,
  type UserSummary,
} from './users';

export const USAGE = `Usage: lockbox-admin (--local | --stack NAME [--outputs FILE]) <command>
       npm run admin -- (--local | --stack NAME) <command>

Target (one is required):
  --local            the local system (npm start): .lockbox/ or LOCKBOX_DATA, its admin credentials
  --stack NAME       a deployed stack (e.g. lockbox-dev): its outputs from \`npx cdktf output\`, AWS
                     credentials from the default chain (environment, profile, SSO, instance role)
  --outputs FILE     with --stack: read the outputs from FILE (cdktf --outputs-file or terraform output -json)

Commands:
  users create EMAIL [--print-password]   invite a user (Cognito mails a temporary password), or mail
                                          nothing and print the temporary password
  users list [--json]                     every user: email, status, created
  users show EMAIL [--json]               status, dates, last sign-in, folder (identity id), files, bytes
  users disable EMAIL | enable EMAIL      stop (and sign out) or allow sign-in
  users delete EMAIL [--purge [--yes]]    delete the user; --purge also erases every version of their
                                          files, their zip jobs, uploads, usage, record and identity,
                                          after you type the email (--yes: no question); safe to rerun
  users resend EMAIL                      mail a new temporary password (user not signed in yet)
  users reset-password EMAIL              the password stops working; Cognito mails a reset code
  usage reconcile (EMAIL | --all) [--fix] recompute usage from S3's versions, print each drift; --fix
                                          writes S3's truth (exit 1 while a drift is left)
  config [--format amplify]               print the frontend config (JSON), or the object
                                          Amplify.configure takes (aws-amplify v6)`;

export interface CliIo {
  readonly out: (line: string) => void;
  readonly err: (line: string) => void;
  /** Asks a question and resolves with the answer (one line). */
  readonly ask: (question: string) => Promise<string>;
  readonly env: NodeJS.ProcessEnv;
}

interface Parsed {
  readonly target: TargetSpec;
  readonly words: string[];
  readonly flags: Set<string>;
  /** `--format`'s value, for `config`. */
  readonly format?: string;
}

const FLAGS = new Set(['--print-password', '--json', '--purge', '--yes', '--all', '--fix']);

function parse(argv: readonly string[], env: NodeJS.ProcessEnv): Parsed {
  const words: string[] = [];
  const flags = new Set<string>();
  let local = false;
  let stack: string | undefined;
  let outputsFile: string | undefined;
  let format: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    const value = () => {
      const next = argv[++i];
      if (next === undefined || next.startsWith('--')) throw new UsageError(`${arg} needs a value`);
      return next;
    };
    if (arg === '--local') local = true;
    else if (arg === '--stack') stack = value();
    else if (arg === '--outputs') outputsFile = value();
    else if (arg === '--format') format = value();
    else if (FLAGS.has(arg)) flags.add(arg);
    else if (arg.startsWith('--')) throw new UsageError(`Unknown option: ${arg}`);
    else words.push(arg);
  }
  if (local === (stack !== undefined)) throw new UsageError('Name one target: --local or --stack NAME.');
  if (outputsFile !== undefined && stack === undefined) throw new UsageError('--outputs goes with --stack.');
  const target: TargetSpec = local
    ? { kind: 'local', dataDir: resolve(env.LOCKBOX_DATA || '.lockbox') }
    : { kind: 'stack', stack: stack as string, ...(outputsFile === undefined ? {} : { outputsFile }) };
  return { target, words, flags, ...(format === undefined ? {} : { format }) };
}

/** Runs one command; resolves with the process's exit code (0 done, 1 failed, 2 usage). */
export async function runAdmin(argv: readonly string[], io: CliIo): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h') || argv.length === 0) {
    io.out(USAGE);
    return argv.length === 0 ? 2 : 0;
  }
  let target: Target | undefined;
  try {
    const parsed = parse(argv, io.env);
    const run = command(parsed);
    target = await openTarget(parsed.target);
    await run(target, io);
    return 0;
  } catch (error) {
    if (error instanceof UsageError) {
      io.err(`${error.message}\n\n${USAGE}`);
      return 2;
    }
    io.err(`${(error as Error).name ?? 'Error'}: ${(error as Error).message ?? String(error)}`);
    return 1;
  } finally {
    target?.close();
  }
}

type Command = (target: Target, io: CliIo) => Promise<void>;

/** Checks the words and flags before the target is opened, so a typo costs no AWS call. */
function command({ words, flags, format }: Parsed): Command {
  const [group, name, email, ...extra] = words;
  const allow = (...allowed: string[]) => {
    for (const flag of flags)
      if (!allowed.includes(flag)) throw new UsageError(`${flag} does not go with this command.`);
  };
  const needEmail = () => {
    if (email === undefined || extra.length > 0) throw new UsageError(`users ${name} takes one EMAIL.`);
    return checkEmail(email);
  };
  if (format !== undefined && (group !== 'config' || format !== 'amplify'))
    throw new UsageError(`--format ${format}: only "config --format amplify" exists.`);
  if (group === 'config' && words.length === 1) {
    allow();
    const shown = (config: Target['config']) => (format === 'amplify' ? amplifyConfig(config) : config);
    return async (target, io) => io.out(JSON.stringify(shown(target.config), null, 2));
  }
  if (group === 'usage' && name === 'reconcile') {
    allow('--all', '--fix');
    const all = flags.has('--all');
    if (all === (email !== undefined) || extra.length > 0)
      throw new UsageError('usage reconcile takes one EMAIL or --all.');
    const who = all ? 'all' : { email: checkEmail(email as string) };
    return async (target, io) => printReconcile(await reconcileUsers(target, who, flags.has('--fix')), io);
  }
  if (group !== 'users') throw new UsageError(`Unknown command: ${words.join(' ') || '(none)'}`);
  switch (name) {
    case 'create': {
      allow('--print-password');
      const address = needEmail();
      return async (target, io) => {
        const { user, temporaryPassword } = await createUser(target, address, {
          printPassword: flags.has('--print-password'),
        });
        io.out(`Created ${user.email} (${user.status}) in ${target.name}.`);
        if (temporaryPassword === undefined)
          io.out('Cognito mails the invitation with a temporary password.');
        else
          io.out(
            `Temporary password (hand it over safely; it must be changed at first sign-in): ${temporaryPassword}`,
          );
      };
    }
    case 'list':
      allow('--json');
      if (email !== undefined) throw new UsageError('users list takes no argument.');
      return async (target, io) => {
        const users = await listUsers(target);
        if (flags.has('--json')) io.out(JSON.stringify(users, null, 2));
        else printTable(users, io);
      };
    case 'show': {
      allow('--json');
      const address = needEmail();
      return async (target, io) => {
        const details = await showUser(target, address);
        if (flags.has('--json')) io.out(JSON.stringify(details, null, 2));
        else printDetails(details, io);
      };
    }
    case 'disable':
    case 'enable': {
      allow();
      const address = needEmail();
      return async (target, io) => {
        await setEnabled(target, address, name === 'enable');
        io.out(`${name === 'enable' ? 'Enabled' : 'Disabled'} ${address} in ${target.name}.`);
      };
    }
    case 'delete': {
      allow('--purge', '--yes');
      const address = needEmail();
      const purge = flags.has('--purge');
      if (flags.has('--yes') && !purge) throw new UsageError('--yes goes with --purge.');
      return async (target, io) => {
        if (purge && !flags.has('--yes')) {
          const answer = await io.ask(
            `This deletes ${address} and all of their files (every version), zip jobs and uploads in ${target.name}; it cannot be undone.\nType the email to confirm: `,
          );
          if (answer.trim() !== address) throw new Error('Not confirmed: nothing was deleted.');
        }
        const report = await deleteUser(target, address, { purge });
        if (report.user === undefined) {
          io.out(`${address} is not in ${target.name}: nothing to remove (an earlier purge ended).`);
          return;
        }
        if (report.purged !== undefined) printPurge(io, report.purged);
        io.out(`Deleted ${report.user.email} from ${target.name}.`);
        if (report.identityId === undefined) io.out('No folder: the user never signed in.');
        else if (report.purged === undefined) io.out(`Their files stay in ${report.identityId}/.`);
      };
    }
    case 'resend': {
      allow();
      const address = needEmail();
      return async (target, io) => {
        await resendInvitation(target, address);
        io.out(`Cognito mails ${address} a new temporary password.`);
      };
    }
    case 'reset-password': {
      allow();
      const address = needEmail();
      return async (target, io) => {
        await resetPassword(target, address);
        io.out(`${address} must now choose a new password with the code Cognito mails.`);
      };
    }
    default:
      throw new UsageError(`Unknown command: users ${name ?? '(none)'}`);
  }
}

const when = (date: Date | undefined) => date?.toISOString() ?? '-';

/** One line per drifted user; throws (exit 1) while a drift is left unfixed. */
function printReconcile(report: ReconcileReport, io: CliIo): void {
  for (const { identityId, recorded, kept, outcome } of report.drifts) {
    const drift = recorded.bytes - kept.bytes;
    io.out(
      `${identityId}: recorded ${recorded.bytes} bytes (current ${recorded.currentBytes}, ${recorded.files} file(s)), ` +
        `S3 keeps ${kept.bytes} (current ${kept.currentBytes}, ${kept.files} file(s)): drift ${drift >= 0 ? '+' : ''}${drift} bytes` +
        (outcome === 'fixed' ? ', fixed' : outcome === 'busy' ? ', changing now: check again' : ''),
    );
  }
  const left = report.drifts.filter((d) => d.outcome !== 'fixed').length;
  io.out(`${report.scope}: ${report.drifts.length} drift(s), ${report.drifts.length - left} fixed.`);
  if (left > 0)
    throw new Error(
      `${left} user(s) drifted${report.drifts.some((d) => d.outcome === 'busy') ? ' or were changing' : ''}: run again (with --fix).`,
    );
}

function printTable(users: readonly UserSummary[], io: CliIo): void {
  const rows = users.map((u) => [u.email, u.enabled ? u.status : `${u.status} (disabled)`, when(u.created)]);
  const header = ['EMAIL', 'STATUS', 'CREATED'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => (row[i] as string).length)));
  for (const row of [header, ...rows])
    io.out(
      row
        .map((cell, i) => cell.padEnd(widths[i] as number))
        .join('  ')
        .trimEnd(),
    );
  io.out(`${users.length} user(s)`);
}

function printDetails(user: UserDetails, io: CliIo): void {
  const line = (name: string, value: string) => io.out(`${name.padEnd(14)}${value}`);
  line('email', user.email);
  line('status', `${user.status}, ${user.enabled ? 'enabled' : 'disabled'}`);
  line('sub', user.sub);
  line('created', when(user.created));
  line('modified', when(user.modified));
  line(
    'last sign-in',
    user.lastSignIn.known ? (user.lastSignIn.at?.toISOString() ?? 'never') : user.lastSignIn.reason,
  );
  if (user.folder === undefined) {
    line('folder', 'none: the user has never signed in (the API has no record of them)');
    return;
  }
  line('folder', `${user.folder.identityId}/ (first API call ${when(user.folder.recordedAt)})`);
  line('files', `${user.folder.files.objects} file(s), ${bytes(user.folder.files.bytes)}`);
  line('zip jobs', `${user.folder.zips.objects} object(s), ${bytes(user.folder.zips.bytes)}`);
}

export function bytes(count: number): string {
  const units = ['bytes', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = count;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${count} bytes` : `${value.toFixed(1)} ${units[unit]} (${count} bytes)`;
}

/** One line per thing a purge removed, counted, so that a second run shows it removed nothing. */
function printPurge(io: CliIo, purged: PurgeReport): void {
  for (const area of purged.areas) {
    io.out(`Erased ${area.prefix}: ${area.versions} version(s), ${area.deleteMarkers} delete marker(s).`);
  }
  io.out(`Aborted ${purged.uploadsAborted} unfinished upload(s).`);
  if (purged.identityDeleted === undefined) return;
  io.out(`Deleted ${purged.usageItems} usage table item(s) of ${purged.identityDeleted}.`);
  io.out(`Deleted identity ${purged.identityDeleted} from the identity pool.`);
}

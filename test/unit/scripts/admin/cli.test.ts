import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { bytes, type CliIo, runAdmin } from '../../../../scripts/admin/cli';
import { latestSignIn } from '../../../../scripts/admin/users';

/** runAdmin with its output kept; no target is opened for these (the arguments are refused first). */
async function admin(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = {
    out: (line) => out.push(line),
    err: (line) => err.push(line),
    ask: async () => '',
    env: { LOCKBOX_DATA: '/nonexistent/lockbox-data' },
  };
  const code = await runAdmin(argv, io);
  return { code, out: out.join('\n'), err: err.join('\n') };
}

describe('admin CLI: arguments', () => {
  it('prints its usage for --help (exit 0) and for nothing (exit 2)', async () => {
    expect(await admin('--help')).to.include({ code: 0 });
    expect((await admin('--help')).out).to.match(/^Usage: lockbox-admin/);
    expect((await admin()).code).to.equal(2);
  });

  it('needs exactly one target', async () => {
    for (const argv of [
      ['users', 'list'],
      ['--local', '--stack', 'lockbox-dev', 'users', 'list'],
    ]) {
      const result = await admin(...argv);
      expect(result.code, argv.join(' ')).to.equal(2);
      expect(result.err).to.match(/^Name one target: --local or --stack NAME\./);
    }
    expect((await admin('--local', '--outputs', 'x.json', 'config')).err).to.match(
      /^--outputs goes with --stack/,
    );
    expect((await admin('--stack')).err).to.match(/^--stack needs a value/);
  });

  it('refuses unknown commands, options, flags of other commands and bad emails before any call', async () => {
    const refusals: [string[], RegExp][] = [
      [['--local', 'users', 'frob', 'a@b.c'], /^Unknown command: users frob/],
      [['--local', 'groups', 'list'], /^Unknown command: groups list/],
      [['--local', 'users', 'list', '--purge'], /^--purge does not go with this command/],
      [['--local', 'users', 'show', 'a@b.c', '--verbose'], /^Unknown option: --verbose/],
      [['--local', 'users', 'delete', 'a@b.c', '--yes'], /^--yes goes with --purge/],
      [['--local', 'users', 'show'], /^users show takes one EMAIL/],
      [['--local', 'users', 'show', 'a@b.c', 'd@e.f'], /^users show takes one EMAIL/],
      [['--local', 'users', 'list', 'a@b.c'], /^users list takes no argument/],
      [['--local', 'users', 'create', 'not-an-email'], /^Not an email address: not-an-email/],
      [['--local', 'config', '--format', 'yaml'], /^--format yaml: only "config --format amplify" exists/],
      [
        ['--local', 'users', 'list', '--format', 'amplify'],
        /^--format amplify: only "config --format amplify"/,
      ],
      [['--local', 'config', '--format'], /^--format needs a value/],
    ];
    for (const [argv, message] of refusals) {
      const result = await admin(...argv);
      expect(result.code, argv.join(' ')).to.equal(2);
      expect(result.err, argv.join(' ')).to.match(message);
    }
  });

  it("prints a deployed stack's config for Amplify.configure from its outputs, with no AWS call", async () => {
    const dir = await mkdtemp(join(tmpdir(), 'lockbox-outputs-'));
    const outputs = join(dir, 'outputs.json');
    const stack = {
      region: 'eu-west-1',
      user_pool_id: 'eu-west-1_AbC123',
      user_pool_client_id: 'client123',
      identity_pool_id: 'eu-west-1:00000000-0000-4000-8000-000000000001',
      api_url: 'https://abc.execute-api.eu-west-1.amazonaws.com/v1',
      bucket_name: 'lockbox-dev-files-x',
      usage_table_name: 'lockbox-dev-usage',
    };
    await writeFile(outputs, JSON.stringify({ 'lockbox-dev': stack }));
    const result = await admin(
      '--stack',
      'lockbox-dev',
      '--outputs',
      outputs,
      'config',
      '--format',
      'amplify',
    );
    await rm(dir, { recursive: true });
    expect(result.code, result.err).to.equal(0);
    expect(JSON.parse(result.out)).to.deep.equal({
      Auth: {
        Cognito: {
          userPoolId: stack.user_pool_id,
          userPoolClientId: stack.user_pool_client_id,
          identityPoolId: stack.identity_pool_id,
          allowGuestAccess: false,
          loginWith: { email: true },
        },
      },
      API: { REST: { lockbox: { endpoint: stack.api_url, region: 'eu-west-1', service: 'execute-api' } } },
    });
  });

  it('says how to start the local system when it has no config files (exit 1)', async () => {
    const result = await admin('--local', 'users', 'list');
    expect(result.code).to.equal(1);
    expect(result.err).to.include('No /nonexistent/lockbox-data/config.json: start the local system first');
  });
});

describe('admin CLI: what it prints', () => {
  it("picks the newest successful sign-in of Cognito's auth events", () => {
    const at = (iso: string) => new Date(iso);
    expect(
      latestSignIn([
        { EventType: 'SignIn', EventResponse: 'Fail', CreationDate: at('2026-03-03T00:00:00Z') },
        { EventType: 'ForgotPassword', EventResponse: 'Pass', CreationDate: at('2026-03-02T00:00:00Z') },
        { EventType: 'SignIn', EventResponse: 'Pass', CreationDate: at('2026-03-01T00:00:00Z') },
        { EventType: 'SignIn', EventResponse: 'Pass', CreationDate: at('2026-02-01T00:00:00Z') },
      ]),
    ).to.deep.equal(at('2026-03-01T00:00:00Z'));
    expect(latestSignIn([])).to.equal(undefined);
  });

  it('shows sizes in binary units with the exact count', () => {
    expect(bytes(0)).to.equal('0 bytes');
    expect(bytes(1023)).to.equal('1023 bytes');
    expect(bytes(20 * 1024 * 1024 + 5)).to.equal('20.0 MiB (20971525 bytes)');
  });
});

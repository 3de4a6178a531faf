import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { adminClient, newSignedInUser, type SignedInUser } from '../../../devtools/local-session';
import { type ApiFetch, type SignerName, signedFetch } from '../../../devtools/signed-fetch';
import { type LaunchedSystem, launchLocalSystem } from '../../../local/launch';

export const PASSWORD = 'Correct-Horse-Battery-1!';

/** npm start in its own process, on a fresh data folder, with alice and bob signed in. */
export interface TwoUserSystem {
  readonly system: LaunchedSystem;
  readonly dataDir: string;
  readonly alice: SignedInUser;
  readonly bob: SignedInUser;
  /** Signed API calls as `user`. */
  api(user: SignedInUser, signer?: SignerName): ApiFetch;
  /** Stops the system (its exit code) and removes the data folder. */
  stop(): Promise<number | null>;
}

export async function launchWithTwoUsers(env?: NodeJS.ProcessEnv): Promise<TwoUserSystem> {
  const dataDir = await mkdtemp(join(tmpdir(), 'lockbox-local-'));
  const system = await launchLocalSystem({ dataDir, env });
  const admin = adminClient(system.config, system.admin);
  return {
    system,
    dataDir,
    alice: await newSignedInUser(admin, system.config, 'alice@example.com', PASSWORD),
    bob: await newSignedInUser(admin, system.config, 'bob@example.com', PASSWORD),
    api: (user, signer = 'aws4fetch') =>
      signedFetch(system.config.api_url, system.config.region, user.credentials, signer),
    stop: async () => {
      const code = await system.stop();
      await rm(dataDir, { recursive: true, force: true });
      return code;
    },
  };
}

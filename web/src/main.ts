import {
  type CurrentUser,
  createLockboxClient,
  type LockboxClient,
  type LockboxConfig,
} from '../../packages/client';
import { byId, h } from './dom';
import { renderFileBrowser } from './file-browser';
import { announce, describeError } from './notices';
import { pendingUploads } from './pending-uploads';
import { renderSignIn } from './sign-in';

/**
 * The example app: everything it does goes through the lockbox client. Its settings come from
 * `config.json` beside the page (local mode serves it; a deployment writes it from `npx cdktf output`),
 * so one build works against any stack.
 */
async function main(): Promise<void> {
  const root = byId('app');
  let config: LockboxConfig;
  try {
    const response = await fetch('config.json', { cache: 'no-store' });
    if (!response.ok) throw new Error(`config.json answered ${response.status}`);
    config = (await response.json()) as LockboxConfig;
  } catch (error) {
    root.replaceChildren(
      h(
        'div',
        { class: 'card alert', role: 'alert' },
        `The app could not load its settings: ${describeError(error)}`,
      ),
    );
    return;
  }
  const client = createLockboxClient(config);
  const user = await client.auth.currentUser().catch(() => null);
  if (user === null) showSignIn(root, client);
  else showFiles(root, client, user);
}

function showSignIn(root: HTMLElement, client: LockboxClient): void {
  byId('account').hidden = true;
  renderSignIn(root, client, (user) => {
    showFiles(root, client, user);
    announce(`Signed in as ${user.email}.`);
  });
}

function showFiles(root: HTMLElement, client: LockboxClient, user: CurrentUser): void {
  byId('account-email').textContent = user.email;
  byId('account').hidden = false;
  byId<HTMLButtonElement>('sign-out').onclick = async () => {
    await client.auth.signOut().catch(() => undefined);
    showSignIn(root, client);
    announce('Signed out.');
  };
  renderFileBrowser(root, client, pendingUploads(user.identityId));
  root.focus();
}

void main();

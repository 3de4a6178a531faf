import { useAuth } from '@lockbox/react';
import { FileBrowser } from './FileBrowser';
import { announce } from './notices';
import { SignIn } from './SignIn';
import { UsageMeter } from './UsageMeter';

/** The page: the top bar (account, usage, sign-out), then sign-in or the signed-in user's files. */
export function App() {
  const auth = useAuth();
  return (
    <>
      <header className="top-bar">
        <h1 className="brand">lockbox</h1>
        {auth.step === 'signed-in' && (
          <div className="account">
            <UsageMeter />
            <span id="account-email">{auth.user.email}</span>
            <button
              type="button"
              className="button quiet"
              onClick={async () => {
                await auth.signOut();
                announce('Signed out.');
              }}
            >
              Sign out
            </button>
          </div>
        )}
      </header>
      <main id="app" className="app" tabIndex={-1}>
        {auth.step === 'loading' ? (
          <p className="loading">Loading…</p>
        ) : auth.step === 'signed-in' ? (
          <FileBrowser key={auth.user.identityId} />
        ) : (
          <SignIn />
        )}
      </main>
    </>
  );
}

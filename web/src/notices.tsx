import { isLockboxError } from '@lockbox/client';

/** Says `message` to screen readers through the page's polite live region (index.html's #announcer). */
export function announce(message: string): void {
  const region = document.getElementById('announcer');
  if (region === null) return;
  region.textContent = '';
  // A separate task, so that the same message twice is still read out.
  setTimeout(() => {
    region.textContent = message;
  }, 50);
}

/** The user's words for a failure: the client's message, and the request id to quote when there is one. */
export function describeError(error: unknown): string {
  if (isLockboxError(error)) {
    return error.requestId === undefined ? error.message : `${error.message} (request id ${error.requestId})`;
  }
  return error instanceof Error ? error.message : String(error);
}

/** The latest failure, read out at once; Dismiss hides it. Nothing when there is none. */
export function ErrorAlert({ error, onDismiss }: { error: unknown; onDismiss?: () => void }) {
  if (error === undefined) return null;
  return (
    <div className="alert" role="alert">
      <p className="alert-text">{describeError(error)}</p>
      {onDismiss && (
        <button type="button" className="button quiet" onClick={onDismiss}>
          Dismiss
        </button>
      )}
    </div>
  );
}

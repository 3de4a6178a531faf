import { isLockboxError } from '../../packages/client';
import { byId, h } from './dom';

/** Says `message` to screen readers through the page's polite live region. */
export function announce(message: string): void {
  const region = byId('announcer');
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

/** An alert box that shows the latest failure (read out at once) and can be dismissed. */
export function errorBox(): { element: HTMLElement; show(error: unknown): void; clear(): void } {
  const text = h('p', { class: 'alert-text' });
  const element = h(
    'div',
    { class: 'alert', role: 'alert', hidden: true },
    text,
    h('button', { type: 'button', class: 'button quiet', onclick: () => clear() }, 'Dismiss'),
  );
  const clear = () => {
    element.hidden = true;
    text.textContent = '';
  };
  return {
    element,
    show: (error) => {
      text.textContent = describeError(error);
      element.hidden = false;
    },
    clear,
  };
}

import type { CurrentUser, LockboxClient, SignInResult } from '../../packages/client';
import { h } from './dom';
import { errorBox } from './notices';

/** The sign-in form, then the challenges Cognito may ask for; `onSignedIn` once a session exists. */
export function renderSignIn(
  root: HTMLElement,
  client: LockboxClient,
  onSignedIn: (user: CurrentUser) => void,
): void {
  const errors = errorBox();
  const email = h('input', {
    id: 'email',
    name: 'email',
    type: 'email',
    autocomplete: 'username',
    required: true,
  });
  const password = h('input', {
    id: 'password',
    name: 'password',
    type: 'password',
    autocomplete: 'current-password',
    required: true,
  });
  const submit = h('button', { type: 'submit', class: 'button primary' }, 'Sign in');
  const form = h(
    'form',
    { class: 'card form', 'aria-labelledby': 'sign-in-title' },
    h('h2', { id: 'sign-in-title' }, 'Sign in'),
    errors.element,
    field('Email', email),
    field('Password', password),
    submit,
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    void step(form, submit, errors, () => client.auth.signIn(email.value.trim(), password.value));
  });
  root.replaceChildren(form);
  email.focus();

  /** Runs one sign-in step and shows what comes next: the files, a challenge, or the error. */
  async function step(
    current: HTMLFormElement,
    button: HTMLButtonElement,
    box: ReturnType<typeof errorBox>,
    call: () => Promise<SignInResult>,
  ): Promise<void> {
    box.clear();
    button.disabled = true;
    current.setAttribute('aria-busy', 'true');
    try {
      const result = await call();
      if (result.status === 'signed-in') onSignedIn(result.user);
      else if (result.status === 'new-password-required') showNewPassword(result.complete);
      else showCode(result.complete);
    } catch (error) {
      box.show(error);
      button.disabled = false;
      current.removeAttribute('aria-busy');
    }
  }

  function showNewPassword(complete: (newPassword: string) => Promise<SignInResult>): void {
    const box = errorBox();
    const next = h('input', {
      id: 'new-password',
      type: 'password',
      autocomplete: 'new-password',
      required: true,
      minlength: 8,
      'aria-describedby': 'new-password-hint',
    });
    const repeat = h('input', {
      id: 'repeat-password',
      type: 'password',
      autocomplete: 'new-password',
      required: true,
    });
    const button = h('button', { type: 'submit', class: 'button primary' }, 'Set password and sign in');
    const challenge = h(
      'form',
      { class: 'card form', 'aria-labelledby': 'new-password-title' },
      h('h2', { id: 'new-password-title' }, 'Choose a new password'),
      h(
        'p',
        { id: 'new-password-hint', class: 'hint' },
        'Your account has a temporary password. Choose your own: at least 8 characters with upper and lower case letters, a digit and a symbol.',
      ),
      box.element,
      field('New password', next),
      field('Repeat the new password', repeat),
      button,
    );
    challenge.addEventListener('submit', (event) => {
      event.preventDefault();
      if (next.value !== repeat.value) {
        box.show(new Error('The two passwords differ.'));
        repeat.focus();
        return;
      }
      void step(challenge, button, box, () => complete(next.value));
    });
    root.replaceChildren(challenge);
    next.focus();
  }

  function showCode(complete: (code: string) => Promise<SignInResult>): void {
    const box = errorBox();
    const code = h('input', {
      id: 'totp-code',
      inputmode: 'numeric',
      autocomplete: 'one-time-code',
      pattern: '[0-9]{6}',
      required: true,
    });
    const button = h('button', { type: 'submit', class: 'button primary' }, 'Verify');
    const challenge = h(
      'form',
      { class: 'card form', 'aria-labelledby': 'totp-title' },
      h('h2', { id: 'totp-title' }, 'Enter your authenticator code'),
      box.element,
      field('6-digit code', code),
      button,
    );
    challenge.addEventListener('submit', (event) => {
      event.preventDefault();
      void step(challenge, button, box, () => complete(code.value.trim()));
    });
    root.replaceChildren(challenge);
    code.focus();
  }
}

function field(label: string, input: HTMLInputElement): HTMLElement {
  return h('div', { class: 'field' }, h('label', { for: input.id }, label), input);
}

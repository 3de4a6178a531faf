import { useAuth } from '@lockbox/react';
import { type FormEvent, type InputHTMLAttributes, type ReactNode, useState } from 'react';
import { announce, ErrorAlert } from './notices';

/** Sign-in, the challenges Cognito may ask for, and the forgotten-password reset: useAuth()'s steps as forms. */
export function SignIn() {
  const auth = useAuth();
  const [forgotten, setForgotten] = useState(false);
  const [notice, setNotice] = useState('');

  if (auth.step === 'new-password') return <NewPassword />;
  if (auth.step === 'totp') {
    return (
      <Form
        title="Enter your authenticator code"
        submit="Verify"
        onSubmit={(data) => auth.respond(data.code ?? '')}
      >
        <Field
          label="6-digit code"
          name="code"
          inputMode="numeric"
          autoComplete="one-time-code"
          pattern="[0-9]{6}"
        />
      </Form>
    );
  }
  if (auth.step === 'reset-password') {
    return (
      <Form
        title="Choose a new password"
        submit="Set new password"
        hint={`We sent a code to ${auth.email}.`}
        onSubmit={async (data) => {
          const done = await auth.resetPassword(data.code ?? '', data.password ?? '');
          if (done) setNotice('Your password is changed: sign in with the new one.');
          return done;
        }}
        onCancel={auth.cancel}
      >
        <Field label="Code" name="code" inputMode="numeric" autoComplete="one-time-code" />
        <Field label="New password" name="password" type="password" autoComplete="new-password" />
      </Form>
    );
  }
  if (forgotten) {
    return (
      <Form
        title="Reset your password"
        submit="Send code"
        hint="We send a code to your email address."
        onSubmit={async (data) => {
          const sent = await auth.forgotPassword(data.email?.trim() ?? '');
          // From here on useAuth() holds the step (reset-password), and Cancel there leads to sign-in.
          if (sent) setForgotten(false);
          return sent;
        }}
        onCancel={() => setForgotten(false)}
      >
        <Field label="Email" name="email" type="email" autoComplete="username" />
      </Form>
    );
  }
  return (
    <Form
      title="Sign in"
      submit="Sign in"
      hint={notice}
      onSubmit={async (data) => {
        const done = await auth.signIn(data.email?.trim() ?? '', data.password ?? '');
        if (done) announce('Signed in.');
        return done;
      }}
      extra={
        <button type="button" className="link" onClick={() => setForgotten(true)}>
          Forgot your password?
        </button>
      }
    >
      <Field label="Email" name="email" type="email" autoComplete="username" />
      <Field label="Password" name="password" type="password" autoComplete="current-password" />
    </Form>
  );
}

function NewPassword() {
  const auth = useAuth();
  const [mismatch, setMismatch] = useState(false);
  return (
    <Form
      title="Choose a new password"
      submit="Set password and sign in"
      hint="Your account has a temporary password. Choose your own: at least 8 characters with upper and lower case letters, a digit and a symbol."
      error={mismatch ? new Error('The two passwords differ.') : undefined}
      onSubmit={async (data) => {
        setMismatch(data.password !== data.repeat);
        if (data.password !== data.repeat) return false;
        return auth.respond(data.password ?? '');
      }}
    >
      <Field label="New password" name="password" type="password" autoComplete="new-password" minLength={8} />
      <Field label="Repeat the new password" name="repeat" type="password" autoComplete="new-password" />
    </Form>
  );
}

interface FormProps {
  readonly title: string;
  readonly submit: string;
  readonly hint?: string;
  /** A failure of the form's own (the hook's error shows too). */
  readonly error?: unknown;
  readonly onSubmit: (data: Record<string, string | undefined>) => Promise<boolean>;
  readonly onCancel?: () => void;
  readonly extra?: ReactNode;
  readonly children: ReactNode;
}

/** A card form for one step: its fields, the step's error, and the submit button (off while busy). */
function Form(props: FormProps) {
  const auth = useAuth();
  const id = `${props.title.toLowerCase().replace(/\W+/g, '-')}-title`;
  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const data = Object.fromEntries(
      [...new FormData(event.currentTarget)].map(([name, value]) => [name, String(value)]),
    );
    void props.onSubmit(data);
  };
  return (
    <form className="card form" aria-labelledby={id} aria-busy={auth.busy} onSubmit={onSubmit}>
      <h2 id={id}>{props.title}</h2>
      {props.hint && <p className="hint">{props.hint}</p>}
      <ErrorAlert error={props.error ?? auth.error} />
      {props.children}
      <div className="form-actions">
        <button type="submit" className="button primary" disabled={auth.busy}>
          {props.submit}
        </button>
        {props.onCancel && (
          <button type="button" className="button quiet" onClick={props.onCancel}>
            Cancel
          </button>
        )}
        {props.extra}
      </div>
    </form>
  );
}

function Field({ label, ...input }: { label: string; name: string } & InputHTMLAttributes<HTMLInputElement>) {
  const id = `field-${input.name}`;
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <input id={id} required {...input} />
    </div>
  );
}

import { type ReactNode, useEffect, useRef, useState } from 'react';

interface Question {
  readonly title: string;
  readonly details: readonly string[];
  readonly confirmLabel: string;
  /** A text box to fill (rename, move): its label and first value. */
  readonly field?: { readonly label: string; readonly value: string };
  /** The confirm button's look: `danger` (the default) for what cannot be taken back. */
  readonly tone?: 'danger' | 'primary';
}

type Ask = (question: Question) => Promise<string | undefined>;

/**
 * A modal question: a native <dialog> (focus kept inside, Escape cancels, focus back on the opener).
 * `confirm()` resolves true when confirmed; `prompt()` resolves the text box's value, or undefined when
 * cancelled. Render the element it answers once in the component.
 */
export function useConfirm(): readonly [
  ReactNode,
  (question: Question) => Promise<boolean>,
  (question: Question & Required<Pick<Question, 'field'>>) => Promise<string | undefined>,
] {
  const [open, setOpen] = useState<Question & { resolve: (answer: string | undefined) => void }>();
  const ask: Ask = (question) => new Promise((resolve) => setOpen({ ...question, resolve }));
  const element = open && (
    <ConfirmDialog
      {...open}
      onClose={(answer) => {
        setOpen(undefined);
        open.resolve(answer);
      }}
    />
  );
  return [element, async (question) => (await ask(question)) !== undefined, ask];
}

function ConfirmDialog(props: Question & { onClose: (answer: string | undefined) => void }) {
  const dialog = useRef<HTMLDialogElement>(null);
  const cancel = useRef<HTMLButtonElement>(null);
  const input = useRef<HTMLInputElement>(null);
  const [value, setValue] = useState(props.field?.value ?? '');
  useEffect(() => {
    const opener = document.activeElement as HTMLElement | null;
    const element = dialog.current;
    element?.showModal();
    if (input.current) input.current.select();
    else cancel.current?.focus();
    return () => {
      element?.close();
      opener?.focus();
    };
  }, []);
  return (
    <dialog
      ref={dialog}
      className="dialog"
      aria-labelledby="dialog-title"
      onCancel={(event) => {
        event.preventDefault();
        props.onClose(undefined);
      }}
    >
      <form
        method="dialog"
        onSubmit={(event) => {
          event.preventDefault();
          props.onClose(value);
        }}
      >
        <h2 id="dialog-title">{props.title}</h2>
        {props.details.map((line) => (
          <p key={line}>{line}</p>
        ))}
        {props.field && (
          <div className="field">
            <label htmlFor="dialog-field">{props.field.label}</label>
            <input
              ref={input}
              id="dialog-field"
              type="text"
              value={value}
              onChange={(event) => setValue(event.currentTarget.value)}
            />
          </div>
        )}
        <div className="dialog-actions">
          <button ref={cancel} type="button" className="button" onClick={() => props.onClose(undefined)}>
            Cancel
          </button>
          <button type="submit" className={`button ${props.tone ?? 'danger'}`}>
            {props.confirmLabel}
          </button>
        </div>
      </form>
    </dialog>
  );
}

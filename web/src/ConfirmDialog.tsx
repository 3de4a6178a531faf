import { type ReactNode, useEffect, useRef, useState } from 'react';

interface Question {
  readonly title: string;
  readonly details: readonly string[];
  readonly confirmLabel: string;
}

/**
 * A modal question: `ask()` shows a native <dialog> (focus kept inside, Escape cancels, focus back on
 * the opener) and resolves true when confirmed. Render the element it answers once in the component.
 */
export function useConfirm(): readonly [ReactNode, (question: Question) => Promise<boolean>] {
  const [open, setOpen] = useState<Question & { resolve: (answer: boolean) => void }>();
  const ask = (question: Question) => new Promise<boolean>((resolve) => setOpen({ ...question, resolve }));
  const element = open && (
    <ConfirmDialog
      {...open}
      onClose={(answer) => {
        setOpen(undefined);
        open.resolve(answer);
      }}
    />
  );
  return [element, ask];
}

function ConfirmDialog(props: Question & { onClose: (answer: boolean) => void }) {
  const dialog = useRef<HTMLDialogElement>(null);
  const cancel = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    const opener = document.activeElement as HTMLElement | null;
    const element = dialog.current;
    element?.showModal();
    cancel.current?.focus();
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
        props.onClose(false);
      }}
    >
      <h2 id="dialog-title">{props.title}</h2>
      {props.details.map((line) => (
        <p key={line}>{line}</p>
      ))}
      <div className="dialog-actions">
        <button ref={cancel} type="button" className="button" onClick={() => props.onClose(false)}>
          Cancel
        </button>
        <button type="button" className="button danger" onClick={() => props.onClose(true)}>
          {props.confirmLabel}
        </button>
      </div>
    </dialog>
  );
}

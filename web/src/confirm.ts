import { h } from './dom';

/** A modal question (a native <dialog>: focus is kept inside, Escape cancels); true when confirmed. */
export function confirmDialog(
  title: string,
  details: readonly string[],
  confirmLabel: string,
): Promise<boolean> {
  const opener = document.activeElement as HTMLElement | null;
  const cancel = h('button', { type: 'button', class: 'button', value: 'cancel' }, 'Cancel');
  const confirm = h('button', { type: 'button', class: 'button danger', value: 'confirm' }, confirmLabel);
  const dialog = h(
    'dialog',
    { class: 'dialog', 'aria-labelledby': 'dialog-title' },
    h('h2', { id: 'dialog-title' }, title),
    ...details.map((line) => h('p', {}, line)),
    h('div', { class: 'dialog-actions' }, cancel, confirm),
  );
  document.body.append(dialog);
  return new Promise((resolve) => {
    const close = (answer: boolean) => {
      dialog.close();
      dialog.remove();
      opener?.focus();
      resolve(answer);
    };
    cancel.addEventListener('click', () => close(false));
    confirm.addEventListener('click', () => close(true));
    dialog.addEventListener('cancel', (event) => {
      event.preventDefault();
      close(false);
    });
    dialog.showModal();
    cancel.focus();
  });
}

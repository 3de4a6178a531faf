/**
 * Scripts that run inside the page. They are source text because the project's TypeScript has no DOM
 * types outside web/ (adding them everywhere would hide Node/DOM mix-ups in the rest of the code).
 */

/** Records every value the progress bar of `key`'s upload row takes, in `window.progressValues`. */
export function recordProgressScript(key: string): string {
  const row = JSON.stringify(`[data-key=${JSON.stringify(key)}]`);
  return `(() => {
    const values = [];
    window.progressValues = values;
    new MutationObserver((records) => {
      for (const record of records) {
        if (record.target.closest(${row})) values.push(record.target.value);
      }
    }).observe(document.body, { subtree: true, attributes: true, attributeFilter: ['value'] });
  })()`;
}

/** A DataTransfer holding one text file, as a drop from the desktop carries it. */
export function dataTransferScript(name: string, text: string, type: string): string {
  return `(() => {
    const transfer = new DataTransfer();
    transfer.items.add(new File([${JSON.stringify(text)}], ${JSON.stringify(name)}, { type: ${JSON.stringify(type)} }));
    return transfer;
  })()`;
}

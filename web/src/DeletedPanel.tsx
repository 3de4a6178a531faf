import type { Deleted } from '@lockbox/react';
import { useState } from 'react';
import { useConfirm } from './ConfirmDialog';
import { formatBytes, formatDate, nameIn } from './format';
import { announce, ErrorAlert } from './notices';

/**
 * The files deleted under the open folder within the undo window, each with Restore, and "Delete for
 * good", which frees the version's bytes in the quota at once.
 */
export function DeletedPanel({ deleted, folder }: { deleted: Deleted; folder: string }) {
  const [error, setError] = useState<unknown>();
  const [dialog, confirm] = useConfirm();
  const restore = async (key: string, versionId: string) => {
    setError(undefined);
    try {
      const [result] = await deleted.restore([{ key, versionId }]);
      if (result?.status !== 'restored') throw new Error(`${key} could not be restored (${result?.status}).`);
      announce(`Restored ${key}.`);
    } catch (failure) {
      setError(failure);
    }
  };
  const deleteForGood = async (key: string, versionId: string, size: number) => {
    setError(undefined);
    try {
      const answer = await confirm({
        title: `Delete ${nameIn(folder, key)} for good?`,
        details: [`This version can no longer be restored; its ${formatBytes(size)} are freed.`],
        confirmLabel: 'Delete for good',
      });
      if (!answer) return;
      await deleted.deleteVersion(key, versionId);
      announce(`Deleted ${key} for good.`);
    } catch (failure) {
      setError(failure);
    }
  };
  return (
    <section className="panel" aria-labelledby="deleted-title">
      <h2 id="deleted-title">Deleted files</h2>
      <ErrorAlert error={error ?? deleted.error} onDismiss={() => setError(undefined)} />
      {deleted.items.length === 0 ? (
        <p className="empty">{deleted.loading ? 'Loading…' : 'No deleted files here.'}</p>
      ) : (
        <ul className="upload-list" aria-label="Deleted files">
          {deleted.items.map((item) => (
            <li key={item.key} className="upload" data-key={item.key} data-state="deleted">
              <span className="upload-name">{nameIn(folder, item.key)}</span>
              <span className="upload-status">
                {formatBytes(item.size)}, deleted {formatDate(item.deletedAt)}
              </span>
              <span className="upload-actions">
                <button
                  type="button"
                  className="button"
                  aria-label={`Restore ${item.key}`}
                  onClick={() => void restore(item.key, item.versionId)}
                >
                  Restore
                </button>
                <button
                  type="button"
                  className="button quiet danger"
                  aria-label={`Delete ${item.key} for good`}
                  onClick={() => void deleteForGood(item.key, item.versionId, item.size)}
                >
                  Delete for good
                </button>
              </span>
            </li>
          ))}
        </ul>
      )}
      {deleted.hasMore && (
        <button type="button" className="button" onClick={deleted.loadMore}>
          Show more
        </button>
      )}
      {dialog}
    </section>
  );
}

import type { PendingUpload, Uploads } from '@lockbox/react';
import { useRef, useState } from 'react';
import { formatBytes } from './format';
import { describeError } from './notices';

const STATUS = { waiting: 'Waiting', cancelled: 'Cancelled' } as const;

/**
 * The uploads of this page (a progress bar and Cancel per file) and the interrupted uploads of an earlier
 * one (a reload, a closed tab), each resumed by picking the same file again.
 */
export function UploadPanel({ queue }: { queue: Uploads }) {
  return (
    <div className="uploads">
      {queue.interrupted.length > 0 && (
        <section className="panel" aria-labelledby="interrupted-title">
          <h2 id="interrupted-title">Interrupted uploads</h2>
          <p className="hint">Pick the same file again to upload the rest of it.</p>
          <ul className="upload-list" aria-label="Interrupted uploads">
            {queue.interrupted.map((upload) => (
              <Interrupted key={upload.key} upload={upload} queue={queue} />
            ))}
          </ul>
        </section>
      )}
      {queue.uploads.length > 0 && (
        <section className="panel" aria-labelledby="uploads-title">
          <div className="panel-head">
            <h2 id="uploads-title">Uploads</h2>
            <button type="button" className="button quiet" onClick={queue.clearFinished}>
              Clear finished
            </button>
          </div>
          <ul className="upload-list" aria-label="Uploads">
            {queue.uploads.map((item) => (
              <li key={item.key} className="upload" data-key={item.key} data-state={item.state}>
                <span className="upload-name">{item.key}</span>
                <progress
                  max={Math.max(item.size, 1)}
                  value={item.loaded}
                  aria-label={`Upload of ${item.key}`}
                />
                <span className="upload-status">
                  {item.state === 'uploading'
                    ? `${item.resumed ? 'Resuming: ' : ''}${formatBytes(item.loaded)} of ${formatBytes(item.size)}`
                    : item.state === 'done'
                      ? `Uploaded, ${formatBytes(item.size)}`
                      : item.state === 'failed'
                        ? `Failed: ${describeError(item.error)}`
                        : STATUS[item.state]}
                </span>
                <span className="upload-actions">
                  {(item.state === 'waiting' || item.state === 'uploading') && (
                    <button
                      type="button"
                      className="button quiet"
                      aria-label={`Cancel upload of ${item.key}`}
                      onClick={() => queue.cancel(item.key)}
                    >
                      Cancel
                    </button>
                  )}
                </span>
              </li>
            ))}
          </ul>
        </section>
      )}
    </div>
  );
}

function Interrupted({ upload, queue }: { upload: PendingUpload; queue: Uploads }) {
  const input = useRef<HTMLInputElement>(null);
  const [message, setMessage] = useState('');
  const folder = upload.key.slice(0, upload.key.length - upload.name.length);
  return (
    <li className="upload" data-key={upload.key} data-state="interrupted">
      <span className="upload-name">{upload.key}</span>
      <span className="upload-status">{formatBytes(upload.size)}</span>
      <span className="upload-status" role="alert">
        {message}
      </span>
      <span className="upload-actions">
        <button
          type="button"
          className="button"
          aria-label={`Resume upload of ${upload.key}`}
          onClick={() => input.current?.click()}
        >
          Resume…
        </button>
        <button
          type="button"
          className="button quiet"
          aria-label={`Forget upload of ${upload.key}`}
          onClick={() => queue.forget(upload.key)}
        >
          Forget
        </button>
        <input
          ref={input}
          type="file"
          className="visually-hidden"
          tabIndex={-1}
          aria-hidden="true"
          onChange={(event) => {
            const file = event.currentTarget.files?.[0];
            event.currentTarget.value = '';
            if (file === undefined) return;
            const same =
              file.name === upload.name &&
              file.size === upload.size &&
              file.lastModified === upload.lastModified;
            if (!same)
              setMessage(`That is not the same file: pick ${upload.name} (${formatBytes(upload.size)}).`);
            else queue.upload([{ file, path: upload.name }], folder);
          }}
        />
      </span>
    </li>
  );
}

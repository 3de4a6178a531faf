import type { Zips } from '@lockbox/react';
import { formatBytes } from './format';
import { describeError } from './notices';

/** One row per zip job: its progress while the server builds it, then a link to download it again. */
export function ZipPanel({ zips }: { zips: Zips }) {
  if (zips.zips.length === 0) return null;
  return (
    <section className="panel" aria-labelledby="zips-title">
      <h2 id="zips-title">Zip downloads</h2>
      <ul className="upload-list" aria-label="Zip downloads">
        {zips.zips.map((item) => (
          <li key={item.id} className="upload" data-state={item.state} data-name={item.name}>
            <span className="upload-name">{item.name}</span>
            <progress
              max={item.state === 'done' ? 1 : Math.max(item.progress?.fileCount ?? 0, 1)}
              value={item.state === 'done' ? 1 : (item.progress?.filesDone ?? 0)}
              aria-label={`Progress of ${item.name}`}
            />
            <span className="upload-status">
              {item.state === 'failed' ? (
                `Failed: ${describeError(item.error)}`
              ) : item.job ? (
                <>
                  Ready, {formatBytes(item.job.size)}{' '}
                  <a href={item.job.url} className="link" rel="noopener">
                    Download again
                  </a>
                </>
              ) : item.progress ? (
                `${item.progress.filesDone} of ${item.progress.fileCount} files, ${formatBytes(item.progress.bytesDone)}`
              ) : (
                'Waiting for the server'
              )}
            </span>
            <span className="upload-actions" />
          </li>
        ))}
      </ul>
    </section>
  );
}

import { useUsage } from '@lockbox/react';
import { formatBytes } from './format';

/**
 * The user's stored bytes against the quota, reloaded after every change. Old versions (kept for undo
 * after an overwrite, move or delete) count too, so the text says how much of it they take.
 */
export function UsageMeter() {
  const { usage } = useUsage();
  if (usage === undefined) return null;
  const versions = usage.versionBytes > 0 ? ` (${formatBytes(usage.versionBytes)} in old versions)` : '';
  const text = `${formatBytes(usage.bytes)} of ${formatBytes(usage.quotaBytes)} used${versions}`;
  return (
    <span className="usage" data-bytes={usage.bytes} data-version-bytes={usage.versionBytes}>
      <meter
        min={0}
        max={usage.quotaBytes}
        value={usage.bytes}
        high={usage.quotaBytes * 0.9}
        aria-label="Storage used"
      />
      <span className="usage-text">{text}</span>
    </span>
  );
}

import { useUsage } from '@lockbox/react';
import { formatBytes } from './format';

/** The user's stored bytes against the quota, reloaded after every change. */
export function UsageMeter() {
  const { usage } = useUsage();
  if (usage === undefined) return null;
  const text = `${formatBytes(usage.bytes)} of ${formatBytes(usage.quotaBytes)} used`;
  return (
    <span className="usage" data-bytes={usage.bytes}>
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

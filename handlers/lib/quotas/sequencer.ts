/**
 * Orders two S3 event sequencers of the same key (hex strings): S3 documents that the greater value is the
 * later event once the shorter string is right-padded with zeros. Only events of one key compare.
 */
export function compareSequencers(a: string, b: string): number {
  const length = Math.max(a.length, b.length);
  const left = a.toUpperCase().padEnd(length, '0');
  const right = b.toUpperCase().padEnd(length, '0');
  return left < right ? -1 : left > right ? 1 : 0;
}

export function isSequencer(value: unknown): value is string {
  return typeof value === 'string' && /^[0-9A-Fa-f]{1,64}$/.test(value);
}

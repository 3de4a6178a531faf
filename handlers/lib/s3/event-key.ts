/**
 * The object key of an S3 event notification: S3 URL-encodes it with "+" for a space; a malformed escape
 * yields no key (''), which no caller accepts as one of ours.
 */
export function decodeEventKey(key: string): string {
  try {
    return decodeURIComponent(key.replace(/\+/g, ' '));
  } catch {
    return '';
  }
}

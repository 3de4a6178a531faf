/**
 * The presigned URLs of an open multipart upload's parts. A URL near its expiry, or one S3 refused as
 * expired, is replaced by re-signing every part still to send in one request (one at a time, however
 * many parts ask).
 */
import type { ApiCall } from '../api';
import { signParts } from './open-upload';
import type { Target } from './put-with-retries';

/** Re-sign a URL this long before its expiry: a PUT must start before then. */
const MARGIN_MS = 30_000;
/** POST /uploads/parts signs at most this many parts per request. */
const SIGN_BATCH = 500;

export class PartUrlBook {
  private readonly urls = new Map<number, string>();
  private expiresAt = 0;
  private signing: Promise<void> | undefined;

  constructor(
    private readonly api: ApiCall,
    private readonly key: string,
    private readonly uploadId: string,
    private readonly now: () => number,
    /** The parts not yet sent; re-signing covers only these. */
    private readonly pending: () => readonly number[],
    private readonly signal: AbortSignal,
  ) {}

  add(parts: readonly { partNumber: number; url: string }[], expiresAt: string): void {
    for (const { partNumber, url } of parts) this.urls.set(partNumber, url);
    this.expiresAt = Date.parse(expiresAt);
  }

  async target(partNumber: number, expired: Target | undefined): Promise<Target> {
    const current = this.urls.get(partNumber);
    const stale =
      current === undefined || current === expired?.url || this.expiresAt - this.now() < MARGIN_MS;
    if (stale) {
      this.signing ??= this.resign(partNumber).finally(() => {
        this.signing = undefined;
      });
      await this.signing;
    }
    const url = this.urls.get(partNumber);
    if (url === undefined) throw new Error(`No URL for part ${partNumber}.`);
    return { url, headers: {} };
  }

  private async resign(asking: number): Promise<void> {
    const numbers = [...new Set([asking, ...this.pending()])].sort((a, b) => a - b);
    for (let i = 0; i < numbers.length; i += SIGN_BATCH) {
      const batch = await signParts(
        this.api,
        this.key,
        this.uploadId,
        numbers.slice(i, i + SIGN_BATCH),
        this.signal,
      );
      this.add(batch.parts, batch.expiresAt);
    }
  }
}

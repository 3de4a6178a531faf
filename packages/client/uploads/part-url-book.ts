/**
 * The presigned URLs of an open multipart upload's parts. A part without a URL, or whose URL S3 refused
 * as expired, gets a fresh window of URLs: itself and the next parts still to send, in one request (one
 * request at a time, however many parts ask). S3's answer decides what expired, not the device's clock,
 * which may be minutes off the server's.
 */
import type { ApiCall } from '../api.js';
import { MAX_PARTS_PER_SIGNING } from '../contract-facts.js';
import { signParts } from './open-upload.js';
import type { Target } from './put-with-retries.js';

/**
 * Parts signed per request (the client's choice, within what the route takes): URLs live 5 minutes, and
 * 20 parts of 16 MiB take about 2 minutes at 20 Mbit/s, so a window is used before it expires.
 */
const SIGN_WINDOW = Math.min(20, MAX_PARTS_PER_SIGNING);

export class PartUrlBook {
  private readonly urls = new Map<number, string>();
  private signing: Promise<void> | undefined;

  private readonly api: ApiCall;
  private readonly key: string;
  private readonly uploadId: string;
  /** The parts not yet sent; re-signing covers only these. */
  private readonly pending: () => readonly number[];
  private readonly signal: AbortSignal;

  constructor(
    api: ApiCall,
    key: string,
    uploadId: string,
    pending: () => readonly number[],
    signal: AbortSignal,
  ) {
    this.api = api;
    this.key = key;
    this.uploadId = uploadId;
    this.pending = pending;
    this.signal = signal;
  }

  add(parts: readonly { partNumber: number; url: string }[]): void {
    for (const { partNumber, url } of parts) this.urls.set(partNumber, url);
  }

  async target(partNumber: number, expired: Target | undefined): Promise<Target> {
    // URLs signed together expire together: forget them all, not just the one S3 refused.
    if (expired !== undefined && this.urls.get(partNumber) === expired.url) this.urls.clear();
    if (!this.urls.has(partNumber)) {
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
    const next = this.pending().filter((n) => n !== asking && !this.urls.has(n));
    const numbers = [asking, ...next.slice(0, SIGN_WINDOW - 1)].sort((a, b) => a - b);
    this.add((await signParts(this.api, this.key, this.uploadId, numbers, this.signal)).parts);
  }
}

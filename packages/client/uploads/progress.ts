/** Byte progress of one upload: what its parts (or its single PUT) have sent so far, in total. */
import type { Progress } from '../lockbox-client.js';

export class ProgressMeter {
  private readonly sent = new Map<number, number>();
  private loaded = 0;

  private readonly total: number;
  private readonly report: ((progress: Progress) => void) | undefined;

  constructor(total: number, report: ((progress: Progress) => void) | undefined) {
    this.total = total;
    this.report = report;
  }

  /** The parts S3 already holds (a resumed upload), reported once. */
  startWith(parts: readonly (readonly [number, number])[]): void {
    for (const [n, bytes] of parts) {
      this.sent.set(n, bytes);
      this.loaded += bytes;
    }
    if (parts.length > 0) this.report?.({ loaded: this.loaded, total: this.total });
  }

  /** Part `n` (0 for a single PUT) has sent `bytes`; 0 again when it starts over. */
  update(n: number, bytes: number): void {
    this.loaded += bytes - (this.sent.get(n) ?? 0);
    this.sent.set(n, bytes);
    this.report?.({ loaded: this.loaded, total: this.total });
  }
}

/**
 * Turns a stream of progress reports into occasional writes: at most one every `intervalMs`, never two
 * at once (a report that arrives while a write is in flight is skipped, the next one carries newer
 * figures), so the status record is fresh for pollers without an S3 PUT per file.
 */
export class ProgressRecorder<P> {
  private lastWrite: number;
  private inFlight: Promise<void> | undefined;
  private closed = false;

  constructor(
    private readonly write: (progress: P) => Promise<void>,
    private readonly intervalMs = 2000,
    private readonly now: () => number = Date.now,
    private readonly onError: (error: unknown) => void = () => {},
  ) {
    this.lastWrite = now();
  }

  report(progress: P): void {
    if (this.closed || this.inFlight !== undefined || this.now() - this.lastWrite < this.intervalMs) return;
    this.lastWrite = this.now();
    // Progress is best effort: a failed write is logged, and the job's final write still decides.
    this.inFlight = this.write(progress)
      .catch(this.onError)
      .finally(() => {
        this.inFlight = undefined;
      });
  }

  /**
   * Ignores every later report and waits for the write in flight, so that no progress write (say, from
   * a stream that ends after the zip failed) can land after, and overwrite, the job's final status.
   */
  async close(): Promise<void> {
    this.closed = true;
    await this.inFlight;
  }
}

import type { ZipProgress } from './contract';

/**
 * Counts the source bytes each entry gave the archive and tells `onProgress` after each file and at
 * least once per `every` bytes: the same progress from both strategies.
 */
export class ProgressCounter {
  private readonly remaining: number[];
  private readonly done: boolean[];
  private filesDone = 0;
  private bytesDone = 0;
  private nextReportAt = 0;

  constructor(
    sizes: readonly number[],
    private readonly every: number,
    private readonly onProgress?: (progress: ZipProgress) => void,
  ) {
    this.remaining = [...sizes];
    this.done = sizes.map(() => false);
  }

  /** `bytes` more of entry `index`; an entry is done when all its bytes are counted (an empty one at once). */
  add(index: number, bytes: number): void {
    this.bytesDone += bytes;
    this.remaining[index] -= bytes;
    const fileDone = this.remaining[index] === 0 && !this.done[index];
    if (fileDone) {
      this.done[index] = true;
      this.filesDone += 1;
    }
    if (fileDone || this.bytesDone >= this.nextReportAt) {
      this.nextReportAt = this.bytesDone + this.every;
      this.onProgress?.(this.current);
    }
  }

  get current(): ZipProgress {
    return { filesDone: this.filesDone, bytesDone: this.bytesDone };
  }
}

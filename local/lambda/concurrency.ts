/**
 * Local mode's stand-in for Lambda's scaling out: at most `limit` invocations run at once, as that many
 * warm instances would, and the others wait for one in arrival order. In AWS every request has an instance
 * of its own; here every route shares one process, one core and each module's SDK clients (50 sockets a
 * pool), so without a bound 200 concurrent requests queue inside the functions, where the wait counts
 * against the route's timeout and ends in 502s. Waiting here, before the function starts, keeps each
 * function's own time what it would be in AWS; a request that waits longer than `maxWaitMs` is throttled.
 */
export class ConcurrencyLimit {
  private running = 0;
  private readonly waiting: Waiter[] = [];

  constructor(
    /** Below the SDK's 50 sockets per client, so that a function never waits for a socket. */
    readonly limit: number,
    readonly maxWaitMs: number,
  ) {}

  /** How many wait for a slot now. */
  get queued(): number {
    return this.waiting.length;
  }

  /** A release function once a slot is free, or undefined when none freed within `maxWaitMs`. */
  acquire(): Promise<(() => void) | undefined> {
    if (this.running < this.limit) {
      this.running++;
      return Promise.resolve(this.releaser());
    }
    return new Promise((resolve) => {
      const waiter: Waiter = {
        grant: () => {
          clearTimeout(waiter.timer);
          resolve(this.releaser());
        },
        timer: setTimeout(() => {
          this.waiting.splice(this.waiting.indexOf(waiter), 1);
          resolve(undefined);
        }, this.maxWaitMs),
      };
      this.waiting.push(waiter);
    });
  }

  /** Hands the slot to the longest waiter, or frees it; a second call does nothing. */
  private releaser(): () => void {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.waiting.shift();
      if (next === undefined) this.running--;
      else next.grant();
    };
  }
}

interface Waiter {
  readonly grant: () => void;
  readonly timer: NodeJS.Timeout;
}

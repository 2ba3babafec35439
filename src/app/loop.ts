/**
 * The one background-loop chassis: every poller, scheduler and election runs
 * its rounds through it. A round runs again at once while it reports more
 * work, after the interval (or the wait it asks for) otherwise, and after
 * failures with one backoff: interval * 2^failures, capped. `wake()` cuts a
 * wait short (a block announcement, a new delivery), and `stop()` waits for
 * the round in progress. Timestamps come from the Clock port.
 */
import { systemClock, type Clock } from './ports/clock.js';

/** What a round may tell the loop; nothing means "wait the interval". */
export interface RoundResult {
  /** More work is waiting: run the next round at once. */
  readonly more?: boolean;
  /** Wait this long instead of the interval (e.g. until the next due item). */
  readonly nextInMs?: number;
}

export interface LoopOptions {
  /** Wait between rounds, milliseconds. */
  readonly intervalMs: number;
  /** Longest wait after failures; default the larger of 30 s and the interval. */
  readonly maxBackoffMs?: number;
  readonly round: () => Promise<RoundResult | void>;
  readonly onSuccess?: () => void;
  /** After a failed round (not one ended by stop()); may return a longer wait, e.g. a Retry-After. */
  readonly onFailure?: (err: unknown, retryInMs: number) => number | void;
  /** Wait one interval before the first round instead of running it at start. */
  readonly delayFirst?: boolean;
  readonly clock?: Clock;
}

export interface LoopHealth {
  readonly running: boolean;
  /** Failed rounds in a row. */
  readonly failures: number;
  readonly lastSuccessAt: number | null;
  readonly lastFailureAt: number | null;
  readonly lastError: string | null;
}

/** The backoff every loop uses: the interval doubled per failure in a row, capped. */
export function backoffMs(intervalMs: number, failures: number, maxMs: number): number {
  return Math.min(maxMs, intervalMs * 2 ** Math.min(failures, 30));
}

export class Loop {
  private running = false;
  private loop: Promise<void> | null = null;
  private wakeUp: (() => void) | null = null;
  /** A wake-up that arrived while a round was running: skip the next wait. */
  private woken = false;
  private failures = 0;
  private lastSuccessAt: number | null = null;
  private lastFailureAt: number | null = null;
  private lastError: string | null = null;
  private readonly clock: Clock;
  private readonly maxBackoffMs: number;

  constructor(private readonly o: LoopOptions) {
    this.clock = o.clock ?? systemClock;
    this.maxBackoffMs = o.maxBackoffMs ?? Math.max(30_000, o.intervalMs);
  }

  get isRunning(): boolean {
    return this.running;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.woken = false;
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.wake();
    await this.loop;
    this.loop = null;
  }

  /** Runs the next round now (right after the one in progress, if any). */
  wake(): void {
    if (this.wakeUp) this.wakeUp();
    else this.woken = true;
  }

  health(): LoopHealth {
    return {
      running: this.running,
      failures: this.failures,
      lastSuccessAt: this.lastSuccessAt,
      lastFailureAt: this.lastFailureAt,
      lastError: this.lastError,
    };
  }

  private async run(): Promise<void> {
    if (this.o.delayFirst) await this.sleep(this.o.intervalMs);
    while (this.running) {
      let delay = this.o.intervalMs;
      try {
        const r = await this.o.round();
        this.failures = 0;
        this.lastSuccessAt = this.clock.now();
        this.lastError = null;
        this.o.onSuccess?.();
        if (r?.more) delay = 0;
        else if (r?.nextInMs !== undefined) delay = Math.max(0, r.nextInMs);
      } catch (err) {
        if (!this.running) break;
        this.failures += 1;
        this.lastFailureAt = this.clock.now();
        this.lastError = err instanceof Error ? err.message : String(err);
        delay = backoffMs(this.o.intervalMs, this.failures, this.maxBackoffMs);
        const asked = this.o.onFailure?.(err, delay);
        if (typeof asked === 'number') delay = Math.max(delay, asked);
      }
      if (this.running && delay > 0) await this.sleep(delay);
    }
  }

  private sleep(ms: number): Promise<void> {
    if (this.woken) {
      this.woken = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.wakeUp = null;
        this.woken = false;
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.wakeUp = done;
    });
  }
}

/**
 * Runs a watcher's rounds: again at once while a round reports more work,
 * after the poll interval otherwise, with exponential backoff after failures.
 * `wake()` cuts a wait short (a block announcement), and `stop()` waits for
 * the round in progress to finish.
 */

export interface PollLoopOptions {
  readonly intervalMs: number;
  readonly maxBackoffMs: number;
  readonly round: () => Promise<{ more: boolean }>;
  readonly onSuccess: () => void;
  readonly onFailure: (err: unknown, retryInMs: number) => void;
}

export class PollLoop {
  private running = false;
  private loop: Promise<void> | null = null;
  private wakeUp: (() => void) | null = null;
  /** A wake-up that arrived while a round was running: skip the next wait. */
  private woken = false;

  constructor(private readonly o: PollLoopOptions) {}

  get isRunning(): boolean {
    return this.running;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.wake();
    await this.loop;
    this.loop = null;
  }

  wake(): void {
    if (this.wakeUp) this.wakeUp();
    else this.woken = true;
  }

  private async run(): Promise<void> {
    let failures = 0;
    while (this.running) {
      let delay = this.o.intervalMs;
      try {
        const { more } = await this.o.round();
        failures = 0;
        this.o.onSuccess();
        if (more) delay = 0;
      } catch (err) {
        failures += 1;
        delay = Math.min(this.o.intervalMs * 2 ** failures, this.o.maxBackoffMs);
        this.o.onFailure(err, delay);
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

/** Runs automatic collection with the collector key every interval, one round at a time. */
import type { CollectionService, CollectPolicy } from './collections.js';

export class AutoCollectScheduler {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;

  constructor(
    private readonly collections: CollectionService,
    private readonly policy: CollectPolicy,
    private readonly intervalMs: number,
    private readonly onError: (e: unknown) => void = () => {},
  ) {}

  /** One round now (also what the timer runs); resolves when it is done. */
  runOnce(): Promise<void> {
    if (!this.running) {
      this.running = this.collections
        .autoCollect(this.policy)
        .then(() => undefined)
        .catch(this.onError)
        .finally(() => (this.running = null));
    }
    return this.running;
  }

  start(): void {
    this.timer = setInterval(() => void this.runOnce(), this.intervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.running;
  }
}

/** Runs automatic collection with the collector key every interval, one round at a time. */
import type { CollectionService, CollectPolicy } from './collections.js';
import { Loop } from './loop.js';

export class AutoCollectScheduler {
  private running: Promise<void> | null = null;
  private readonly loop: Loop;

  constructor(
    private readonly collections: CollectionService,
    private readonly policy: CollectPolicy,
    intervalMs: number,
    private readonly onError: (e: unknown) => void = () => {},
  ) {
    this.loop = new Loop({ intervalMs, delayFirst: true, round: () => this.runOnce() });
  }

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
    this.loop.start();
  }

  async stop(): Promise<void> {
    await this.loop.stop();
    await this.running;
  }
}

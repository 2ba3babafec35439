/**
 * Time-driven status changes (expiry, stale unconfirmed payments). Driven by
 * each invoice's stored recheck time, so a restart misses nothing.
 */
import type { AppContext } from './context.js';
import { settle } from './settle.js';

export async function recheckDue(ctx: AppContext, limit = 200): Promise<number> {
  const ids = await ctx.store.invoices.dueForRecheck(ctx.clock.now(), limit);
  for (const id of ids) {
    const r = await ctx.store.transaction((uow) => settle(ctx, uow, id));
    if (r.changed) ctx.onInvoiceChanged?.(id);
  }
  return ids.length;
}

export class RecheckScheduler {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;

  constructor(
    private readonly ctx: AppContext,
    private readonly intervalMs = 1000,
    private readonly onError: (e: unknown) => void = () => {},
  ) {}

  start(): void {
    const tick = async () => {
      try {
        while ((await recheckDue(this.ctx)) === 200);
      } catch (e) {
        this.onError(e);
      }
    };
    this.timer = setInterval(() => {
      if (!this.running) this.running = tick().finally(() => (this.running = null));
    }, this.intervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.running;
  }
}

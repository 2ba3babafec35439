/**
 * Time-driven status changes (expiry, stale unconfirmed payments). Driven by
 * each invoice's stored recheck time, so a restart misses nothing.
 */
import type { AppContext } from './context.js';
import { Loop } from './loop.js';
import { settle } from './settle.js';

const BATCH = 200;

export async function recheckDue(ctx: AppContext, limit = BATCH): Promise<number> {
  const ids = await ctx.store.invoices.dueForRecheck(ctx.clock.now(), limit);
  for (const id of ids) {
    const r = await ctx.store.transaction((uow) => settle(ctx, uow, id));
    if (r.changed) ctx.onInvoiceChanged?.(id);
  }
  return ids.length;
}

/** Rechecks due invoices every interval, at once again while a full batch came back. */
export class RecheckScheduler {
  private readonly loop: Loop;

  constructor(ctx: AppContext, intervalMs = 1000, onError: (e: unknown) => void = () => {}) {
    this.loop = new Loop({
      intervalMs,
      delayFirst: true,
      clock: ctx.clock,
      round: async () => ({ more: (await recheckDue(ctx, BATCH)) === BATCH }),
      onFailure: (e) => onError(e),
    });
  }

  start(): void {
    this.loop.start();
  }

  async stop(): Promise<void> {
    await this.loop.stop();
  }
}

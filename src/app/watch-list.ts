/**
 * The in-memory index of watched addresses: one Map lookup per output, filled
 * from the store and refreshed with quotes created by any process.
 */
import type { WatchedAddress, WatchList } from './ports/chain.js';
import type { Clock } from './ports/clock.js';
import type { InvoiceStore } from './ports/store.js';

/** Quotes committed slightly out of order by other processes are still picked up. */
const REFRESH_OVERLAP_MS = 60_000;
/** Addresses whose late-payment window ended are dropped by a full reload this often. */
const FULL_RELOAD_MS = 10 * 60_000;

/** EVM addresses match regardless of checksum case. */
export function addressKey(chain: string, address: string): string {
  return chain === 'ETH' ? address.toLowerCase() : address;
}

export class MemoryWatchList implements WatchList {
  private byChain = new Map<string, Map<string, WatchedAddress>>();
  private since = 0;
  private lastFull = 0;

  constructor(
    private readonly store: InvoiceStore,
    private readonly clock: Clock,
  ) {}

  lookup(chain: string, address: string): WatchedAddress | undefined {
    return this.byChain.get(chain)?.get(addressKey(chain, address));
  }

  size(chain: string): number {
    return this.byChain.get(chain)?.size ?? 0;
  }

  addresses(chain: string): Iterable<WatchedAddress> {
    return this.byChain.get(chain)?.values() ?? [];
  }

  add(chain: string, w: WatchedAddress): void {
    let m = this.byChain.get(chain);
    if (!m) this.byChain.set(chain, (m = new Map()));
    m.set(addressKey(chain, w.address), w);
  }

  async refresh(): Promise<void> {
    const now = this.clock.now();
    const full = now - this.lastFull >= FULL_RELOAD_MS;
    const rows = await this.store.quotes.watched(full ? 0 : this.since - REFRESH_OVERLAP_MS, now);
    if (full) {
      this.byChain = new Map();
      this.lastFull = now;
    }
    for (const r of rows) {
      this.add(r.chain, {
        quoteId: r.quoteId,
        invoiceId: r.invoiceId,
        currency: r.currency,
        address: r.address,
      });
      if (r.fixedAt > this.since) this.since = r.fixedAt;
    }
    if (this.since === 0) this.since = now;
  }
}

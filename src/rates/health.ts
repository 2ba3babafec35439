/** Rate freshness for /readyz and /metrics, from the aggregator's per-source health. */
import { Gauge, type Registry } from 'prom-client';
import type { Clock } from '../app/ports/clock.js';
import type { SourceHealth } from './aggregator.js';

export interface RateHealthSource {
  health(): SourceHealth[];
}

/** Ready to price while at least one source holds prices within the staleness bound. */
export function ratesReady(rates: RateHealthSource): {
  ready: boolean;
  sources: Array<{
    source: string;
    ok: boolean;
    lastSuccessAt: string | null;
    lastError: string | null;
  }>;
} {
  const health = rates.health();
  return {
    ready: health.some((h) => h.ok),
    sources: health.map((h) => ({
      source: h.source,
      ok: h.ok,
      lastSuccessAt: h.lastSuccessAt === null ? null : new Date(h.lastSuccessAt).toISOString(),
      lastError: h.lastError,
    })),
  };
}

/** Registers per-source gauges, read from health() at each scrape. */
export function registerRateMetrics(
  registry: Registry,
  rates: RateHealthSource,
  clock: Clock,
): void {
  new Gauge({
    name: 'kassa_rate_source_up',
    help: '1 while the rate source holds fresh prices and its last request succeeded',
    labelNames: ['source'],
    registers: [registry],
    collect() {
      this.reset();
      for (const h of rates.health()) this.set({ source: h.source }, h.ok ? 1 : 0);
    },
  });
  new Gauge({
    name: 'kassa_rate_source_age_seconds',
    help: 'Age of the prices the rate source last answered with',
    labelNames: ['source'],
    registers: [registry],
    collect() {
      this.reset();
      const now = clock.now();
      for (const h of rates.health()) {
        if (h.lastSuccessAt !== null)
          this.set({ source: h.source }, (now - h.lastSuccessAt) / 1000);
      }
    },
  });
  new Gauge({
    name: 'kassa_rate_source_errors',
    help: '1 when the last request to the rate source failed',
    labelNames: ['source'],
    registers: [registry],
    collect() {
      this.reset();
      for (const h of rates.health()) {
        const failedLast = h.lastErrorAt !== null && (h.lastSuccessAt ?? 0) < h.lastErrorAt;
        this.set({ source: h.source }, failedLast ? 1 : 0);
      }
    },
  });
}

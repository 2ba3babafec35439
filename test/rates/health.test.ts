/** Rate freshness as /readyz and /metrics show it. */
import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import type { SourceHealth } from '../../src/rates/aggregator.js';
import { ratesReady, registerRateMetrics } from '../../src/rates/health.js';

const NOW = Date.parse('2026-11-23T12:00:00Z');
const health: SourceHealth[] = [
  {
    source: 'kraken',
    ok: true,
    lastSuccessAt: NOW - 30_000,
    lastAttemptAt: NOW - 30_000,
    lastError: null,
    lastErrorAt: null,
    prices: 18,
  },
  {
    source: 'coinbase',
    ok: false,
    lastSuccessAt: NOW - 900_000,
    lastAttemptAt: NOW - 10_000,
    lastError: 'HTTP 503',
    lastErrorAt: NOW - 10_000,
    prices: 150,
  },
  {
    source: 'erapi',
    ok: false,
    lastSuccessAt: null,
    lastAttemptAt: NOW - 10_000,
    lastError: 'timed out after 5000 ms',
    lastErrorAt: NOW - 10_000,
    prices: 0,
  },
];

describe('rate health', () => {
  it('is ready while one source is fresh, and lists every source', () => {
    expect(ratesReady({ health: () => health })).toEqual({
      ready: true,
      sources: [
        { source: 'kraken', ok: true, lastSuccessAt: '2026-11-23T11:59:30.000Z', lastError: null },
        {
          source: 'coinbase',
          ok: false,
          lastSuccessAt: '2026-11-23T11:45:00.000Z',
          lastError: 'HTTP 503',
        },
        { source: 'erapi', ok: false, lastSuccessAt: null, lastError: 'timed out after 5000 ms' },
      ],
    });
    expect(ratesReady({ health: () => health.slice(1) }).ready).toBe(false);
  });

  it('exports per-source freshness gauges', async () => {
    const registry = new Registry();
    registerRateMetrics(registry, { health: () => health }, { now: () => NOW });
    const text = await registry.metrics();
    expect(text).toContain('kassa_rate_source_up{source="kraken"} 1');
    expect(text).toContain('kassa_rate_source_up{source="coinbase"} 0');
    expect(text).toContain('kassa_rate_source_age_seconds{source="kraken"} 30');
    expect(text).toContain('kassa_rate_source_age_seconds{source="coinbase"} 900');
    expect(text).not.toContain('kassa_rate_source_age_seconds{source="erapi"}');
    expect(text).toContain('kassa_rate_source_errors{source="erapi"} 1');
    expect(text).toContain('kassa_rate_source_errors{source="kraken"} 0');
  });
});

/** The retry schedule: exponential steps with jitter, about three days in all. */
import { describe, expect, it } from 'vitest';
import { DEFAULT_RETRY_SCHEDULE, retryDelay } from '../../src/callbacks/backoff.js';

describe('retry schedule', () => {
  it('waits 10 s, 1 min, 5 min, 15 min, 1 h, 3 h, 6 h, 12 h, 24 h, 24 h, then gives up', () => {
    const delays = Array.from({ length: 11 }, (_, i) =>
      retryDelay(i + 1, DEFAULT_RETRY_SCHEDULE, 0),
    );
    expect(delays).toEqual([
      10_000,
      60_000,
      300_000,
      900_000,
      3_600_000,
      10_800_000,
      21_600_000,
      43_200_000,
      86_400_000,
      86_400_000,
      null,
    ]);
    const total = DEFAULT_RETRY_SCHEDULE.reduce((a, b) => a + b, 0);
    expect(total / 86_400_000).toBeGreaterThan(2.5);
    expect(total / 86_400_000).toBeLessThan(3.5);
  });

  it('spreads retries by at most the jitter either way', () => {
    expect(retryDelay(5, DEFAULT_RETRY_SCHEDULE, 0.1, () => 0)).toBe(3_240_000);
    expect(retryDelay(5, DEFAULT_RETRY_SCHEDULE, 0.1, () => 0.999999)).toBe(3_959_999);
    for (let i = 0; i < 200; i++) {
      const d = retryDelay(2, DEFAULT_RETRY_SCHEDULE) ?? 0;
      expect(d).toBeGreaterThanOrEqual(54_000);
      expect(d).toBeLessThanOrEqual(66_000);
    }
  });
});

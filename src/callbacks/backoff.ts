/** When a failed callback is tried again: exponential steps with jitter, for about three days. */

const S = 1000;
const M = 60 * S;
const H = 60 * M;

/** Delay after the 1st, 2nd, ... failed attempt; after the last step the delivery fails. */
export const DEFAULT_RETRY_SCHEDULE: readonly number[] = [
  10 * S,
  1 * M,
  5 * M,
  15 * M,
  1 * H,
  3 * H,
  6 * H,
  12 * H,
  24 * H,
  24 * H,
];

/**
 * Delay before the next attempt after `attemptsMade` attempts, or null when the
 * schedule is spent. Jitter spreads retries of many deliveries that failed together.
 */
export function retryDelay(
  attemptsMade: number,
  schedule: readonly number[] = DEFAULT_RETRY_SCHEDULE,
  jitter = 0.1,
  random: () => number = Math.random,
): number | null {
  const base = schedule[attemptsMade - 1];
  if (base === undefined) return null;
  return Math.max(0, Math.round(base * (1 + jitter * (2 * random() - 1))));
}

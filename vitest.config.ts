import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // Browser and live-update polls wait for a state, not a fixed second: on a busy 2-core machine a page
    // update can take several seconds.
    // A test that asserts nothing cannot fail: every test must make at least one assertion.
    expect: { requireAssertions: true, poll: { timeout: 15_000, interval: 100 } },
    reporters: ['default'],
  },
});

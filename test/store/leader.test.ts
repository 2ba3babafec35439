/** Each chain watcher runs in exactly one process at a time, with failover (PostgreSQL). */
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChainWatcher, WatcherHealth } from '../../src/app/ports/chain.js';
import { LeaderElectedWatcher } from '../../src/watchers.js';
import { createTestDatabase, type TestDatabase } from '../support/postgres.js';

class CountingWatcher implements ChainWatcher {
  running = false;
  starts = 0;
  constructor(readonly chain: string) {}
  async start() {
    this.running = true;
    this.starts += 1;
  }
  async stop() {
    this.running = false;
  }
  health(): WatcherHealth {
    return {
      chain: this.chain,
      running: this.running,
      nodeReachable: true,
      height: 1,
      nodeHeight: 1,
      lastError: null,
      lastProgressAt: null,
    };
  }
}

describe('watcher leader election on PostgreSQL', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase('kassa_leader');
  });
  afterAll(async () => db?.drop());

  it('runs a chain watcher in one process only and fails over when it stops', async () => {
    const logger = pino({ level: 'silent' });
    const a = new CountingWatcher('LTC');
    const b = new CountingWatcher('LTC');
    const other = new CountingWatcher('ETH');
    const la = new LeaderElectedWatcher(a, db.url, logger, 100);
    const lb = new LeaderElectedWatcher(b, db.url, logger, 100);
    const lo = new LeaderElectedWatcher(other, db.url, logger, 100);
    // start() holds its first election: once it returns, the lock is decided.
    await la.start();
    await lb.start();
    await lo.start();
    expect([a.running, b.running]).toEqual([true, false]);
    expect(other.running).toBe(true);
    expect(la.health().running).toBe(true);
    expect(lb.health().running).toBe(false);
    expect([la.isLeader(), lb.isLeader()]).toEqual([true, false]);

    // B keeps asking; while A holds the lock the answer stays no, however many times it asks.
    await expect.poll(() => lb.elections(), { timeout: 15_000 }).toBeGreaterThanOrEqual(3);
    expect([a.running, b.running]).toEqual([true, false]);

    await la.stop();
    expect(a.running).toBe(false);
    await expect.poll(() => b.running, { timeout: 15_000 }).toBe(true);
    expect(lb.isLeader()).toBe(true);
    expect(b.starts).toBe(1);
    await lb.stop();
    await lo.stop();
  });

  it('always leads on the embedded database (one process)', async () => {
    const w = new CountingWatcher('BTC');
    const l = new LeaderElectedWatcher(w, undefined, pino({ level: 'silent' }), 100);
    await l.start();
    expect(w.running).toBe(true);
    await l.stop();
    expect(w.running).toBe(false);
  });
});

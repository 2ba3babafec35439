/** The background-loop chassis every poller and scheduler runs on. */
import { describe, expect, it } from 'vitest';
import { backoffMs, Loop } from '../../src/app/loop.js';

const until = async (cond: () => boolean, what: string) => {
  const deadline = Date.now() + 10_000;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
};

describe('Loop', () => {
  it('runs the first round at start and the next one on wake, not after the interval', async () => {
    let rounds = 0;
    const loop = new Loop({ intervalMs: 600_000, round: async () => void rounds++ });
    loop.start();
    await until(() => rounds === 1, 'the first round');
    loop.wake();
    await until(() => rounds === 2, 'the woken round');
    await loop.stop();
    expect(loop.isRunning).toBe(false);
  });

  it('runs again at once while a round reports more work', async () => {
    let rounds = 0;
    const loop = new Loop({
      intervalMs: 600_000,
      round: async () => ({ more: ++rounds < 4 }),
    });
    loop.start();
    await until(() => rounds === 4, 'four rounds');
    await loop.stop();
    expect(rounds).toBe(4);
  });

  it('backs off by doubling the interval per failure, capped, and reports it in health', async () => {
    const waits: number[] = [];
    let now = 1_000;
    const loop = new Loop({
      intervalMs: 1,
      maxBackoffMs: 8,
      clock: { now: () => now++ },
      round: async () => {
        throw new Error('node down');
      },
      onFailure: (_err, retryInMs) => void waits.push(retryInMs),
    });
    loop.start();
    await until(() => waits.length >= 4, 'four failures');
    await loop.stop();
    expect(waits.slice(0, 4)).toEqual([2, 4, 8, 8]);
    const h = loop.health();
    expect(h.failures).toBeGreaterThanOrEqual(4);
    expect(h.lastError).toBe('node down');
    expect(h.lastSuccessAt).toBeNull();
    expect(h.lastFailureAt).toBeGreaterThan(1_000);
    expect(backoffMs(1000, 1, 30_000)).toBe(2000);
    expect(backoffMs(1000, 40, 30_000)).toBe(30_000);
  });

  it('takes a longer wait a failure asks for, and the wait a round asks for', async () => {
    const asked: number[] = [];
    let rounds = 0;
    const loop = new Loop({
      intervalMs: 1,
      round: async () => {
        rounds++;
        if (rounds === 1) throw new Error('429');
        return { nextInMs: 600_000 };
      },
      onFailure: (_e, retryInMs) => {
        asked.push(retryInMs);
        return 5;
      },
    });
    loop.start();
    await until(() => rounds === 2, 'the round after the asked wait');
    loop.wake();
    await until(() => rounds === 3, 'a woken round during a long asked wait');
    await loop.stop();
    expect(asked).toEqual([2]);
  });

  it('stop waits for the round in progress and reports no failure for it', async () => {
    let release!: () => void;
    let finished = false;
    const failures: unknown[] = [];
    const loop = new Loop({
      intervalMs: 600_000,
      round: () =>
        new Promise<void>((resolve, reject) => {
          release = () => {
            finished = true;
            reject(new Error('aborted by stop'));
          };
          void resolve;
        }),
      onFailure: (e) => void failures.push(e),
    });
    loop.start();
    await until(() => release !== undefined, 'the round to start');
    const stopped = loop.stop();
    let done = false;
    void stopped.then(() => (done = true));
    await Promise.resolve();
    expect(done).toBe(false);
    release();
    await stopped;
    expect(finished).toBe(true);
    expect(failures).toEqual([]);
  });
});

/**
 * One process at a time per chain watcher: a PostgreSQL session advisory lock,
 * held on a dedicated connection, released when the process or its connection
 * dies, so another process takes over. SQLite is single-process: always granted.
 */
import type pg from 'pg';
import { pgDriver } from './database.js';

export interface LeaderLock {
  /** True when this process holds (or just took) the lock. */
  tryAcquire(): Promise<boolean>;
  /** False once the connection holding the lock was lost. */
  held(): boolean;
  release(): Promise<void>;
}

export function leaderLock(databaseUrl: string | undefined, name: string): LeaderLock {
  if (!databaseUrl) {
    let held = false;
    return {
      tryAcquire: async () => (held = true),
      held: () => held,
      release: async () => {
        held = false;
      },
    };
  }
  let client: pg.Client | null = null;
  let held = false;
  const drop = () => {
    held = false;
    client = null;
  };
  return {
    async tryAcquire() {
      if (held && client) return true;
      if (!client) {
        const c = new (pgDriver().Client)({ connectionString: databaseUrl });
        c.on('error', drop);
        c.on('end', drop);
        await c.connect();
        client = c;
      }
      const r = await client.query<{ ok: boolean }>(
        'SELECT pg_try_advisory_lock(hashtext($1)) AS ok',
        [`kassa:${name}`],
      );
      held = r.rows[0]?.ok === true;
      return held;
    },
    held: () => held,
    async release() {
      const c = client;
      drop();
      await c?.end().catch(() => {});
    },
  };
}

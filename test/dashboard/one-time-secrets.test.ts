/**
 * Secrets kept for the page after a redirect, on both engines: shown once, only
 * to the session that made them, never after they expire, and not readable
 * from the database alone.
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ONE_TIME_SECRET_TTL_MS,
  revealSecret,
  stashSecret,
} from '../../src/app/one-time-secrets.js';
import { startTestKassa, type TestKassa } from '../support/kassa.js';
import { createTestDatabase, type TestDatabase } from '../support/postgres.js';

for (const engine of ['sqlite', 'postgres'] as const) {
  describe(`one-time secrets on ${engine}`, () => {
    let k: TestKassa;
    let pgdb: TestDatabase | undefined;
    let now = 1_800_000_000_000;
    const clock = { now: () => now };

    beforeAll(async () => {
      if (engine === 'postgres') pgdb = await createTestDatabase('kassa_onetime');
      k = await startTestKassa(pgdb ? { DATABASE_URL: pgdb.url } : {});
      expect(k.store.engine).toBe(engine);
    });
    afterAll(async () => {
      await k?.stop();
      await pgdb?.drop();
    });

    it('shows a secret once, to its own session only', async () => {
      const deps = { access: k.access, clock };
      const id = await stashSecret(deps, 'session-a', 'kassa_live_secret_value');
      const rows = await sql<{
        sealed: string;
      }>`select sealed from one_time_secrets where id = ${id}`.execute(k.store.db);
      expect(rows.rows).toHaveLength(1);
      expect(rows.rows[0]!.sealed).not.toContain('kassa_live_secret_value');
      expect(await revealSecret(deps, 'session-b', id)).toBeUndefined();
      expect(await revealSecret(deps, 'session-a', id)).toBe('kassa_live_secret_value');
      expect(await revealSecret(deps, 'session-a', id)).toBeUndefined();
    });

    it('forgets a secret once it expires', async () => {
      const deps = { access: k.access, clock };
      const id = await stashSecret(deps, 'session-a', 'whsec_late');
      now += ONE_TIME_SECRET_TTL_MS;
      expect(await revealSecret(deps, 'session-a', id)).toBeUndefined();
      // A later stash also clears what expired and was never shown.
      const old = await stashSecret(deps, 'session-a', 'whsec_never_shown');
      now += ONE_TIME_SECRET_TTL_MS;
      await stashSecret(deps, 'session-a', 'whsec_next');
      const left = await sql<{
        id: string;
      }>`select id from one_time_secrets where id = ${old}`.execute(k.store.db);
      expect(left.rows).toEqual([]);
    });
  });
}

/**
 * Test-only fault injection, to prove that a state change, its events and
 * their deliveries commit all together or not at all. Armed only when
 * NODE_ENV is `test` and KASSA_TEST_FAULTS names a file; the file (read at
 * each point, so a test arms it after setup, even in another process) holds
 * `<point>:<action>`. Not a setting: production never sets either variable,
 * and the points cost one environment lookup.
 */
import { readFileSync } from 'node:fs';
import { sql, type Kysely } from 'kysely';
import type { Database } from './schema.js';

/** Where in a unit of work that appends events the fault strikes. */
export type FaultPoint =
  /** Events inserted, deliveries not yet. */
  | 'events-inserted'
  /** Events and deliveries inserted, not committed. */
  | 'deliveries-inserted'
  /** The unit of work committed. */
  | 'committed';

export async function faultPoint(point: FaultPoint, db: Kysely<Database>): Promise<void> {
  const file = process.env.KASSA_TEST_FAULTS;
  if (!file || process.env.NODE_ENV !== 'test') return;
  let armed: string;
  try {
    armed = readFileSync(file, 'utf8').trim();
  } catch {
    return;
  }
  const [at, action] = armed.split(':');
  if (at !== point) return;
  if (action === 'kill') process.kill(process.pid, 'SIGKILL');
  // A real statement the database refuses, inside the same transaction.
  if (action === 'fail-sql') await sql`select * from kassa_injected_missing_table`.execute(db);
  throw new Error(`injected fault at ${point}`);
}

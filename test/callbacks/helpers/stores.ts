/**
 * Fresh, migrated stores for the callback tests: SQLite (in memory or a temp
 * file) and a PostgreSQL database created for this run and dropped after it.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import {
  migrateToLatest,
  openStore,
  type Engine,
  type Store,
} from '../../../src/store/database.js';

export const PG_ADMIN_URL =
  process.env.KASSA_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
export const ENGINES: readonly Engine[] = ['sqlite', 'postgres'];

export interface TestStore extends Store {
  /** How another process opens the same database. */
  readonly location: { databaseUrl?: string; sqlitePath?: string };
  destroy(): Promise<void>;
}

async function adminQuery(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: PG_ADMIN_URL });
  try {
    await client.connect();
  } catch (e) {
    throw new Error(
      `PostgreSQL is required at ${PG_ADMIN_URL} for the callback tests: ${(e as Error).message}`,
      { cause: e },
    );
  }
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

export async function createTestStore(
  engine: Engine,
  opts: { file?: boolean } = {},
): Promise<TestStore> {
  if (engine === 'postgres') {
    const name = `kassa_cb_${randomBytes(6).toString('hex')}`;
    await adminQuery(`CREATE DATABASE ${name}`);
    const url = new URL(PG_ADMIN_URL);
    url.pathname = `/${name}`;
    const store = openStore({ databaseUrl: url.toString(), poolSize: 8 });
    await migrateToLatest(store);
    return {
      ...store,
      location: { databaseUrl: url.toString() },
      async destroy() {
        await store.close();
        await adminQuery(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      },
    };
  }
  const dir = opts.file ? fs.mkdtempSync(path.join(os.tmpdir(), 'kassa-cb-')) : null;
  const sqlitePath = dir ? path.join(dir, 'kassa.sqlite') : ':memory:';
  const store = openStore({ sqlitePath });
  await migrateToLatest(store);
  return {
    ...store,
    location: { sqlitePath },
    async destroy() {
      await store.close();
      if (dir) fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

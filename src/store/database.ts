import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, Migrator, PostgresDialect, SqliteDialect, type MigrationResultSet } from 'kysely';
import type PgModule from 'pg';
import { migrations } from './migrations/index.js';
import type { Database } from './schema.js';

export type Engine = 'sqlite' | 'postgres';

export interface Store {
  readonly db: Kysely<Database>;
  readonly engine: Engine;
  close(): Promise<void>;
}

/** The PostgreSQL driver, loaded only when PostgreSQL is configured (it costs memory at idle). */
export function pgDriver(): typeof PgModule {
  const pg = createRequire(import.meta.url)('pg') as typeof PgModule;
  // int8 columns hold epoch milliseconds and heights: safe as numbers.
  pg.types.setTypeParser(20, (v) => Number(v));
  return pg;
}

export interface OpenOptions {
  /** postgres://... selects PostgreSQL; otherwise SQLite at `sqlitePath`. */
  databaseUrl?: string;
  sqlitePath?: string;
  poolSize?: number;
  /** Called with each SQL statement run (the bench counts statements per create). */
  onStatement?: (sql: string) => void;
}

export function openStore(opts: OpenOptions): Store {
  if (opts.databaseUrl && /^postgres(ql)?:\/\//.test(opts.databaseUrl)) {
    const pg = pgDriver();
    const pool = new pg.Pool({ connectionString: opts.databaseUrl, max: opts.poolSize ?? 10 });
    // An idle connection dropped by the server (restart, failover) is replaced on next use, not fatal.
    pool.on('error', () => {});
    const onStatement = opts.onStatement;
    if (onStatement) {
      pool.on('connect', (client) => {
        const query = client.query.bind(client) as (...a: unknown[]) => unknown;
        (client as { query: unknown }).query = (...a: unknown[]) => {
          const q = a[0];
          onStatement(typeof q === 'string' ? q : String((q as { text?: string }).text));
          return query(...a);
        };
      });
    }
    const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
    return { db, engine: 'postgres', close: () => db.destroy() };
  }
  const file = opts.sqlitePath ?? ':memory:';
  if (file !== ':memory:') fs.mkdirSync(path.dirname(file), { recursive: true });
  const onStatement = opts.onStatement;
  const sqlite = new SQLite(
    file,
    onStatement ? { verbose: (sql?: unknown) => onStatement(String(sql)) } : {},
  );
  sqlite.pragma('journal_mode = WAL');
  // FULL: a commit is on disk before it is acknowledged, so an invoice or an
  // allocation survives power loss too (NORMAL in WAL mode may lose the last ones).
  sqlite.pragma('synchronous = FULL');
  sqlite.pragma('busy_timeout = 5000');
  sqlite.pragma('foreign_keys = ON');
  sqlite.defaultSafeIntegers(false);
  const db = new Kysely<Database>({
    dialect: new SqliteDialect({ database: withStatementCache(sqlite) }),
  });
  return { db, engine: 'sqlite', close: () => db.destroy() };
}

/**
 * Kysely prepares every query anew; the same few hundred statements repeat, so
 * keep them prepared (bounded, oldest dropped first).
 */
function withStatementCache(sqlite: SQLite.Database, max = 500): SQLite.Database {
  const cache = new Map<string, SQLite.Statement>();
  const prepare = sqlite.prepare.bind(sqlite);
  return new Proxy(sqlite, {
    get(target, prop, receiver) {
      if (prop !== 'prepare') {
        const value: unknown = Reflect.get(target, prop, receiver);
        return typeof value === 'function' ? value.bind(target) : value;
      }
      return (source: string) => {
        let stmt = cache.get(source);
        if (!stmt) {
          stmt = prepare(source);
          if (cache.size >= max) cache.delete(cache.keys().next().value as string);
          cache.set(source, stmt);
        }
        return stmt;
      };
    },
  });
}

function migrator(store: Store): Migrator {
  return new Migrator({
    db: store.db,
    provider: { getMigrations: async () => migrations },
    // Numbers are reserved per capability and land in any order: a database that
    // already ran a higher number still takes a lower one added later.
    allowUnorderedMigrations: true,
  });
}

export async function migrateToLatest(store: Store): Promise<MigrationResultSet> {
  const result = await migrator(store).migrateToLatest();
  if (result.error) throw result.error;
  return result;
}

/** True when every known migration has run. */
export async function migrationsCurrent(store: Store): Promise<boolean> {
  const list = await migrator(store).getMigrations();
  return list.every((m) => m.executedAt !== undefined);
}

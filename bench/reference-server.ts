/**
 * The bar for invoice creation: a minimal server doing the same durable writes
 * as Kassa (same schema, same PRAGMAs, the same rows: counter, allocation,
 * invoice, quote, event) plus one BIP32 derivation per invoice, nothing else.
 */
import { randomBytes } from 'node:crypto';
import SQLite from 'better-sqlite3';
import Fastify from 'fastify';
import { invoiceId, newId, shortId } from '../src/app/ids.js';
import { deriveUtxoAddress } from '../src/chains/utxo/index.js';
import { migrateToLatest, openStore } from '../src/store/database.js';

const file = process.env.SQLITE_PATH!;
const key = process.env.WALLET_KEY!;
const store = openStore({ sqlitePath: file });
await migrateToLatest(store);
await store.close();

const db = new SQLite(file);
db.pragma('journal_mode = WAL');
db.pragma(`synchronous = ${process.env.REF_SYNC ?? 'FULL'}`);
db.pragma('busy_timeout = 5000');
db.pragma('foreign_keys = ON');
const now0 = Date.now();
db.prepare(`insert into accounts (id, name, created_at) values ('acc_ref', 'ref', ?)`).run(now0);
db.prepare(
  `insert into projects (id, account_id, name, settings, secret_key, test_mode, created_at, updated_at)
   values ('refshop', 'acc_ref', 'ref', '{}', ?, 0, ?, ?)`,
).run(randomBytes(16).toString('hex'), now0, now0);

const take = db.prepare(
  `insert into address_wallets (project_id, chain, wallet_id, next_idx, highest_used)
   values ('refshop', 'BTC', 'w', 1, -1)
   on conflict (project_id, chain, wallet_id) do update set next_idx = address_wallets.next_idx + 1
   returning next_idx`,
);
const allocate = db.prepare(
  `insert into address_allocations (project_id, chain, wallet_id, idx, address, invoice_id, allocated_at, reusable_at)
   values ('refshop', 'BTC', 'w', ?, ?, ?, ?, null)`,
);
const insertInvoice = db.prepare(
  `insert into invoices (id, short_id, project_id, account_id, amount, price_currency, order_id, email,
     description, expires_at, available_currencies, test_mode, locale, metadata, locked_rates, status, context,
     resolution, manual_resolution, cancelled_at, received_confirmed, received_unconfirmed, watch_until,
     recheck_at, created_at, updated_at)
   values (?, ?, 'refshop', 'acc_ref', ?, 'USD', null, null, null, ?, null, 0, 'en', null, ?, 'created', null,
     null, null, null, '0', '0', null, ?, ?, ?)`,
);
const insertQuote = db.prepare(
  `insert into quotes (id, invoice_id, currency, chain, address, derivation_index, amount_due, rate,
     rate_source, fixed_at, required_confirmations, active)
   values (?, ?, 'BTC', 'BTC', ?, ?, ?, '100000', 'fixed', ?, 1, 1)`,
);
const insertEvent = db.prepare(
  `insert into events (id, invoice_id, project_id, type, data, created_at) values (?, ?, 'refshop', ?, ?, ?)`,
);

const create = db.transaction((amount: string) => {
  const now = Date.now();
  const idx = Number((take.get() as { next_idx: number }).next_idx) - 1;
  const address = deriveUtxoAddress({ key, index: idx, chain: 'BTC', network: 'mainnet' });
  const id = invoiceId();
  const expiresAt = now + 24 * 3600_000;
  allocate.run(idx, address, id, now);
  insertInvoice.run(
    id,
    shortId(),
    amount,
    expiresAt,
    '{"BTC":{"rate":"100000"}}',
    expiresAt,
    now,
    now,
  );
  insertQuote.run(newId('quo', now), id, address, idx, '100000', now);
  const data = JSON.stringify({ invoice: { id, status: 'created', address, amount } });
  insertEvent.run(newId('evt', now), id, 'invoice.created', data, now);
  insertEvent.run(newId('evt', now), id, 'invoice.quote_fixed', data, now);
  return { id, address, idx };
});

const app = Fastify();
app.post<{ Body: { amount: string } }>('/api/v1/invoices', async (req, reply) =>
  reply.status(201).send(create(String(req.body.amount))),
);
app.get('/healthz', async () => ({ status: 'ok' }));
console.log(
  `listening on ${await app.listen({ port: Number(process.env.PORT), host: '127.0.0.1' })}`,
);

/** Prior invoices written straight into the database, so growth is measured at 100,000 without creating them over HTTP. */
import type { Kysely } from 'kysely';
import { sha256Hex } from '../src/app/ids.js';
import { openInvoice, type Quote } from '../src/domain/invoice.js';
import type { Database } from '../src/store/schema.js';
import { fromInvoice, fromQuote } from '../src/store/rows.js';

const BATCH = 500;

/** Adds invoices (each with a BTC quote and its allocation) until the project has `total`. */
export async function seedInvoices(
  db: Kysely<Database>,
  projectId: string,
  walletKey: string,
  total: number,
): Promise<void> {
  const project = await db
    .selectFrom('projects')
    .select('account_id')
    .where('id', '=', projectId)
    .executeTakeFirstOrThrow();
  const walletId = sha256Hex(walletKey).slice(0, 16);
  const have = Number(
    (
      await db
        .selectFrom('invoices')
        .select((eb) => eb.fn.countAll<string>().as('n'))
        .where('project_id', '=', projectId)
        .executeTakeFirstOrThrow()
    ).n,
  );
  const t0 = Date.now() - 30 * 24 * 3600_000;
  for (let from = have; from < total; from += BATCH) {
    const n = Math.min(BATCH, total - from);
    await db.transaction().execute(async (trx) => {
      const counter = await trx
        .insertInto('address_wallets')
        .values({
          project_id: projectId,
          chain: 'BTC',
          wallet_id: walletId,
          next_idx: n,
          highest_used: -1,
        })
        .onConflict((oc) =>
          oc.columns(['project_id', 'chain', 'wallet_id']).doUpdateSet((eb) => ({
            next_idx: eb('address_wallets.next_idx', '+', n),
          })),
        )
        .returning('next_idx')
        .executeTakeFirstOrThrow();
      const first = Number(counter.next_idx) - n;
      const invoices = [];
      const quotes = [];
      const allocations = [];
      for (let i = 0; i < n; i++) {
        const k = from + i;
        const id = `inv_seed${String(k).padStart(18, '0')}`;
        const at = t0 + k;
        const inv = openInvoice({
          id,
          shortId: k.toString(36).toUpperCase().padStart(8, '0'),
          projectId,
          accountId: project.account_id,
          amount: '100.00',
          priceCurrency: 'USD',
          orderId: null,
          email: null,
          description: null,
          expiresAt: at + 3600_000,
          availableCurrencies: null,
          testMode: false,
          locale: 'en',
          metadata: null,
          lockedRates: null,
          createdAt: at,
        });
        invoices.push({
          ...fromInvoice({ ...inv, status: 'canceled', watchUntil: at }, null),
        });
        const address = `seed_${walletId}_${first + i}`;
        const quote: Quote = {
          id: `quo_seed${String(k).padStart(18, '0')}`,
          invoiceId: id,
          currency: 'BTC',
          chain: 'BTC',
          address,
          derivationIndex: first + i,
          amountDue: 100_000n,
          rate: '100000',
          rateSource: 'seed',
          fixedAt: at,
          requiredConfirmations: 1,
          active: true,
        };
        quotes.push(fromQuote(quote));
        allocations.push({
          project_id: projectId,
          chain: 'BTC',
          wallet_id: walletId,
          idx: first + i,
          address,
          invoice_id: id,
          allocated_at: at,
          reusable_at: null,
        });
      }
      await trx.insertInto('invoices').values(invoices).execute();
      await trx.insertInto('quotes').values(quotes).execute();
      await trx.insertInto('address_allocations').values(allocations).execute();
    });
  }
}

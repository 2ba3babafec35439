import { sql, type Kysely } from 'kysely';
import type { EventRouting } from '../app/ports/outbox.js';
import type { InvoiceStore, UnitOfWork } from '../app/ports/store.js';
import { accountRepository, apiKeyRepository, projectRepository } from './account-repository.js';
import { addressRepository } from './address-repository.js';
import { unexpectedDepositRepository } from './collection-repository.js';
import { migrationsCurrent, type Engine, type Store } from './database.js';
import { faultPoint } from './fault-injection.js';
import { eventRepository } from './event-repository.js';
import { idempotencyRepository } from './idempotency-repository.js';
import { invoiceRepository } from './invoice-repository.js';
import { quoteRepository } from './quote-repository.js';
import { refundRepository } from './refund-repository.js';
import { paymentRepository } from './payment-repository.js';
import type { Database } from './schema.js';

function unitOfWork(
  db: Kysely<Database>,
  engine: Engine,
  routing: EventRouting,
  onQueued?: () => void,
): UnitOfWork {
  return {
    accounts: accountRepository(db),
    apiKeys: apiKeyRepository(db),
    projects: projectRepository(db),
    invoices: invoiceRepository(db, engine),
    quotes: quoteRepository(db),
    payments: paymentRepository(db),
    events: eventRepository(db, routing, onQueued),
    refunds: refundRepository(db),
    idempotency: idempotencyRepository(db),
    addresses: addressRepository(db),
    unexpectedDeposits: unexpectedDepositRepository(db),
  };
}

export interface StoreHooks {
  /** Callback deliveries were committed (the dispatcher need not look otherwise). */
  readonly onDeliveriesQueued?: () => void;
}

/** The store behind the app's ports: one code path for SQLite and PostgreSQL. */
export function invoiceStore(
  store: Store,
  routing: EventRouting,
  hooks: StoreHooks = {},
): InvoiceStore {
  const base = unitOfWork(store.db, store.engine, routing, hooks.onDeliveriesQueued);
  return {
    ...base,
    async transaction(fn) {
      let appended = false;
      let queued = false;
      const result = await store.db.transaction().execute((trx) => {
        const uow = unitOfWork(trx, store.engine, routing, () => (queued = true));
        const events: UnitOfWork['events'] = {
          ...uow.events,
          async append(list) {
            await uow.events.append(list);
            if (list.length > 0) appended = true;
          },
        };
        return fn({ ...uow, events });
      });
      if (appended) await faultPoint('committed', store.db);
      if (queued) hooks.onDeliveriesQueued?.();
      return result;
    },
    async ready() {
      try {
        await sql`select 1`.execute(store.db);
        return await migrationsCurrent(store);
      } catch {
        return false;
      }
    },
  };
}

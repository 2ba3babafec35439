/**
 * The callback outbox's write side: called inside the same transaction that
 * appends events, so an event and its deliveries commit together. Which
 * endpoint wants which event is the routing handed in at wiring time.
 */
import type { Kysely } from 'kysely';
import { newId } from '../app/ids.js';
import type { EventRouting } from '../app/ports/outbox.js';
import {
  blankDelivery,
  type CallbackTables,
  type DeliveriesTable,
} from './deliveries-repository.js';
import type { Database, EventsTable } from './schema.js';

const INSERT_CHUNK = 100;

interface Appended {
  readonly e: EventsTable;
  readonly type: string;
  readonly invoiceId: string;
  readonly data: unknown;
}

export async function enqueueDeliveries(
  /** The transaction that appends `events` (a Kysely handle inside `transaction().execute`). */
  trx: Kysely<Database>,
  events: readonly EventsTable[],
  routing: EventRouting,
): Promise<number> {
  if (events.length === 0) return 0;
  const t = trx.withTables<CallbackTables>();
  const projectIds = [...new Set(events.map((e) => e.project_id))];
  const endpoints = await t
    .selectFrom('callback_endpoints')
    .selectAll()
    .where('project_id', 'in', projectIds)
    .where('enabled', '=', 1)
    .orderBy('created_at')
    .execute();
  if (endpoints.length === 0) return 0;

  const ordered: Appended[] = [...events]
    .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
    .map((e) => ({ e, type: e.type, invoiceId: e.invoice_id, data: JSON.parse(e.data) }));
  const rows: DeliveriesTable[] = [];
  for (const ep of endpoints) {
    const route = {
      format: ep.format,
      events: ep.events ? (JSON.parse(ep.events) as string[]) : null,
    };
    let chosen = routing.select(
      route,
      ordered.filter((c) => c.e.project_id === ep.project_id),
    );
    if (routing.oncePerInvoice(ep.format))
      chosen = await firstPerInvoice(trx, ep.id, (e) => routing.wants(ep.format, e), chosen);
    for (const { e } of chosen)
      rows.push({
        id: newId('dlv'),
        event_id: e.id,
        event_type: e.type,
        endpoint_id: ep.id,
        project_id: ep.project_id,
        invoice_id: e.invoice_id,
        ...blankDelivery(e.created_at),
      });
  }
  for (let i = 0; i < rows.length; i += INSERT_CHUNK)
    await t
      .insertInto('deliveries')
      .values(rows.slice(i, i + INSERT_CHUNK))
      .execute();
  return rows.length;
}

/**
 * Keeps only the first wanted event per invoice that this endpoint never had
 * one for. Earlier deliveries count only if the format wants their event, so a
 * delivery made under an older rule does not block the one due now.
 */
async function firstPerInvoice(
  trx: Kysely<Database>,
  endpointId: string,
  wants: (event: { type: string; data: unknown }) => boolean,
  chosen: Appended[],
): Promise<Appended[]> {
  if (chosen.length === 0) return chosen;
  const invoiceIds = [...new Set(chosen.map((c) => c.invoiceId))];
  const earlier = await trx
    .withTables<CallbackTables>()
    .selectFrom('deliveries as d')
    .innerJoin('events as e', 'e.id', 'd.event_id')
    .select(['d.invoice_id', 'e.type', 'e.data'])
    .where('d.endpoint_id', '=', endpointId)
    .where('d.invoice_id', 'in', invoiceIds)
    .where('d.redelivery_of', 'is', null)
    .execute();
  const done = new Set(
    earlier
      .filter((d) => wants({ type: d.type, data: JSON.parse(d.data) }))
      .map((d) => d.invoice_id),
  );
  return chosen.filter((c) => {
    if (done.has(c.invoiceId)) return false;
    done.add(c.invoiceId);
    return true;
  });
}

/**
 * The callback outbox's write side: called inside the same transaction that
 * appends events, so an event and its deliveries commit together.
 */
import type { Kysely } from 'kysely';
import { callbackFormat } from '../callbacks/formats.js';
import { STATE_EVENT_TYPES, type CallbackFormat, type EventData } from '../callbacks/format.js';
import {
  blankDelivery,
  newId,
  type CallbackTables,
  type DeliveriesTable,
} from './deliveries-repository.js';
import type { Database, EventsTable } from './schema.js';

const INSERT_CHUNK = 100;

export async function enqueueDeliveries(
  /** The transaction that appends `events` (a Kysely handle inside `transaction().execute`). */
  trx: Kysely<Database>,
  events: readonly EventsTable[],
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

  const ordered = [...events]
    .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
    .map((e) => ({ e, data: JSON.parse(e.data) as EventData }));
  const rows: DeliveriesTable[] = [];
  for (const ep of endpoints) {
    const format = callbackFormat(ep.format);
    if (!format) continue;
    const wanted = new Set<string>(
      ep.events ? (JSON.parse(ep.events) as string[]) : format.defaultEvents,
    );
    let chosen = ordered.filter(
      ({ e, data }) =>
        e.project_id === ep.project_id &&
        wanted.has(e.type) &&
        format.wants({ type: e.type, data }),
    );
    if (format.name !== 'native') chosen = collapseStateEvents(chosen);
    if (format.oncePerInvoice) chosen = await firstPerInvoice(trx, ep.id, format, chosen);
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
 * A status change, a cancel and a resolution written together describe one new
 * state; formats that only report "the status changed" send it once, from the last.
 */
function collapseStateEvents<T extends { e: EventsTable }>(chosen: T[]): T[] {
  const lastState = new Map<string, T>();
  for (const c of chosen)
    if (STATE_EVENT_TYPES.includes(c.e.type)) lastState.set(c.e.invoice_id, c);
  return chosen.filter(
    (c) => !STATE_EVENT_TYPES.includes(c.e.type) || lastState.get(c.e.invoice_id) === c,
  );
}

/**
 * Keeps only the first wanted event per invoice that this endpoint never had
 * one for. Earlier deliveries count only if the format wants their event, so a
 * delivery made under an older rule does not block the one due now.
 */
async function firstPerInvoice<T extends { e: EventsTable }>(
  trx: Kysely<Database>,
  endpointId: string,
  format: CallbackFormat,
  chosen: T[],
): Promise<T[]> {
  if (chosen.length === 0) return chosen;
  const invoiceIds = [...new Set(chosen.map((c) => c.e.invoice_id))];
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
      .filter((d) => format.wants({ type: d.type, data: JSON.parse(d.data) as EventData }))
      .map((d) => d.invoice_id),
  );
  return chosen.filter((c) => {
    if (done.has(c.e.invoice_id)) return false;
    done.add(c.e.invoice_id);
    return true;
  });
}

/** Reads the delivery log: deliveries with their latest attempt, and one delivery's attempts. */
import type { CallbackDb } from '../store/deliveries-repository.js';
import { attemptView, deliveryView, type AttemptView, type DeliveryView } from './views.js';

export type DeliveryFilter = { invoiceId: string } | { endpointId: string } | { id: string };

export async function listDeliveries(
  db: CallbackDb,
  filter: DeliveryFilter,
  limit: number,
): Promise<DeliveryView[]> {
  let q = db.selectFrom('deliveries').selectAll();
  if ('invoiceId' in filter) q = q.where('invoice_id', '=', filter.invoiceId);
  else if ('endpointId' in filter) q = q.where('endpoint_id', '=', filter.endpointId);
  else q = q.where('id', '=', filter.id);
  const rows = await q.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(limit).execute();
  const tried = rows.filter((r) => r.attempts > 0);
  const last =
    tried.length === 0
      ? []
      : await db
          .selectFrom('delivery_attempts')
          .selectAll()
          .where(
            'delivery_id',
            'in',
            tried.map((r) => r.id),
          )
          .where((eb) =>
            eb.or(
              tried.map((r) =>
                eb.and([eb('delivery_id', '=', r.id), eb('attempt', '=', r.attempts)]),
              ),
            ),
          )
          .execute();
  const byDelivery = new Map(last.map((a) => [a.delivery_id, a]));
  return rows.map((r) => deliveryView(r, byDelivery.get(r.id) ?? null));
}

export async function attemptLog(db: CallbackDb, deliveryId: string): Promise<AttemptView[]> {
  const rows = await db
    .selectFrom('delivery_attempts')
    .selectAll()
    .where('delivery_id', '=', deliveryId)
    .orderBy('attempt')
    .execute();
  return rows.map(attemptView);
}

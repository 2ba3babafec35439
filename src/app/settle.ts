/**
 * Recomputes an invoice's status from its facts and commits the new cache and
 * its events together. Every state change in Kassa goes through here.
 */
import { DEFAULT_CONFIRMATIONS } from '../domain/currencies.js';
import type { Invoice, InvoiceEvent, InvoiceEventType, Payment, Quote } from '../domain/invoice.js';
import {
  invoiceStatus,
  UNCONFIRMED_AFTER_MS,
  type StatusResult,
} from '../domain/invoice-status.js';
import type { Project } from '../domain/project.js';
import { DEFAULT_RULES } from '../domain/rules.js';
import type { AppContext } from './context.js';
import { newId } from './ids.js';
import { paymentView, type PaymentView } from './invoice-view.js';
import type { UnitOfWork } from './ports/store.js';
import { viewOf } from './views.js';

export interface PendingEvent {
  readonly type: InvoiceEventType;
  readonly payment?: Payment;
  readonly extra?: Record<string, unknown>;
}

export function requiredConfirmations(
  quote: Pick<Quote, 'requiredConfirmations'> | undefined,
): number {
  return quote?.requiredConfirmations ?? DEFAULT_CONFIRMATIONS.BTC;
}

function nextRecheck(
  inv: Invoice,
  r: StatusResult,
  payments: readonly Payment[],
  now: number,
  reqConf: number,
) {
  const times: number[] = [];
  const closesAt = Math.min(inv.expiresAt ?? Infinity, inv.cancelledAt ?? Infinity);
  if (closesAt > now && Number.isFinite(closesAt)) times.push(closesAt);
  for (const p of payments) {
    const staleAt = p.firstSeenAt + UNCONFIRMED_AFTER_MS;
    if (!p.dropped && p.confirmations < reqConf && staleAt > now) times.push(staleAt);
  }
  if (r.closed && inv.watchUntil === null) times.push(now);
  return times.length ? Math.min(...times) : null;
}

export interface NewInvoiceFacts {
  readonly invoice: Invoice;
  readonly quote: Quote | undefined;
  readonly project: Project;
}

export interface SettleResult {
  readonly invoice: Invoice;
  readonly quote: Quote | undefined;
  readonly changed: boolean;
}

export async function settle(
  ctx: AppContext,
  uow: UnitOfWork,
  invoiceId: string,
  pending: readonly PendingEvent[] = [],
  /** A new invoice written in this transaction: its facts are known, nothing to read back. */
  created?: NewInvoiceFacts,
): Promise<SettleResult> {
  const now = ctx.clock.now();
  const inv = created ? created.invoice : await uow.invoices.lock(invoiceId);
  if (!inv) throw new Error(`invoice ${invoiceId} vanished`);
  const quote = created ? created.quote : await uow.quotes.active(invoiceId);
  const project = created ? created.project : await uow.projects.get(inv.projectId);
  const payments =
    quote && !created
      ? (await uow.payments.forInvoice(invoiceId)).filter((p) => p.quoteId === quote.id)
      : [];
  const reqConf = requiredConfirmations(quote);
  const r = invoiceStatus({
    amountDue: quote?.amountDue ?? null,
    requiredConfirmations: reqConf,
    expiresAt: inv.expiresAt,
    cancelledAt: inv.cancelledAt,
    payments: payments.map((p) => ({
      key: `${p.chain}:${p.txid}:${p.outputIndex}`,
      amount: p.amount,
      confirmations: p.confirmations,
      dropped: p.dropped,
      firstSeenAt: p.firstSeenAt,
    })),
    rules: project?.rules ?? DEFAULT_RULES,
    manualResolution: inv.manualResolution,
    now,
  });

  const closesAt = Math.min(inv.expiresAt ?? Infinity, inv.cancelledAt ?? Infinity);
  const window = ctx.settings.latePaymentWindowMs;
  let watchUntil: number | null = null;
  if (r.closed) watchUntil = closesAt + window;
  else if (r.status === 'paid' || r.status === 'overpaid' || r.status === 'refunded')
    watchUntil = inv.watchUntil ?? now + window;

  const next: Invoice = {
    ...inv,
    status: r.status,
    context: r.context,
    resolution: r.resolution,
    receivedConfirmed: r.confirmed,
    receivedUnconfirmed: r.unconfirmed,
    watchUntil,
    updatedAt: now,
  };
  const stateChanged =
    inv.status !== next.status ||
    inv.context !== next.context ||
    inv.resolution !== next.resolution ||
    inv.receivedConfirmed !== next.receivedConfirmed ||
    inv.receivedUnconfirmed !== next.receivedUnconfirmed;
  const recheckAt = nextRecheck(next, r, payments, now, reqConf);
  const invoice = stateChanged ? next : { ...next, updatedAt: inv.updatedAt };
  // A new invoice's row was inserted with this very state: write it once.
  const asInserted =
    created !== undefined &&
    !stateChanged &&
    watchUntil === inv.watchUntil &&
    recheckAt === inv.expiresAt;
  if (!asInserted) {
    await uow.invoices.updateState(invoiceId, {
      ...invoice,
      recheckAt,
      updatedAt: invoice.updatedAt,
    });
  }

  // Opt-in reuse only: an address that never received anything may be handed
  // out again once its cool-down, and at least the late-payment window, is over.
  const cooldown = ctx.settings.addressReuseCooldownMs;
  if (cooldown > 0 && r.closed && payments.length === 0 && inv.watchUntil === null) {
    await uow.addresses.release(invoiceId, closesAt + Math.max(cooldown, window));
  } else if (payments.length > 0 && inv.receivedConfirmed + inv.receivedUnconfirmed === 0n) {
    await uow.addresses.markUsed(invoiceId);
  }

  const view = viewOf(ctx, invoice, quote);
  const pv = (p: Payment): PaymentView => paymentView(p, quote?.currency ?? '', reqConf);
  // Provider formats list every transaction and the redirect targets in each callback.
  const shared = {
    payments: payments.map(pv),
    shop: {
      name: project?.name ?? '',
      success_url: project?.successUrl ?? null,
      fail_url: project?.failUrl ?? null,
    },
  };
  const events: InvoiceEvent[] = [];
  const add = (type: InvoiceEventType, data: Record<string, unknown>) =>
    events.push({
      id: newId('evt', now),
      invoiceId,
      projectId: inv.projectId,
      type,
      data: { ...data, ...shared },
      createdAt: now,
    });

  for (const e of pending)
    add(e.type, { invoice: view, ...(e.payment ? { payment: pv(e.payment) } : {}), ...e.extra });
  if (inv.status !== invoice.status || inv.context !== invoice.context) {
    add('invoice.status_changed', {
      invoice: view,
      previous_status: inv.status,
      previous_context: inv.context,
    });
  }
  if (inv.resolution !== invoice.resolution && invoice.resolution !== null) {
    add('invoice.resolved', { invoice: view, resolution: invoice.resolution });
  }
  await uow.events.append(events);
  return { invoice, quote, changed: events.length > 0 };
}

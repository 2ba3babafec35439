/** Invoice use cases: create, find, choose a currency, list, and read events and payments. */
import {
  cryptoCurrency,
  fiatCurrency,
  isCryptoCurrency,
  priceDecimals,
} from '../domain/currencies.js';
import { invalid, invalidState, KassaError, notFound } from '../domain/errors.js';
import type {
  Invoice,
  InvoiceEvent,
  LockedRate,
  Locale,
  Payment,
  Quote,
} from '../domain/invoice.js';
import { openInvoice } from '../domain/invoice.js';
import {
  compareDecimal,
  formatUnits,
  InvalidAmount,
  isZero,
  parseDecimal,
  toUnits,
} from '../domain/money.js';
import type { Project } from '../domain/project.js';
import type { AppContext } from './context.js';
import { invoiceId as newInvoiceId, sha256Hex, shortId } from './ids.js';
import type { InvoiceView } from './invoice-view.js';
import type { InvoiceFilter } from './ports/store.js';
import { fixQuote, MAX_QUOTES_PER_INVOICE, payableCurrencies, rateFor } from './quotes.js';
import { settle } from './settle.js';
import { viewOf } from './views.js';

export const DEFAULT_TIME_TO_PAY_SECONDS = 24 * 60 * 60;

export interface CreateInvoiceInput {
  readonly accountId: string;
  readonly shopId: string;
  readonly amount: string;
  readonly currency?: string;
  readonly orderId?: string;
  readonly email?: string;
  readonly description?: string;
  /** Seconds until expiry; null for an invoice without a timer; default 24 h. */
  readonly expiresInSeconds?: number | null;
  /** Preselected payment currency: the quote and address are fixed at creation. */
  readonly paymentCurrency?: string;
  readonly availableCurrencies?: readonly string[];
  readonly locale?: Locale;
  readonly metadata?: Record<string, string>;
  readonly testMode?: boolean;
  readonly idempotencyKey?: string;
}

export interface CreatedInvoice {
  readonly invoice: InvoiceView;
  /** False when an earlier request with the same order_id or Idempotency-Key made it. */
  readonly created: boolean;
}

function requestHash(i: CreateInvoiceInput): string {
  const { idempotencyKey: _k, accountId: _a, ...terms } = i;
  return sha256Hex(JSON.stringify(terms, Object.keys(terms).sort()));
}

export async function projectOf(
  ctx: AppContext,
  accountId: string,
  shopId: string,
  field = 'shop_id',
): Promise<Project> {
  const project = await ctx.store.projects.get(shopId);
  if (!project || project.accountId !== accountId)
    throw new KassaError('not_found', `project ${shopId} not found`, field);
  return project;
}

/** Finds an invoice of the account by its id, `INV-XXXXXXXX` or `XXXXXXXX`; 404 for anyone else's. */
export async function findInvoice(
  ctx: AppContext,
  accountId: string | null,
  ref: string,
): Promise<Invoice> {
  let inv: Invoice | undefined;
  if (ref.startsWith('inv_')) inv = await ctx.store.invoices.get(ref);
  else {
    const short = ref.toUpperCase().replace(/^INV-/, '');
    if (/^[A-Z0-9]{8}$/.test(short)) inv = await ctx.store.invoices.byShortId(short);
  }
  if (!inv || (accountId !== null && inv.accountId !== accountId)) throw notFound('invoice');
  return inv;
}

export async function invoiceDetails(ctx: AppContext, inv: Invoice): Promise<InvoiceView> {
  return viewOf(ctx, inv, await ctx.store.quotes.active(inv.id));
}

function validatePrice(input: CreateInvoiceInput): string {
  const currency = (input.currency ?? 'USD').toUpperCase();
  const decimals = priceDecimals(currency);
  if (decimals === undefined)
    throw invalid('currency', `unsupported price currency ${input.currency}`);
  try {
    const d = parseDecimal(input.amount, 15, decimals);
    if (isZero(d)) throw invalid('amount', 'amount must be greater than zero');
    // One text per value, so "7", "7.0" and 7 are the same terms: fiat prices with all their
    // minor units ("7.00"), crypto prices in canonical form ("0.5").
    return formatUnits(toUnits(d, decimals), decimals, fiatCurrency(currency) ? decimals : 0);
  } catch (e) {
    if (e instanceof InvalidAmount) throw invalid('amount', `amount ${e.message}`);
    throw e;
  }
}

export async function createInvoice(
  ctx: AppContext,
  input: CreateInvoiceInput,
): Promise<CreatedInvoice> {
  const project = await projectOf(ctx, input.accountId, input.shopId);
  const amount = validatePrice(input);
  const priceCurrency = (input.currency ?? 'USD').toUpperCase();
  const testMode = input.testMode ?? project.testMode;
  if (testMode && !ctx.settings.testMode)
    throw invalid('test_mode', 'test mode is disabled on this instance');
  const hash = requestHash({ ...input, amount, currency: priceCurrency });

  if (input.idempotencyKey) {
    const prior = await ctx.store.idempotency.get(input.accountId, input.idempotencyKey);
    if (prior) return replay(ctx, prior, hash);
  }
  if (input.orderId) {
    const prior = await ctx.store.invoices.byOrderId(project.id, input.orderId);
    if (prior) return sameOrder(ctx, prior, amount, priceCurrency);
  }

  const available = input.availableCurrencies?.map((c) => c.toUpperCase()) ?? null;
  for (const [i, c] of (available ?? []).entries()) {
    if (!isCryptoCurrency(c)) throw invalid(`available_currencies[${i}]`, `unknown currency ${c}`);
  }
  const now = ctx.clock.now();
  const expiresAt =
    input.expiresInSeconds === null
      ? null
      : now + (input.expiresInSeconds ?? DEFAULT_TIME_TO_PAY_SECONDS) * 1000;
  const draft = openInvoice({
    id: newInvoiceId(),
    shortId: shortId(),
    projectId: project.id,
    accountId: project.accountId,
    amount,
    priceCurrency,
    orderId: input.orderId ?? null,
    email: input.email ?? null,
    description: input.description ?? null,
    expiresAt,
    availableCurrencies: available,
    testMode,
    locale: input.locale ?? 'en',
    metadata: input.metadata ?? null,
    lockedRates: null,
    createdAt: now,
  });
  const payable = payableCurrencies(ctx, project, draft);
  const preselected = input.paymentCurrency?.toUpperCase();
  if (preselected !== undefined) {
    if (!cryptoCurrency(preselected))
      throw invalid('payment_currency', `unknown currency ${input.paymentCurrency}`);
    if (!payable.includes(preselected)) {
      throw new KassaError(
        'currency_not_enabled',
        `${preselected} is not enabled for this project`,
        'payment_currency',
      );
    }
  } else if (payable.length === 0) {
    throw new KassaError(
      'currency_not_enabled',
      'no payment currency is enabled for this invoice',
      'available_currencies',
    );
  }

  // Rates come before the transaction: a timer invoice fixes them now, for every currency it offers.
  let lockedRates: Record<string, LockedRate> | null = null;
  let preselectedRate: LockedRate | null = null;
  if (preselected) preselectedRate = await rateFor(ctx, draft, preselected);
  if (expiresAt !== null && !preselected) {
    lockedRates = {};
    let lastError: unknown = null;
    for (const c of payable) {
      try {
        lockedRates[c] = await rateFor(ctx, draft, c);
      } catch (e) {
        lastError = e;
      }
    }
    if (Object.keys(lockedRates).length === 0) throw lastError;
  } else if (preselected && preselectedRate) lockedRates = { [preselected]: preselectedRate };
  const invoice: Invoice = { ...draft, lockedRates };

  try {
    const result = await ctx.store.transaction(async (uow) => {
      if (
        input.idempotencyKey &&
        !(await uow.idempotency.put(input.accountId, input.idempotencyKey, hash, invoice.id, now))
      ) {
        return null;
      }
      await uow.invoices.insert(invoice);
      const events: { type: InvoiceEvent['type'] }[] = [{ type: 'invoice.created' }];
      let quote: Quote | undefined;
      if (preselected && preselectedRate) {
        quote = await fixQuote(
          ctx,
          uow,
          project,
          invoice,
          preselected,
          preselectedRate,
          'payment_currency',
          true,
        );
        events.push({ type: 'invoice.quote_fixed' });
      }
      return settle(ctx, uow, invoice.id, events, { invoice, quote, project });
    });
    if (result === null) return createInvoice(ctx, input);
    ctx.onInvoiceChanged?.(invoice.id);
    return { invoice: viewOf(ctx, result.invoice, result.quote), created: true };
  } catch (e) {
    // Lost a race on the same order_id: answer with the winner.
    if (input.orderId && !(e instanceof KassaError)) {
      const prior = await ctx.store.invoices.byOrderId(project.id, input.orderId);
      if (prior) return sameOrder(ctx, prior, amount, priceCurrency);
    }
    throw e;
  }
}

async function replay(
  ctx: AppContext,
  prior: { requestHash: string; invoiceId: string },
  hash: string,
) {
  if (prior.requestHash !== hash) {
    throw new KassaError(
      'idempotency_mismatch',
      'Idempotency-Key was used with a different request',
      'Idempotency-Key',
    );
  }
  const inv = await ctx.store.invoices.get(prior.invoiceId);
  if (!inv) throw notFound('invoice');
  return { invoice: await invoiceDetails(ctx, inv), created: false };
}

async function sameOrder(ctx: AppContext, prior: Invoice, amount: string, currency: string) {
  const sameAmount = compareDecimal(parseDecimal(prior.amount), parseDecimal(amount)) === 0;
  if (!sameAmount || prior.priceCurrency !== currency) {
    throw new KassaError(
      'conflict',
      `order_id ${prior.orderId} already has an invoice with other terms`,
      'order_id',
    );
  }
  return { invoice: await invoiceDetails(ctx, prior), created: false };
}

/** The customer (or merchant) picks the payment currency of an invoice without one. */
export async function chooseCurrency(
  ctx: AppContext,
  inv: Invoice,
  currency: string,
): Promise<InvoiceView> {
  const code = currency.toUpperCase();
  const project = await ctx.store.projects.get(inv.projectId);
  if (!project) throw notFound('project');
  const current = await ctx.store.quotes.active(inv.id);
  if (current?.currency === code) return viewOf(ctx, inv, current);
  if (inv.status !== 'created' || (inv.expiresAt !== null && ctx.clock.now() >= inv.expiresAt)) {
    throw invalidState(`the payment currency can no longer change (invoice is ${inv.status})`);
  }
  if (!cryptoCurrency(code)) throw invalid('currency', `unknown currency ${currency}`);
  const rate = await rateFor(ctx, inv, code);
  const result = await ctx.store.transaction(async (uow) => {
    const locked = await uow.invoices.lock(inv.id);
    if (!locked || locked.status !== 'created') throw invalidState('the invoice is no longer open');
    const payments = await uow.payments.forInvoice(inv.id);
    if (payments.length > 0) throw invalidState('a payment was already seen for this invoice');
    if ((await uow.quotes.forInvoice(inv.id)).length >= MAX_QUOTES_PER_INVOICE) {
      throw new KassaError(
        'invalid_state',
        `the payment currency of this invoice was already changed ${MAX_QUOTES_PER_INVOICE - 1} times, the most allowed`,
        'currency',
      );
    }
    await fixQuote(ctx, uow, project, locked, code, rate);
    return settle(ctx, uow, inv.id, [{ type: 'invoice.quote_fixed' }]);
  });
  ctx.onInvoiceChanged?.(inv.id);
  return viewOf(ctx, result.invoice, result.quote);
}

export async function listInvoices(
  ctx: AppContext,
  filter: InvoiceFilter,
): Promise<{ items: InvoiceView[]; total?: number }> {
  const rows = await ctx.store.invoices.list(filter);
  const active = new Map(
    (await ctx.store.quotes.activeOf(rows.map((i) => i.id))).map((q) => [q.invoiceId, q]),
  );
  return { items: rows.map((i) => viewOf(ctx, i, active.get(i.id))) };
}

export async function countInvoices(ctx: AppContext, filter: InvoiceFilter): Promise<number> {
  return ctx.store.invoices.count(filter);
}

export async function invoiceEvents(ctx: AppContext, inv: Invoice): Promise<InvoiceEvent[]> {
  return ctx.store.events.forInvoice(inv.id);
}

export async function invoicePayments(
  ctx: AppContext,
  inv: Invoice,
): Promise<{ payments: Payment[]; quotes: Quote[] }> {
  return {
    payments: await ctx.store.payments.forInvoice(inv.id),
    quotes: await ctx.store.quotes.forInvoice(inv.id),
  };
}

/** Fixing a quote: the payment currency, its address and the exact crypto amount due. */
import {
  cryptoCurrency,
  DEFAULT_CONFIRMATIONS,
  type CryptoCurrency,
} from '../domain/currencies.js';
import { invalid, KassaError } from '../domain/errors.js';
import type { Invoice, LockedRate, Quote } from '../domain/invoice.js';
import { parseDecimal, parseExact, priceToUnits } from '../domain/money.js';
import type { Project } from '../domain/project.js';
import type { AppContext } from './context.js';
import { newId } from './ids.js';
import type { UnitOfWork } from './ports/store.js';
import { handOut, walletFor, type HandedOut } from './wallet-addresses.js';

/** Quotes one invoice may have: a customer may switch currencies, not without end. */
export const MAX_QUOTES_PER_INVOICE = 10;

/** Currencies a customer may pay this invoice in. */
export function payableCurrencies(
  ctx: AppContext,
  project: Project,
  invoice: Pick<Invoice, 'availableCurrencies' | 'testMode'>,
): string[] {
  const enabled = project.enabledCurrencies.filter((code) => {
    const c = cryptoCurrency(code);
    if (!c) return false;
    if (invoice.testMode) return Boolean(ctx.chains.test);
    // A token is payable only where its contract is known on the configured network.
    if (c.contract && !ctx.settings.tokenContracts[c.code]) return false;
    return Boolean(project.wallets[c.chain] && ctx.chains[c.family]);
  });
  const allowed = invoice.availableCurrencies;
  return allowed ? enabled.filter((c) => allowed.includes(c)) : enabled;
}

/** The rate for paying `invoice` in `currency`: locked at creation, or fetched now. */
export async function rateFor(
  ctx: AppContext,
  invoice: Pick<Invoice, 'priceCurrency' | 'lockedRates'>,
  currency: string,
): Promise<LockedRate> {
  const locked = invoice.lockedRates?.[currency];
  if (locked) return locked;
  if (currency === invoice.priceCurrency)
    return { rate: '1', source: 'identity', fixedAt: ctx.clock.now() };
  const r = await ctx.rates.rate(currency, invoice.priceCurrency);
  return { rate: r.rate, source: r.source, fixedAt: ctx.clock.now() };
}

/**
 * The invoice's address on the wallet paying `currency`: the one it already
 * holds there (a customer switching back), else the wallet's next address.
 */
async function allocateAddress(
  ctx: AppContext,
  uow: UnitOfWork,
  project: Project,
  invoice: Invoice,
  currency: CryptoCurrency,
  fresh: boolean,
): Promise<HandedOut> {
  const wallet = walletFor(ctx, project, invoice.testMode, currency);
  if (!fresh) {
    const held = await uow.addresses.held(
      wallet.projectId,
      wallet.chain,
      wallet.walletId,
      invoice.id,
    );
    if (held) return { chain: wallet.chain, address: held.address, index: held.idx };
  }
  return handOut(ctx, uow, wallet, invoice.id, true);
}

/**
 * Fixes the quote for `currencyCode` on `invoice` inside the caller's transaction.
 * The rate is fetched before the transaction (see rateFor) so no network call holds a lock.
 */
export async function fixQuote(
  ctx: AppContext,
  uow: UnitOfWork,
  project: Project,
  invoice: Invoice,
  currencyCode: string,
  rate: LockedRate,
  field = 'currency',
  /** A new invoice: it holds no address and no quote yet. */
  fresh = false,
): Promise<Quote> {
  const currency = cryptoCurrency(currencyCode);
  if (!currency) throw invalid(field, `unknown payment currency ${currencyCode}`);
  if (!payableCurrencies(ctx, project, invoice).includes(currency.code)) {
    throw new KassaError(
      'currency_not_enabled',
      `${currency.code} is not available for this invoice`,
      field,
    );
  }
  const amountDue = priceToUnits(
    parseDecimal(invoice.amount),
    parseExact(rate.rate),
    currency.decimals,
  );
  if (amountDue <= 0n) throw invalid('amount', 'amount is too small to pay in ' + currency.code);
  const { chain, address, index } = await allocateAddress(
    ctx,
    uow,
    project,
    invoice,
    currency,
    fresh,
  );
  const quote: Quote = {
    id: newId('quo', ctx.clock.now()),
    invoiceId: invoice.id,
    currency: currency.code,
    chain,
    address,
    derivationIndex: index,
    amountDue,
    rate: rate.rate,
    rateSource: rate.source,
    fixedAt: ctx.clock.now(),
    requiredConfirmations:
      project.confirmations[currency.code] ?? DEFAULT_CONFIRMATIONS[currency.chain],
    active: true,
  };
  if (!fresh) await uow.quotes.deactivate(invoice.id);
  await uow.quotes.insert(quote);
  return quote;
}

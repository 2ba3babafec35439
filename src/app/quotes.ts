/** Fixing a quote: the payment currency, its address and the exact crypto amount due. */
import {
  cryptoCurrency,
  DEFAULT_CONFIRMATIONS,
  type CryptoCurrency,
} from '../domain/currencies.js';
import { invalid, KassaError } from '../domain/errors.js';
import type { Invoice, LockedRate, Quote } from '../domain/invoice.js';
import { parseDecimal, priceToUnits } from '../domain/money.js';
import type { Project } from '../domain/project.js';
import type { AppContext } from './context.js';
import { newId, sha256Hex } from './ids.js';
import type { UnitOfWork } from './ports/store.js';

export const DEFAULT_GAP_LIMIT = 100;

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

/** Refuses a wallet whose on-chain prerequisites fail (see AppContext.walletReady). */
export async function ensureWalletReady(
  ctx: AppContext,
  chain: string,
  key: string,
  field: string,
): Promise<void> {
  if (!ctx.walletReady) return;
  try {
    await ctx.walletReady(chain, key);
  } catch (e) {
    throw new KassaError('currency_not_enabled', (e as Error).message, field);
  }
}

async function allocateAddress(
  ctx: AppContext,
  uow: UnitOfWork,
  project: Project,
  invoice: Invoice,
  currency: CryptoCurrency,
): Promise<{ chain: string; address: string; index: number }> {
  const now = ctx.clock.now();
  if (invoice.testMode) {
    const family = ctx.chains.test;
    if (!family)
      throw new KassaError('currency_not_enabled', 'test mode is off on this instance', 'currency');
    const index = await uow.addresses.nextIndex(project.id, 'test', currency.code);
    for (let i = index; i < index + 20; i++) {
      const address = family.deriveAddress({
        key: project.id,
        index: i,
        currency,
        network: 'regtest',
      });
      const ok = await uow.addresses.allocate({
        projectId: project.id,
        chain: 'test',
        walletId: currency.code,
        idx: i,
        address,
        invoiceId: invoice.id,
        at: now,
      });
      if (ok) return { chain: 'test', address, index: i };
    }
    throw new KassaError('conflict', 'could not allocate a test address, retry');
  }
  const wallet = project.wallets[currency.chain];
  const family = ctx.chains[currency.family];
  if (!wallet || !family) {
    throw new KassaError(
      'currency_not_enabled',
      `no ${currency.chain} wallet is configured for this project`,
      'currency',
    );
  }
  await ensureWalletReady(ctx, currency.chain, wallet.key, 'currency');
  const network = ctx.settings.networks[currency.chain] ?? wallet.network ?? 'mainnet';
  const walletId = sha256Hex(wallet.key).slice(0, 16);
  const reuse = await uow.addresses.reusable(project.id, currency.chain, walletId, now);
  if (
    reuse &&
    (await uow.addresses.reassign(project.id, currency.chain, walletId, reuse.idx, invoice.id, now))
  ) {
    return { chain: currency.chain, address: reuse.address, index: reuse.idx };
  }
  const gap = wallet.gapLimit || DEFAULT_GAP_LIMIT;
  if ((await uow.addresses.unusedCount(project.id, currency.chain, walletId)) >= gap) {
    throw new KassaError(
      'rate_limited',
      `the ${currency.chain} wallet has ${gap} unpaid addresses outstanding (its gap limit); raise the project's gap limit and the wallet's, or wait for invoices to expire`,
      'currency',
    );
  }
  const start = await uow.addresses.nextIndex(project.id, currency.chain, walletId);
  for (let i = start; i < start + 20; i++) {
    const address = family.deriveAddress({ key: wallet.key, index: i, currency, network });
    const ok = await uow.addresses.allocate({
      projectId: project.id,
      chain: currency.chain,
      walletId,
      idx: i,
      address,
      invoiceId: invoice.id,
      at: now,
    });
    if (ok) return { chain: currency.chain, address, index: i };
  }
  throw new KassaError('conflict', 'could not allocate an address, retry');
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
    parseDecimal(rate.rate, 30, 30),
    currency.decimals,
  );
  if (amountDue <= 0n) throw invalid('amount', 'amount is too small to pay in ' + currency.code);
  const { chain, address, index } = await allocateAddress(ctx, uow, project, invoice, currency);
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
  await uow.quotes.deactivate(invoice.id);
  await uow.quotes.insert(quote);
  return quote;
}

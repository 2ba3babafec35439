/**
 * CryptoCloud's response shapes, built from the native invoice view. Amounts
 * are JSON numbers (CryptoCloud clients parse them as floats) written from the
 * exact decimal text; fees are 0 because a self-hosted gateway takes none.
 */
import type { AppContext } from '../../app/context.js';
import type { InvoiceView } from '../../app/invoice-view.js';
import { shownCurrency } from '../../app/preselect-currency.js';
import { projectNumber } from '../../app/project-number.js';
import { cryptoCloudProgress, cryptoCloudTerms } from '../../app/provider-invoices/cryptocloud.js';
import { UsdValues } from '../../app/usd-value.js';
import { decimalNumber, JsonNumber } from '../../domain/exact-json.js';
import { cryptoCurrency, type CryptoCurrency } from '../../domain/currencies.js';
import { formatDecimal, type Decimal } from '../../domain/money.js';
import type { Project } from '../../domain/project.js';

/** A JSON number from exact decimal text; always with a point, as CryptoCloud's floats print. */
export const num = decimalNumber;

const ZERO = new JsonNumber('0.0');

export function ccProject(p: Project | undefined, shopId: string) {
  return {
    id: projectNumber(shopId),
    shop_id: shopId,
    name: p?.name ?? '',
    // CryptoCloud writes "" for an unset URL; typed clients declare these as strings.
    fail: p?.failUrl ?? '',
    success: p?.successUrl ?? '',
    logo: p?.logoUrl ?? null,
  };
}

function icons(publicUrl: string, c: CryptoCurrency) {
  const base = `${publicUrl}/assets/icons`;
  const coin = `${base}/${c.symbol.toLowerCase()}.svg`;
  const networkIcon =
    c.network.code === 'ERC20'
      ? `${base}/network-erc20.svg`
      : c.network.code === 'TRC20'
        ? `${base}/network-trc20.svg`
        : coin;
  return { coin, networkIcon };
}

/** The currency object inside invoices (seed shape). */
export function ccInvoiceCurrency(publicUrl: string, c: CryptoCurrency) {
  const i = icons(publicUrl, c);
  return {
    id: c.id,
    code: c.symbol,
    fullcode: c.code,
    network: {
      code: c.network.code,
      id: c.network.id,
      icon: i.networkIcon,
      fullname: c.network.fullname,
    },
    name: c.name,
    is_email_required: false,
    stablecoin: c.stablecoin,
    icon_base: i.coin,
    // A string for every currency, as typed clients declare it (a coin's own network shows the coin).
    icon_network: i.networkIcon,
    icon_qr: i.coin,
    order: c.order,
  };
}

/** The currency object of static wallets and balances (`short_code`, `obj_network`, `enable`). */
export function ccWalletCurrency(publicUrl: string, c: CryptoCurrency, enabled: boolean) {
  const i = icons(publicUrl, c);
  return {
    id: c.id,
    code: c.code,
    short_code: c.symbol,
    name: c.name,
    is_email_required: false,
    stablecoin: c.stablecoin,
    icon_base: i.coin,
    icon_network: i.networkIcon,
    icon_qr: i.coin,
    order: c.order,
    obj_network: {
      code: c.network.code,
      id: c.network.id,
      icon: i.networkIcon,
      fullname: c.network.fullname,
    },
    enable: enabled,
  };
}

/** USD values for display as CryptoCloud numbers; null when no fresh rate exists. Per request. */
export class UsdPricer {
  private readonly values: UsdValues;

  constructor(ctx: AppContext) {
    this.values = new UsdValues(ctx.rates);
  }

  /** A price in `currency` (fiat, or crypto for static-wallet payments) in USD, to the nearest cent. */
  async price(amount: string, currency: string): Promise<JsonNumber | null> {
    return shown(await this.values.ofPrice(amount, currency));
  }

  /** Smallest units of crypto `c` in USD, to the cent. */
  async crypto(units: bigint, c: CryptoCurrency): Promise<JsonNumber | null> {
    return shown(await this.values.ofUnits(units, c));
  }
}

const shown = (d: Decimal | null) => (d ? num(formatDecimal(d)) : null);

export interface FormatContext {
  readonly ctx: AppContext;
  readonly usd: UsdPricer;
  readonly project: (shopId: string) => Promise<Project | undefined>;
}

/** An invoice as `create` returns it. */
export async function ccCreatedInvoice(f: FormatContext, v: InvoiceView) {
  const q = v.quote;
  // Before the customer chooses, CryptoCloud shows its default currency with an empty address.
  const code = await shownCurrency(f.ctx, v);
  const c = code ? cryptoCurrency(code) : undefined;
  const amountUsd = await f.usd.price(v.amount, v.currency);
  return {
    ...cryptoCloudTerms(v),
    amount: q ? num(q.amount_due) : amountUsd,
    amount_usd: amountUsd,
    fee: ZERO,
    fee_usd: ZERO,
    service_fee: ZERO,
    service_fee_usd: ZERO,
    invoice_id: null,
    currency: c ? ccInvoiceCurrency(f.ctx.settings.publicUrl, c) : null,
    project: ccProject(await f.project(v.shop_id), v.shop_id),
    test_mode: v.test_mode,
  };
}

/** An invoice as `info` and `list` return it: what was received, and the state CMS modules check. */
export async function ccInvoiceInfo(f: FormatContext, v: InvoiceView) {
  const base = await ccCreatedInvoice(f, v);
  const c = v.quote ? cryptoCurrency(v.quote.currency) : undefined;
  const received = BigInt(v.received_units);
  const remaining = BigInt(v.remaining_units);
  const receivedUsd = c ? await f.usd.crypto(received, c) : ZERO;
  const progress = cryptoCloudProgress(v);
  return {
    ...base,
    ...progress,
    side_commission_service: 'client',
    received_usd: receivedUsd,
    to_surcharge_usd: c ? await f.usd.crypto(remaining, c) : ZERO,
    // What typed clients declare beside the documented fields.
    amount_to_pay: progress.amount_in_crypto ?? base.amount,
    amount_to_pay_usd:
      c && v.quote ? await f.usd.crypto(BigInt(v.quote.amount_due_units), c) : base.amount_usd,
    amount_paid_usd: receivedUsd,
    pay_url: v.link,
    user_email: v.email,
    phone: null,
  };
}

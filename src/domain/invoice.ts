import type { InvoiceContext, InvoiceStatus, Resolution } from './invoice-status.js';

export type Locale = 'en' | 'ru';

/** An invoice's terms and its cached status. Times are epoch milliseconds. */
export interface Invoice {
  readonly id: string;
  /** CryptoCloud-style short id, the 8 characters after `INV-`. */
  readonly shortId: string;
  readonly projectId: string;
  readonly accountId: string;
  /** Price as a decimal string in `priceCurrency` (fiat or crypto code). */
  readonly amount: string;
  readonly priceCurrency: string;
  readonly orderId: string | null;
  readonly email: string | null;
  readonly description: string | null;
  readonly expiresAt: number | null;
  readonly availableCurrencies: readonly string[] | null;
  readonly testMode: boolean;
  readonly locale: Locale;
  readonly metadata: Readonly<Record<string, string>> | null;
  /** Rates fixed at creation (timer invoices), per payment currency. */
  readonly lockedRates: Readonly<Record<string, LockedRate>> | null;
  readonly status: InvoiceStatus;
  readonly context: InvoiceContext | null;
  readonly resolution: Resolution | null;
  readonly manualResolution: Resolution | null;
  readonly cancelledAt: number | null;
  readonly createdAt: number;
  readonly updatedAt: number;
  /** Exact confirmed and unconfirmed amounts received, smallest units of the quote currency. */
  readonly receivedConfirmed: bigint;
  readonly receivedUnconfirmed: bigint;
  /** Last moment payments to its addresses are still watched (late-payment window). */
  readonly watchUntil: number | null;
}

/** What a new invoice is made of; its state starts empty. */
export type InvoiceTerms = Omit<
  Invoice,
  | 'status'
  | 'context'
  | 'resolution'
  | 'manualResolution'
  | 'cancelledAt'
  | 'updatedAt'
  | 'receivedConfirmed'
  | 'receivedUnconfirmed'
  | 'watchUntil'
>;

/** A new invoice: open, nothing received, nothing decided. */
export function openInvoice(terms: InvoiceTerms): Invoice {
  return {
    ...terms,
    status: 'created',
    context: null,
    resolution: null,
    manualResolution: null,
    cancelledAt: null,
    updatedAt: terms.createdAt,
    receivedConfirmed: 0n,
    receivedUnconfirmed: 0n,
    watchUntil: null,
  };
}

export interface LockedRate {
  readonly rate: string;
  readonly source: string;
  readonly fixedAt: number;
}

/** The crypto side of an invoice: where and how much to pay, at what rate. */
export interface Quote {
  readonly id: string;
  readonly invoiceId: string;
  readonly currency: string;
  /** 'test' for test-mode invoices, else the currency's chain. */
  readonly chain: string;
  readonly address: string;
  readonly derivationIndex: number | null;
  readonly amountDue: bigint;
  /** Price currency per one coin, decimal string. */
  readonly rate: string;
  readonly rateSource: string;
  readonly fixedAt: number;
  readonly requiredConfirmations: number;
  readonly active: boolean;
}

export interface Payment {
  readonly id: string;
  readonly invoiceId: string;
  readonly quoteId: string;
  readonly chain: string;
  readonly txid: string;
  readonly outputIndex: number;
  readonly address: string;
  readonly amount: bigint;
  readonly blockHash: string | null;
  readonly blockHeight: number | null;
  readonly confirmations: number;
  readonly dropped: boolean;
  readonly rbf: boolean;
  readonly firstSeenAt: number;
  /** TRON's expiration (ms): past it, an orphaned payment can never be mined. */
  readonly validUntil?: number | null;
}

export interface Refund {
  readonly id: string;
  readonly invoiceId: string;
  /** 'merchant' records a refund; 'customer' requests one from the payment page. */
  readonly source: 'merchant' | 'customer';
  readonly amount: string | null;
  readonly currency: string | null;
  readonly address: string;
  readonly txid: string | null;
  readonly createdAt: number;
}

export type InvoiceEventType =
  | 'invoice.created'
  | 'invoice.quote_fixed'
  | 'invoice.status_changed'
  | 'invoice.canceled'
  | 'invoice.resolved'
  | 'invoice.refund_requested'
  | 'payment.seen'
  | 'payment.confirmed'
  | 'payment.unconfirmed'
  | 'payment.dropped'
  | 'payment.unexpected';

export interface InvoiceEvent {
  readonly id: string;
  readonly invoiceId: string;
  readonly projectId: string;
  readonly type: InvoiceEventType;
  readonly data: Readonly<Record<string, unknown>>;
  readonly createdAt: number;
}

/** Read models the merchant dashboard needs beyond single invoices: lists, search, overview figures. */

export interface InvoiceListFilter {
  readonly accountId: string;
  readonly statuses?: readonly string[];
  readonly context?: string;
  readonly projectId?: string;
  /** The price currency or the chosen crypto currency. */
  readonly currency?: string;
  readonly createdFrom?: number;
  readonly createdTo?: number;
  /** Invoice id, INV- id, order id, payment address or txid. */
  readonly search?: string;
  /** Keyset cursor: invoices strictly older than (createdAt, id). */
  readonly before?: { readonly createdAt: number; readonly id: string };
  readonly limit: number;
}

export interface InvoiceRow {
  readonly id: string;
  readonly shortId: string;
  readonly projectId: string;
  readonly orderId: string | null;
  readonly amount: string;
  readonly priceCurrency: string;
  readonly status: string;
  readonly context: string | null;
  readonly resolution: string | null;
  /** The active quote's crypto currency and exact amounts in smallest units, if chosen. */
  readonly quoteCurrency: string | null;
  readonly amountDueUnits: string | null;
  readonly receivedConfirmedUnits: string;
  readonly testMode: boolean;
  readonly createdAt: number;
  readonly updatedAt: number;
}

export interface FailedDelivery {
  readonly id: string;
  readonly invoiceId: string;
  readonly eventType: string;
  readonly url: string;
  readonly attempts: number;
  readonly lastResponseCode: number | null;
  readonly lastError: string | null;
  readonly updatedAt: number;
}

export interface DashboardQueries {
  invoices(f: InvoiceListFilter): Promise<InvoiceRow[]>;
  /** Paid invoices created since `since`: price currency, amount and creation time. */
  paidSince(
    accountId: string,
    since: number,
  ): Promise<{ currency: string; amount: string; createdAt: number }[]>;
  countsByStatus(accountId: string): Promise<Record<string, number>>;
  /** Unresolved invoices (domain `isUnresolved`: a context, no resolution): the merchant must decide. */
  unresolved(accountId: string, limit: number): Promise<InvoiceRow[]>;
  failedDeliveries(accountId: string, limit: number): Promise<FailedDelivery[]>;
  /** Whose a delivery is, for live updates of delivery-only changes. */
  deliveryAccount(
    deliveryId: string,
  ): Promise<{ accountId: string; invoiceId: string; endpointId: string } | null>;
}

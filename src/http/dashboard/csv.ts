/**
 * CSV export of a filtered invoice list, streamed in keyset pages so memory
 * stays flat however many invoices match. Amounts are the exact stored strings.
 */
import { Readable } from 'node:stream';
import type { DashboardQueries, InvoiceListFilter, InvoiceRow } from '../../app/ports/dashboard.js';
import { dueText } from './format.js';
import { cryptoCurrency } from '../../domain/currencies.js';
import { formatUnits } from '../../domain/money.js';

const BATCH = 1000;

export const CSV_COLUMNS = [
  'id',
  'uuid',
  'project',
  'order_id',
  'status',
  'context',
  'resolution',
  'amount',
  'price_currency',
  'crypto_currency',
  'amount_due',
  'received',
  'test_mode',
  'created_at',
] as const;

/** Quotes when needed; text a spreadsheet would run as a formula gets a leading apostrophe. */
export function csvCell(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

function line(row: InvoiceRow): string {
  const decimals = row.quoteCurrency ? (cryptoCurrency(row.quoteCurrency)?.decimals ?? 0) : 0;
  return (
    [
      row.id,
      `INV-${row.shortId}`,
      row.projectId,
      row.orderId ?? '',
      row.status,
      row.context ?? '',
      row.resolution ?? '',
      row.amount,
      row.priceCurrency,
      row.quoteCurrency ?? '',
      dueText(row),
      row.quoteCurrency ? formatUnits(BigInt(row.receivedConfirmedUnits), decimals) : '',
      row.testMode ? 'true' : 'false',
      new Date(row.createdAt).toISOString(),
    ]
      .map(csvCell)
      .join(',') + '\r\n'
  );
}

export function invoiceCsv(
  queries: DashboardQueries,
  filter: Omit<InvoiceListFilter, 'limit' | 'before'>,
): Readable {
  async function* rows() {
    yield CSV_COLUMNS.join(',') + '\r\n';
    let before: InvoiceListFilter['before'];
    for (;;) {
      const page = await queries.invoices({
        ...filter,
        limit: BATCH,
        ...(before ? { before } : {}),
      });
      if (page.length > 0) yield page.map(line).join('');
      if (page.length < BATCH) return;
      const last = page[page.length - 1]!;
      before = { createdAt: last.createdAt, id: last.id };
    }
  }
  return Readable.from(rows());
}

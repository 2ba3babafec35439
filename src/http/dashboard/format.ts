/** Display helpers shared by the dashboard pages. */
import type { InvoiceRow } from '../../app/ports/dashboard.js';
import { cryptoCurrency } from '../../domain/currencies.js';
import { formatUnits } from '../../domain/money.js';
import { html, type Html } from '../pay/html.js';

export function statusBadge(
  status: string,
  context: string | null,
  resolution: string | null,
): Html {
  return html`<span class="badge ${status}">${status}</span>${
      context ? html` <span class="badge ctx">${context}</span>` : ''
    }${resolution ? html` <span class="badge">${resolution}</span>` : ''}`;
}

/** Received amount of a list row in the chosen crypto currency, exact. */
export function receivedText(row: InvoiceRow): string {
  if (!row.quoteCurrency) return '—';
  const decimals = cryptoCurrency(row.quoteCurrency)?.decimals ?? 0;
  return `${formatUnits(BigInt(row.receivedConfirmedUnits), decimals)} ${row.quoteCurrency}`;
}

export function dueText(row: InvoiceRow): string {
  if (!row.quoteCurrency || row.amountDueUnits === null) return '';
  const decimals = cryptoCurrency(row.quoteCurrency)?.decimals ?? 0;
  return formatUnits(BigInt(row.amountDueUnits), decimals);
}

export function utc(ms: number | null): string {
  return ms === null ? '—' : `${new Date(ms).toISOString().replace('T', ' ').slice(0, 19)} UTC`;
}

export function field(body: Record<string, unknown> | undefined, name: string): string {
  const v = body?.[name];
  return typeof v === 'string' ? v.trim() : '';
}

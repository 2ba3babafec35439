/** Test mode: turns a button of the test panel into a simulated payment. */
import type { AppContext } from '../../app/context.js';
import { invoiceDetails, invoicePayments } from '../../app/invoices.js';
import { confirmTestPayment, recordTestPayment } from '../../app/payments.js';
import { cryptoCurrency } from '../../domain/currencies.js';
import { invalid, invalidState } from '../../domain/errors.js';
import type { Invoice } from '../../domain/invoice.js';
import { formatUnits } from '../../domain/money.js';
import { TEST_PAYMENT_KINDS, type TestPaymentKind } from './templates/test-panel.js';

export function isTestPaymentKind(value: unknown): value is TestPaymentKind {
  return typeof value === 'string' && (TEST_PAYMENT_KINDS as readonly string[]).includes(value);
}

/** Amounts are computed here in smallest units, from what the invoice still owes. */
export async function simulatePayment(
  ctx: AppContext,
  invoice: Invoice,
  kind: TestPaymentKind,
): Promise<void> {
  if (!invoice.testMode) throw invalidState('simulated payments are only for test-mode invoices');
  const view = await invoiceDetails(ctx, invoice);
  const quote = view.quote;
  if (!quote) throw invalidState('choose a payment currency first');
  const decimals = cryptoCurrency(quote.currency)?.decimals;
  if (decimals === undefined) throw invalidState('unknown payment currency');

  if (kind === 'confirm') {
    const { payments, quotes } = await invoicePayments(ctx, invoice);
    const required = new Map(quotes.map((q) => [q.id, q.requiredConfirmations]));
    for (const p of payments) {
      if (!p.dropped && p.confirmations < (required.get(p.quoteId) ?? 1)) {
        await confirmTestPayment(ctx, invoice, p.id);
      }
    }
    return;
  }

  const due = BigInt(quote.amount_due_units);
  const remaining = BigInt(view.remaining_units);
  const owed = remaining > 0n ? remaining : due;
  const tenth = due / 10n > 0n ? due / 10n : 1n;
  const units: Record<Exclude<TestPaymentKind, 'confirm'>, bigint> = {
    full: owed,
    partial: owed / 2n > 0n ? owed / 2n : 1n,
    over: owed + tenth,
    unconfirmed: owed,
    late: owed,
  };
  const amount = units[kind];
  if (amount <= 0n) throw invalid('kind', 'nothing to pay');
  await recordTestPayment(ctx, invoice, {
    amount: formatUnits(amount, decimals),
    confirmed: kind !== 'unconfirmed',
    ...(kind === 'late' ? { late: true } : {}),
  });
}

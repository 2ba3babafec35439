/** The made-up paid invoice a test callback carries, so a merchant can check their receiver. */
import type { InvoiceView, PaymentView } from './invoice-view.js';

export interface TestEventData {
  readonly invoice: InvoiceView;
  readonly payment: PaymentView;
  readonly previous_status: string;
  readonly test: true;
}

export function sampleEventData(shopId: string, now: number, publicUrl: string): TestEventData {
  const at = new Date(now).toISOString();
  const invoice: InvoiceView = {
    id: 'inv_test',
    uuid: 'INV-TEST0000',
    shop_id: shopId,
    order_id: 'test-order',
    status: 'paid',
    context: null,
    resolution: null,
    amount: '10.00',
    currency: 'USD',
    quote: {
      currency: 'BTC',
      network: 'BTC',
      address: 'bc1qtestaddressxxxxxxxxxxxxxxxxxxxxxxxxxx',
      amount_due: '0.0001',
      amount_due_units: '10000',
      rate: '100000',
      rate_source: 'test',
      fixed_at: at,
      required_confirmations: 1,
      payment_uri: null,
    },
    received: '0.0001',
    received_units: '10000',
    received_unconfirmed: '0',
    received_unconfirmed_units: '0',
    remaining: '0',
    remaining_units: '0',
    email: null,
    description: 'Test callback',
    metadata: null,
    locale: 'en',
    test_mode: true,
    link: `${publicUrl}/pay/inv_test`,
    expires_at: null,
    cancelled_at: null,
    created_at: at,
    updated_at: at,
  };
  const payment: PaymentView = {
    id: 'pay_test',
    currency: 'BTC',
    chain: 'test',
    txid: '0'.repeat(64),
    index: 0,
    address: invoice.quote?.address ?? '',
    amount: '0.0001',
    amount_units: '10000',
    confirmations: 1,
    required_confirmations: 1,
    confirmed: true,
    dropped: false,
    rbf: false,
    block_hash: null,
    block_height: null,
    first_seen_at: at,
  };
  return { invoice, payment, previous_status: 'pending', test: true };
}

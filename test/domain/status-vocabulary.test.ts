/** The status table of spec section 2, row by row, for each callback format. */
import { describe, expect, it } from 'vitest';
import {
  coinsPaidStatus,
  cryptoCloudStatus,
  cryptopayStatus,
  isCryptoCloudPaid,
  type InvoiceState,
} from '../../src/domain/status-vocabulary.js';
import type { InvoiceContext, InvoiceStatus, Resolution } from '../../src/domain/invoice-status.js';

const s = (
  status: InvoiceStatus,
  context: InvoiceContext | null = null,
  resolution: Resolution | null = null,
  cancelled_at: string | null = null,
): InvoiceState => ({
  status,
  context,
  resolution,
  cancelled_at,
});

describe('status vocabulary', () => {
  it.each([
    [
      'created',
      s('created'),
      'created',
      { status: 'new', status_context: null },
      { status: 'created', error: '' },
    ],
    [
      'pending',
      s('pending'),
      'created',
      { status: 'new', status_context: null },
      { status: 'pending', error: '' },
    ],
    [
      'partial, open',
      s('partial'),
      'partial',
      { status: 'new', status_context: null },
      { status: 'pending', error: '' },
    ],
    [
      'partial, expired',
      s('partial', 'underpaid'),
      'partial',
      { status: 'unresolved', status_context: 'underpaid' },
      { status: 'failed', error: 'Timer expired. User paid less than requested.' },
    ],
    [
      'paid',
      s('paid'),
      'paid',
      { status: 'completed', status_context: null },
      { status: 'confirmed', error: '' },
    ],
    [
      'overpaid, manual',
      s('overpaid', 'overpaid'),
      'overpaid',
      { status: 'unresolved', status_context: 'overpaid' },
      { status: 'confirmed', error: '' },
    ],
    [
      'overpaid, completed by rule',
      s('overpaid', 'overpaid', 'completed'),
      'overpaid',
      { status: 'completed', status_context: 'overpaid' },
      { status: 'confirmed', error: '' },
    ],
    [
      'paid late, full amount',
      s('paid', 'paid_late'),
      // Not paid until the merchant decides: the postback waits for that too.
      'partial',
      { status: 'unresolved', status_context: 'paid_late' },
      { status: 'failed', error: 'Timer expired. User paid after the timer.' },
    ],
    [
      'paid late, short',
      s('partial', 'paid_late'),
      'partial',
      { status: 'unresolved', status_context: 'paid_late' },
      { status: 'failed', error: 'Timer expired. User paid after the timer.' },
    ],
    [
      'canceled by the timer',
      s('canceled'),
      'canceled',
      { status: 'cancelled', status_context: null },
      { status: 'failed', error: 'Timer expired. User not paid.' },
    ],
    [
      'canceled by the merchant',
      s('canceled', null, null, '2026-01-01T00:00:00.000Z'),
      'canceled',
      { status: 'cancelled', status_context: null },
      { status: 'failed', error: 'Cancelled by customer' },
    ],
    [
      'refunded',
      s('refunded', 'overpaid', 'refunded'),
      'canceled',
      { status: 'refunded', status_context: null },
      { status: 'failed', error: 'Refunded' },
    ],
    [
      'underpaid, completed by the merchant',
      s('partial', 'underpaid', 'completed'),
      'paid',
      { status: 'completed', status_context: 'underpaid' },
      { status: 'confirmed', error: '' },
    ],
    [
      'paid late, completed by rule',
      s('paid', 'paid_late', 'completed'),
      'paid',
      { status: 'completed', status_context: 'paid_late' },
      { status: 'confirmed', error: '' },
    ],
    [
      'unconfirmed for a day',
      s('pending', 'unconfirmed'),
      'created',
      { status: 'unresolved', status_context: 'unconfirmed' },
      {
        status: 'failed',
        error: 'Timer expired. Transactions were in status processing too long.',
      },
    ],
    [
      'unconfirmed for a day, completed by the merchant',
      s('paid', 'unconfirmed', 'completed'),
      'paid',
      { status: 'completed', status_context: null },
      { status: 'confirmed', error: '' },
    ],
  ])('names %s', (_name, state, cryptocloud, cryptopay, coinspaid) => {
    expect(cryptoCloudStatus(state)).toBe(cryptocloud);
    expect(cryptopayStatus(state)).toEqual(cryptopay);
    expect(coinsPaidStatus(state)).toEqual(coinspaid);
  });

  it('tells CoinsPaid pending (no confirmation) from processing (confirming)', () => {
    expect(coinsPaidStatus(s('pending'), false).status).toBe('pending');
    expect(coinsPaidStatus(s('pending'), true).status).toBe('processing');
  });

  it.each([
    [s('paid'), true],
    [s('overpaid', 'overpaid'), true],
    [s('overpaid', 'overpaid', 'completed'), true],
    [s('paid', 'unconfirmed'), true],
    [s('paid', 'paid_late', 'completed'), true],
    [s('partial', 'underpaid', 'completed'), true],
    [s('pending', 'unconfirmed', 'completed'), true],
    [s('created'), false],
    [s('pending'), false],
    [s('partial'), false],
    [s('partial', 'underpaid'), false],
    [s('paid', 'paid_late'), false],
    [s('overpaid', 'paid_late'), false],
    [s('canceled'), false],
    [s('refunded', 'overpaid', 'refunded'), false],
  ])('says CryptoCloud-paid (postback and info "paid") for %o: %s', (state, paid) => {
    expect(isCryptoCloudPaid(state)).toBe(paid);
    expect(['paid', 'overpaid'].includes(cryptoCloudStatus(state))).toBe(paid);
  });
});

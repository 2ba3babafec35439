import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  invoiceStatus,
  UNCONFIRMED_AFTER_MS,
  type PaymentFacts,
  type StatusInput,
} from '../../src/domain/invoice-status.js';
import { DEFAULT_RULES, type ProjectRules } from '../../src/domain/rules.js';

const T0 = 1_700_000_000_000;
const HOUR = 3600_000;

function input(over: Partial<StatusInput> = {}): StatusInput {
  return {
    amountDue: 1000n,
    requiredConfirmations: 2,
    expiresAt: T0 + HOUR,
    cancelledAt: null,
    payments: [],
    rules: DEFAULT_RULES,
    manualResolution: null,
    now: T0 + 60_000,
    ...over,
  };
}

let n = 0;
function pay(
  amount: bigint,
  confirmations: number,
  firstSeenAt = T0 + 1000,
  dropped = false,
): PaymentFacts {
  return { key: `tx${n++}:0`, amount, confirmations, dropped, firstSeenAt };
}

describe('invoice status', () => {
  it('is created while nothing is seen and canceled when it expires empty', () => {
    expect(invoiceStatus(input()).status).toBe('created');
    expect(invoiceStatus(input({ now: T0 + 2 * HOUR })).status).toBe('canceled');
  });

  it('is pending while a payment is unconfirmed, paid once confirmed', () => {
    expect(invoiceStatus(input({ payments: [pay(1000n, 1)] })).status).toBe('pending');
    expect(invoiceStatus(input({ payments: [pay(1000n, 2)] })).status).toBe('paid');
  });

  it('stays pending after expiry when the payment was seen in time', () => {
    const r = invoiceStatus(input({ payments: [pay(1000n, 0)], now: T0 + 2 * HOUR }));
    expect(r.status).toBe('pending');
    expect(r.context).toBeNull();
  });

  it('is partial below the amount and marks an expired partial underpaid', () => {
    const open = invoiceStatus(input({ payments: [pay(400n, 2)] }));
    expect(open).toMatchObject({ status: 'partial', context: null, remaining: 600n });
    const expired = invoiceStatus(input({ payments: [pay(400n, 2)], now: T0 + 2 * HOUR }));
    expect(expired).toMatchObject({ status: 'partial', context: 'underpaid', resolution: null });
    const accepted = invoiceStatus(
      input({
        payments: [pay(400n, 2)],
        now: T0 + 2 * HOUR,
        rules: { ...DEFAULT_RULES, expiredPartialAction: 'accept' },
      }),
    );
    expect(accepted.resolution).toBe('completed');
  });

  it('counts a shortfall within the tolerance as paid', () => {
    const rules: ProjectRules = { ...DEFAULT_RULES, underpaidTolerancePercent: '1' };
    expect(invoiceStatus(input({ rules, payments: [pay(990n, 2)] })).status).toBe('paid');
    expect(invoiceStatus(input({ rules, payments: [pay(989n, 2)] })).status).toBe('partial');
  });

  it('marks an overpaid invoice and completes it by the default rule', () => {
    const r = invoiceStatus(input({ payments: [pay(1500n, 2)] }));
    expect(r).toMatchObject({ status: 'overpaid', context: 'overpaid', resolution: 'completed' });
    const manual = invoiceStatus(
      input({ payments: [pay(1500n, 2)], rules: { ...DEFAULT_RULES, overpaidAction: 'manual' } }),
    );
    expect(manual).toMatchObject({ status: 'overpaid', context: 'overpaid', resolution: null });
  });

  it('flags a payment first seen after expiry as paid_late', () => {
    const late = pay(1000n, 2, T0 + 2 * HOUR);
    const r = invoiceStatus(input({ payments: [late], now: T0 + 3 * HOUR }));
    expect(r).toMatchObject({ status: 'paid', context: 'paid_late', resolution: null });
    const accepted = invoiceStatus(
      input({
        payments: [late],
        now: T0 + 3 * HOUR,
        rules: { ...DEFAULT_RULES, latePaymentAction: 'accept' },
      }),
    );
    expect(accepted.resolution).toBe('completed');
  });

  it('treats payments to a cancelled invoice as paid_late', () => {
    const r = invoiceStatus(
      input({ cancelledAt: T0 + 2000, payments: [pay(1000n, 2, T0 + 3000)], now: T0 + 4000 }),
    );
    expect(r).toMatchObject({ status: 'paid', context: 'paid_late' });
  });

  it('flags a payment unconfirmed for 24 hours', () => {
    const r = invoiceStatus(
      input({ expiresAt: null, payments: [pay(1000n, 0, T0)], now: T0 + UNCONFIRMED_AFTER_MS }),
    );
    expect(r).toMatchObject({ status: 'pending', context: 'unconfirmed' });
  });

  it('stops counting a dropped payment', () => {
    expect(invoiceStatus(input({ payments: [pay(1000n, 0, T0 + 1000, true)] })).status).toBe(
      'created',
    );
  });

  it('is refunded once a refund is recorded, whatever arrives later', () => {
    const r = invoiceStatus(
      input({ manualResolution: 'refunded', payments: [pay(1500n, 2), pay(10n, 5)] }),
    );
    expect(r).toMatchObject({ status: 'refunded', resolution: 'refunded' });
  });
});

// ---------------------------------------------------------------- property-based

/**
 * The spec's rules written out independently of the implementation (none of
 * its helpers): the latest record of each payment counts, dropped and empty
 * ones do not; a tolerance is the percentage of the amount due, rounded down.
 */
function reference(i: StatusInput) {
  const latest = new Map<string, PaymentFacts>();
  for (const p of i.payments) latest.set(p.key, p);
  const closeTimes = [i.expiresAt, i.cancelledAt].filter((t): t is number => t !== null);
  const closesAt = closeTimes.length > 0 ? Math.min(...closeTimes) : null;
  const closed = closesAt !== null && i.now >= closesAt;
  let confirmed = 0n;
  let unconfirmed = 0n;
  let stale = false;
  let late = false;
  for (const p of latest.values()) {
    if (p.dropped || p.amount === 0n) continue;
    if (p.confirmations >= i.requiredConfirmations) confirmed += p.amount;
    else {
      unconfirmed += p.amount;
      if (i.now - p.firstSeenAt >= 24 * HOUR) stale = true;
    }
    if ((closesAt !== null && p.firstSeenAt >= closesAt) || i.cancelledAt !== null) late = true;
  }
  const tolerance = (percent: string) => {
    const [whole, fraction = ''] = percent.split('.');
    const numerator = BigInt(`${whole}${fraction}`);
    const denominator = 100n * 10n ** BigInt(fraction.length);
    return ((i.amountDue ?? 0n) * numerator) / denominator;
  };
  let status: string;
  let remaining: bigint;
  if (i.amountDue === null || confirmed === 0n) {
    status = unconfirmed > 0n ? 'pending' : closed ? 'canceled' : 'created';
    remaining = i.amountDue ?? 0n;
  } else if (i.amountDue - confirmed > tolerance(i.rules.underpaidTolerancePercent)) {
    status = 'partial';
    remaining = i.amountDue - confirmed;
  } else {
    status =
      confirmed - i.amountDue > tolerance(i.rules.overpaidTolerancePercent) ? 'overpaid' : 'paid';
    remaining = 0n;
  }
  const context = late
    ? 'paid_late'
    : closed && status === 'partial'
      ? 'underpaid'
      : status === 'overpaid'
        ? 'overpaid'
        : stale
          ? 'unconfirmed'
          : null;
  let resolution = i.manualResolution;
  if (resolution === null) {
    const byRule =
      (context === 'overpaid' && i.rules.overpaidAction === 'accept') ||
      (context === 'paid_late' &&
        i.rules.latePaymentAction === 'accept' &&
        (status === 'paid' || status === 'overpaid')) ||
      (context === 'underpaid' && i.rules.expiredPartialAction === 'accept');
    if (byRule) resolution = 'completed';
  }
  if (resolution === 'refunded') status = 'refunded';
  return { status, context, resolution, confirmed, unconfirmed, remaining, closed };
}

const MAX_UNITS = 2n ** 256n - 1n;
/** Times bunched around T0 so that expiry, cancel, first sight and now often coincide. */
const arbTime = fc.integer({ min: T0 - 2, max: T0 + 2 });
/** Small amounts that meet the amount due often, and any up to 2^256 - 1 units. */
const arbAmount = fc.oneof(
  fc.bigInt({ min: 0n, max: 3000n }),
  fc.bigInt({ min: 1n, max: MAX_UNITS }),
  fc.constantFrom(MAX_UNITS, 10n ** 18n, 10n ** 18n - 1n, 10n ** 18n + 1n),
);
/** Percentages as merchants write them, up to 18 decimals. */
const arbPercent = fc.oneof(
  fc.constantFrom('0', '0.5', '1', '5', '100'),
  fc
    .tuple(fc.integer({ min: 0, max: 100 }), fc.stringMatching(/^[0-9]{1,18}$/))
    .map(([whole, fraction]) => `${whole}.${fraction}`),
);
const arbRules = fc.record({
  underpaidTolerancePercent: arbPercent,
  overpaidTolerancePercent: arbPercent,
  overpaidAction: fc.constantFrom('accept', 'manual'),
  latePaymentAction: fc.constantFrom('accept', 'manual'),
  expiredPartialAction: fc.constantFrom('accept', 'manual'),
}) as fc.Arbitrary<ProjectRules>;
/** Few keys, so one payment often appears in several states. */
const arbPayment = fc.record({
  key: fc.constantFrom('a:0', 'a:1', 'b:0', 'c:0', 'd:0'),
  amount: arbAmount,
  confirmations: fc.integer({ min: 0, max: 6 }),
  dropped: fc.boolean(),
  firstSeenAt: arbTime,
});
const arbInput = fc
  .record({
    amountDue: fc.option(
      arbAmount.filter((a) => a > 0n),
      { nil: null, freq: 10 },
    ),
    requiredConfirmations: fc.integer({ min: 0, max: 4 }),
    expiresAt: fc.option(arbTime, { nil: null }),
    cancelledAt: fc.option(arbTime, { nil: null, freq: 3 }),
    payments: fc.array(arbPayment, { maxLength: 8 }),
    rules: arbRules,
    manualResolution: fc.constantFrom(null, null, null, 'completed', 'refunded'),
    // Right at first sight plus 24 hours, on either side of it, or near the expiry.
    now: fc.oneof(
      arbTime,
      arbTime.chain((t) => fc.constantFrom(t + 24 * HOUR - 1, t + 24 * HOUR, t + 24 * HOUR + 1)),
    ),
  })
  // Without a chosen currency there is no address, so no payment either.
  .map((i) => (i.amountDue === null ? { ...i, payments: [] } : i)) as fc.Arbitrary<StatusInput>;

/** Status order as more is confirmed; created, canceled and pending all have nothing confirmed. */
const RANK: Record<string, number> = {
  created: 0,
  canceled: 0,
  pending: 0,
  partial: 1,
  paid: 2,
  overpaid: 3,
  refunded: 4,
};

/** `payments` reordered by `order`, each key's records keeping their relative order. */
function reorder(payments: readonly PaymentFacts[], order: readonly number[]): PaymentFacts[] {
  const slots = order.map((i) => payments[i]!.key);
  const queues = new Map<string, PaymentFacts[]>();
  for (const p of payments) queues.set(p.key, [...(queues.get(p.key) ?? []), p]);
  return slots.map((key) => queues.get(key)!.shift()!);
}

describe('invoice status properties against a reference model', () => {
  it('matches the reference on any terms, payments, times and rules', () => {
    fc.assert(
      fc.property(arbInput, (i) => {
        expect(invoiceStatus(i)).toEqual(reference(i));
      }),
      { numRuns: 2000 },
    );
  });

  it('never lowers the status or the confirmed total when a payment gains confirmations', () => {
    fc.assert(
      fc.property(arbInput, fc.nat(), fc.integer({ min: 1, max: 5 }), (i, pick, more) => {
        fc.pre(i.payments.length > 0);
        const at = pick % i.payments.length;
        const payments = i.payments.map((p, k) =>
          k === at ? { ...p, confirmations: p.confirmations + more } : p,
        );
        const before = invoiceStatus(i);
        const after = invoiceStatus({ ...i, payments });
        expect(after.confirmed).toBeGreaterThanOrEqual(before.confirmed);
        expect(RANK[after.status]).toBeGreaterThanOrEqual(RANK[before.status]!);
      }),
    );
  });

  it('counts the latest record of a payment key, whatever its earlier ones said', () => {
    fc.assert(
      fc.property(
        arbInput,
        arbPayment,
        fc.array(arbPayment, { maxLength: 3 }),
        (i, latest, earlier) => {
          const others = i.payments.filter((p) => p.key !== latest.key);
          const history = earlier.map((e) => ({ ...e, key: latest.key }));
          const once = invoiceStatus({ ...i, payments: [...others, latest] });
          expect(invoiceStatus({ ...i, payments: [...history, ...others, latest] })).toEqual(once);
          expect(invoiceStatus({ ...i, payments: [...others, ...history, latest] })).toEqual(once);
        },
      ),
    );
  });

  it('stops counting a confirmed payment whose latest record says dropped', () => {
    fc.assert(
      fc.property(arbInput, arbPayment, (i, p) => {
        const others = i.payments.filter((q) => q.key !== p.key);
        const counted = { ...p, dropped: false, confirmations: i.requiredConfirmations };
        const without = invoiceStatus({ ...i, payments: others });
        const dropped = invoiceStatus({
          ...i,
          payments: [...others, counted, { ...counted, dropped: true }],
        });
        expect(dropped.confirmed).toBe(without.confirmed);
        expect(dropped.status).toBe(without.status);
      }),
    );
  });

  it('gives the same result for any order that keeps each payment key’s records in sequence', () => {
    fc.assert(
      fc.property(
        arbInput.chain((i) => {
          const indexes = i.payments.map((_, k) => k);
          return fc.tuple(
            fc.constant(i),
            fc.shuffledSubarray(indexes, { minLength: indexes.length, maxLength: indexes.length }),
          );
        }),
        ([i, order]) => {
          const shuffled = reorder(i.payments, order);
          expect(invoiceStatus({ ...i, payments: shuffled })).toEqual(invoiceStatus(i));
        },
      ),
    );
  });

  it('keeps remaining consistent with the amount due and what is confirmed', () => {
    fc.assert(
      fc.property(arbInput, (i) => {
        fc.pre(i.amountDue !== null);
        const r = invoiceStatus(i);
        const due = i.amountDue!;
        expect(r.remaining).toBeGreaterThanOrEqual(0n);
        expect(r.remaining).toBeLessThanOrEqual(due);
        if (r.confirmed === 0n) expect(r.remaining).toBe(due);
        else if (r.confirmed >= due) expect(r.remaining).toBe(0n);
        else expect(r.remaining === 0n || r.remaining === due - r.confirmed).toBe(true);
        // Owing nothing is being paid, and being paid is owing nothing.
        if (i.manualResolution !== 'refunded')
          expect(r.remaining === 0n).toBe(r.status === 'paid' || r.status === 'overpaid');
      }),
    );
  });

  it('is pending while only unconfirmed money arrived and partial once some short amount confirms', () => {
    fc.assert(
      fc.property(arbInput, (i) => {
        fc.pre(i.manualResolution !== 'refunded' && i.amountDue !== null);
        const r = invoiceStatus(i);
        if (r.confirmed === 0n) expect(r.status === 'pending').toBe(r.unconfirmed > 0n);
        if (r.status === 'partial') expect(r.confirmed).toBeGreaterThan(0n);
        if (r.status === 'pending') expect(r.confirmed).toBe(0n);
      }),
    );
  });

  it('never leaves refunded', () => {
    fc.assert(
      fc.property(
        arbInput,
        fc.array(arbPayment, { maxLength: 3 }),
        fc.integer({ min: 0, max: HOUR }),
        (i, more, dt) => {
          const refunded = { ...i, manualResolution: 'refunded' as const };
          expect(invoiceStatus(refunded).status).toBe('refunded');
          const later = { ...refunded, payments: [...i.payments, ...more], now: i.now + dt };
          expect(invoiceStatus(later).status).toBe('refunded');
        },
      ),
    );
  });

  it('is canceled only when closed with nothing received', () => {
    fc.assert(
      fc.property(arbInput, (i) => {
        const r = invoiceStatus(i);
        if (r.status === 'canceled') {
          expect(r.closed).toBe(true);
          expect(r.confirmed + r.unconfirmed).toBe(0n);
        }
      }),
    );
  });
});

describe('invoice status at the boundaries', () => {
  it('closes at the very millisecond the invoice expires, not one before', () => {
    const at = (now: number) => invoiceStatus(input({ expiresAt: T0 + HOUR, now }));
    expect(at(T0 + HOUR - 1)).toMatchObject({ status: 'created', closed: false });
    expect(at(T0 + HOUR)).toMatchObject({ status: 'canceled', closed: true });
  });

  it('is paid late for a payment first seen exactly at the close, on time one millisecond before', () => {
    const seenAt = (t: number) =>
      invoiceStatus(input({ payments: [pay(1000n, 2, t)], now: T0 + 2 * HOUR })).context;
    expect(seenAt(T0 + HOUR)).toBe('paid_late');
    expect(seenAt(T0 + HOUR - 1)).toBeNull();
  });

  it('flags an unconfirmed payment at exactly 24 hours, not a millisecond earlier', () => {
    const at = (now: number) =>
      invoiceStatus(input({ expiresAt: null, payments: [pay(1000n, 0, T0)], now })).context;
    expect(at(T0 + UNCONFIRMED_AFTER_MS - 1)).toBeNull();
    expect(at(T0 + UNCONFIRMED_AFTER_MS)).toBe('unconfirmed');
  });

  it('handles 2^256 - 1 units exactly: paid at the full amount, one unit short is partial', () => {
    const due = 2n ** 256n - 1n;
    const full = invoiceStatus(input({ amountDue: due, payments: [pay(due, 2)] }));
    expect(full).toMatchObject({ status: 'paid', confirmed: due, remaining: 0n });
    const short = invoiceStatus(input({ amountDue: due, payments: [pay(due - 1n, 2)] }));
    expect(short).toMatchObject({ status: 'partial', remaining: 1n });
    const over = invoiceStatus(input({ amountDue: due, payments: [pay(due, 2), pay(1n, 2)] }));
    expect(over).toMatchObject({ status: 'overpaid', confirmed: due + 1n });
  });

  it('applies an 18-decimal tolerance to an 18-decimal amount to the last unit', () => {
    // 0.000000000000000001 % of 10^20 units is exactly 1 unit.
    const rules: ProjectRules = {
      ...DEFAULT_RULES,
      underpaidTolerancePercent: '0.000000000000000001',
    };
    const due = 10n ** 20n;
    expect(
      invoiceStatus(input({ rules, amountDue: due, payments: [pay(due - 1n, 2)] })).status,
    ).toBe('paid');
    expect(
      invoiceStatus(input({ rules, amountDue: due, payments: [pay(due - 2n, 2)] })).status,
    ).toBe('partial');
  });
});

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

const arbRules = fc.record({
  underpaidTolerancePercent: fc.constantFrom('0', '0.5', '1', '5'),
  overpaidTolerancePercent: fc.constantFrom('0', '1'),
  overpaidAction: fc.constantFrom('accept', 'manual'),
  latePaymentAction: fc.constantFrom('accept', 'manual'),
  expiredPartialAction: fc.constantFrom('accept', 'manual'),
}) as fc.Arbitrary<ProjectRules>;

const arbPayment = fc.record({
  key: fc.string({ minLength: 1, maxLength: 6 }),
  amount: fc.bigInt({ min: 1n, max: 3000n }),
  confirmations: fc.integer({ min: 0, max: 6 }),
  dropped: fc.boolean(),
  firstSeenAt: fc.integer({ min: T0, max: T0 + 3 * HOUR }),
});

const arbInput = fc.record({
  amountDue: fc.bigInt({ min: 1n, max: 3000n }),
  requiredConfirmations: fc.integer({ min: 0, max: 4 }),
  expiresAt: fc.option(fc.integer({ min: T0, max: T0 + 2 * HOUR }), { nil: null }),
  cancelledAt: fc.option(fc.integer({ min: T0, max: T0 + 2 * HOUR }), { nil: null }),
  payments: fc.array(arbPayment, { maxLength: 6 }),
  rules: arbRules,
  manualResolution: fc.constantFrom(null, null, 'completed', 'refunded'),
  now: fc.integer({ min: T0, max: T0 + 3 * HOUR + UNCONFIRMED_AFTER_MS }),
}) as fc.Arbitrary<StatusInput>;

function confirmedSum(i: StatusInput): bigint {
  const seen = new Set<string>();
  let s = 0n;
  for (const p of i.payments) {
    if (seen.has(p.key)) continue;
    seen.add(p.key);
    if (!p.dropped && p.confirmations >= i.requiredConfirmations) s += p.amount;
  }
  return s;
}

describe('invoice status invariants (property-based)', () => {
  it('is deterministic: recomputing gives the same answer', () => {
    fc.assert(
      fc.property(arbInput, (i) => {
        expect(invoiceStatus(i)).toEqual(invoiceStatus(i));
      }),
    );
  });

  it('reports exactly the confirmed total of distinct, live payments', () => {
    fc.assert(
      fc.property(arbInput, (i) => {
        expect(invoiceStatus(i).confirmed).toBe(confirmedSum(i));
      }),
    );
  });

  it('never lowers the confirmed total when a confirmed payment is added', () => {
    fc.assert(
      fc.property(arbInput, arbPayment, (i, p) => {
        const extra = {
          ...p,
          key: `new-${p.key}`,
          dropped: false,
          confirmations: i.requiredConfirmations,
        };
        const after = invoiceStatus({ ...i, payments: [...i.payments, extra] });
        expect(after.confirmed).toBeGreaterThanOrEqual(invoiceStatus(i).confirmed);
      }),
    );
  });

  it('is paid iff the confirmed total is within tolerance of the amount due', () => {
    fc.assert(
      fc.property(arbInput, (i) => {
        fc.pre(i.manualResolution !== 'refunded');
        const r = invoiceStatus(i);
        const due = i.amountDue!;
        const pct = (s: string) => {
          const [a, b = ''] = s.split('.');
          return { units: BigInt(a! + b), scale: b.length };
        };
        const u = pct(i.rules.underpaidTolerancePercent);
        const o = pct(i.rules.overpaidTolerancePercent);
        const under = (due * u.units) / (100n * 10n ** BigInt(u.scale));
        const over = (due * o.units) / (100n * 10n ** BigInt(o.scale));
        const c = confirmedSum(i);
        expect(r.status === 'paid').toBe(c > 0n && c >= due - under && c <= due + over);
      }),
    );
  });

  it('changes nothing when a payment is recorded twice', () => {
    fc.assert(
      fc.property(arbInput, (i) => {
        fc.pre(i.payments.length > 0);
        const twice = { ...i, payments: [...i.payments, i.payments[0]!] };
        expect(invoiceStatus(twice)).toEqual(invoiceStatus(i));
      }),
    );
  });

  it('does not depend on the order payments are listed in', () => {
    fc.assert(
      fc.property(arbInput, (i) => {
        const uniq = [...new Map(i.payments.map((p) => [p.key, p])).values()];
        const a = invoiceStatus({ ...i, payments: uniq });
        const b = invoiceStatus({ ...i, payments: [...uniq].reverse() });
        expect(b).toEqual(a);
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

  it('has a context whenever a resolution was reached by rule', () => {
    fc.assert(
      fc.property(arbInput, (i) => {
        fc.pre(i.manualResolution === null);
        const r = invoiceStatus(i);
        if (r.resolution !== null) expect(r.context).not.toBeNull();
      }),
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

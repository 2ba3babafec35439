import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  formatUnits,
  parseDecimal,
  priceToUnits,
  toUnits,
  unitsToPrice,
  InvalidAmount,
} from '../../src/domain/money.js';

describe('exact money', () => {
  it('parses plain decimals and refuses exponents, signs, spaces and NaN', () => {
    expect(parseDecimal('100.50')).toEqual({ units: 10050n, scale: 2 });
    for (const bad of ['1e5', '-1', ' 1', '1 ', 'NaN', 'Infinity', '0x10', '01', '1.', '.5', '']) {
      expect(() => parseDecimal(bad), bad).toThrow(InvalidAmount);
    }
  });

  it('refuses more than 18 integer digits', () => {
    expect(() => parseDecimal('1234567890123456789')).toThrow(/integer digits/);
    expect(parseDecimal('123456789012345678').units).toBe(123456789012345678n);
  });

  it('formats smallest units without losing a digit', () => {
    expect(formatUnits(166667n, 8)).toBe('0.00166667');
    expect(formatUnits(1n, 18)).toBe('0.000000000000000001');
    expect(formatUnits(100000000n, 8)).toBe('1');
    expect(formatUnits(123456789012345678901234567890n, 18)).toBe('123456789012.34567890123456789');
  });

  it('converts a price to crypto rounding up, so the customer never pays less', () => {
    // 100 USD at 60000 USD/BTC = 0.001666666... BTC -> 166667 sat
    expect(priceToUnits(parseDecimal('100'), parseDecimal('60000'), 8)).toBe(166667n);
    // exact division stays exact
    expect(priceToUnits(parseDecimal('30'), parseDecimal('3000'), 18)).toBe(10n ** 16n);
  });

  it('never undercharges: the crypto amount is worth at least the price', () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: 1n, max: 10n ** 12n }),
        fc.integer({ min: 0, max: 4 }),
        fc.bigInt({ min: 1n, max: 10n ** 12n }),
        fc.integer({ min: 0, max: 8 }),
        fc.constantFrom(6, 8, 18),
        (pu, ps, ru, rs, decimals) => {
          const price = { units: pu, scale: ps };
          const rate = { units: ru, scale: rs };
          const units = priceToUnits(price, rate, decimals);
          // units / 10^d * rate >= price, and one unit less would be short
          const lhs = units * ru * 10n ** BigInt(ps);
          const rhs = pu * 10n ** BigInt(decimals + rs);
          expect(lhs >= rhs).toBe(true);
          expect((units - 1n) * ru * 10n ** BigInt(ps) < rhs).toBe(true);
        },
      ),
    );
  });

  it('round-trips decimals through smallest units', () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: 0n, max: 10n ** 30n - 1n }),
        fc.constantFrom(0, 2, 6, 8, 18),
        (units, decimals) => {
          expect(toUnits(parseDecimal(formatUnits(units, decimals), 30, 18), decimals)).toBe(units);
        },
      ),
    );
  });

  it('refuses more precision than the currency has', () => {
    expect(() => toUnits(parseDecimal('0.000000001'), 8)).toThrow(/decimal places/);
    expect(toUnits(parseDecimal('0.10000000'), 8)).toBe(10000000n);
  });

  it('values crypto in fiat rounding down', () => {
    expect(unitsToPrice(166667n, 8, parseDecimal('60000'), 2)).toEqual({ units: 10000n, scale: 2 });
  });
});

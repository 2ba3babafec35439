import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { coinsToUnits, parseExactJson } from '../../../src/chains/utxo/exact-json.js';

describe('exact JSON of node replies', () => {
  it('keeps amounts with a fraction as their exact text and integers as numbers', () => {
    const text =
      '{"value":0.00150000,"n":1,"big":21000000.00000001,"neg":-0.5,"exp":1e-8,"s":"a \\"quoted\\" 1.5 \\\\","arr":[1.10,2,"3.0"]}';
    expect(parseExactJson(text)).toEqual({
      value: '0.00150000',
      n: 1,
      big: '21000000.00000001',
      neg: '-0.5',
      exp: '1e-8',
      s: 'a "quoted" 1.5 \\',
      arr: ['1.10', 2, '3.0'],
    });
  });

  it('parses any JSON like JSON.parse, with every fractional number as its text', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const text = JSON.stringify(value);
        const normalise = (v: unknown): unknown =>
          typeof v === 'number'
            ? Number.isInteger(v) && !/[.eE]/.test(JSON.stringify(v))
              ? v
              : JSON.stringify(v)
            : Array.isArray(v)
              ? v.map(normalise)
              : v && typeof v === 'object'
                ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, normalise(x)]))
                : v;
        expect(parseExactJson(text)).toEqual(normalise(JSON.parse(text)));
      }),
    );
  });

  it('converts node amounts to smallest units exactly', () => {
    expect(coinsToUnits('0.00150000')).toBe(150_000n);
    expect(coinsToUnits('21000000.00000001')).toBe(2_100_000_000_000_001n);
    expect(coinsToUnits('1')).toBe(100_000_000n);
    expect(coinsToUnits('-0.1')).toBe(-10_000_000n);
    expect(() => coinsToUnits('0.000000001')).toThrow(/more than 8 decimals/);
    expect(() => coinsToUnits('abc')).toThrow(/not an amount/);
  });
});

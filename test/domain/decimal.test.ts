/** Exact rate arithmetic and exact JSON numbers. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  deviatesMoreThan,
  divDecimal as div,
  formatDecimal,
  formatDecimal as formatRate,
  median,
  mulDecimal as mul,
  parseRate,
} from '../../src/domain/money.js';
import { parse } from 'lossless-json';
import { JsonNumber, parseJsonExact } from '../../src/domain/exact-json.js';

const text = (s: string) => formatDecimal(parseRate(s));

describe('reading prices', () => {
  it('reads plain and exponent forms exactly and drops trailing zeros', () => {
    expect(text('10724.80000')).toBe('10724.8');
    expect(text('2.5e-7')).toBe('0.00000025');
    expect(text('1.2E+3')).toBe('1200');
    expect(text('0.30000000000000000001')).toBe('0.30000000000000000001');
  });

  it.each(['0', '0.000', '-1', 'NaN', 'Infinity', '', '1,5', '0x10', '1e999'])(
    'refuses %j',
    (s) => {
      expect(() => parseRate(s)).toThrow(RangeError);
    },
  );
});

describe('arithmetic', () => {
  it('multiplies exactly', () => {
    expect(formatDecimal(mul(parseRate('59012.4'), parseRate('12707.572003')))).toBe(
      '749904322.0698372',
    );
  });

  it('divides to at least 24 significant digits, rounding down', () => {
    expect(formatDecimal(div(parseRate('1'), parseRate('3')))).toBe('0.3333333333333333333333333');
    expect(formatDecimal(div(parseRate('2'), parseRate('3')))).toBe('0.6666666666666666666666666');
    expect(formatDecimal(div(parseRate('0.000001'), parseRate('70000')))).toBe(
      '0.00000000001428571428571428571428571',
    );
  });

  it('divides back what it multiplied when the quotient is exact', () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: 1n, max: 10n ** 15n }),
        fc.bigInt({ min: 1n, max: 10n ** 15n }),
        (a, b) => {
          const x = { units: a, scale: 6 };
          const y = { units: b, scale: 3 };
          expect(formatDecimal(div(mul(x, y), y))).toBe(formatDecimal(parseRate(formatDecimal(x))));
        },
      ),
    );
  });

  it('takes the median of odd and even counts exactly', () => {
    const m = (xs: string[]) => formatDecimal(median(xs.map(parseRate)));
    expect(m(['3', '1', '2'])).toBe('2');
    expect(m(['59020.01', '59005'])).toBe('59012.505');
    expect(m(['0.1', '0.2', '0.3', '100'])).toBe('0.25');
  });

  it('measures deviation from a peg in percent', () => {
    expect(deviatesMoreThan(parseRate('0.98'), parseRate('1'), parseRate('2'))).toBe(false);
    expect(deviatesMoreThan(parseRate('0.9799'), parseRate('1'), parseRate('2'))).toBe(true);
    expect(deviatesMoreThan(parseRate('1.0201'), parseRate('1'), parseRate('2'))).toBe(true);
  });

  it('publishes every digit a division gives, not a fixed number of decimals', () => {
    expect(formatRate(div(parseRate('1'), parseRate('3')))).toBe(`0.${'3'.repeat(25)}`);
    // A small cross rate keeps its significant digits (18 decimals would leave 14 of them).
    const tiny = formatRate(div(parseRate('0.9993'), parseRate('70000')));
    expect(tiny.replace(/^0\.0*/, '').length).toBeGreaterThanOrEqual(24);
  });
});

describe('exact JSON', () => {
  it('keeps numbers as their source text', () => {
    const doc = parseJsonExact('[["tBTCUSD",23227.19664747,21.791856230000004,1e-7,-0.0155]]');
    const row = (doc as unknown[][])[0] as unknown[];
    expect(row.slice(1).map((n) => (n as JsonNumber).text)).toEqual([
      '23227.19664747',
      '21.791856230000004',
      '1e-7',
      '-0.0155',
    ]);
  });

  it('reads strings, escapes, literals and nesting like JSON.parse', () => {
    const src = '{"a":"x\\"y\\u00e9","b":[true,false,null],"c":{"d":[]},"__proto__":"kept"}';
    const doc = parseJsonExact(src) as Record<string, unknown>;
    expect(doc.a).toBe('x"yé');
    expect(doc.b).toEqual([true, false, null]);
    expect(doc.c).toEqual({ d: [] });
    expect(Object.getOwnPropertyDescriptor(doc, '__proto__')?.value).toBe('kept');
  });

  it.each(['', '{', '[1,]', '{"a" 1}', '01', '"\u0001"', '[1] x', 'tru'])('refuses %j', (s) => {
    expect(() => parseJsonExact(s)).toThrow(SyntaxError);
  });

  it('reads any JSON as lossless-json does, numbers as their text', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.boolean(), (value, forceSlowPath) => {
        const text = JSON.stringify(forceSlowPath ? { nul: '\u0000', value } : value);
        const viaLibrary = parse(text, null, (t) => new JsonNumber(t));
        expect(parseJsonExact(text)).toEqual(viaLibrary);
      }),
    );
  });

  it('never takes a string for a number, whatever it holds', () => {
    const doc = parseJsonExact('{"a":"\\u0000#1.5","b":"\\u0000","c":2.50}') as Record<
      string,
      unknown
    >;
    expect(doc.a).toBe('\u0000#1.5');
    expect(doc.b).toBe('\u0000');
    expect(doc.c).toEqual(new JsonNumber('2.50'));
  });
});

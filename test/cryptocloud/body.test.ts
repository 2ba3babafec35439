/** Reading CryptoCloud request bodies exactly: JSON numbers keep their text, PHP forms nest. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { JsonNumber, stringifyExact } from '../../src/domain/exact-json.js';
import { parseExactJson } from '../../src/http/body-safety.js';
import { unflattenForm } from '../../src/http/cryptocloud/body.js';

const decimalText = fc
  .tuple(fc.bigInt({ min: 0n, max: 10n ** 30n }), fc.integer({ min: 0, max: 18 }))
  .map(([units, scale]) => {
    const s = units.toString().padStart(scale + 1, '0');
    return scale ? `${s.slice(0, s.length - scale)}.${s.slice(s.length - scale)}` : s;
  });

describe('exact JSON bodies', () => {
  it('keeps every JSON number exactly as written, wherever it sits', () => {
    fc.assert(
      fc.property(decimalText, fc.string(), (n, str) => {
        const text = `{"amount": ${n}, "note": ${JSON.stringify(str)}, "list": [${n}, {"x": -${n}}]}`;
        const body = parseExactJson(text) as {
          amount: JsonNumber;
          note: string;
          list: [JsonNumber, { x: JsonNumber }];
        };
        expect(body.amount).toEqual(new JsonNumber(n));
        expect(body.list[0].text).toBe(n);
        expect(body.list[1].x.text).toBe(`-${n}`);
        expect(body.note).toBe(str);
      }),
    );
  });

  it('leaves digits inside strings alone, including escaped quotes', () => {
    const body = parseExactJson(
      '{"order_id": "12\\"34", "amount": "100.50", "n": 1e-5, "ok": true, "none": null}',
    ) as Record<string, unknown>;
    expect(body).toEqual({
      order_id: '12"34',
      amount: '100.50',
      n: new JsonNumber('1e-5'),
      ok: true,
      none: null,
    });
  });

  it('reads an empty body as an empty object and refuses broken JSON', () => {
    expect(parseExactJson('  ')).toEqual({});
    expect(() => parseExactJson('{"amount": 1.}')).toThrow();
    expect(() => parseExactJson('{"amount": ')).toThrow();
  });

  it('writes exact decimals back as bare JSON numbers', () => {
    fc.assert(
      fc.property(decimalText, (n) => {
        const out = stringifyExact({ amount: new JsonNumber(n), label: n });
        expect(out).toBe(`{"amount":${n},"label":${JSON.stringify(n)}}`);
      }),
    );
  });
});

describe('PHP-style form bodies', () => {
  it('nests bracketed keys and turns indexed keys into lists', () => {
    expect(
      unflattenForm({
        shop_id: 'abc',
        'add_fields[time_to_pay][hours]': '1',
        'add_fields[time_to_pay][minutes]': '30',
        'add_fields[available_currencies][0]': 'BTC',
        'add_fields[available_currencies][1]': 'LTC',
        'uuids[]': ['INV-AAAAAAAA', 'INV-BBBBBBBB'],
      }),
    ).toEqual({
      shop_id: 'abc',
      add_fields: {
        time_to_pay: { hours: '1', minutes: '30' },
        available_currencies: ['BTC', 'LTC'],
      },
      uuids: ['INV-AAAAAAAA', 'INV-BBBBBBBB'],
    });
  });

  it('keeps repeated plain keys as a list (Python requests data=)', () => {
    expect(unflattenForm({ uuids: ['A', 'B'] })).toEqual({ uuids: ['A', 'B'] });
  });
});

describe('bodies built to pollute prototypes', () => {
  const form = (key: string) => () => unflattenForm({ shop_id: 'abc', [key]: '1' });

  it('refuses prototype keys anywhere in a form path, naming the field', () => {
    for (const key of [
      '__proto__[x]',
      'constructor[prototype][x]',
      'add_fields[__proto__][email_to_send]',
      'a[b][prototype]',
      '__proto__',
    ]) {
      expect(form(key), key).toThrow(/__proto__|constructor|prototype/);
    }
    expect(({} as Record<string, unknown>).x).toBeUndefined();
  });

  it('refuses prototype keys in JSON, at any depth', () => {
    for (const text of [
      '{"__proto__":{"x":1}}',
      '{"add_fields":{"__proto__":{"x":1}}}',
      '{"constructor":{"prototype":{"x":1}}}',
      '{"a":[{"b":{"__proto__":1}}]}',
    ]) {
      expect(() => parseExactJson(text), text).toThrow(/not an allowed field name/);
    }
  });

  it('builds objects that inherit nothing', () => {
    const json = parseExactJson('{"a":{"b":1}}') as Record<string, Record<string, unknown>>;
    expect(Object.getPrototypeOf(json)).toBeNull();
    expect(Object.getPrototypeOf(json.a)).toBeNull();
    const nested = unflattenForm({ 'a[b][c]': '1' }) as Record<string, Record<string, unknown>>;
    expect(Object.getPrototypeOf(nested)).toBeNull();
    expect(Object.getPrototypeOf(nested.a)).toBeNull();
  });

  it('refuses nesting deeper than any client sends, without recursing into it', () => {
    expect(() => parseExactJson('['.repeat(30_000) + ']'.repeat(30_000))).toThrow(/nested/);
    expect(form(`a${'[x]'.repeat(30_000)}`)).toThrow(/nested/);
  });
});

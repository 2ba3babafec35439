/** Exact amounts per locale, the screen of every state, and complete message catalogs. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatCrypto, formatNumber, formatPrice } from '../../src/http/pay/format.js';
import { pickLocale } from '../../src/http/pay/i18n.js';
import { en } from '../../src/http/pay/messages/en.js';
import { ru } from '../../src/http/pay/messages/ru.js';
import { screenOf } from '../../src/http/pay/screen.js';

const decimal = fc
  .tuple(fc.bigInt({ min: 0n, max: 10n ** 30n }), fc.nat({ max: 18 }))
  .map(([units, scale]) => {
    const s = units.toString().padStart(scale + 1, '0');
    return scale ? `${s.slice(0, -scale)}.${s.slice(-scale)}` : s;
  });

describe('amount formatting', () => {
  it('keeps every digit of an amount in both languages, only changing separators', () => {
    fc.assert(
      fc.property(decimal, (d) => {
        expect(formatNumber(d, 'en').replace(/,/g, '')).toBe(d);
        expect(formatNumber(d, 'ru').replace(/\s/g, '').replace(',', '.')).toBe(d);
      }),
    );
  });

  it('formats amounts beyond float precision exactly', () => {
    expect(formatNumber('123456789012345678.123456789012345678', 'en')).toBe(
      '123,456,789,012,345,678.123456789012345678',
    );
    expect(formatCrypto('0.000000000000000001', 'ETH', 'en')).toBe('0.000000000000000001\u00a0ETH');
    expect(formatCrypto('12345.6', 'USDT_TRC20', 'ru').replace(/\s/g, ' ')).toBe('12 345,6 USDT');
  });

  it('writes prices with the currency pattern of the locale and its minor units', () => {
    expect(formatPrice('100', 'USD', 'en')).toBe('$100.00');
    expect(formatPrice('100', 'USD', 'ru').replace(/\s/g, ' ')).toBe('100,00 $');
    expect(formatPrice('9250.5', 'RUB', 'ru').replace(/\s/g, ' ')).toBe('9 250,50 ₽');
    expect(formatPrice('1500', 'JPY', 'en')).toBe('¥1,500');
    expect(formatPrice('99999999999999.99', 'EUR', 'en')).toBe('€99,999,999,999,999.99');
  });
});

describe('screen of each state', () => {
  const now = Date.parse('2026-01-01T12:00:00Z');
  const base = {
    status: 'created',
    context: null,
    resolution: null,
    quote: null,
    expires_at: '2026-01-01T13:00:00Z',
    cancelled_at: null,
  } as const;
  const quote = {} as never;
  const cases: [string, Partial<Record<keyof typeof base, unknown>>, string][] = [
    ['no currency chosen yet', {}, 'choose'],
    ['currency chosen, nothing paid', { quote }, 'waiting'],
    ['a payment unconfirmed', { quote, status: 'pending' }, 'seen'],
    ['part paid', { quote, status: 'partial' }, 'partial'],
    ['paid', { quote, status: 'paid' }, 'paid'],
    [
      'overpaid',
      { quote, status: 'overpaid', context: 'overpaid', resolution: 'completed' },
      'overpaid',
    ],
    ['expired unpaid', { quote, status: 'canceled' }, 'expired'],
    ['past expiry, not yet rechecked', { quote, expires_at: '2026-01-01T11:59:59Z' }, 'expired'],
    [
      'cancelled by the merchant',
      { quote, status: 'canceled', cancelled_at: '2026-01-01T11:00:00Z' },
      'cancelled',
    ],
    ['expired part paid', { quote, status: 'partial', context: 'underpaid' }, 'underpaid'],
    ['paid after expiry', { quote, status: 'paid', context: 'paid_late' }, 'paid_late'],
    [
      'paid late and accepted',
      { quote, status: 'paid', context: 'paid_late', resolution: 'completed' },
      'paid',
    ],
    [
      'refunded',
      { quote, status: 'refunded', context: 'paid_late', resolution: 'refunded' },
      'refunded',
    ],
  ];
  it.each(cases)('shows %s as %s', (_name, facts, screen) => {
    expect(screenOf({ ...base, ...facts } as never, now)).toBe(screen);
  });
});

describe('message catalogs', () => {
  it('has every English message in Russian with the same placeholders', () => {
    expect(Object.keys(ru).sort()).toEqual(Object.keys(en).sort());
    const names = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
    for (const key of Object.keys(en) as (keyof typeof en)[]) {
      expect(ru[key].length, key).toBeGreaterThan(0);
      expect(names(ru[key]), key).toEqual(names(en[key]));
    }
  });

  it('takes the language from the query first, then the invoice, then English', () => {
    expect(pickLocale('ru', 'en')).toBe('ru');
    expect(pickLocale(undefined, 'ru')).toBe('ru');
    expect(pickLocale('de', 'ru')).toBe('ru');
    expect(pickLocale(['ru'], 'xx')).toBe('en');
  });
});

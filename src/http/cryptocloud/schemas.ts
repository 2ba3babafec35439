/**
 * What each CryptoCloud request may carry, read leniently where real clients
 * differ (numbers or strings, empty strings for absent fields, unknown extra
 * fields) and strictly where money is concerned (exact decimals only).
 */
import { cryptoCurrency, fiatCurrency } from '../../domain/currencies.js';
import type { Locale } from '../../domain/invoice.js';
import { formatDecimal, parseNumberText } from '../../domain/money.js';
import type { MailPeriod } from '../../app/ports/mail.js';
import { parseExactJson } from '../body-safety.js';
import { JsonNumber } from '../../domain/exact-json.js';
import { KassaError } from '../../domain/errors.js';
import { ccInvalid } from './errors.js';

export type Body = Record<string, unknown>;

export const MAX_UUIDS = 100;
export const MAX_LIST_LIMIT = 100;
export const DEFAULT_LIST_LIMIT = 10;

export function asBody(v: unknown): Body {
  if (v === undefined || v === null) return {};
  if (typeof v !== 'object' || Array.isArray(v) || v instanceof JsonNumber)
    throw ccInvalid('body', 'body must be an object');
  return v as Body;
}

/** A text field; numbers count as their text (PHP sends `"order_id": 123`); "" and null count as absent. */
export function optString(body: Body, field: string, max = 255): string | undefined {
  const v = body[field];
  if (v === undefined || v === null || v === '') return undefined;
  const s = v instanceof JsonNumber ? v.text : typeof v === 'string' ? v.trim() : undefined;
  if (s === undefined) throw ccInvalid(field, `${field} must be a string`);
  if (s === '') return undefined;
  if (s.length > max) throw ccInvalid(field, `${field} is longer than ${max} characters`);
  return s;
}

export function reqString(body: Body, field: string, max = 255): string {
  const s = optString(body, field, max);
  if (s === undefined) throw ccInvalid(field, `${field} is required`);
  return s;
}

/** Scientific notation (Python prints 1e-05) written out as a plain decimal, exactly. */
function plainDecimal(text: string): string | null {
  try {
    return formatDecimal(parseNumberText(text));
  } catch {
    return null;
  }
}

/** An amount given as a JSON number or a string, as exact decimal text. */
export function reqAmount(body: Body, field = 'amount'): string {
  const v = body[field];
  if (v === undefined || v === null || v === '') throw ccInvalid(field, `${field} is required`);
  const text = v instanceof JsonNumber ? v.text : typeof v === 'string' ? v.trim() : null;
  if (text === null) throw ccInvalid(field, `${field} must be a number`);
  if (text.startsWith('-')) throw ccInvalid(field, `${field} must be greater than zero`);
  const plain = plainDecimal(text);
  if (plain === null)
    throw ccInvalid(field, `${field} must be a number, got ${JSON.stringify(text)}`);
  return plain;
}

export function optInt(body: Body, field: string, min: number, max: number): number | undefined {
  const v = body[field];
  if (v === undefined || v === null || v === '') return undefined;
  const text = v instanceof JsonNumber ? v.text : typeof v === 'string' ? v.trim() : '';
  if (!/^\d{1,9}$/.test(text)) throw ccInvalid(field, `${field} must be a whole number`);
  const n = Number(text);
  if (n < min || n > max) throw ccInvalid(field, `${field} must be between ${min} and ${max}`);
  return n;
}

export function locale(v: unknown): Locale {
  return typeof v === 'string' && v.toLowerCase() === 'ru' ? 'ru' : 'en';
}

/** `add_fields` as an object, or as JSON text inside a form field. */
function addFields(body: Body): Body {
  const v = body.add_fields;
  if (v === undefined || v === null || v === '') return {};
  if (typeof v === 'string') {
    try {
      return asBody(parseExactJson(v));
    } catch (e) {
      // A refused key or nesting is named; anything else is just not an object.
      if (e instanceof KassaError) throw ccInvalid('add_fields', `add_fields: ${e.message}`);
      throw ccInvalid('add_fields', 'add_fields must be an object');
    }
  }
  if (typeof v !== 'object' || Array.isArray(v) || v instanceof JsonNumber)
    throw ccInvalid('add_fields', 'add_fields must be an object');
  return v as Body;
}

function list(v: unknown, field: string): string[] {
  const items = typeof v === 'string' ? v.split(',') : Array.isArray(v) ? v : null;
  if (!items) throw ccInvalid(field, `${field} must be a list`);
  return items.map((x) => {
    if (typeof x !== 'string') throw ccInvalid(field, `${field} must be a list of strings`);
    return x.trim().toUpperCase();
  });
}

const EMAIL_RE = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const PERIODS: readonly MailPeriod[] = ['day', 'week', 'month'];

export interface CreateRequest {
  readonly shopId: string;
  readonly amount: string;
  readonly currency: string;
  readonly orderId?: string;
  readonly email?: string;
  readonly expiresInSeconds?: number;
  readonly emailToSend?: string;
  readonly period?: MailPeriod;
  readonly availableCurrencies?: string[];
  readonly cryptocurrency?: string;
}

export function parseCreate(body: Body): CreateRequest {
  const shopId = reqString(body, 'shop_id', 64);
  const amount = reqAmount(body);
  const currency = (optString(body, 'currency', 8) ?? 'USD').toUpperCase();
  if (!fiatCurrency(currency)) throw ccInvalid('currency', `currency ${currency} is not supported`);
  const orderId = optString(body, 'order_id', 100);
  const email = optString(body, 'email', 254);
  if (email !== undefined && !EMAIL_RE.test(email))
    throw ccInvalid('email', 'email is not a valid e-mail address');
  const add = addFields(body);

  let expiresInSeconds: number | undefined;
  if (add.time_to_pay !== undefined && add.time_to_pay !== null && add.time_to_pay !== '') {
    const ttp =
      typeof add.time_to_pay === 'object' && !Array.isArray(add.time_to_pay)
        ? (add.time_to_pay as Body)
        : null;
    if (!ttp) throw ccInvalid('time_to_pay', 'time_to_pay must be {hours, minutes}');
    const hours = optInt(ttp, 'hours', 0, 24 * 365) ?? 0;
    const minutes = optInt(ttp, 'minutes', 0, 59 * 24 * 365) ?? 0;
    expiresInSeconds = hours * 3600 + minutes * 60;
    if (expiresInSeconds <= 0)
      throw ccInvalid('time_to_pay', 'time_to_pay must be at least one minute');
  }
  const emailToSend = optString(add, 'email_to_send', 254);
  if (emailToSend !== undefined && !EMAIL_RE.test(emailToSend)) {
    throw ccInvalid('email_to_send', 'email_to_send is not a valid e-mail address');
  }
  const periodText = optString(add, 'period', 10)?.toLowerCase();
  if (periodText !== undefined && !PERIODS.includes(periodText as MailPeriod)) {
    throw ccInvalid('period', `period must be one of ${PERIODS.join(', ')}`);
  }
  let availableCurrencies: string[] | undefined;
  if (
    add.available_currencies !== undefined &&
    add.available_currencies !== null &&
    add.available_currencies !== ''
  ) {
    const codes = list(add.available_currencies, 'available_currencies');
    // Currencies this gateway does not carry (e.g. USDT_TON) are left out rather than failing the whole invoice.
    availableCurrencies = [...new Set(codes.filter((c) => cryptoCurrency(c)))];
    if (availableCurrencies.length === 0) {
      throw ccInvalid(
        'available_currencies',
        `none of ${codes.join(', ')} is a supported currency`,
      );
    }
  }
  const cryptocurrency = optString(add, 'cryptocurrency', 20)?.toUpperCase();
  if (cryptocurrency !== undefined && !cryptoCurrency(cryptocurrency)) {
    throw ccInvalid('cryptocurrency', `cryptocurrency ${cryptocurrency} is not supported`);
  }
  return {
    shopId,
    amount,
    currency,
    ...(orderId !== undefined ? { orderId } : {}),
    ...(email !== undefined ? { email } : {}),
    ...(expiresInSeconds !== undefined ? { expiresInSeconds } : {}),
    ...(emailToSend !== undefined ? { emailToSend } : {}),
    ...(emailToSend !== undefined && periodText !== undefined
      ? { period: periodText as MailPeriod }
      : {}),
    ...(availableCurrencies ? { availableCurrencies } : {}),
    ...(cryptocurrency ? { cryptocurrency } : {}),
  };
}

/** `uuids`: 1 to 100 ids, `INV-XXXXXXXX` or `XXXXXXXX`. */
export function parseUuids(body: Body): string[] {
  const v = body.uuids;
  if (v === undefined || v === null || v === '') throw ccInvalid('uuids', 'uuids is required');
  const ids = list(Array.isArray(v) ? v : [v], 'uuids');
  if (ids.length === 0) throw ccInvalid('uuids', 'uuids must not be empty');
  if (ids.length > MAX_UUIDS)
    throw ccInvalid('uuids', `at most ${MAX_UUIDS} uuids per request, got ${ids.length}`);
  for (const id of ids) {
    if (!/^(INV-)?[A-Z0-9]{8}$/.test(id))
      throw ccInvalid('uuids', `${id} is not an invoice uuid (INV-XXXXXXXX or XXXXXXXX)`);
  }
  return ids;
}

export function parseUuid(body: Body): string {
  const id = reqString(body, 'uuid', 40).toUpperCase();
  if (!/^(INV-)?[A-Z0-9]{8}$/.test(id))
    throw ccInvalid('uuid', `${id} is not an invoice uuid (INV-XXXXXXXX or XXXXXXXX)`);
  return id;
}

/** `dd.mm.yyyy` as the start of that day, UTC. */
function date(body: Body, field: string): number {
  const s = reqString(body, field, 10);
  const m = /^(\d{2})\.(\d{2})\.(\d{4})$/.exec(s);
  const t = m ? Date.UTC(Number(m[3]), Number(m[2]) - 1, Number(m[1])) : NaN;
  if (!m || Number.isNaN(t) || new Date(t).getUTCDate() !== Number(m[1])) {
    throw ccInvalid(field, `${field} must be a date as dd.mm.yyyy`);
  }
  return t;
}

export interface Period {
  readonly from: number;
  /** Exclusive: the end date's whole day counts. */
  readonly to: number;
}

export function parsePeriod(body: Body): Period {
  const from = date(body, 'start');
  const end = date(body, 'end');
  if (end < from) throw ccInvalid('end', 'end must be later than or equal to start');
  return { from, to: end + 24 * 3600_000 };
}

export function parseList(body: Body): Period & { offset: number; limit: number } {
  const period = parsePeriod(body);
  const offset = optInt(body, 'offset', 0, 1_000_000_000) ?? 0;
  const limit = optInt(body, 'limit', 1, MAX_LIST_LIMIT) ?? DEFAULT_LIST_LIMIT;
  return { ...period, offset, limit };
}

export interface StaticRequest {
  readonly shopId: string;
  readonly currency: string;
  readonly identify: string;
}

export function parseStatic(body: Body): StaticRequest {
  const shopId = reqString(body, 'shop_id', 64);
  const currency = reqString(body, 'currency', 20).toUpperCase();
  if (!cryptoCurrency(currency))
    throw ccInvalid('currency', `currency ${currency} is not supported`);
  const identify = reqString(body, 'identify', 200);
  return { shopId, currency, identify };
}

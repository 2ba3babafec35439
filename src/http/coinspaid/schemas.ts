/** CoinsPaid's invoice-create body read into a use-case input; refusals name the field in its words. */
import { fieldsOf, JsonNumber } from '../provider-body.js';
import { CoinsPaidError, cpsInvalid } from './errors.js';

/** CoinsPaid's timer: 15 minutes from creation. */
export const TIMER_SECONDS = 15 * 60;

export interface CpsCreate {
  readonly timer: boolean;
  readonly title: string;
  readonly description?: string;
  readonly currency: string;
  readonly senderCurrency?: string;
  readonly amount: string;
  readonly foreignId: string;
  readonly email?: string;
}

const KNOWN = new Set([
  'timer',
  'title',
  'type',
  'description',
  'currency',
  'sender_currency',
  'amount',
  'foreign_id',
  'url_success',
  'url_failed',
  'email_user',
]);

const label = (field: string) => field.replace(/_/g, ' ');

function text(
  f: Record<string, unknown>,
  field: string,
  required: boolean,
  max = 255,
): string | undefined {
  const v = f[field];
  if (v === undefined || v === null || v === '') {
    if (required) throw cpsInvalid(field, `The ${label(field)} field is required.`);
    return undefined;
  }
  if (typeof v !== 'string') throw cpsInvalid(field, `The ${label(field)} must be a string.`);
  if (v.length > max)
    throw cpsInvalid(field, `The ${label(field)} may not be greater than ${max} characters.`);
  return v;
}

function url(f: Record<string, unknown>, field: string): void {
  const v = text(f, field, false, 2048);
  if (v === undefined) return;
  try {
    const u = new URL(v);
    if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error('scheme');
  } catch {
    throw cpsInvalid(field, `The ${label(field)} format is invalid.`);
  }
}

export function parseCreate(body: unknown): CpsCreate {
  const f = fieldsOf(body);
  if (!f) throw new CoinsPaidError(400, 'request', 'The request body must be a JSON object.');
  for (const k of Object.keys(f))
    if (!KNOWN.has(k)) throw cpsInvalid(k, `The ${label(k)} field is not allowed.`);
  const timer = f.timer;
  if (timer === undefined || timer === null)
    throw cpsInvalid('timer', 'The timer field is required.');
  if (typeof timer !== 'boolean')
    throw cpsInvalid('timer', 'The timer field must be true or false.');
  const title = text(f, 'title', true)!;
  const description = text(f, 'description', false, 1000);
  const currency = text(f, 'currency', true, 20)!.toUpperCase();
  const sender = text(f, 'sender_currency', false, 20)?.toUpperCase();
  const a = f.amount;
  const amount = a instanceof JsonNumber ? a.text : typeof a === 'string' ? a.trim() : undefined;
  if (amount === undefined || amount === '')
    throw cpsInvalid(
      'amount',
      a === undefined ? 'The amount field is required.' : 'The amount must be a number.',
    );
  const foreignId = text(f, 'foreign_id', true)!;
  url(f, 'url_success');
  url(f, 'url_failed');
  const email = text(f, 'email_user', false, 254);
  if (email !== undefined && !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(email))
    throw cpsInvalid('email_user', 'The email user must be a valid email address.');
  const type = f.type;
  if (
    type !== undefined &&
    type !== null &&
    type !== 'fill_or_kill' &&
    type !== 'good_until_expired'
  )
    throw cpsInvalid('type', 'The selected type is invalid.');
  return {
    timer,
    title,
    currency,
    amount,
    foreignId,
    ...(description !== undefined ? { description } : {}),
    ...(sender !== undefined ? { senderCurrency: sender } : {}),
    ...(email !== undefined ? { email } : {}),
  };
}

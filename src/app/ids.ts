/** Identifiers: unguessable where customers see them, time-ordered where order matters. */
import { createHash, randomBytes, randomInt } from 'node:crypto';
import { base32nopad } from '@scure/base';

let lastMs = 0;
let seq = 0;

/**
 * Sortable id: 11 chars of time, 4 of in-process sequence, 10 random.
 * Ids made later in the same process always sort later.
 */
export function newId(prefix: string, now = Date.now()): string {
  if (now > lastMs) {
    lastMs = now;
    seq = 0;
  } else seq += 1;
  const time = lastMs.toString(36).padStart(11, '0');
  const counter = seq.toString(36).padStart(4, '0');
  return `${prefix}_${time}${counter}${base32nopad.encode(randomBytes(7)).slice(0, 10).toLowerCase()}`;
}

/** Invoice id used in payment links: 128 random bits. */
export function invoiceId(): string {
  return `inv_${base32nopad.encode(randomBytes(16)).toLowerCase()}`;
}

const SHORT_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

/** CryptoCloud-style id: 8 characters of [A-Z0-9] (shown as INV-XXXXXXXX). */
export function shortId(): string {
  let s = '';
  for (let i = 0; i < 8; i++) s += SHORT_ALPHABET[randomInt(SHORT_ALPHABET.length)];
  return s;
}

/** A secret shown once: API keys, project secrets. */
export function secret(prefix: string, bytes = 24): string {
  return `${prefix}${base32nopad.encode(randomBytes(bytes)).toLowerCase()}`;
}

export function sha256Hex(s: string): string {
  return createHash('sha256').update(s).digest('hex');
}

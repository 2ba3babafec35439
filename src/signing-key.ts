/**
 * The operator's key that derives Cryptopay/CoinsPaid-style API secrets
 * (see app/provider-credentials.ts): KASSA_SIGNING_KEY when set (required when
 * several processes share one database), else a random key kept in
 * DATA_DIR/signing.key, readable by the owner only.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Config } from './config.js';

function decode(text: string): Buffer {
  const t = text.trim();
  const bytes =
    /^[0-9a-fA-F]+$/.test(t) && t.length % 2 === 0
      ? Buffer.from(t, 'hex')
      : Buffer.from(t, 'base64');
  if (bytes.length < 32)
    throw new Error('KASSA_SIGNING_KEY must hold at least 32 bytes (hex or base64)');
  return bytes;
}

export function loadSigningKey(config: Pick<Config, 'KASSA_SIGNING_KEY' | 'DATA_DIR'>): Uint8Array {
  if (config.KASSA_SIGNING_KEY) return decode(config.KASSA_SIGNING_KEY);
  const file = path.join(config.DATA_DIR, 'signing.key');
  try {
    return decode(fs.readFileSync(file, 'utf8'));
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
  fs.mkdirSync(config.DATA_DIR, { recursive: true });
  const key = randomBytes(32).toString('hex');
  try {
    // 'wx': a process that loses the race reads the winner's key instead.
    fs.writeFileSync(file, `${key}\n`, { mode: 0o600, flag: 'wx' });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
  }
  return decode(fs.readFileSync(file, 'utf8'));
}

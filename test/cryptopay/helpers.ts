/** Requests signed as Cryptopay's SDKs sign them, against a test Kassa. */
import { createHash, createHmac } from 'node:crypto';
import { issueProviderCredentials } from '../../src/app/provider-credentials.js';
import { loadSigningKey } from '../../src/signing-key.js';
import type { TestKassa } from '../support/kassa.js';

export interface CpPair {
  apiKey: string;
  apiSecret: string;
  keyId: string;
}

export async function cryptopayPair(
  k: TestKassa,
  accountId?: string,
  shopId?: string,
): Promise<CpPair> {
  const account = accountId ?? (await k.ctx.store.projects.get(k.shopId))!.accountId;
  return issueProviderCredentials(k.ctx, loadSigningKey(k.config), {
    accountId: account,
    shopId: shopId ?? k.shopId,
    provider: 'cryptopay',
  });
}

export interface CpOptions {
  date?: string;
  /** Signs with this secret instead of the pair's. */
  secret?: string;
  rawBody?: string;
  authorization?: string | null;
}

/** One request exactly as cryptopay-node's header creator builds it. */
export async function cp(
  k: TestKassa,
  pair: CpPair,
  method: string,
  path: string,
  body?: unknown,
  o: CpOptions = {},
): Promise<{ status: number; body: any; text: string }> {
  const payload = o.rawBody ?? (body === undefined ? '' : JSON.stringify(body));
  const date = o.date ?? new Date().toUTCString();
  const contentType = 'application/json';
  const md5 = payload ? createHash('md5').update(payload).digest('hex') : '';
  const signature = createHmac('sha1', o.secret ?? pair.apiSecret)
    .update(`${method}\n${md5}\n${contentType}\n${date}\n${path}`)
    .digest('base64');
  const headers: Record<string, string> = { date, 'content-type': contentType };
  const auth = o.authorization === undefined ? `HMAC ${pair.apiKey}:${signature}` : o.authorization;
  if (auth !== null) headers.authorization = auth;
  const res = await fetch(k.url + path, {
    method,
    headers,
    ...(payload !== '' ? { body: payload } : {}),
  });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    /* not JSON */
  }
  return { status: res.status, body: parsed, text };
}

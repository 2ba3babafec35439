/** Requests shaped as CryptoCloud clients send them, against a test Kassa. */
import { createAccount, createApiKey, createProject } from '../../src/app/accounts.js';
import type { TestKassa } from '../support/kassa.js';

export interface CcResponse {
  status: number;
  /** Parsed JSON (numbers as JS numbers: only for shapes, never for exact amounts). */
  body: any;
  /** The body text exactly as sent, for checking exact JSON numbers. */
  text: string;
}

export interface CcOptions {
  /** 'json' (default), 'form' (PHP http_build_query / Python `data=`), or a raw string body. */
  as?: 'json' | 'form';
  key?: string | null;
  method?: string;
  query?: string;
  rawBody?: string;
  contentType?: string;
}

/** PHP's http_build_query: nested arrays become `a[b][c]=v`, lists `a[0]=v`. */
export function phpForm(data: Record<string, unknown>): string {
  const out: string[] = [];
  const walk = (prefix: string, v: unknown) => {
    if (v === null || v === undefined) out.push(`${encodeURIComponent(prefix)}=`);
    else if (typeof v === 'object') {
      for (const [k, val] of Object.entries(v)) walk(`${prefix}[${k}]`, val);
    } else out.push(`${encodeURIComponent(prefix)}=${encodeURIComponent(String(v))}`);
  };
  for (const [k, v] of Object.entries(data)) walk(k, v);
  return out.join('&');
}

export async function cc(
  k: TestKassa,
  path: string,
  body?: unknown,
  opts: CcOptions = {},
): Promise<CcResponse> {
  const headers: Record<string, string> = {};
  const key = opts.key === undefined ? k.apiKey : opts.key;
  if (key !== null) headers.authorization = `Token ${key}`;
  let payload: string | undefined;
  if (opts.rawBody !== undefined) {
    payload = opts.rawBody;
    headers['content-type'] = opts.contentType ?? 'application/json';
  } else if (body !== undefined) {
    if (opts.as === 'form') {
      payload = phpForm(body as Record<string, unknown>);
      headers['content-type'] = 'application/x-www-form-urlencoded';
    } else {
      payload = JSON.stringify(body);
      headers['content-type'] = 'application/json';
    }
  }
  const res = await fetch(`${k.url}${path}${opts.query ?? ''}`, {
    method: opts.method ?? 'POST',
    headers,
    ...(payload !== undefined ? { body: payload } : {}),
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

/** A second merchant on the same Kassa, with its own key and shop. */
export async function otherMerchant(
  k: TestKassa,
): Promise<{ apiKey: string; shopId: string; accountId: string }> {
  const account = await createAccount(k.ctx, 'Other merchant');
  const { key } = await createApiKey(k.ctx, account.id, 'other');
  const { project } = await createProject(k.ctx, account.id, {
    name: 'Other shop',
    testMode: true,
  });
  return { apiKey: key, shopId: project.id, accountId: account.id };
}

export const CC_TIME = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\.\d{6}$/;

/** "2023-01-01 12:00:00.000000" (UTC) -> epoch ms. */
export function ccTimeMs(s: string): number {
  return Date.parse(`${s.slice(0, 10)}T${s.slice(11, 23)}Z`);
}

/** The raw JSON text of a numeric field in a response, e.g. `"amount":0.00166667` -> "0.00166667". */
export function rawNumber(text: string, field: string): string[] {
  return [...text.matchAll(new RegExp(`"${field}":(-?[0-9.eE+-]+)`, 'g'))].map((m) => m[1]!);
}

export function ddmmyyyy(ms: number): string {
  const d = new Date(ms);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${p(d.getUTCDate())}.${p(d.getUTCMonth() + 1)}.${d.getUTCFullYear()}`;
}

/**
 * Signature checks for Kassa's callbacks, for merchant servers. Depends only on
 * node:crypto. Every comparison is constant-time; pass the raw request body
 * exactly as received (re-serialised JSON will not verify).
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

type Body = string | Uint8Array;
type HeaderBag =
  Record<string, string | string[] | undefined> | { get(name: string): string | null };

function header(headers: HeaderBag, name: string): string | undefined {
  if (typeof (headers as { get?: unknown }).get === 'function')
    return (headers as { get(name: string): string | null }).get(name) ?? undefined;
  const bag = headers as Record<string, string | string[] | undefined>;
  const key = Object.keys(bag).find((k) => k.toLowerCase() === name);
  const v = key === undefined ? undefined : bag[key];
  return Array.isArray(v) ? v[0] : v;
}

function sameBytes(a: Buffer, b: Buffer): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}

function list(secret: string | readonly string[]): readonly string[] {
  return typeof secret === 'string' ? [secret] : secret;
}

/**
 * Standard Webhooks (native format): `webhook-signature` holds one or more
 * space-separated `v1,<base64>` HMAC-SHA256 signatures of "id.timestamp.body";
 * any of them matching any given secret (`whsec_...`) verifies. Timestamps more
 * than `toleranceSeconds` away from now are refused, which stops replays.
 */
export function verifyNativeWebhook(opts: {
  body: Body;
  headers: HeaderBag;
  secret: string | readonly string[];
  toleranceSeconds?: number;
  /** Epoch milliseconds; defaults to the current time. */
  now?: number;
}): boolean {
  const id = header(opts.headers, 'webhook-id');
  const timestamp = header(opts.headers, 'webhook-timestamp');
  const signatures = header(opts.headers, 'webhook-signature');
  if (!id || !timestamp || !signatures || !/^\d{1,12}$/.test(timestamp)) return false;
  const nowSeconds = Math.floor((opts.now ?? Date.now()) / 1000);
  if (Math.abs(nowSeconds - Number(timestamp)) > (opts.toleranceSeconds ?? 300)) return false;
  const body = typeof opts.body === 'string' ? Buffer.from(opts.body) : Buffer.from(opts.body);
  const signed = Buffer.concat([Buffer.from(`${id}.${timestamp}.`), body]);
  const given = signatures
    .split(' ')
    .filter((s) => s.startsWith('v1,'))
    .map((s) => Buffer.from(s.slice(3), 'base64'));
  return list(opts.secret).some((secret) => {
    const key = Buffer.from(secret.startsWith('whsec_') ? secret.slice(6) : secret, 'base64');
    const expected = createHmac('sha256', key).update(signed).digest();
    return given.some((g) => sameBytes(g, expected));
  });
}

function verifyHexHmac(
  algorithm: 'sha256' | 'sha512',
  body: Body,
  signature: string | null | undefined,
  secret: string | readonly string[],
): boolean {
  if (!signature || !/^[0-9a-fA-F]+$/.test(signature)) return false;
  const given = Buffer.from(signature, 'hex');
  return list(secret).some((s) => sameBytes(given, createHmac(algorithm, s).update(body).digest()));
}

/** Cryptopay style: `X-Cryptopay-Signature` is the hex HMAC-SHA256 of the raw body. */
export function verifyCryptopaySignature(
  body: Body,
  signature: string | null | undefined,
  secret: string | readonly string[],
): boolean {
  return verifyHexHmac('sha256', body, signature, secret);
}

/** CoinsPaid style: `X-Processing-Signature` is the hex HMAC-SHA512 of the raw body. */
export function verifyCoinsPaidSignature(
  body: Body,
  signature: string | null | undefined,
  secret: string | readonly string[],
): boolean {
  return verifyHexHmac('sha512', body, signature, secret);
}

/**
 * CoinsPaid style, as CoinsPaid's own handlers check it: `X-Processing-Key` is
 * the endpoint's `processing_key` and `X-Processing-Signature` the hex
 * HMAC-SHA512 of the raw body.
 */
export function verifyCoinsPaidCallback(opts: {
  body: Body;
  headers: HeaderBag;
  secret: string | readonly string[];
  processingKey: string;
}): boolean {
  const key = header(opts.headers, 'x-processing-key') ?? '';
  const keyOk = sameBytes(Buffer.from(key), Buffer.from(opts.processingKey));
  const sigOk = verifyCoinsPaidSignature(
    opts.body,
    header(opts.headers, 'x-processing-signature'),
    opts.secret,
  );
  return keyOk && sigOk;
}

/**
 * CryptoCloud postback: `token` is an HS256 JWT signed with the project's secret
 * key, claims `id` (the invoice id without `INV-`) and `exp`. Checks the
 * signature, the expiry and, when given, that `id` names this invoice.
 */
export function verifyCryptoCloudToken(
  token: string,
  secretKey: string,
  opts: { invoiceId?: string; now?: number } = {},
): boolean {
  const parts = token.split('.');
  if (parts.length !== 3) return false;
  const [h = '', p = '', s = ''] = parts;
  let head: { alg?: unknown };
  let claims: { id?: unknown; exp?: unknown };
  try {
    head = JSON.parse(Buffer.from(h, 'base64url').toString('utf8')) as { alg?: unknown };
    claims = JSON.parse(Buffer.from(p, 'base64url').toString('utf8')) as {
      id?: unknown;
      exp?: unknown;
    };
  } catch {
    return false;
  }
  if (head.alg !== 'HS256') return false;
  const expected = createHmac('sha256', secretKey).update(`${h}.${p}`).digest();
  if (!sameBytes(Buffer.from(s, 'base64url'), expected)) return false;
  const nowSeconds = Math.floor((opts.now ?? Date.now()) / 1000);
  if (typeof claims.exp !== 'number' || claims.exp <= nowSeconds) return false;
  if (opts.invoiceId !== undefined) {
    const want = opts.invoiceId.replace(/^INV-/, '');
    if (String(claims.id).replace(/^INV-/, '') !== want) return false;
  }
  return true;
}

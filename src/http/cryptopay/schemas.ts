/** Cryptopay request bodies read into use-case inputs; every refusal names its field. */
import { CRYPTO_CURRENCIES, cryptoCurrency } from '../../domain/currencies.js';
import { fieldsOf, JsonNumber } from '../provider-body.js';
import { cpInvalid, CryptopayError } from './errors.js';

/** Cryptopay's network names, and Kassa's own network codes, to Kassa networks. */
const NETWORKS: Record<string, string> = {
  bitcoin: 'BTC',
  btc: 'BTC',
  litecoin: 'LTC',
  ltc: 'LTC',
  ethereum: 'ERC20',
  erc20: 'ERC20',
  tron: 'TRC20',
  trc20: 'TRC20',
};

/** Cryptopay names a network in lower case words; Kassa by code. */
export const CRYPTOPAY_NETWORK: Record<string, string> = {
  BTC: 'bitcoin',
  LTC: 'litecoin',
  ERC20: 'ethereum',
  TRC20: 'tron',
};

function fields(body: unknown): Record<string, unknown> {
  const f = fieldsOf(body);
  if (!f) throw new CryptopayError(400, 'invalid', 'body must be a JSON object');
  return f;
}

function optString(f: Record<string, unknown>, name: string, max = 255): string | undefined {
  const v = f[name];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') throw cpInvalid(name, 'must be a string', 'must_be_string');
  if (v.length > max) throw cpInvalid(name, `must be at most ${max} characters`, 'too_long');
  return v;
}

function amountText(f: Record<string, unknown>, name: string): string {
  const v = f[name];
  if (v instanceof JsonNumber) return v.text;
  if (typeof v === 'string' && v.trim() !== '') return v.trim();
  throw cpInvalid(
    name,
    'must be a positive decimal amount',
    v === undefined ? 'required' : 'invalid',
  );
}

/** The Kassa currency code for Cryptopay's `pay_currency` and optional `network`. */
export function payCurrency(currency: string, network: string | undefined): string {
  const code = currency.toUpperCase();
  const net = network === undefined ? undefined : NETWORKS[network.toLowerCase()];
  if (network !== undefined && !net) throw cpInvalid('network', `unknown network ${network}`);
  const direct = cryptoCurrency(code);
  if (direct) {
    if (net && direct.network.code !== net)
      throw cpInvalid('network', `${code} is not on the ${network} network`);
    return direct.code;
  }
  // A token named without its network: Ethereum unless the request says otherwise.
  const wanted = net ?? 'ERC20';
  const match = CRYPTO_CURRENCIES.find((c) => c.symbol === code && c.network.code === wanted);
  if (!match)
    throw cpInvalid(
      network === undefined ? 'pay_currency' : 'network',
      `${currency} is not supported${network ? ` on ${network}` : ''}`,
    );
  return match.code;
}

export interface CpCreate {
  readonly amount: string;
  readonly priceCurrency: string;
  readonly payCurrency: string;
  readonly customId?: string;
  readonly description?: string;
  readonly email?: string;
  readonly metadata?: Record<string, string>;
}

const KNOWN = new Set([
  'price_amount',
  'price_currency',
  'pay_currency',
  'network',
  'custom_id',
  'customer_id',
  'subscription_id',
  'name',
  'description',
  'metadata',
  'success_redirect_url',
  'unsuccess_redirect_url',
  'payer_email',
]);

export function parseCreate(body: unknown): CpCreate {
  const f = fields(body);
  for (const k of Object.keys(f))
    if (!KNOWN.has(k)) throw cpInvalid(k, 'unknown parameter', 'unknown');
  const amount = amountText(f, 'price_amount');
  const priceCurrency = optString(f, 'price_currency', 10);
  if (!priceCurrency) throw cpInvalid('price_currency', 'is required', 'required');
  const pay = optString(f, 'pay_currency', 20);
  if (!pay) throw cpInvalid('pay_currency', 'is required', 'required');
  const network = optString(f, 'network', 20);
  const customId = optString(f, 'custom_id', 255);
  const name = optString(f, 'name', 255);
  const description = optString(f, 'description', 1000);
  const email = optString(f, 'payer_email', 254);
  for (const k of [
    'customer_id',
    'subscription_id',
    'success_redirect_url',
    'unsuccess_redirect_url',
  ])
    optString(f, k, 2048);
  let metadata: Record<string, string> | undefined;
  const md = f.metadata;
  if (md !== undefined && md !== null) {
    const m = fieldsOf(md);
    if (!m || md instanceof JsonNumber) throw cpInvalid('metadata', 'must be an object of strings');
    metadata = {};
    for (const [k, v] of Object.entries(m)) {
      if (typeof v !== 'string') throw cpInvalid(`metadata.${k}`, 'must be a string');
      metadata[k] = v;
    }
  }
  const text = description ?? name;
  return {
    amount,
    priceCurrency: priceCurrency.toUpperCase(),
    payCurrency: payCurrency(pay, network),
    ...(customId !== undefined && customId !== '' ? { customId } : {}),
    ...(text !== undefined ? { description: text } : {}),
    ...(email !== undefined ? { email } : {}),
    ...(metadata !== undefined ? { metadata } : {}),
  };
}

export function parseRecalculation(body: unknown): { forceCommit: boolean } {
  const f = fields(body);
  for (const k of Object.keys(f))
    if (k !== 'force_commit') throw cpInvalid(k, 'unknown parameter', 'unknown');
  const v = f.force_commit;
  if (v !== undefined && v !== null && typeof v !== 'boolean')
    throw cpInvalid('force_commit', 'must be a boolean');
  return { forceCommit: v === true };
}

export function parseRefund(body: unknown): { address?: string } {
  const f = fields(body);
  for (const k of Object.keys(f))
    if (k !== 'address') throw cpInvalid(k, 'unknown parameter', 'unknown');
  const address = optString(f, 'address', 200);
  return address !== undefined ? { address } : {};
}

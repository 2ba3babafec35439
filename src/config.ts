/** Every setting, from environment variables, validated once at start with clear messages. */
import { isIP } from 'node:net';
import path from 'node:path';
import { z } from 'zod';

const bool = z
  .enum(['1', '0', 'true', 'false', 'yes', 'no'])
  .transform((v) => v === '1' || v === 'true' || v === 'yes');
const port = z.coerce.number().int().min(0).max(65535);
const url = z.string().url();
const roles = z
  .string()
  .transform((v) => v.split(',').map((s) => s.trim()))
  .pipe(z.array(z.enum(['api', 'watch', 'dispatch'])).min(1));

const PROXY_RANGES = ['loopback', 'linklocal', 'uniquelocal'];

/**
 * Which X-Forwarded-For hops to believe: none, the last N (the proxies in
 * front of Kassa), or those added by these addresses/CIDRs. Trusting every hop
 * would let a client pick its own address and escape per-address rate limits.
 */
const trustProxy = z.string().transform((raw, ctx): false | number | string[] => {
  const v = raw.trim().toLowerCase();
  if (['false', 'no', '0'].includes(v)) return false;
  if (/^\d+$/.test(v)) {
    const hops = Number(v);
    if (hops <= 10) return hops;
  }
  if (v === 'true' || v === 'yes' || /^\d+$/.test(v)) {
    ctx.addIssue({
      code: 'custom',
      message:
        'give the number of proxies in front of Kassa (1-10) or their addresses/CIDRs, not true: trusting every hop lets clients choose their address',
    });
    return z.NEVER;
  }
  const entries = v.split(',').map((e) => e.trim());
  for (const e of entries) {
    const [ip, prefix, extra] = e.split('/');
    const family = isIP(ip ?? '');
    const okPrefix =
      prefix === undefined ||
      (/^\d{1,3}$/.test(prefix) && Number(prefix) <= (family === 6 ? 128 : 32));
    if (PROXY_RANGES.includes(e) || (family !== 0 && okPrefix && extra === undefined)) continue;
    ctx.addIssue({
      code: 'custom',
      message: `${e || '(empty)'} is not an IP address, a CIDR or one of ${PROXY_RANGES.join(', ')}`,
    });
    return z.NEVER;
  }
  return entries;
});

const schema = z.object({
  PORT: port.default(8080),
  HOST: z.string().min(1).default('127.0.0.1'),
  DATA_DIR: z.string().min(1).default('./data'),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL (leave unset for embedded SQLite)')
    .optional(),
  PUBLIC_URL: url.optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  KASSA_ROLES: roles.default(['api', 'watch', 'dispatch']),
  KASSA_DEMO_API_KEY: z.string().min(20).max(200).optional(),
  KASSA_DEMO_SHOP_ID: z
    .string()
    .regex(/^[A-Za-z0-9_-]{4,64}$/, 'must be 4-64 letters, digits, _ or -')
    .optional(),
  KASSA_ADMIN_TOKEN: z.string().min(20).optional(),
  /** Dashboard sign-in attempts per minute and client address (users also lock after 5 failures). */
  DASHBOARD_SIGN_INS_PER_MINUTE: z.coerce.number().int().min(1).max(10_000).default(10),
  /** Derives the Cryptopay/CoinsPaid-style API secrets (32+ bytes, hex or base64); default: DATA_DIR/signing.key. */
  KASSA_SIGNING_KEY: z.string().min(32).optional(),
  /** Test mode: the built-in test chain and the test-payment endpoint. */
  KASSA_TEST_MODE: bool.default(true),
  /** Late-payment window: addresses stay watched this long after an invoice closes. */
  LATE_PAYMENT_WINDOW_HOURS: z.coerce
    .number()
    .int()
    .min(0)
    .max(24 * 365)
    .default(24 * 7),
  /**
   * Opt-in: hours after which an expired, never-paid address may be handed out
   * again (never before the late-payment window ends). 0, the default: never.
   */
  ADDRESS_REUSE_COOLDOWN_HOURS: z.coerce
    .number()
    .int()
    .min(0)
    .max(24 * 365)
    .default(0),
  ALLOW_PRIVATE_CALLBACKS: bool.default(false),
  /** Seconds before each retry of a failed callback, comma-separated; unset: 10 s up to 24 h, about three days. */
  CALLBACK_RETRY_SECONDS: z
    .string()
    .regex(/^\d+(\.\d+)?(\s*,\s*\d+(\.\d+)?)*$/, 'a comma-separated list of seconds')
    .transform((v) => v.split(',').map((s) => Math.round(Number(s) * 1000)))
    .optional(),
  /** Behind a reverse proxy: hop count or proxy addresses, so rate limits see each customer. */
  TRUST_PROXY: trustProxy.default(false),
  /** Bearer token /metrics asks for; unset serves it openly (keep it off public networks then). */
  METRICS_TOKEN: z.string().min(20).optional(),
  /** Serve /metrics on this port (on HOST) instead of the public one. */
  METRICS_PORT: port.optional(),
  /** Live status streams (pay page) open at once across all invoices; more get a 429. */
  LIVE_STREAMS_MAX: z.coerce.number().int().min(1).max(100_000).default(1000),
  SMTP_URL: z.string().optional(),
  MAIL_FROM: z.string().default('Kassa <kassa@localhost>'),

  /** Rates: comma-separated source names in order, e.g. "kraken,binance,coinbase,ecb". */
  RATE_SOURCES: z
    .string()
    .regex(
      /^\s*(kraken|coinbase|bitfinex|erapi|ecb|fixed)(\s*,\s*(kraken|coinbase|bitfinex|erapi|ecb|fixed))*\s*$/,
      'comma-separated: kraken, coinbase, bitfinex, erapi, ecb, fixed',
    )
    .default('fixed'),
  RATE_MODE: z.enum(['median', 'fallback']).default('median'),
  /** JSON object of fixed rates, e.g. {"BTC/USD":"60000"}. */
  RATES_FIXED: z.string().optional(),
  RATE_REFRESH_SECONDS: z.coerce.number().int().min(1).default(60),
  RATE_MAX_AGE_SECONDS: z.coerce.number().int().min(1).default(600),
  RATE_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(5000),
  RATE_KRAKEN_URL: url.optional(),
  RATE_COINBASE_URL: url.optional(),
  RATE_BITFINEX_URL: url.optional(),
  RATE_ERAPI_URL: url.optional(),
  RATE_ECB_URL: url.optional(),
  /** Price USDT/USDC/TUSD at 1 USD while the market stays within the deviation. */
  RATE_STABLECOIN_PEG: bool.default(false),
  RATE_PEG_MAX_DEVIATION_PERCENT: z
    .string()
    .regex(/^\d+(\.\d+)?$/)
    .default('2'),
  /** Median mode: fewest fresh sources that must agree. */
  RATE_MIN_SOURCES: z.coerce.number().int().min(1).max(10).default(1),

  BTC_RPC_URL: url.optional(),
  BTC_RPC_USER: z.string().optional(),
  BTC_RPC_PASSWORD: z.string().optional(),
  BTC_RPC_COOKIE_FILE: z.string().optional(),
  BTC_NETWORK: z.enum(['mainnet', 'testnet', 'regtest']).default('mainnet'),
  LTC_RPC_URL: url.optional(),
  LTC_RPC_USER: z.string().optional(),
  LTC_RPC_PASSWORD: z.string().optional(),
  LTC_RPC_COOKIE_FILE: z.string().optional(),
  LTC_NETWORK: z.enum(['mainnet', 'testnet', 'regtest']).default('mainnet'),
  ETH_RPC_URL: url.optional(),
  ETH_CHAIN_ID: z.coerce.number().int().positive().default(1),
  /** JSON object currency code -> contract address, overriding the mainnet defaults. */
  ETH_TOKEN_CONTRACTS: z.string().optional(),
  /** Gas-only hot key for automatic forwarder collection (hex), or a file holding it. */
  EVM_COLLECTOR_KEY: z.string().optional(),
  EVM_COLLECTOR_KEY_FILE: z.string().optional(),
  /** Automatic collection policy: addresses per transaction, gas price ceiling, value per address vs its gas. */
  EVM_COLLECT_BATCH_SIZE: z.coerce.number().int().min(1).max(200).default(50),
  EVM_COLLECT_MAX_GAS_PRICE_GWEI: z
    .string()
    .regex(/^\d+(\.\d{1,9})?$/, 'a decimal number of gwei')
    .default('30'),
  EVM_COLLECT_MIN_VALUE_RATIO: z
    .string()
    .regex(/^\d+(\.\d+)?$/, 'a decimal number')
    .default('10'),
  EVM_COLLECT_INTERVAL_SECONDS: z.coerce.number().int().min(1).max(86_400).default(600),
  TRON_API_URL: url.optional(),
  TRON_API_KEY: z.string().optional(),
  TRON_TOKEN_CONTRACTS: z.string().optional(),
  /** Poll interval of every watcher, milliseconds. */
  WATCH_POLL_MS: z.coerce.number().int().min(50).max(600_000).default(1000),
});

export type Config = Omit<z.infer<typeof schema>, 'DATA_DIR'> & {
  DATA_DIR: string;
  /** Absolute path of the embedded SQLite file (when DATABASE_URL is unset). */
  SQLITE_PATH: string;
  PUBLIC_URL: string;
};

export class ConfigError extends Error {}

/** Names of settings whose values must never reach a log line. */
export const SECRET_SETTINGS = [
  'DATABASE_URL',
  'KASSA_DEMO_API_KEY',
  'KASSA_ADMIN_TOKEN',
  'METRICS_TOKEN',
  'KASSA_SIGNING_KEY',
  'SMTP_URL',
  'BTC_RPC_PASSWORD',
  'LTC_RPC_PASSWORD',
  'TRON_API_KEY',
  'EVM_COLLECTOR_KEY',
] as const;

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const input: Record<string, string> = {};
  for (const key of Object.keys(schema.shape)) {
    const v = env[key];
    if (v !== undefined && v !== '') input[key] = v;
  }
  const parsed = schema.safeParse(input);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`invalid configuration:\n${lines.join('\n')}`);
  }
  const c = parsed.data;
  for (const key of ['RATES_FIXED', 'ETH_TOKEN_CONTRACTS', 'TRON_TOKEN_CONTRACTS'] as const) {
    const v = c[key];
    if (v === undefined) continue;
    try {
      const obj: unknown = JSON.parse(v);
      if (typeof obj !== 'object' || obj === null || Array.isArray(obj)) throw new Error();
    } catch {
      throw new ConfigError(`invalid configuration:\n  ${key}: must be a JSON object`);
    }
  }
  const dataDir = path.resolve(c.DATA_DIR);
  return {
    ...c,
    DATA_DIR: dataDir,
    SQLITE_PATH: path.join(dataDir, 'kassa.sqlite'),
    PUBLIC_URL: (c.PUBLIC_URL ?? `http://${c.HOST}:${c.PORT}`).replace(/\/$/, ''),
  };
}

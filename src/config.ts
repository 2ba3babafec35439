/** Every setting, from environment variables, validated once at start with clear messages. */
import { isIP } from 'node:net';
import path from 'node:path';
import { Type, type StaticDecode, type TSchema } from '@sinclair/typebox';
import { TransformDecodeError, Value } from '@sinclair/typebox/value';

/** Refuses a value inside a transform; the message is reported under the variable's name. */
const refuse = (message: string): never => {
  throw new Error(message);
};

const text = (d?: string) => Type.String(d === undefined ? {} : { default: d });
/** A string checked (and maybe turned into something else) by `decode`. */
const checked = <T>(decode: (v: string) => T, encode: (v: T) => string, d?: string) =>
  Type.Transform(text(d)).Decode(decode).Encode(encode);

const oneOf = <const T extends string>(values: readonly T[], d?: T) =>
  checked(
    (v) =>
      (values as readonly string[]).includes(v)
        ? (v as T)
        : refuse(`must be one of ${values.join(', ')}`),
    (v) => v,
    d,
  );

const BOOLS = ['1', '0', 'true', 'false', 'yes', 'no'];
const bool = (d: boolean) =>
  checked(
    (v) =>
      BOOLS.includes(v)
        ? v === '1' || v === 'true' || v === 'yes'
        : refuse(`must be one of ${BOOLS.join(', ')}`),
    (b) => (b ? 'true' : 'false'),
    d ? 'true' : 'false',
  );
const int = (minimum: number, maximum: number, d?: number) =>
  Type.Integer({ minimum, maximum, ...(d === undefined ? {} : { default: d }) });
const port = (d?: number) => int(0, 65535, d);
const str = (opts: { minLength?: number; maxLength?: number; default?: string } = {}) =>
  Type.String(opts);
/** A string that must match `re`, with a message saying what is expected. */
const matching = (re: RegExp, message: string, d?: string) =>
  checked(
    (v) => (re.test(v) ? v : refuse(message)),
    (v) => v,
    d,
  );
const url = checked(
  (v) => (URL.canParse(v) ? v : refuse('Invalid URL')),
  (v) => v,
);
const opt = <T extends TSchema>(t: T) => Type.Optional(t);
const ROLES = ['api', 'watch', 'dispatch'] as const;
const roles = Type.Transform(Type.String({ default: ROLES.join(',') }))
  .Decode((v) => {
    const list = v.split(',').map((s) => s.trim());
    for (const r of list) {
      if (!(ROLES as readonly string[]).includes(r))
        refuse(`${r || '(empty)'} is not one of ${ROLES.join(', ')}`);
    }
    return list as (typeof ROLES)[number][];
  })
  .Encode((v) => v.join(','));

const PROXY_RANGES = ['loopback', 'linklocal', 'uniquelocal'];

/**
 * Which X-Forwarded-For hops to believe: none, the last N (the proxies in
 * front of Kassa), or those added by these addresses/CIDRs. Trusting every hop
 * would let a client pick its own address and escape per-address rate limits.
 */
const trustProxy = Type.Transform(Type.String({ default: 'false' }))
  .Decode((raw): false | number | string[] => {
    const v = raw.trim().toLowerCase();
    if (['false', 'no', '0'].includes(v)) return false;
    if (/^\d+$/.test(v)) {
      const hops = Number(v);
      if (hops <= 10) return hops;
    }
    if (v === 'true' || v === 'yes' || /^\d+$/.test(v)) {
      refuse(
        'give the number of proxies in front of Kassa (1-10) or their addresses/CIDRs, not true: trusting every hop lets clients choose their address',
      );
    }
    const entries = v.split(',').map((e) => e.trim());
    for (const e of entries) {
      const [ip, prefix, extra] = e.split('/');
      const family = isIP(ip ?? '');
      const okPrefix =
        prefix === undefined ||
        (/^\d{1,3}$/.test(prefix) && Number(prefix) <= (family === 6 ? 128 : 32));
      if (PROXY_RANGES.includes(e) || (family !== 0 && okPrefix && extra === undefined)) continue;
      refuse(`${e || '(empty)'} is not an IP address, a CIDR or one of ${PROXY_RANGES.join(', ')}`);
    }
    return entries;
  })
  .Encode((v) => (v === false ? 'false' : Array.isArray(v) ? v.join(',') : String(v)));

const NETWORKS = ['mainnet', 'testnet', 'regtest'] as const;

const schema = Type.Object({
  PORT: port(8080),
  HOST: str({ minLength: 1, default: '127.0.0.1' }),
  DATA_DIR: str({ minLength: 1, default: './data' }),
  DATABASE_URL: opt(
    matching(/^postgres(ql)?:\/\//, 'must be a postgres:// URL (leave unset for embedded SQLite)'),
  ),
  PUBLIC_URL: opt(url),
  LOG_LEVEL: oneOf(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], 'info'),
  KASSA_ROLES: roles,
  KASSA_DEMO_API_KEY: opt(str({ minLength: 20, maxLength: 200 })),
  KASSA_DEMO_SHOP_ID: opt(
    matching(/^[A-Za-z0-9_-]{4,64}$/, 'must be 4-64 letters, digits, _ or -'),
  ),
  KASSA_ADMIN_TOKEN: opt(str({ minLength: 20 })),
  /** Dashboard sign-in attempts per minute and client address (users also lock after 5 failures). */
  DASHBOARD_SIGN_INS_PER_MINUTE: int(1, 10_000, 10),
  /** Derives the Cryptopay/CoinsPaid-style API secrets (32+ bytes, hex or base64); default: DATA_DIR/signing.key. */
  KASSA_SIGNING_KEY: opt(str({ minLength: 32 })),
  /** Test mode: the built-in test chain and the test-payment endpoint. */
  KASSA_TEST_MODE: bool(true),
  /** Late-payment window: addresses stay watched this long after an invoice closes. */
  LATE_PAYMENT_WINDOW_HOURS: int(0, 24 * 365, 24 * 7),
  /**
   * Opt-in: hours after which an expired, never-paid address may be handed out
   * again (never before the late-payment window ends). 0, the default: never.
   */
  ADDRESS_REUSE_COOLDOWN_HOURS: int(0, 24 * 365, 0),
  ALLOW_PRIVATE_CALLBACKS: bool(false),
  /** Seconds before each retry of a failed callback, comma-separated; unset: 10 s up to 24 h, about three days. */
  CALLBACK_RETRY_SECONDS: opt(
    Type.Transform(Type.String())
      .Decode((v) =>
        /^\d+(\.\d+)?(\s*,\s*\d+(\.\d+)?)*$/.test(v)
          ? v.split(',').map((s) => Math.round(Number(s) * 1000))
          : refuse('a comma-separated list of seconds'),
      )
      .Encode((v) => v.map((ms) => ms / 1000).join(',')),
  ),
  /** Behind a reverse proxy: hop count or proxy addresses, so rate limits see each customer. */
  TRUST_PROXY: trustProxy,
  /** Bearer token /metrics asks for; unset serves it openly (keep it off public networks then). */
  METRICS_TOKEN: opt(str({ minLength: 20 })),
  /** Serve /metrics on this port (on HOST) instead of the public one. */
  METRICS_PORT: opt(port()),
  /** Live status streams (pay page) open at once across all invoices; more get a 429. */
  LIVE_STREAMS_MAX: int(1, 100_000, 1000),
  SMTP_URL: opt(str()),
  MAIL_FROM: str({ default: 'Kassa <kassa@localhost>' }),

  /** Rates: comma-separated source names in order, e.g. "kraken,binance,coinbase,ecb". */
  RATE_SOURCES: matching(
    /^\s*(kraken|coinbase|bitfinex|erapi|ecb|fixed)(\s*,\s*(kraken|coinbase|bitfinex|erapi|ecb|fixed))*\s*$/,
    'comma-separated: kraken, coinbase, bitfinex, erapi, ecb, fixed',
    'fixed',
  ),
  RATE_MODE: oneOf(['median', 'fallback'], 'median'),
  /** JSON object of fixed rates, e.g. {"BTC/USD":"60000"}. */
  RATES_FIXED: opt(str()),
  RATE_REFRESH_SECONDS: int(1, Number.MAX_SAFE_INTEGER, 60),
  RATE_MAX_AGE_SECONDS: int(1, Number.MAX_SAFE_INTEGER, 600),
  RATE_TIMEOUT_MS: int(100, 60_000, 5000),
  RATE_KRAKEN_URL: opt(url),
  RATE_COINBASE_URL: opt(url),
  RATE_BITFINEX_URL: opt(url),
  RATE_ERAPI_URL: opt(url),
  RATE_ECB_URL: opt(url),
  /** Price USDT/USDC/TUSD at 1 USD while the market stays within the deviation. */
  RATE_STABLECOIN_PEG: bool(false),
  RATE_PEG_MAX_DEVIATION_PERCENT: matching(/^\d+(\.\d+)?$/, 'a decimal number', '2'),
  /** Median mode: fewest fresh sources that must agree. */
  RATE_MIN_SOURCES: int(1, 10, 1),

  BTC_RPC_URL: opt(url),
  BTC_RPC_USER: opt(str()),
  BTC_RPC_PASSWORD: opt(str()),
  BTC_RPC_COOKIE_FILE: opt(str()),
  BTC_NETWORK: oneOf(NETWORKS, 'mainnet'),
  LTC_RPC_URL: opt(url),
  LTC_RPC_USER: opt(str()),
  LTC_RPC_PASSWORD: opt(str()),
  LTC_RPC_COOKIE_FILE: opt(str()),
  LTC_NETWORK: oneOf(NETWORKS, 'mainnet'),
  ETH_RPC_URL: opt(url),
  ETH_CHAIN_ID: int(1, Number.MAX_SAFE_INTEGER, 1),
  /** JSON object currency code -> contract address, overriding the mainnet defaults. */
  ETH_TOKEN_CONTRACTS: opt(str()),
  /** Gas-only hot key for automatic forwarder collection (hex), or a file holding it. */
  EVM_COLLECTOR_KEY: opt(str()),
  EVM_COLLECTOR_KEY_FILE: opt(str()),
  /** Automatic collection policy: addresses per transaction, gas price ceiling, value per address vs its gas. */
  EVM_COLLECT_BATCH_SIZE: int(1, 200, 50),
  EVM_COLLECT_MAX_GAS_PRICE_GWEI: matching(/^\d+(\.\d{1,9})?$/, 'a decimal number of gwei', '30'),
  EVM_COLLECT_MIN_VALUE_RATIO: matching(/^\d+(\.\d+)?$/, 'a decimal number', '10'),
  EVM_COLLECT_INTERVAL_SECONDS: int(1, 86_400, 600),
  TRON_API_URL: opt(url),
  TRON_API_KEY: opt(str()),
  TRON_TOKEN_CONTRACTS: opt(str()),
  /** Poll interval of every watcher, milliseconds. */
  WATCH_POLL_MS: int(50, 600_000, 1000),
});

export type Config = Omit<StaticDecode<typeof schema>, 'DATA_DIR'> & {
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

/** Defaults, numbers from text, then checks; every problem is reported under its variable's name. */
function decodeSettings(input: Record<string, string>): StaticDecode<typeof schema> {
  const value = Value.Convert(schema, Value.Default(schema, input));
  const problems = new Map<string, string>();
  for (const e of Value.Errors(schema, value)) {
    const key = e.path.slice(1) || '(settings)';
    if (!problems.has(key)) problems.set(key, e.message);
  }
  if (problems.size === 0) {
    try {
      return Value.Decode(schema, value);
    } catch (e) {
      if (!(e instanceof TransformDecodeError)) throw e;
      problems.set(e.path.slice(1), e.message);
    }
  }
  const lines = [...problems].map(([key, message]) => `  ${key}: ${message}`);
  throw new ConfigError(`invalid configuration:\n${lines.join('\n')}`);
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const input: Record<string, string> = {};
  for (const key of Object.keys(schema.properties)) {
    const v = env[key];
    if (v !== undefined && v !== '') input[key] = v;
  }
  const c = decodeSettings(input);
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

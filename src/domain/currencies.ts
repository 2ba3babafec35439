/** The currency catalog: what can be paid (crypto) and what a price can be in (fiat). */

export type ChainFamily = 'utxo' | 'evm' | 'tron';
export type Chain = 'BTC' | 'LTC' | 'ETH' | 'TRON';

export interface Network {
  readonly code: 'BTC' | 'LTC' | 'ERC20' | 'TRC20';
  readonly id: number;
  readonly fullname: string;
}

export interface CryptoCurrency {
  /** CryptoCloud `fullcode`, Kassa's currency code. */
  readonly code: string;
  /** Ticker without network, CryptoCloud `code`. */
  readonly symbol: string;
  /** Stable numeric id used by the CryptoCloud face. */
  readonly id: number;
  readonly name: string;
  readonly decimals: number;
  readonly chain: Chain;
  readonly family: ChainFamily;
  readonly network: Network;
  readonly stablecoin: boolean;
  /** Display order on the payment page and in lists. */
  readonly order: number;
  /** Mainnet token contract; configurable per deployment. */
  readonly contract?: string;
}

const NETWORKS = {
  BTC: { code: 'BTC', id: 1, fullname: 'Bitcoin' },
  LTC: { code: 'LTC', id: 2, fullname: 'Litecoin' },
  ERC20: { code: 'ERC20', id: 3, fullname: 'Ethereum' },
  TRC20: { code: 'TRC20', id: 4, fullname: 'Tron' },
} as const satisfies Record<string, Network>;

export const CRYPTO_CURRENCIES: readonly CryptoCurrency[] = [
  {
    code: 'USDT_TRC20',
    symbol: 'USDT',
    id: 4,
    name: 'Tether',
    decimals: 6,
    chain: 'TRON',
    family: 'tron',
    network: NETWORKS.TRC20,
    stablecoin: true,
    order: 1,
    contract: 'TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t',
  },
  {
    code: 'USDT_ERC20',
    symbol: 'USDT',
    id: 5,
    name: 'Tether',
    decimals: 6,
    chain: 'ETH',
    family: 'evm',
    network: NETWORKS.ERC20,
    stablecoin: true,
    order: 2,
    contract: '0xdAC17F958D2ee523a2206206994597C13D831ec7',
  },
  {
    code: 'USDC_TRC20',
    symbol: 'USDC',
    id: 6,
    name: 'USD Coin',
    decimals: 6,
    chain: 'TRON',
    family: 'tron',
    network: NETWORKS.TRC20,
    stablecoin: true,
    order: 3,
    contract: 'TEkxiTehnzSmSe2XqrBj4w32RUN966rdz8',
  },
  {
    code: 'USDC_ERC20',
    symbol: 'USDC',
    id: 7,
    name: 'USD Coin',
    decimals: 6,
    chain: 'ETH',
    family: 'evm',
    network: NETWORKS.ERC20,
    stablecoin: true,
    order: 4,
    contract: '0xA0b86991c6218b36c1d19D4a2e9Eb0cE3606eB48',
  },
  {
    code: 'TUSD_TRC20',
    symbol: 'TUSD',
    id: 8,
    name: 'TrueUSD',
    decimals: 18,
    chain: 'TRON',
    family: 'tron',
    network: NETWORKS.TRC20,
    stablecoin: true,
    order: 5,
    contract: 'TUpMhErZL2fhh4sVNULAbNKLokS4GjC1F4',
  },
  {
    code: 'TUSD_ERC20',
    symbol: 'TUSD',
    id: 9,
    name: 'TrueUSD',
    decimals: 18,
    chain: 'ETH',
    family: 'evm',
    network: NETWORKS.ERC20,
    stablecoin: true,
    order: 6,
    contract: '0x0000000000085d4780B73119b644AE5ecd22b376',
  },
  {
    code: 'BTC',
    symbol: 'BTC',
    id: 1,
    name: 'Bitcoin',
    decimals: 8,
    chain: 'BTC',
    family: 'utxo',
    network: NETWORKS.BTC,
    stablecoin: false,
    order: 7,
  },
  {
    code: 'LTC',
    symbol: 'LTC',
    id: 2,
    name: 'Litecoin',
    decimals: 8,
    chain: 'LTC',
    family: 'utxo',
    network: NETWORKS.LTC,
    stablecoin: false,
    order: 8,
  },
  {
    code: 'ETH',
    symbol: 'ETH',
    id: 3,
    name: 'Ethereum',
    decimals: 18,
    chain: 'ETH',
    family: 'evm',
    network: NETWORKS.ERC20,
    stablecoin: false,
    order: 9,
  },
  {
    code: 'TRX',
    symbol: 'TRX',
    id: 10,
    name: 'Tron',
    decimals: 6,
    chain: 'TRON',
    family: 'tron',
    network: NETWORKS.TRC20,
    stablecoin: false,
    order: 10,
  },
];

const BY_CODE = new Map(CRYPTO_CURRENCIES.map((c) => [c.code, c]));

export function cryptoCurrency(code: string): CryptoCurrency | undefined {
  return BY_CODE.get(code);
}

export function isCryptoCurrency(code: string): boolean {
  return BY_CODE.has(code);
}

export interface FiatCurrency {
  readonly code: string;
  /** ISO 4217 minor units. */
  readonly decimals: number;
}

/** The fiat currencies CryptoCloud prices in (the seed lists INR twice). */
export const FIAT_CURRENCIES: readonly FiatCurrency[] = [
  ['USD', 2],
  ['EUR', 2],
  ['GBP', 2],
  ['RUB', 2],
  ['UAH', 2],
  ['UZS', 2],
  ['KGS', 2],
  ['KZT', 2],
  ['AMD', 2],
  ['AZN', 2],
  ['BYN', 2],
  ['AUD', 2],
  ['TRY', 2],
  ['AED', 2],
  ['CAD', 2],
  ['CNY', 2],
  ['HKD', 2],
  ['IDR', 2],
  ['INR', 2],
  ['JPY', 0],
  ['PHP', 2],
  ['SGD', 2],
  ['THB', 2],
  ['VND', 0],
  ['MYR', 2],
].map(([code, decimals]) => ({ code: code as string, decimals: decimals as number }));

const FIAT_BY_CODE = new Map(FIAT_CURRENCIES.map((c) => [c.code, c]));

export function fiatCurrency(code: string): FiatCurrency | undefined {
  return FIAT_BY_CODE.get(code);
}

/** Decimals of any price currency, fiat or crypto. */
export function priceDecimals(code: string): number | undefined {
  return fiatCurrency(code)?.decimals ?? cryptoCurrency(code)?.decimals;
}

export const DEFAULT_CONFIRMATIONS: Readonly<Record<Chain, number>> = {
  BTC: 1,
  LTC: 2,
  ETH: 12,
  TRON: 19,
};

/**
 * The few Ethereum JSON-RPC calls the watcher needs, over viem's HTTP
 * transport: requests issued together go out as one JSON-RPC batch, every
 * request has a timeout, and retrying is left to the watcher's backoff.
 */
import { createPublicClient, http, numberToHex, type PublicClient } from 'viem';

export type Hex = `0x${string}`;

export interface RpcTransaction {
  readonly hash: Hex;
  readonly to: Hex | null;
  readonly value: Hex;
}

export interface RpcBlock {
  readonly number: Hex;
  readonly hash: Hex;
  readonly parentHash: Hex;
  readonly transactions: readonly RpcTransaction[];
}

export interface RpcLog {
  readonly address: Hex;
  readonly topics: readonly Hex[];
  readonly data: Hex;
  readonly blockNumber: Hex;
  readonly blockHash: Hex;
  readonly transactionHash: Hex;
  readonly logIndex: Hex;
  readonly removed?: boolean;
}

export interface RpcReceipt {
  readonly transactionHash: Hex;
  readonly blockHash: Hex;
  readonly status: Hex;
}

export class ChainIdMismatchError extends Error {
  constructor(
    readonly expected: number,
    readonly actual: number,
    url: string,
  ) {
    super(
      `the Ethereum node at ${url} is on chain id ${actual}, but ETH_CHAIN_ID is ${expected}: ` +
        'refusing to watch another chain (point ETH_RPC_URL at the right network or fix ETH_CHAIN_ID)',
    );
    this.name = 'ChainIdMismatchError';
  }
}

export interface EvmRpcOptions {
  url: string;
  /** Per request, milliseconds. */
  timeoutMs?: number;
  /** JSON-RPC requests per HTTP batch; providers cap this (often 50-1000). */
  batchSize?: number;
}

export class EvmRpc {
  readonly url: string;
  private readonly client: PublicClient;

  constructor(options: EvmRpcOptions) {
    this.url = options.url;
    this.client = createPublicClient({
      transport: http(options.url, {
        timeout: options.timeoutMs ?? 15_000,
        retryCount: 0,
        batch: { batchSize: options.batchSize ?? 50, wait: 0 },
      }),
      cacheTime: 0,
    });
  }

  private call<T>(method: string, params: unknown[]): Promise<T> {
    const request = this.client.request as (args: {
      method: string;
      params: unknown[];
    }) => Promise<unknown>;
    return request({ method, params }) as Promise<T>;
  }

  async chainId(): Promise<number> {
    return Number(await this.call<Hex>('eth_chainId', []));
  }

  /** Throws ChainIdMismatchError when the node is not on `expected`. */
  async assertChainId(expected: number): Promise<void> {
    const actual = await this.chainId();
    if (actual !== expected) throw new ChainIdMismatchError(expected, actual, redact(this.url));
  }

  async blockNumber(): Promise<number> {
    return Number(await this.call<Hex>('eth_blockNumber', []));
  }

  /** The block at `height`, with full transactions or only their hashes; null above the head. */
  async block(height: number, withTransactions: boolean): Promise<RpcBlock | null> {
    return this.call<RpcBlock | null>('eth_getBlockByNumber', [
      numberToHex(height),
      withTransactions,
    ]);
  }

  /** Blocks from..to with full transactions, fetched together (batched). */
  async blocks(from: number, to: number): Promise<(RpcBlock | null)[]> {
    const heights = Array.from({ length: to - from + 1 }, (_, i) => from + i);
    return Promise.all(heights.map((h) => this.block(h, true)));
  }

  async logs(filter: {
    fromBlock: number;
    toBlock: number;
    addresses: readonly Hex[];
    topics: readonly (Hex | null)[];
  }): Promise<RpcLog[]> {
    return this.call<RpcLog[]>('eth_getLogs', [
      {
        fromBlock: numberToHex(filter.fromBlock),
        toBlock: numberToHex(filter.toBlock),
        address: filter.addresses,
        topics: filter.topics,
      },
    ]);
  }

  /** Transactions by hash: blockNumber null while pending, null when the node does not know it. */
  async transactions(hashes: readonly Hex[]): Promise<({ blockNumber: Hex | null } | null)[]> {
    return Promise.all(
      hashes.map((h) =>
        this.call<{ blockNumber: Hex | null } | null>('eth_getTransactionByHash', [h]),
      ),
    );
  }

  /** Balances (wei) at the block with `blockHash` (EIP-1898), so a reorg cannot mix blocks. */
  async balances(addresses: readonly string[], blockHash: Hex): Promise<bigint[]> {
    const hexes = await Promise.all(
      addresses.map((a) =>
        this.call<Hex>('eth_getBalance', [a, { blockHash, requireCanonical: false }]),
      ),
    );
    return hexes.map((h) => BigInt(h));
  }

  async receipts(hashes: readonly Hex[]): Promise<(RpcReceipt | null)[]> {
    return Promise.all(
      hashes.map((h) => this.call<RpcReceipt | null>('eth_getTransactionReceipt', [h])),
    );
  }
}

/** Provider URLs often carry an API key in the path or query: keep it out of logs and errors. */
export function redact(url: string): string {
  try {
    const u = new URL(url);
    const hasSecret = u.username || u.password || u.search || u.pathname.length > 1;
    return hasSecret ? `${u.protocol}//${u.host}/…` : `${u.protocol}//${u.host}`;
  } catch {
    return 'the configured ETH_RPC_URL';
  }
}

const RANGE_LIMIT_MESSAGE =
  /range|too many|too large|limit|exceed|more than \d+|response size|max results|block count/i;
/** Geth, Erigon and Infura: "query returned more than 10000 results". */
const LIMIT_EXCEEDED = -32005;

/**
 * Whether the node answered an eth_getLogs with a JSON-RPC error about the
 * block range or result size (every provider words it differently), as
 * opposed to being unreachable: the former is solved by asking for less.
 */
export function isRangeLimitError(err: unknown): boolean {
  let e: unknown = err;
  for (let depth = 0; e && depth < 8; depth++) {
    const { code, details, message, cause } = e as {
      code?: unknown;
      details?: unknown;
      message?: unknown;
      cause?: unknown;
    };
    if (code === LIMIT_EXCEEDED) return true;
    const text = `${typeof details === 'string' ? details : ''} ${typeof message === 'string' ? message : ''}`;
    // A numeric code means the node itself answered, so the words are its reason.
    if (typeof code === 'number' && code !== -1 && RANGE_LIMIT_MESSAGE.test(text)) return true;
    e = cause;
  }
  return false;
}

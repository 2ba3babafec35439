/**
 * What the EVM watcher tests share: anvil with two deployed test tokens, viem
 * clients on its funded accounts, the real SQLite cursor store, an in-memory
 * watch list and a ledger that records what the watcher told it.
 */
import { mnemonicToSeedSync } from '@scure/bip39';
import { HDKey } from '@scure/bip32';
import {
  createPublicClient,
  createWalletClient,
  defineChain,
  http,
  type Address,
  type Hex,
  type PublicClient,
  type WalletClient,
} from 'viem';
import type {
  ChainCursorStore,
  ObservedTransfer,
  PaymentLedger,
  WatchedAddress,
  WatchList,
  UnminedTransaction,
} from '../../../src/app/ports/chain.js';
import { unmined } from '../../support/unmined.js';
import { evmFamily } from '../../../src/chains/evm/index.js';
import { cryptoCurrency } from '../../../src/domain/currencies.js';
import { chainCursorStore } from '../../../src/store/chain-cursor-repository.js';
import { migrateToLatest, openStore, type Store } from '../../../src/store/database.js';
import { startAnvil, type Anvil } from '../../support/anvil.js';
import { deployTestToken, loadTestToken } from '../../support/erc20/token.js';

export const token = loadTestToken();

/** The merchant's wallet: a seed other than anvil's, known only through its account xpub. */
const MERCHANT_MNEMONIC =
  'abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about';
const merchantRoot = HDKey.fromMasterSeed(mnemonicToSeedSync(MERCHANT_MNEMONIC));
export const merchantAccountKey = (path: string) => merchantRoot.derive(path).publicExtendedKey;
export const MERCHANT_XPUB = merchantAccountKey("m/44'/60'/0'");

export function merchantAddress(index: number): Address {
  const eth = cryptoCurrency('ETH')!;
  return evmFamily.deriveAddress({
    key: MERCHANT_XPUB,
    index,
    currency: eth,
    network: 'regtest',
  }) as Address;
}

export class MemoryWatchList implements WatchList {
  private readonly byAddress = new Map<string, WatchedAddress>();
  refreshes = 0;

  watch(address: string, currency: string): WatchedAddress {
    const entry = {
      quoteId: `q_${this.byAddress.size}`,
      invoiceId: `inv_${this.byAddress.size}`,
      currency,
      address,
    };
    this.byAddress.set(address.toLowerCase(), entry);
    return entry;
  }

  lookup(chain: string, address: string): WatchedAddress | undefined {
    return chain === 'ETH' ? this.byAddress.get(address.toLowerCase()) : undefined;
  }

  size(chain: string): number {
    return chain === 'ETH' ? this.byAddress.size : 0;
  }

  addresses(chain: string): Iterable<WatchedAddress> {
    return chain === 'ETH' ? this.byAddress.values() : [];
  }

  async refresh(): Promise<void> {
    this.refreshes++;
  }
}

export interface LedgerPayment {
  transfer: ObservedTransfer;
  /** Null after its block was disconnected and before it is seen again. */
  blockHeight: number | null;
  blockHash: string | null;
  /** The node forgot its transaction after its block was orphaned. */
  dropped: boolean;
}

/** Applies the ledger's documented semantics to memory and keeps the calls for assertions. */
export class RecordingLedger implements PaymentLedger {
  readonly calls: string[] = [];
  readonly payments = new Map<string, LedgerPayment>();
  tip = 0;

  async recordTransfer(t: ObservedTransfer): Promise<void> {
    this.calls.push(`record ${t.txid}:${t.index} @${t.blockHeight}`);
    this.payments.set(`${t.txid}:${t.index}`, {
      transfer: t,
      blockHeight: t.blockHeight,
      blockHash: t.blockHash,
      dropped: false,
    });
  }

  async tipChanged(chain: string, height: number): Promise<void> {
    this.calls.push(`tip ${chain} ${height}`);
    this.tip = height;
  }

  async blocksDisconnected(chain: string, fromHeight: number): Promise<void> {
    this.calls.push(`disconnect ${chain} ${fromHeight}`);
    for (const p of this.payments.values()) {
      if (p.blockHeight !== null && p.blockHeight >= fromHeight) {
        p.blockHeight = null;
        p.blockHash = null;
      }
    }
  }

  async transactionDropped(chain: string, txid: string): Promise<void> {
    this.calls.push(`dropped ${chain} ${txid}`);
    for (const p of this.payments.values()) {
      if (p.transfer.txid === txid && p.blockHeight === null) p.dropped = true;
    }
  }

  async unminedTransactions(chain: string): Promise<UnminedTransaction[]> {
    this.calls.push(`unmined ${chain}`);
    return unmined(
      [...this.payments.values()]
        .filter((p) => p.blockHeight === null && !p.dropped)
        .map((p) => ({ txid: p.transfer.txid, validUntil: p.transfer.validUntil ?? null })),
    );
  }

  to(address: string): LedgerPayment[] {
    return [...this.payments.values()].filter(
      (p) => p.transfer.address.toLowerCase() === address.toLowerCase(),
    );
  }

  confirmations(p: LedgerPayment): number {
    return p.blockHeight === null ? 0 : this.tip - p.blockHeight + 1;
  }
}

export interface EvmTestChain {
  anvil: Anvil;
  client: PublicClient;
  wallet: WalletClient;
  /** Funded anvil accounts (unlocked on the node). */
  payer: Address;
  usdt: Address;
  tusd: Address;
  close(): Promise<void>;
}

export async function startEvmTestChain(): Promise<EvmTestChain> {
  const anvil = await startAnvil();
  const chain = defineChain({
    id: anvil.chainId,
    name: 'anvil',
    nativeCurrency: { name: 'Ether', symbol: 'ETH', decimals: 18 },
    rpcUrls: { default: { http: [anvil.url] } },
  });
  const client = createPublicClient({ chain, transport: http(anvil.url), pollingInterval: 50 });
  const wallet = createWalletClient({ chain, transport: http(anvil.url) });
  const [payer] = await wallet.getAddresses();
  if (!payer) throw new Error('anvil has no funded accounts');
  const usdt = await deployTestToken(wallet, client, {
    name: 'Tether USD',
    symbol: 'USDT',
    decimals: 6,
    supply: 10n ** 15n,
    from: payer,
  });
  const tusd = await deployTestToken(wallet, client, {
    name: 'TrueUSD',
    symbol: 'TUSD',
    decimals: 18,
    supply: 10n ** 27n,
    from: payer,
  });
  return {
    anvil,
    client,
    wallet,
    payer,
    usdt,
    tusd,
    close: () => anvil.stop(),
  };
}

/** The real cursor repository on a fresh in-memory SQLite database. */
export async function freshCursorStore(): Promise<{ cursor: ChainCursorStore; store: Store }> {
  const store = openStore({ sqlitePath: ':memory:' });
  await migrateToLatest(store);
  return { cursor: chainCursorStore(store.db), store };
}

export async function sendEth(
  chain: EvmTestChain,
  to: Address,
  value: bigint,
  gas?: bigint,
): Promise<Hex> {
  return chain.wallet.sendTransaction({
    account: chain.payer,
    to,
    value,
    gas,
    chain: chain.wallet.chain,
  });
}

export async function sendToken(
  chain: EvmTestChain,
  contract: Address,
  to: Address,
  amount: bigint,
): Promise<Hex> {
  return chain.wallet.writeContract({
    address: contract,
    abi: token.abi,
    functionName: 'transfer',
    args: [to, amount],
    account: chain.payer,
    chain: chain.wallet.chain,
  });
}

export async function batchTransfer(
  chain: EvmTestChain,
  contract: Address,
  recipients: Address[],
  amounts: bigint[],
): Promise<Hex> {
  return chain.wallet.writeContract({
    address: contract,
    abi: token.abi,
    functionName: 'batchTransfer',
    args: [recipients, amounts],
    account: chain.payer,
    chain: chain.wallet.chain,
  });
}

export async function mine(chain: EvmTestChain, blocks = 1): Promise<void> {
  await chain.anvil.rpc('anvil_mine', [`0x${blocks.toString(16)}`]);
}

export async function headHeight(chain: EvmTestChain): Promise<number> {
  return Number(await chain.client.getBlockNumber({ cacheTime: 0 }));
}

export async function waitFor<T>(
  what: string,
  probe: () => T | Promise<T>,
  timeoutMs = 15_000,
): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value as NonNullable<T>;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

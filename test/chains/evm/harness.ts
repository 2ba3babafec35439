/**
 * What the EVM watcher tests share: anvil with two deployed test tokens, viem
 * clients on its funded accounts, the real SQLite cursor store, an in-memory
 * watch list of real quotes and the real payment recorder on its own store.
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
  WatchedAddress,
  WatchList,
  UnminedTransaction,
} from '../../../src/app/ports/chain.js';
import { StoreLedger, type StoredPayment } from '../../support/store-ledger.js';
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

/** The watched addresses, each a real quote in the ledger's store. */
export class MemoryWatchList implements WatchList {
  private readonly byAddress = new Map<string, WatchedAddress>();
  refreshes = 0;

  constructor(private readonly ledger: StoreLedger) {}

  watch(address: string, currency: string): WatchedAddress {
    const entry = { ...this.ledger.quote('ETH', address, currency), currency, address };
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

export type LedgerPayment = StoredPayment;

/** The real recorder on its own store; notes each call for assertions on what the watcher said. */
export class RecordingLedger extends StoreLedger {
  readonly calls: string[] = [];
  tip = 0;

  override recordTransfer(t: ObservedTransfer): Promise<void> {
    this.calls.push(`record ${t.txid}:${t.index} @${t.blockHeight}`);
    return super.recordTransfer(t);
  }

  override async tipChanged(chain: string, height: number): Promise<void> {
    this.calls.push(`tip ${chain} ${height}`);
    await super.tipChanged(chain, height);
    this.tip = height;
  }

  override blocksDisconnected(chain: string, fromHeight: number): Promise<void> {
    this.calls.push(`disconnect ${chain} ${fromHeight}`);
    return super.blocksDisconnected(chain, fromHeight);
  }

  override transactionDropped(chain: string, txid: string): Promise<void> {
    this.calls.push(`dropped ${chain} ${txid}`);
    return super.transactionDropped(chain, txid);
  }

  override unminedTransactions(chain: string): Promise<readonly UnminedTransaction[]> {
    this.calls.push(`unmined ${chain}`);
    return super.unminedTransactions(chain);
  }

  /** Payments to `address` as stored, in the order the store lists them. */
  to(address: string): LedgerPayment[] {
    return [...this.payments.values()].filter(
      (p) => p.address.toLowerCase() === address.toLowerCase(),
    );
  }

  /** The stored confirmations of `p` now (not when `p` was read). */
  confirmations(p: LedgerPayment): number {
    return this.payments.get(`${p.txid}:${p.outputIndex}`)?.confirmations ?? 0;
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

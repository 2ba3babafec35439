/**
 * The node side of collection: gas estimates, and the optional gas-only
 * collector key (EVM_COLLECTOR_KEY) that signs collect transactions. The key
 * can only pay gas: collect sends funds to the treasury baked into each address.
 */
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
import { privateKeyToAccount, type PrivateKeyAccount } from 'viem/accounts';
import type { CollectorChain, ObservedCollect } from '../../app/ports/collections.js';
import { observedCollect } from './forwarder-receipt.js';

export class EvmCollectorChain implements CollectorChain {
  private readonly client: PublicClient;
  private readonly wallet: WalletClient | null;
  private readonly account: PrivateKeyAccount | null;
  readonly sender: string | null;

  constructor(options: {
    rpcUrl: string;
    chainId: number;
    collectorKey?: string;
    receiptTimeoutMs?: number;
    pollingMs?: number;
  }) {
    const chain = defineChain({
      id: options.chainId,
      name: `chain ${options.chainId}`,
      nativeCurrency: { name: 'Ether', symbol: 'ETH', decimals: 18 },
      rpcUrls: { default: { http: [options.rpcUrl] } },
    });
    const transport = http(options.rpcUrl, { timeout: 15_000, retryCount: 1 });
    this.client = createPublicClient({
      chain,
      transport,
      pollingInterval: options.pollingMs ?? 1000,
    });
    this.account = options.collectorKey ? privateKeyToAccount(options.collectorKey as Hex) : null;
    this.wallet = this.account
      ? createWalletClient({ chain, transport, account: this.account })
      : null;
    this.sender = this.account?.address ?? null;
    this.receiptTimeoutMs = options.receiptTimeoutMs ?? 180_000;
  }

  private readonly receiptTimeoutMs: number;

  estimateGas(tx: { to: string; data: string; from?: string }): Promise<bigint> {
    return this.client.estimateGas({
      to: tx.to as Address,
      data: tx.data as Hex,
      ...(tx.from ? { account: tx.from as Address } : {}),
    });
  }

  gasPrice(): Promise<bigint> {
    return this.client.getGasPrice();
  }

  async sendAndWait(tx: {
    to: string;
    data: string;
    gas: bigint;
  }): Promise<ObservedCollect | null> {
    if (!this.wallet || !this.account) throw new Error('no collector key is configured');
    const hash = await this.wallet.sendTransaction({
      account: this.account,
      chain: this.wallet.chain,
      to: tx.to as Address,
      data: tx.data as Hex,
      gas: tx.gas,
    });
    try {
      const receipt = await this.client.waitForTransactionReceipt({
        hash,
        timeout: this.receiptTimeoutMs,
      });
      const block = await this.client.getBlock({ blockHash: receipt.blockHash });
      return observedCollect(receipt, tx.to, block.transactions);
    } catch {
      // Not mined in time: the tracker records it whenever it is mined.
      return null;
    }
  }
}

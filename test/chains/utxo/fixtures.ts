/**
 * What the UTXO watcher tests drive: the real payment recorder on its own store,
 * an in-memory watch list of real quotes and cursor store, and a known regtest wallet.
 */
import { pbkdf2Sync } from 'node:crypto';
import { HDKey } from '@scure/bip32';
import type {
  BlockRef,
  ChainCursorStore,
  ObservedTransfer,
  WatchedAddress,
  WatchList,
} from '../../../src/app/ports/chain.js';
import { StoreLedger } from '../../support/store-ledger.js';

export const TEST_MNEMONIC =
  'abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about';

const TESTNET = { private: 0x04358394, public: 0x043587cf };
const VPUB = { private: 0x045f18bc, public: 0x045f1cf6 };

/** Account keys of the test mnemonic at m/84'/1'/0' (tpub and vpub) and m/49'/1'/0', m/44'/1'/0'. */
export function regtestAccounts() {
  const seed = new Uint8Array(pbkdf2Sync(TEST_MNEMONIC, 'mnemonic', 2048, 64, 'sha512'));
  const root = HDKey.fromMasterSeed(seed, TESTNET);
  const fp = root.fingerprint.toString(16).padStart(8, '0');
  const bip84 = root.derive("m/84'/1'/0'");
  const vpub = new HDKey({
    versions: VPUB,
    depth: bip84.depth,
    index: bip84.index,
    parentFingerprint: bip84.parentFingerprint,
    chainCode: bip84.chainCode!,
    publicKey: bip84.publicKey!,
  }).publicExtendedKey;
  return {
    fingerprint: fp,
    bip84: { tpub: bip84.publicExtendedKey, vpub, origin: `${fp}/84'/1'/0'` },
    bip49: { tpub: root.derive("m/49'/1'/0'").publicExtendedKey, origin: `${fp}/49'/1'/0'` },
    bip44: { tpub: root.derive("m/44'/1'/0'").publicExtendedKey, origin: `${fp}/44'/1'/0'` },
  };
}

/** Watched addresses, each a real quote in the ledger's store. */
export class MemoryWatchList implements WatchList {
  private readonly byChain = new Map<string, Map<string, WatchedAddress>>();
  refreshes = 0;

  constructor(private readonly ledger: StoreLedger) {}

  add(chain: string, address: string, currency = chain): void {
    let m = this.byChain.get(chain);
    if (!m) this.byChain.set(chain, (m = new Map()));
    m.set(address, { ...this.ledger.quote(chain, address, currency), address, currency });
  }

  lookup(chain: string, address: string): WatchedAddress | undefined {
    return this.byChain.get(chain)?.get(address);
  }

  size(chain: string): number {
    return this.byChain.get(chain)?.size ?? 0;
  }

  async refresh(): Promise<void> {
    this.refreshes += 1;
  }
}

export class MemoryCursorStore implements ChainCursorStore {
  readonly blocks = new Map<string, Map<number, string>>();
  readonly cursors = new Map<string, BlockRef>();

  private chainBlocks(chain: string): Map<number, string> {
    let m = this.blocks.get(chain);
    if (!m) this.blocks.set(chain, (m = new Map()));
    return m;
  }

  async load(chain: string): Promise<BlockRef | null> {
    return this.cursors.get(chain) ?? null;
  }

  async advance(chain: string, block: BlockRef & { parentHash: string | null }): Promise<void> {
    const m = this.chainBlocks(chain);
    if (block.parentHash !== null && !m.has(block.height - 1))
      m.set(block.height - 1, block.parentHash);
    m.set(block.height, block.hash);
    this.cursors.set(chain, { height: block.height, hash: block.hash });
  }

  async hashAt(chain: string, height: number): Promise<string | null> {
    return this.chainBlocks(chain).get(height) ?? null;
  }

  async rewind(chain: string, fromHeight: number): Promise<void> {
    const m = this.chainBlocks(chain);
    for (const h of [...m.keys()]) if (h >= fromHeight) m.delete(h);
    const below = m.get(fromHeight - 1);
    if (below) this.cursors.set(chain, { height: fromHeight - 1, hash: below });
    else this.cursors.delete(chain);
  }

  async prune(chain: string, belowHeight: number): Promise<void> {
    const m = this.chainBlocks(chain);
    for (const h of [...m.keys()]) if (h < belowHeight) m.delete(h);
  }
}

export type LedgerEvent =
  | { kind: 'transfer'; transfer: ObservedTransfer }
  | { kind: 'tip'; height: number }
  | { kind: 'disconnected'; fromHeight: number }
  | { kind: 'dropped'; txid: string };

/** A payment as stored: the reported transfer with the store's block, confirmations and flags. */
export type LedgerPayment = ObservedTransfer & { dropped: boolean; confirmations: number };

/** The real recorder on its own store; notes every call for assertions on what the watcher said. */
export class RecordingLedger extends StoreLedger {
  readonly events: LedgerEvent[] = [];
  tip = 0;

  override recordTransfer(t: ObservedTransfer): Promise<void> {
    this.events.push({ kind: 'transfer', transfer: t });
    return super.recordTransfer(t);
  }

  override async tipChanged(chain: string, height: number): Promise<void> {
    this.events.push({ kind: 'tip', height });
    await super.tipChanged(chain, height);
    this.tip = height;
  }

  override blocksDisconnected(chain: string, fromHeight: number): Promise<void> {
    this.events.push({ kind: 'disconnected', fromHeight });
    return super.blocksDisconnected(chain, fromHeight);
  }

  override transactionDropped(chain: string, txid: string): Promise<void> {
    this.events.push({ kind: 'dropped', txid });
    return super.transactionDropped(chain, txid);
  }

  paymentsTo(address: string): LedgerPayment[] {
    return [...this.payments.values()]
      .filter((p) => p.address === address)
      .map((p) => ({
        ...p.transfer,
        amount: p.amount,
        blockHash: p.blockHash,
        blockHeight: p.blockHeight,
        rbf: p.rbf,
        dropped: p.dropped,
        confirmations: p.confirmations,
      }));
  }

  /** The stored confirmations of `p` now (not when `p` was read). */
  confirmations(p: { txid: string; index: number }): number {
    return this.payments.get(`${p.txid}:${p.index}`)?.confirmations ?? 0;
  }
}

/** Polls `check` until it returns a value (not undefined/false) or the time runs out. */
export async function eventually<T>(
  check: () => T | undefined | false | Promise<T | undefined | false>,
  what: string,
  timeoutMs = 20_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

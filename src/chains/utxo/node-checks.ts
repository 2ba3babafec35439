/** Questions the watcher asks the node about its chain: which network, and where a reorg forked. */
import type { ChainCursorStore, NetworkName } from '../../app/ports/chain.js';
import { RpcError, type UtxoRpc } from './rpc.js';

const NETWORK_NAMES: Readonly<Record<string, NetworkName>> = {
  main: 'mainnet',
  test: 'testnet',
  regtest: 'regtest',
};

/** Throws when the node follows another network than `network`: no derived address could be paid there. */
export async function assertNodeNetwork(
  rpc: UtxoRpc,
  chain: string,
  network: NetworkName,
): Promise<void> {
  const info = await rpc.call<{ chain: string }>('getblockchaininfo');
  if (NETWORK_NAMES[info.chain] !== network) {
    throw new Error(`the ${chain} node runs ${info.chain} but ${chain}_NETWORK is ${network}`);
  }
}

/**
 * Walks back from `tipHeight` through the stored hashes to the highest block
 * the node still has on its active chain. Returns that height and the stored
 * hashes above it (newest first), which the node orphaned.
 */
export async function findForkPoint(
  rpc: UtxoRpc,
  cursor: ChainCursorStore,
  chain: string,
  tipHeight: number,
): Promise<{ height: number; orphaned: string[] }> {
  const orphaned: string[] = [];
  let height = tipHeight;
  for (; height >= 0; height--) {
    const stored = await cursor.hashAt(chain, height);
    if (stored === null) break; // older than the kept history: assume common
    if ((await hashAtHeight(rpc, height)) === stored) break;
    orphaned.push(stored);
  }
  return { height, orphaned };
}

async function hashAtHeight(rpc: UtxoRpc, height: number): Promise<string | null> {
  try {
    return await rpc.call<string>('getblockhash', [height]);
  } catch (err) {
    if (err instanceof RpcError) return null; // above the node's tip
    throw err;
  }
}

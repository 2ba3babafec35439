/** Links to a public block explorer per chain and network; none for regtest and the test chain. */
import type { AppSettings } from '../../app/context.js';

const EVM: Readonly<Record<number, string>> = {
  1: 'https://etherscan.io/tx/',
  11155111: 'https://sepolia.etherscan.io/tx/',
};

export function explorerUrl(chain: string, txid: string, s: AppSettings): string | null {
  const tx = encodeURIComponent(txid);
  switch (chain) {
    case 'BTC':
      if (s.networks.BTC === 'mainnet') return `https://mempool.space/tx/${tx}`;
      return s.networks.BTC === 'testnet' ? `https://mempool.space/testnet/tx/${tx}` : null;
    case 'LTC':
      return s.networks.LTC === 'mainnet' ? `https://litecoinspace.org/tx/${tx}` : null;
    case 'ETH':
      return EVM[s.evmChainId] ? `${EVM[s.evmChainId]}${tx}` : null;
    case 'TRON':
      return `https://tronscan.org/#/transaction/${tx}`;
    default:
      return null;
  }
}

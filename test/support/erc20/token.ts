/** Deploys the compiled TestToken on a test node with viem. */
import { readFileSync } from 'node:fs';
import { getAddress, type Abi, type Address, type PublicClient, type WalletClient } from 'viem';
import { ARTIFACT_PATH, type CompiledToken } from './compile.js';

export function loadTestToken(): CompiledToken & { abi: Abi } {
  return JSON.parse(readFileSync(ARTIFACT_PATH, 'utf8')) as CompiledToken & { abi: Abi };
}

export async function deployTestToken(
  wallet: WalletClient,
  client: PublicClient,
  args: { name: string; symbol: string; decimals: number; supply: bigint; from: Address },
): Promise<Address> {
  const { abi, bytecode } = loadTestToken();
  const hash = await wallet.deployContract({
    abi,
    bytecode,
    args: [args.name, args.symbol, args.decimals, args.supply],
    account: args.from,
    chain: wallet.chain ?? null,
  });
  const receipt = await client.waitForTransactionReceipt({ hash, pollingInterval: 50 });
  if (!receipt.contractAddress || receipt.status !== 'success') {
    throw new Error(`TestToken deployment failed: ${receipt.status}`);
  }
  return getAddress(receipt.contractAddress);
}

/**
 * Anvil with the forwarder factory deployed through the standard CREATE2
 * deployer, a USDT-like token (6 decimals, transfer returns nothing, compiled
 * by solc) and a TUSD-like one (OpenZeppelin ERC-20, 18 decimals).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  createPublicClient,
  createWalletClient,
  defineChain,
  erc20Abi,
  getAddress,
  http,
  type Abi,
  type Address,
  type Hex,
  type PublicClient,
  type WalletClient,
} from 'viem';
import {
  collectCalldata,
  factoryDeployment,
  FORWARDER_FACTORY,
} from '../../../src/chains/evm/forwarder.js';
import { startAnvil, type Anvil } from '../anvil.js';
import { deployTestToken } from '../erc20/token.js';

const here = path.dirname(fileURLToPath(import.meta.url));

interface Artifact {
  abi: Abi;
  bytecode: Hex;
}
export function quirkyToken(name: 'NoReturnToken' | 'HostileToken' | 'BatchPayer'): Artifact {
  const json = JSON.parse(readFileSync(path.join(here, 'QuirkyTokens.json'), 'utf8')) as {
    contracts: Record<string, Artifact>;
  };
  return json.contracts[name]!;
}

export interface ForwarderChain {
  anvil: Anvil;
  client: PublicClient;
  wallet: WalletClient;
  /** Funded, unlocked anvil accounts: [0] pays customers' invoices, the rest are bystanders. */
  accounts: Address[];
  payer: Address;
  factory: Address;
  usdt: Address;
  tusd: Address;
  close(): Promise<void>;
}

export async function deployContract(
  c: Pick<ForwarderChain, 'wallet' | 'client'>,
  artifact: Artifact,
  args: unknown[],
  from: Address,
): Promise<Address> {
  const hash = await c.wallet.deployContract({
    abi: artifact.abi,
    bytecode: artifact.bytecode,
    args,
    account: from,
    chain: c.wallet.chain ?? null,
  });
  const receipt = await c.client.waitForTransactionReceipt({ hash, pollingInterval: 20 });
  if (!receipt.contractAddress || receipt.status !== 'success') throw new Error('deploy failed');
  return getAddress(receipt.contractAddress);
}

/** Sends the factory's deterministic deployment; a no-op when it is already there. */
export async function deployFactory(
  c: Pick<ForwarderChain, 'wallet' | 'client'>,
  from: Address,
): Promise<Address> {
  const code = await c.client.getCode({ address: FORWARDER_FACTORY });
  if (code && code !== '0x') return FORWARDER_FACTORY;
  const tx = factoryDeployment();
  const hash = await c.wallet.sendTransaction({ ...tx, account: from, chain: c.wallet.chain });
  const receipt = await c.client.waitForTransactionReceipt({ hash, pollingInterval: 20 });
  if (receipt.status !== 'success') throw new Error('factory deployment reverted');
  return FORWARDER_FACTORY;
}

export async function startForwarderChain(
  options: { extraArgs?: string[] } = {},
): Promise<ForwarderChain> {
  const anvil = await startAnvil({ extraArgs: options.extraArgs ?? [] });
  const chain = defineChain({
    id: anvil.chainId,
    name: 'anvil',
    nativeCurrency: { name: 'Ether', symbol: 'ETH', decimals: 18 },
    rpcUrls: { default: { http: [anvil.url] } },
  });
  const client = createPublicClient({ chain, transport: http(anvil.url), pollingInterval: 20 });
  const wallet = createWalletClient({ chain, transport: http(anvil.url) });
  const accounts = await wallet.getAddresses();
  const payer = accounts[0]!;
  const c = { wallet, client };
  const factory = await deployFactory(c, payer);
  const usdt = await deployContract(
    c,
    quirkyToken('NoReturnToken'),
    ['Tether USD', 'USDT', 6, 10n ** 15n],
    payer,
  );
  const tusd = await deployTestToken(wallet, client, {
    name: 'TrueUSD',
    symbol: 'TUSD',
    decimals: 18,
    supply: 10n ** 27n,
    from: payer,
  });
  return { anvil, client, wallet, accounts, payer, factory, usdt, tusd, close: () => anvil.stop() };
}

export async function payEth(c: ForwarderChain, to: Address, value: bigint): Promise<Hex> {
  // Exactly what an exchange withdrawal sends: a plain transfer with a 21,000 gas limit.
  const hash = await c.wallet.sendTransaction({
    account: c.payer,
    to,
    value,
    gas: 21_000n,
    chain: c.wallet.chain,
  });
  await mined(c, hash);
  return hash;
}

export async function payToken(
  c: ForwarderChain,
  token: Address,
  to: Address,
  amount: bigint,
): Promise<Hex> {
  // USDT-like tokens return nothing, so call through a no-output ABI entry.
  const hash = await c.wallet.writeContract({
    address: token,
    abi: quirkyToken('NoReturnToken').abi,
    functionName: 'transfer',
    args: [to, amount],
    account: c.payer,
    chain: c.wallet.chain,
  });
  await mined(c, hash);
  return hash;
}

export async function mined(c: Pick<ForwarderChain, 'client'>, hash: Hex) {
  const receipt = await c.client.waitForTransactionReceipt({ hash, pollingInterval: 20 });
  if (receipt.status !== 'success') throw new Error(`transaction ${hash} reverted`);
  return receipt;
}

export async function sendCollect(
  c: ForwarderChain,
  args: { treasury: Address; salts: Hex[]; tokens: Address[]; from?: Address; gas?: bigint },
) {
  const hash = await c.wallet.sendTransaction({
    account: args.from ?? c.payer,
    to: c.factory,
    data: collectCalldata(args),
    ...(args.gas ? { gas: args.gas } : {}),
    chain: c.wallet.chain,
  });
  return mined(c, hash);
}

export async function tokenBalance(c: ForwarderChain, token: Address, owner: Address) {
  return c.client.readContract({
    address: token,
    abi: erc20Abi,
    functionName: 'balanceOf',
    args: [owner],
  });
}

export async function ethBalance(c: ForwarderChain, owner: Address) {
  return c.client.getBalance({ address: owner });
}

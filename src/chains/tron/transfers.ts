/**
 * Reads credits out of node API responses: TRX from TransferContract
 * transactions of a block, TRC-20 from Transfer event logs of the configured
 * token contracts. Pure; only successful transactions count.
 */
import type { TronBlock, TronTransactionInfo } from './api-types.js';
import { hexToAddress } from './address.js';

/** keccak256("Transfer(address,address,uint256)") */
export const TRANSFER_TOPIC = 'ddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef';

export interface TronCredit {
  readonly txid: string;
  /** Log index within the transaction for tokens; -1 for native TRX. */
  readonly index: number;
  /** Base58 recipient. */
  readonly to: string;
  readonly amount: bigint;
  /** Currency code from the catalog (TRX, USDT_TRC20, ...). */
  readonly currency: string;
}

export interface BlockHeader {
  readonly height: number;
  readonly hash: string;
  readonly parentHash: string;
  /** Milliseconds. */
  readonly timestamp: number;
}

export function blockHeader(block: TronBlock): BlockHeader {
  const raw = block.block_header.raw_data;
  // The block id starts with the height (8 bytes); genesis omits `number` (protobuf default 0).
  const height = raw.number ?? Number.parseInt(block.blockID.slice(0, 16), 16);
  return { height, hash: block.blockID, parentHash: raw.parentHash, timestamp: raw.timestamp ?? 0 };
}

/** TRX payments: TransferContract transactions whose contract result is SUCCESS. */
export function trxCredits(block: TronBlock): TronCredit[] {
  const credits: TronCredit[] = [];
  for (const tx of block.transactions ?? []) {
    if (tx.ret?.[0]?.contractRet !== 'SUCCESS') continue;
    const contract = tx.raw_data.contract[0];
    if (contract?.type !== 'TransferContract') continue;
    const { to_address, amount } = contract.parameter.value;
    if (to_address === undefined || amount === undefined) continue;
    const to = hexToAddress(to_address);
    const sun = toBigInt(amount);
    if (!to || sun === null || sun <= 0n) continue;
    credits.push({ txid: tx.txID, index: -1, to, amount: sun, currency: 'TRX' });
  }
  return credits;
}

/**
 * TRC-20 payments: Transfer(from, to, value) logs emitted by a configured
 * token contract in a transaction whose receipt is SUCCESS.
 * `tokens` maps the contract's 20-byte lower-case hex to its currency code.
 */
export function tokenCredits(
  infos: readonly TronTransactionInfo[],
  tokens: ReadonlyMap<string, string>,
): TronCredit[] {
  const credits: TronCredit[] = [];
  for (const info of infos) {
    const logs = info.log;
    if (!logs || logs.length === 0) continue;
    // A reverted call transferred nothing, whatever its logs say.
    if (info.receipt?.result !== 'SUCCESS' || info.result === 'FAILED') continue;
    for (let i = 0; i < logs.length; i++) {
      const log = logs[i]!;
      const currency = tokens.get(contractKey(log.address));
      if (!currency) continue;
      const topics = log.topics;
      if (!topics || topics.length !== 3 || strip0x(topics[0]!).toLowerCase() !== TRANSFER_TOPIC)
        continue;
      const to = hexToAddress(topics[2]!);
      const data = strip0x(log.data ?? '');
      if (!to || !/^[0-9a-fA-F]{64}$/.test(data)) continue;
      const amount = BigInt('0x' + data);
      if (amount === 0n) continue;
      credits.push({ txid: info.id, index: i, to, amount, currency });
    }
  }
  return credits;
}

/** Log addresses are 20 bytes (EVM form); some gateways print the 41-prefixed form. */
export function contractKey(address: string): string {
  const h = strip0x(address).toLowerCase();
  return h.length === 42 && h.startsWith('41') ? h.slice(2) : h;
}

function strip0x(hex: string): string {
  return hex.startsWith('0x') || hex.startsWith('0X') ? hex.slice(2) : hex;
}

function toBigInt(v: string | number): bigint | null {
  if (typeof v === 'string') return /^\d+$/.test(v) ? BigInt(v) : null;
  return Number.isSafeInteger(v) ? BigInt(v) : null;
}

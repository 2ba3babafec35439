/**
 * EIP-681 payment requests: wallets read the amount, the chain and, for
 * tokens, the contract call from the QR code, so the customer cannot send
 * ETH where a token was asked for, or pay on another chain.
 */
import { checksumAddress as getAddress } from './hex.js';

export function ethPaymentUri(args: { address: string; chainId: number; amount: bigint }): string {
  return `ethereum:${getAddress(args.address)}@${args.chainId}?value=${args.amount.toString()}`;
}

export function tokenPaymentUri(args: {
  contract: string;
  address: string;
  chainId: number;
  amount: bigint;
}): string {
  const to = getAddress(args.address);
  return `ethereum:${getAddress(args.contract)}@${args.chainId}/transfer?address=${to}&uint256=${args.amount.toString()}`;
}

/** BIP21 payment URIs: `bitcoin:<address>?amount=0.0015&label=...&message=...` (and `litecoin:`). */
import { formatUnits } from '../../domain/money.js';
import type { UtxoNetwork } from './networks.js';

export function bip21Uri(
  net: Pick<UtxoNetwork, 'uriScheme'>,
  address: string,
  amount: bigint,
  decimals: number,
  label?: string,
  message?: string,
): string {
  const params: string[] = [];
  // Amount is the exact decimal of the smallest units; BIP21 forbids exponents and thousands separators.
  if (amount > 0n) params.push(`amount=${formatUnits(amount, decimals)}`);
  if (label) params.push(`label=${encodeURIComponent(label)}`);
  if (message) params.push(`message=${encodeURIComponent(message)}`);
  return `${net.uriScheme}:${address}${params.length ? `?${params.join('&')}` : ''}`;
}

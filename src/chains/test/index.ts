/**
 * The built-in test chain: addresses that look like nothing real, so a
 * test-mode invoice can never be paid with real coins by mistake.
 */
import { createHash } from 'node:crypto';
import type { ChainFamilyAdapter } from '../../app/ports/chain.js';
import { formatUnits } from '../../domain/money.js';

export const testFamily: ChainFamilyAdapter = {
  family: 'test',
  deriveAddress({ key, index, currency }) {
    const h = createHash('sha256').update(`${key}/${currency.code}/${index}`).digest('hex');
    return `test_${currency.code.toLowerCase()}_${h.slice(0, 32)}`;
  },
  paymentUri({ currency, address, amount }) {
    return `kassa-test:${address}?amount=${formatUnits(amount, currency.decimals)}`;
  },
  isValidAddress(address) {
    return /^[A-Za-z0-9_:-]{8,100}$/.test(address);
  },
  validateKey() {},
};

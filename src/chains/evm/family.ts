/** The Ethereum chain family behind the ChainFamilyAdapter port: ETH and ERC-20 tokens. */
import type { ChainFamilyAdapter } from '../../app/ports/chain.js';
import type { CryptoCurrency } from '../../domain/currencies.js';
import { deriveEvmAddress, isValidEvmAddress, parseAccountKey } from './address.js';
import { depositSalt, forwarderAddress, isForwarderKey, parseForwarderKey } from './forwarder.js';
import { ethPaymentUri, tokenPaymentUri } from './payment-uri.js';

const MAINNET_CHAIN_ID = 1;

function requireEvm(currency: CryptoCurrency): void {
  if (currency.family !== 'evm') {
    throw new Error(`${currency.code} is not an Ethereum currency`);
  }
}

function isToken(currency: CryptoCurrency): boolean {
  return currency.code !== 'ETH';
}

export const evmFamily: ChainFamilyAdapter = {
  family: 'evm',

  deriveAddress({ key, index, currency }) {
    requireEvm(currency);
    if (isForwarderKey(key)) {
      const { factory, treasury } = parseForwarderKey(key);
      return forwarderAddress({ factory, treasury, salt: depositSalt(index) });
    }
    return deriveEvmAddress(parseAccountKey(key), index);
  },

  paymentUri({ currency, address, amount, chainId, contract }) {
    requireEvm(currency);
    if (amount < 0n) throw new Error('amount must not be negative');
    const chain = chainId ?? MAINNET_CHAIN_ID;
    if (!isToken(currency)) return ethPaymentUri({ address, chainId: chain, amount });
    const tokenContract = contract ?? currency.contract;
    if (!tokenContract) throw new Error(`no token contract configured for ${currency.code}`);
    return tokenPaymentUri({ contract: tokenContract, address, chainId: chain, amount });
  },

  isValidAddress(address, currency) {
    return currency.family === 'evm' && isValidEvmAddress(address);
  },

  validateKey(key, currency) {
    requireEvm(currency);
    if (isForwarderKey(key)) parseForwarderKey(key);
    else parseAccountKey(key);
  },
};

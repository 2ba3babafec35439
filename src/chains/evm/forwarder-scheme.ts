/** The forwarder arithmetic behind the app's ForwarderScheme port. */
import type { Address, Hex } from 'viem';
import { checksumAddress as getAddress } from './hex.js';
import type { ForwarderScheme } from '../../app/ports/collections.js';
import {
  collectCalldata,
  depositSalt,
  forwarderAddress,
  isForwarderKey,
  parseForwarderKey,
} from './forwarder.js';

export const evmForwarderScheme: ForwarderScheme = {
  parseKey(key) {
    return isForwarderKey(key) ? parseForwarderKey(key) : null;
  },
  depositAddress({ factory, treasury, index }) {
    return forwarderAddress({
      factory: getAddress(factory),
      treasury: getAddress(treasury),
      salt: depositSalt(index),
    });
  },
  salt: (index) => depositSalt(index),
  collectCall({ factory, treasury, salts, tokens }) {
    return {
      to: getAddress(factory),
      data: collectCalldata({
        treasury: getAddress(treasury),
        salts: salts as Hex[],
        tokens: tokens.map((t) => getAddress(t)) as Address[],
      }),
    };
  },
};

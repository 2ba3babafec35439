import { mnemonicToSeedSync } from '@scure/bip39';
import { HDKey } from '@scure/bip32';
import { mnemonicToAccount } from 'viem/accounts';
import { describe, expect, it } from 'vitest';
import { cryptoCurrency, type CryptoCurrency } from '../../../src/domain/currencies.js';
import { evmFamily } from '../../../src/chains/evm/index.js';

const DEV_MNEMONIC = 'test test test test test test test test test test test junk';
const ETH = currency('ETH');
const USDT = currency('USDT_ERC20');

function currency(code: string): CryptoCurrency {
  const c = cryptoCurrency(code);
  if (!c) throw new Error(`missing ${code}`);
  return c;
}

function accountKey(mnemonic: string, testnet = false): HDKey {
  const versions = testnet ? { private: 0x04358394, public: 0x043587cf } : undefined;
  return HDKey.fromMasterSeed(mnemonicToSeedSync(mnemonic), versions).derive("m/44'/60'/0'");
}

const xpub = accountKey(DEV_MNEMONIC).publicExtendedKey;
const derive = (index: number, key = xpub) =>
  evmFamily.deriveAddress({ key, index, currency: ETH, network: 'mainnet' });

describe('Ethereum addresses from the account xpub', () => {
  it("derives the development mnemonic's well-known accounts from its m/44'/60'/0' xpub", () => {
    expect(derive(0)).toBe('0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266');
    expect(derive(1)).toBe('0x70997970C51812dc3A010C7d01b50e0d17dc79C8');
    expect(derive(2)).toBe('0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC');
    expect(derive(3)).toBe('0x90F79bf6EB2c4f870365E785982E1f101E93b906');
    expect(derive(9)).toBe('0xa0Ee7A142d267C1f36714E4a8F75612F20a79720');
  });

  it("matches viem's own mnemonic derivation for many indexes", () => {
    const indexes = [...Array.from({ length: 40 }, (_, i) => i), 100, 1000, 65_535, 2 ** 31 - 1];
    for (const index of indexes) {
      const expected = mnemonicToAccount(DEV_MNEMONIC, { addressIndex: index }).address;
      expect(derive(index)).toBe(expected);
    }
  });

  it('matches viem for another seed and accepts its tpub too', () => {
    const mnemonic =
      'abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about';
    const tpub = accountKey(mnemonic, true).publicExtendedKey;
    expect(tpub.startsWith('tpub')).toBe(true);
    for (const index of [0, 1, 7, 500]) {
      const expected = mnemonicToAccount(mnemonic, { addressIndex: index }).address;
      expect(derive(index, accountKey(mnemonic).publicExtendedKey)).toBe(expected);
      expect(derive(index, tpub)).toBe(expected);
    }
  });

  it('gives the same address whatever ERC-20 currency it is for', () => {
    expect(
      evmFamily.deriveAddress({ key: xpub, index: 5, currency: USDT, network: 'mainnet' }),
    ).toBe(derive(5));
  });

  it('rejects negative or non-integer indexes', () => {
    expect(() => derive(-1)).toThrow(/index/);
    expect(() => derive(1.5)).toThrow(/index/);
    expect(() => derive(2 ** 31)).toThrow(/index/);
  });
});

describe('wallet key validation', () => {
  const root = HDKey.fromMasterSeed(mnemonicToSeedSync(DEV_MNEMONIC));

  it('accepts the account-level xpub', () => {
    expect(() => evmFamily.validateKey(xpub, ETH, 'mainnet')).not.toThrow();
  });

  it('refuses a private key so that Kassa never holds one', () => {
    const xprv = root.derive("m/44'/60'/0'").privateExtendedKey;
    expect(() => evmFamily.validateKey(xprv, ETH, 'mainnet')).toThrow(/private key/);
  });

  it('refuses an xpub of another depth than the account level', () => {
    const change = root.derive("m/44'/60'/0'/0").publicExtendedKey;
    expect(() => evmFamily.validateKey(change, ETH, 'mainnet')).toThrow(/depth 4/);
    expect(() => evmFamily.validateKey(root.publicExtendedKey, ETH, 'mainnet')).toThrow(/depth 0/);
  });

  it('refuses garbage and a corrupted checksum', () => {
    expect(() => evmFamily.validateKey('hello', ETH, 'mainnet')).toThrow(/xpub/);
    const corrupted = xpub.slice(0, -1) + (xpub.endsWith('a') ? 'b' : 'a');
    expect(() => evmFamily.validateKey(corrupted, ETH, 'mainnet')).toThrow(/xpub/);
  });

  it('refuses a currency of another chain family', () => {
    expect(() => evmFamily.validateKey(xpub, currency('BTC'), 'mainnet')).toThrow(
      /not an Ethereum/,
    );
  });
});

describe('refund address validation', () => {
  it('accepts checksummed, all-lowercase and all-uppercase addresses', () => {
    const a = '0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266';
    expect(evmFamily.isValidAddress(a, ETH, 'mainnet')).toBe(true);
    expect(evmFamily.isValidAddress(a.toLowerCase(), USDT, 'mainnet')).toBe(true);
    expect(evmFamily.isValidAddress('0x' + a.slice(2).toUpperCase(), ETH, 'mainnet')).toBe(true);
  });

  it('rejects a mixed-case address with a wrong checksum, wrong lengths and the zero address', () => {
    expect(
      evmFamily.isValidAddress('0xF39Fd6e51aad88F6F4ce6aB8827279cffFb92266', ETH, 'mainnet'),
    ).toBe(false);
    expect(
      evmFamily.isValidAddress('0xf39fd6e51aad88f6f4ce6ab8827279cfffb922', ETH, 'mainnet'),
    ).toBe(false);
    expect(evmFamily.isValidAddress('0x' + '0'.repeat(40), ETH, 'mainnet')).toBe(false);
    expect(evmFamily.isValidAddress('TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t', ETH, 'mainnet')).toBe(
      false,
    );
  });

  it('rejects an Ethereum address for a currency of another chain', () => {
    expect(
      evmFamily.isValidAddress(
        '0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266',
        currency('TRX'),
        'mainnet',
      ),
    ).toBe(false);
  });
});

describe('EIP-681 payment URIs', () => {
  const to = '0x70997970c51812dc3a010c7d01b50e0d17dc79c8';

  it('asks for ETH in wei on the configured chain', () => {
    const uri = evmFamily.paymentUri({
      currency: ETH,
      address: to,
      amount: 1_500_000_000_000_000_001n,
      chainId: 31337,
    });
    expect(uri).toBe(
      'ethereum:0x70997970C51812dc3A010C7d01b50e0d17dc79C8@31337?value=1500000000000000001',
    );
  });

  it('asks for a token transfer call on the contract with the amount in token units', () => {
    const contract = '0x5fbdb2315678afecb367f032d93f642f64180aa3';
    const uri = evmFamily.paymentUri({
      currency: USDT,
      address: to,
      amount: 12_340_000n,
      chainId: 1,
      contract,
    });
    expect(uri).toBe(
      'ethereum:0x5FbDB2315678afecb367f032d93F642f64180aa3@1/transfer?address=0x70997970C51812dc3A010C7d01b50e0d17dc79C8&uint256=12340000',
    );
  });

  it("uses the catalog's mainnet contract and chain 1 when none is configured", () => {
    const uri = evmFamily.paymentUri({ currency: USDT, address: to, amount: 1n });
    expect(uri).toBe(
      'ethereum:0xdAC17F958D2ee523a2206206994597C13D831ec7@1/transfer?address=0x70997970C51812dc3A010C7d01b50e0d17dc79C8&uint256=1',
    );
  });
});

import { HDKey } from '@scure/bip32';
import { TronWeb, utils } from 'tronweb';
import { describe, expect, it } from 'vitest';
import { tronFamily } from '../../../src/chains/tron/family.js';
import { cryptoCurrency } from '../../../src/domain/currencies.js';

const MNEMONIC = 'test test test test test test test test test test test junk';
const TRX = cryptoCurrency('TRX')!;
const USDT = cryptoCurrency('USDT_TRC20')!;

/** tronweb (its bundled ethers HD wallet and its own address code) is the independent oracle. */
const account = utils.ethersUtils.ethersHDNodeWallet.fromPhrase(MNEMONIC, '', "m/44'/195'/0'");
const xpub = account.neuter().extendedKey;
const external = account.deriveChild(0);
function oracleAddress(i: number): string {
  const address = TronWeb.address.fromPrivateKey(external.deriveChild(i).privateKey.slice(2));
  if (!address) throw new Error(`tronweb derived no address for index ${i}`);
  return address;
}

describe('TRON address derivation', () => {
  it('derives the same 0/i addresses as tronweb for 1,000 indexes of the account xpub', () => {
    for (let i = 0; i < 1000; i++) {
      const ours = tronFamily.deriveAddress({
        key: xpub,
        index: i,
        currency: USDT,
        network: 'mainnet',
      });
      expect(ours, `index ${i}`).toBe(oracleAddress(i));
    }
  });

  it("matches tronweb's own mnemonic derivation along m/44'/195'/0'/0/i", () => {
    for (const i of [0, 1, 999]) {
      const { address } = TronWeb.fromMnemonic(MNEMONIC, `m/44'/195'/0'/0/${i}`) as {
        address: string;
      };
      expect(
        tronFamily.deriveAddress({ key: xpub, index: i, currency: TRX, network: 'mainnet' }),
      ).toBe(address);
    }
  });

  it('gives TRX and TRC-20 tokens the same address for the same index', () => {
    const a = tronFamily.deriveAddress({ key: xpub, index: 7, currency: TRX, network: 'mainnet' });
    expect(
      tronFamily.deriveAddress({ key: xpub, index: 7, currency: USDT, network: 'mainnet' }),
    ).toBe(a);
  });

  it('rejects negative or fractional indexes', () => {
    expect(() =>
      tronFamily.deriveAddress({ key: xpub, index: -1, currency: TRX, network: 'mainnet' }),
    ).toThrow(/index/);
    expect(() =>
      tronFamily.deriveAddress({ key: xpub, index: 1.5, currency: TRX, network: 'mainnet' }),
    ).toThrow(/index/);
  });
});

describe('TRON wallet keys', () => {
  it('accepts the account-level xpub', () => {
    expect(() => tronFamily.validateKey(xpub, USDT, 'mainnet')).not.toThrow();
  });

  it('refuses a private key, because Kassa never holds one', () => {
    const xprv = HDKey.fromExtendedKey(account.extendedKey).privateExtendedKey;
    expect(() => tronFamily.validateKey(xprv, USDT, 'mainnet')).toThrow(/private key/);
  });

  it('refuses an xpub of another depth than the account level', () => {
    const external0 = account.deriveChild(0).neuter().extendedKey;
    expect(() => tronFamily.validateKey(external0, USDT, 'mainnet')).toThrow(/depth 3/);
  });

  it('refuses text that is not an extended key', () => {
    expect(() =>
      tronFamily.validateKey('TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t', USDT, 'mainnet'),
    ).toThrow(/xpub/);
  });
});

describe('TRON addresses and payment URIs', () => {
  it('accepts base58check addresses with the 0x41 prefix', () => {
    for (let i = 0; i < 20; i++)
      expect(tronFamily.isValidAddress(oracleAddress(i), TRX, 'mainnet')).toBe(true);
    expect(tronFamily.isValidAddress(USDT.contract!, USDT, 'mainnet')).toBe(true);
  });

  it('rejects a wrong checksum, other chains and hex forms', () => {
    expect(tronFamily.isValidAddress('TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6u', TRX, 'mainnet')).toBe(
      false,
    );
    expect(tronFamily.isValidAddress('1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa', TRX, 'mainnet')).toBe(
      false,
    );
    expect(
      tronFamily.isValidAddress('0xdAC17F958D2ee523a2206206994597C13D831ec7', TRX, 'mainnet'),
    ).toBe(false);
    expect(
      tronFamily.isValidAddress('41a614f803b6fd780986a42c78ec9c7f77e6ded13c', TRX, 'mainnet'),
    ).toBe(false);
    expect(tronFamily.isValidAddress('', TRX, 'mainnet')).toBe(false);
  });

  it('agrees with tronweb on which strings are TRON addresses', () => {
    const samples = [
      oracleAddress(3),
      'TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6u',
      'T9yD14Nj9j7xAB4dbGeiX9h8unkKHxuWwb',
      'Tabc',
    ];
    for (const s of samples)
      expect(tronFamily.isValidAddress(s, TRX, 'mainnet'), s).toBe(TronWeb.isAddress(s));
  });

  it('uses the plain address as the payment URI, amount shown beside it', () => {
    const address = oracleAddress(0);
    expect(tronFamily.paymentUri({ currency: USDT, address, amount: 12_340_000n })).toBe(address);
  });
});

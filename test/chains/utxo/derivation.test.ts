import { pbkdf2Sync } from 'node:crypto';
import { HDKey } from '@scure/bip32';
import { p2pkh } from '@scure/btc-signer';
import { hexToBytes } from '@noble/hashes/utils.js';
import { describe, expect, it } from 'vitest';
import {
  deriveUtxoAddress,
  deriveUtxoAddresses,
  utxoFamily,
} from '../../../src/chains/utxo/index.js';
import { descriptorChecksum } from '../../../src/chains/utxo/descriptor-checksum.js';
import { cryptoCurrency } from '../../../src/domain/currencies.js';

const BTC = cryptoCurrency('BTC')!;
const LTC = cryptoCurrency('LTC')!;
const ABANDON =
  'abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about';

/** BIP39 seed without a passphrase, computed independently of the code under test. */
function seedOf(mnemonic: string): Uint8Array {
  return new Uint8Array(pbkdf2Sync(mnemonic.normalize('NFKD'), 'mnemonic', 2048, 64, 'sha512'));
}

describe('BIP84 test vectors (P2WPKH)', () => {
  const zpub =
    'zpub6rFR7y4Q2AijBEqTUquhVz398htDFrtymD9xYYfG1m4wAcvPhXNfE3EfH1r1ADqtfSdVCToUG868RvUUkgDKf31mGDtKsAYz2oz2AGutZYs';

  it('derives the published first and second receive addresses from the account zpub', () => {
    expect(
      utxoFamily.deriveAddress({ key: zpub, index: 0, currency: BTC, network: 'mainnet' }),
    ).toBe('bc1qcr8te4kr609gcawutmrza0j4xv80jy8z306fyu');
    expect(
      utxoFamily.deriveAddress({ key: zpub, index: 1, currency: BTC, network: 'mainnet' }),
    ).toBe('bc1qnjg0jd8228aq7egyzacy8cys3knf9xvrerkf9g');
  });

  it('derives the same addresses from a wpkh descriptor with key origin', () => {
    const root = HDKey.fromMasterSeed(seedOf(ABANDON));
    const account = root.derive("m/84'/0'/0'");
    const fp = root.fingerprint.toString(16).padStart(8, '0');
    const desc = `wpkh([${fp}/84'/0'/0']${account.publicExtendedKey}/0/*)`;
    const withChecksum = `${desc}#${descriptorChecksum(desc)}`;
    for (const key of [desc, withChecksum]) {
      expect(deriveUtxoAddress({ key, index: 0, chain: 'BTC', network: 'mainnet' })).toBe(
        'bc1qcr8te4kr609gcawutmrza0j4xv80jy8z306fyu',
      );
    }
    // The change chain of the vector: /1/* is honoured when the descriptor says so.
    expect(
      deriveUtxoAddress({
        key: `wpkh(${account.publicExtendedKey}/1/*)`,
        index: 0,
        chain: 'BTC',
        network: 'mainnet',
      }),
    ).toBe('bc1q8c6fshw2dlwun7ekn9qwf37cu2rn755upcp6el');
  });

  it('treats a plain xpub as P2WPKH like BTCPay Server does', () => {
    const account = HDKey.fromMasterSeed(seedOf(ABANDON)).derive("m/84'/0'/0'");
    expect(
      deriveUtxoAddress({
        key: account.publicExtendedKey,
        index: 0,
        chain: 'BTC',
        network: 'mainnet',
      }),
    ).toBe('bc1qcr8te4kr609gcawutmrza0j4xv80jy8z306fyu');
  });
});

describe('BIP49 test vector (P2SH-P2WPKH, testnet)', () => {
  const upub =
    'upub5EFU65HtV5TeiSHmZZm7FUffBGy8UKeqp7vw43jYbvZPpoVsgU93oac7Wk3u6moKegAEWtGNF8DehrnHtv21XXEMYRUocHqguyjknFHYfgY';

  it('derives the published address from the account upub', () => {
    expect(
      utxoFamily.deriveAddress({ key: upub, index: 0, currency: BTC, network: 'testnet' }),
    ).toBe('2Mww8dCYPUpKHofjgcXcBCEGmniw9CoaiD2');
  });

  it('derives the same address from sh(wpkh(tpub)) and from tpub-[p2sh]', () => {
    const account = HDKey.fromMasterSeed(seedOf(ABANDON), {
      private: 0x04358394,
      public: 0x043587cf,
    }).derive("m/49'/1'/0'");
    const tpub = account.publicExtendedKey;
    expect(tpub.startsWith('tpub')).toBe(true);
    for (const key of [`sh(wpkh(${tpub}/0/*))`, `${tpub}-[p2sh]`]) {
      expect(deriveUtxoAddress({ key, index: 0, chain: 'BTC', network: 'testnet' })).toBe(
        '2Mww8dCYPUpKHofjgcXcBCEGmniw9CoaiD2',
      );
    }
  });
});

describe('address type setting', () => {
  it('applies the project address type to a plain tpub but never overrides a vpub', () => {
    const account = HDKey.fromMasterSeed(seedOf(ABANDON), {
      private: 0x04358394,
      public: 0x043587cf,
    }).derive("m/49'/1'/0'");
    const derive = utxoFamily.deriveAddress as (
      a: Parameters<typeof utxoFamily.deriveAddress>[0] & { addressType?: string },
    ) => string;
    expect(
      derive({
        key: account.publicExtendedKey,
        index: 0,
        currency: BTC,
        network: 'testnet',
        addressType: 'p2sh-p2wpkh',
      }),
    ).toBe('2Mww8dCYPUpKHofjgcXcBCEGmniw9CoaiD2');
    const vpub =
      'vpub5Y6cjg78GGuNLsaPhmYsiw4gYX3HoQiRBiSwDaBXKUafCt9bNwWQiitDk5VZ5BVxYnQdwoTyXSs2JHRPAgjAvtbBrf8ZhDYe2jWAqvZVnsc';
    expect(
      derive({ key: vpub, index: 0, currency: BTC, network: 'testnet', addressType: 'p2pkh' }),
    ).toMatch(/^tb1q/);
  });
});

describe('BIP32 test vector 1 (public derivation)', () => {
  // m/0H/1/2H as published; its non-hardened child 2 is m/0H/1/2H/2 with this public key.
  const xpub =
    'xpub6D4BDPcP2GT577Vvch3R8wDkScZWzQzMMUm3PWbmWvVJrZwQY4VUNgqFJPMM3No2dFDFGTsxxpG5uJh7n7epu4trkrX7x7DogT5Uv6fcLW5';
  const childPub = '02e8445082a72f29b75ca48748a914df60622a609cacfce8ed0e35804560741d29';

  it('derives the published child public key through a pkh descriptor', () => {
    const expected = p2pkh(hexToBytes(childPub)).address;
    expect(
      deriveUtxoAddress({ key: `pkh(${xpub}/*)`, index: 2, chain: 'BTC', network: 'mainnet' }),
    ).toBe(expected);
  });
});

describe('Litecoin keys', () => {
  const account = HDKey.fromMasterSeed(seedOf(ABANDON), {
    private: 0x019d9cfe,
    public: 0x019da462,
  }).derive("m/84'/2'/0'");

  it('reads an Ltub as native SegWit with the ltc prefix, and -[legacy] as an L address', () => {
    const ltub = account.publicExtendedKey;
    expect(ltub.startsWith('Ltub')).toBe(true);
    expect(
      utxoFamily.deriveAddress({ key: ltub, index: 0, currency: LTC, network: 'mainnet' }),
    ).toMatch(/^ltc1q[a-z0-9]{38}$/);
    expect(
      deriveUtxoAddress({ key: `${ltub}-[legacy]`, index: 0, chain: 'LTC', network: 'mainnet' }),
    ).toMatch(/^L/);
  });

  it('prints P2SH addresses with Litecoin version 0x32 (M...) for an Mtub', () => {
    const mtub = new HDKey({
      versions: { private: 0x01b26792, public: 0x01b26ef6 },
      depth: account.depth,
      index: account.index,
      parentFingerprint: account.parentFingerprint,
      chainCode: account.chainCode!,
      publicKey: account.publicKey!,
    }).publicExtendedKey;
    expect(mtub.startsWith('Mtub')).toBe(true);
    expect(
      utxoFamily.deriveAddress({ key: mtub, index: 0, currency: LTC, network: 'mainnet' }),
    ).toMatch(/^M/);
  });

  it('refuses a Litecoin-only key for Bitcoin and a mainnet key on regtest', () => {
    expect(() => utxoFamily.validateKey(account.publicExtendedKey, BTC, 'mainnet')).toThrow(
      /LTC key/,
    );
    expect(() => utxoFamily.validateKey(account.publicExtendedKey, LTC, 'regtest')).toThrow(
      /mainnet key/,
    );
  });
});

describe('key validation', () => {
  const root = HDKey.fromMasterSeed(seedOf(ABANDON));

  it('rejects private keys, garbage, hardened or non-ranged descriptors and bad checksums', () => {
    const account = root.derive("m/84'/0'/0'");
    const cases: [string, RegExp][] = [
      [account.privateExtendedKey, /private key/],
      ['xpub123', /not an extended public key/],
      [`wpkh(${account.publicExtendedKey}/0h/*)`, /hardened/],
      [`wpkh(${account.publicExtendedKey}/0/1)`, /must end in \/\*/],
      [`wpkh(${account.publicExtendedKey}/0/*)#aaaaaaaa`, /checksum mismatch/],
      [`tr(${account.publicExtendedKey}/0/*)`, /unsupported descriptor/],
    ];
    for (const [key, message] of cases)
      expect(() => utxoFamily.validateKey(key, BTC, 'mainnet'), key).toThrow(message);
  });

  it('accepts the account keys a wallet exports, including Electrum root xpubs (receive path 0/i)', () => {
    expect(() =>
      utxoFamily.validateKey(root.derive("m/84'/0'/0'").publicExtendedKey, BTC, 'mainnet'),
    ).not.toThrow();
    expect(() => utxoFamily.validateKey(root.publicExtendedKey, BTC, 'mainnet')).not.toThrow();
  });

  it('computes the descriptor checksum published in Bitcoin Core descriptors.md', () => {
    expect(
      descriptorChecksum(
        "pkh([d34db33f/44'/0'/0']xpub6ERApfZwUNrhLCkDtcHTcxd75RbzS1ed54G1LkBUHQVHQKqhMkhgbmJbZRkrgZw4koxb5JaHWkY4ALHY2grBGRjaDMzQLcgJvLJuZZvRcEL/1/*)",
      ),
    ).toBe('ml40v0wf');
  });
});

describe('addresses and payment URIs', () => {
  it('accepts addresses of the chain and network and rejects the others', () => {
    const ok: [string, typeof BTC, 'mainnet' | 'testnet' | 'regtest'][] = [
      ['bc1qcr8te4kr609gcawutmrza0j4xv80jy8z306fyu', BTC, 'mainnet'],
      ['1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2', BTC, 'mainnet'],
      ['3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy', BTC, 'mainnet'],
      ['2Mww8dCYPUpKHofjgcXcBCEGmniw9CoaiD2', BTC, 'testnet'],
      ['rltc1qs6jjxkqe6zx9e7dd94qx7ax4nsqyfdpz67put7', LTC, 'regtest'],
      ['Qg9ac4eRWfVy8Ci7qsCjKh3kfFBV7uU2rM', LTC, 'regtest'],
      ['myvurUx7eedywFKWbkbNX7rcvpbTua1z7e', LTC, 'regtest'],
    ];
    for (const [a, c, n] of ok) expect(utxoFamily.isValidAddress(a, c, n), a).toBe(true);
    const bad: [string, typeof BTC, 'mainnet' | 'testnet' | 'regtest'][] = [
      ['bc1qcr8te4kr609gcawutmrza0j4xv80jy8z306fyu', LTC, 'mainnet'],
      ['bc1qcr8te4kr609gcawutmrza0j4xv80jy8z306fyv', BTC, 'mainnet'],
      ['2Mww8dCYPUpKHofjgcXcBCEGmniw9CoaiD2', BTC, 'mainnet'],
      ['rltc1qs6jjxkqe6zx9e7dd94qx7ax4nsqyfdpz67put7', LTC, 'mainnet'],
      ['0x52908400098527886E0F7030069857D2E4169EE7', BTC, 'mainnet'],
      ['', BTC, 'mainnet'],
    ];
    for (const [a, c, n] of bad) expect(utxoFamily.isValidAddress(a, c, n), a).toBe(false);
  });

  it('builds BIP21 URIs with the exact decimal amount, label and message', () => {
    expect(
      utxoFamily.paymentUri({
        currency: BTC,
        address: 'bc1qcr8te4kr609gcawutmrza0j4xv80jy8z306fyu',
        amount: 150_000n,
        label: 'Shop & Co',
      }),
    ).toBe(
      'bitcoin:bc1qcr8te4kr609gcawutmrza0j4xv80jy8z306fyu?amount=0.0015&label=Shop%20%26%20Co',
    );
    expect(
      utxoFamily.paymentUri({ currency: LTC, address: 'ltc1qxyz', amount: 2_100_000_000_000_001n }),
    ).toBe('litecoin:ltc1qxyz?amount=21000000.00000001');
    const withMessage = utxoFamily.paymentUri({
      currency: LTC,
      address: 'Qg9ac4eRWfVy8Ci7qsCjKh3kfFBV7uU2rM',
      amount: 100_000_000n,
      message: 'Order #42',
    } as Parameters<typeof utxoFamily.paymentUri>[0]);
    expect(withMessage).toBe(
      'litecoin:Qg9ac4eRWfVy8Ci7qsCjKh3kfFBV7uU2rM?amount=1&message=Order%20%2342',
    );
  });
});

describe('batch derivation for the address pool', () => {
  const account = HDKey.fromMasterSeed(seedOf(ABANDON)).derive("m/84'/0'/0'");
  const testnet = HDKey.fromMasterSeed(seedOf(ABANDON), {
    private: 0x04358394,
    public: 0x043587cf,
  }).derive("m/49'/1'/0'");
  const cases = [
    { key: account.publicExtendedKey, chain: 'BTC', network: 'mainnet' },
    { key: `${account.publicExtendedKey}-[legacy]`, chain: 'BTC', network: 'mainnet' },
    { key: `${account.publicExtendedKey}-[p2sh]`, chain: 'BTC', network: 'mainnet' },
    { key: `sh(wpkh(${testnet.publicExtendedKey}/0/*))`, chain: 'BTC', network: 'regtest' },
    { key: `pkh(${testnet.publicExtendedKey}/1/*)`, chain: 'LTC', network: 'testnet' },
  ] as const;

  it('gives, index by index, the address the single derivation gives', () => {
    for (const c of cases) {
      const from = 1000;
      const batch = deriveUtxoAddresses({ ...c, from, count: 40 });
      expect(batch).toHaveLength(40);
      expect(new Set(batch).size).toBe(40);
      for (const [k, address] of batch.entries())
        expect(address, `${c.key} #${from + k}`).toBe(deriveUtxoAddress({ ...c, index: from + k }));
    }
  });

  it('derives through the family as the single call does, and refuses indexes out of range', () => {
    const key = account.publicExtendedKey;
    expect(
      utxoFamily.deriveAddresses!({ key, from: 0, count: 2, currency: BTC, network: 'mainnet' }),
    ).toEqual([
      'bc1qcr8te4kr609gcawutmrza0j4xv80jy8z306fyu',
      'bc1qnjg0jd8228aq7egyzacy8cys3knf9xvrerkf9g',
    ]);
    expect(
      deriveUtxoAddresses({ key, from: 5, count: 0, chain: 'BTC', network: 'mainnet' }),
    ).toEqual([]);
    expect(() =>
      deriveUtxoAddresses({ key, from: 0x7fffffff, count: 2, chain: 'BTC', network: 'mainnet' }),
    ).toThrow(/out of range/);
  });
});

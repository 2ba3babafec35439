import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deriveUtxoAddress } from '../../../src/chains/utxo/index.js';
import { startLitecoind, type Litecoind } from '../../support/litecoind.js';
import { regtestAccounts } from './fixtures.js';

describe('derivation equals litecoind deriveaddresses (regtest)', () => {
  let ltc: Litecoind;
  const accounts = regtestAccounts();

  beforeAll(async () => {
    ltc = await startLitecoind();
  });
  afterAll(async () => {
    await ltc?.destroy();
  });

  async function nodeAddresses(descriptor: string, end: number): Promise<string[]> {
    const info = await ltc.rpc<{ checksum: string }>('getdescriptorinfo', descriptor);
    return ltc.rpc<string[]>('deriveaddresses', `${descriptor}#${info.checksum}`, [0, end]);
  }

  const cases = [
    {
      name: 'P2WPKH from a vpub',
      key: accounts.bip84.vpub,
      desc: `wpkh([${accounts.bip84.origin}]${accounts.bip84.tpub}/0/*)`,
    },
    {
      name: 'P2WPKH from a plain tpub',
      key: accounts.bip84.tpub,
      desc: `wpkh(${accounts.bip84.tpub}/0/*)`,
    },
    {
      name: 'P2SH-P2WPKH from tpub-[p2sh]',
      key: `${accounts.bip49.tpub}-[p2sh]`,
      desc: `sh(wpkh(${accounts.bip49.tpub}/0/*))`,
    },
    {
      name: 'P2PKH from tpub-[legacy]',
      key: `${accounts.bip44.tpub}-[legacy]`,
      desc: `pkh(${accounts.bip44.tpub}/0/*)`,
    },
  ];

  for (const c of cases) {
    it(`derives the node's first 30 receive addresses for ${c.name}`, async () => {
      const expected = await nodeAddresses(c.desc, 29);
      const ours = Array.from({ length: 30 }, (_, index) =>
        deriveUtxoAddress({ key: c.key, index, chain: 'LTC', network: 'regtest' }),
      );
      expect(ours).toEqual(expected);
    });
  }

  it('derives the node addresses from descriptors given as the key, with the checksum the node computes', async () => {
    for (const desc of [
      `wpkh([${accounts.bip84.origin}]${accounts.bip84.tpub}/0/*)`,
      `sh(wpkh([${accounts.bip49.origin}]${accounts.bip49.tpub}/0/*))`,
      `pkh([${accounts.bip44.origin}]${accounts.bip44.tpub}/0/*)`,
    ]) {
      const info = await ltc.rpc<{ checksum: string }>('getdescriptorinfo', desc);
      const expected = await ltc.rpc<string[]>(
        'deriveaddresses',
        `${desc}#${info.checksum}`,
        [100, 109],
      );
      const ours = Array.from({ length: 10 }, (_, i) =>
        deriveUtxoAddress({
          key: `${desc}#${info.checksum}`,
          index: 100 + i,
          chain: 'LTC',
          network: 'regtest',
        }),
      );
      expect(ours).toEqual(expected);
    }
  });
});

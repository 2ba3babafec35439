import { createHash } from 'node:crypto';
import { TronWeb } from 'tronweb';
import { describe, expect, it } from 'vitest';
import type { TronBlock, TronTransactionInfo } from '../../../src/chains/tron/api-types.js';
import { addressToHex20, hexToAddress } from '../../../src/chains/tron/address.js';
import { blockHeader, tokenCredits, trxCredits } from '../../../src/chains/tron/transfers.js';
import { cryptoCurrency } from '../../../src/domain/currencies.js';
import { encodeTransferRaw } from '../../fixtures/tron/synthetic-chain.js';
import { readFixture } from '../../support/tron-replay.js';

const USDT = cryptoCurrency('USDT_TRC20')!.contract!;
const tokens = new Map([[addressToHex20(USDT), 'USDT_TRC20']]);
const json = <T>(name: string) => JSON.parse(readFixture(name)) as T;
/** tronweb, an independent implementation, turns hex addresses into base58. */
const oracle = (hex: string) => TronWeb.address.fromHex(hex);

describe('TRON transfers from real mainnet responses', () => {
  it('decodes the real USDT transfer of block 30864600 to its recipient and exact amount', () => {
    const infos = json<TronTransactionInfo[]>('gettransactioninfobyblocknum-30864600.json');
    const credits = tokenCredits(infos, tokens);
    expect(credits).toEqual([
      {
        txid: '0af79242191c6728b79e858a36a4b5c65e4e52b9fcee4dc5af30eac57b6d0953',
        index: 0,
        to: oracle('410d0707963952f2fba59dd06f2b425ace40b492fe'),
        amount: 532_079_999n,
        currency: 'USDT_TRC20',
      },
    ]);
  });

  it('reads the real TRX TransferContract of block 30864544', () => {
    const block = json<TronBlock>('getblockbynum-30864544.json');
    expect(blockHeader(block)).toEqual({
      height: 30864544,
      hash: '0000000001d6f4a09f60c27befccff6fe3cc593b2d6c46cdc79d3fd4f55db859',
      parentHash: '0000000001d6f49f615231bdeeddd8b563c746188d5e270a58afc87b059f29de',
      timestamp: 1623055923000,
    });
    expect(trxCredits(block)).toEqual([
      {
        txid: '979e0823f455f3b67d65b351052f0265233f422792d31d5dbeb7c24737dd5556',
        index: -1,
        to: oracle('4158c85b7b6a5118beb3b23c14fcb2f3551a81d79a'),
        amount: 50_000_000n,
        currency: 'TRX',
      },
    ]);
  });

  it('ignores the real failed (OUT_OF_ENERGY) USDT transfer and counts the successful one', () => {
    const failed = json<TronTransactionInfo>('gettransactioninfobyid-e63a324a.json');
    const ok = json<TronTransactionInfo>('gettransactioninfobyid-b69c51db.json');
    expect(tokenCredits([failed], tokens)).toEqual([]);
    const credits = tokenCredits([ok], tokens);
    expect(credits.map((c) => [c.to, c.amount])).toEqual([
      [oracle('41cdae4e9a6287333a3f7df432b050af7b17e79e63'), 3_500_000n],
    ]);
  });

  it('ignores Transfer logs of contracts that are not configured tokens', () => {
    const infos = json<TronTransactionInfo[]>('gettransactioninfobyblocknum-30864600.json');
    const usdc = cryptoCurrency('USDC_TRC20')!.contract!;
    expect(tokenCredits(infos, new Map([[addressToHex20(usdc), 'USDC_TRC20']]))).toEqual([]);
  });

  it('ignores a TRC-20 log when the receipt says the call reverted, even if the log is present', () => {
    const [info] = json<TronTransactionInfo[]>('gettransactioninfobyblocknum-30864600.json').slice(
      1,
    );
    const reverted = { ...info!, receipt: { result: 'REVERT' }, result: 'FAILED' };
    expect(tokenCredits([reverted], tokens)).toEqual([]);
  });

  it('converts every hex form the API prints to the same base58 address', () => {
    const body = 'a614f803b6fd780986a42c78ec9c7f77e6ded13c';
    expect(hexToAddress('41' + body)).toBe(USDT);
    expect(hexToAddress(body)).toBe(USDT);
    expect(hexToAddress(body.padStart(64, '0'))).toBe(USDT);
    expect(hexToAddress('ff' + body.padStart(62, '0'))).toBeNull();
    expect(oracle('41' + body)).toBe(USDT);
  });

  it('has intact copies: each real txID is sha256 of its raw_data_hex', () => {
    for (const name of ['getblockbynum-30864544.json', 'getnowblock-47964392.json']) {
      for (const tx of json<TronBlock>(name).transactions!) {
        expect(
          createHash('sha256').update(Buffer.from(tx.raw_data_hex!, 'hex')).digest('hex'),
        ).toBe(tx.txID);
      }
    }
  });

  it('generates synthetic transactions with the protobuf encoding of the real chain', () => {
    for (const name of ['getblockbynum-30864544.json', 'getnowblock-47964392.json']) {
      for (const tx of json<TronBlock>(name).transactions!) {
        const v = tx.raw_data.contract[0]!.parameter.value;
        const hex = encodeTransferRaw({
          ref_block_bytes: tx.raw_data.ref_block_bytes!,
          ref_block_hash: tx.raw_data.ref_block_hash!,
          expiration: tx.raw_data.expiration!,
          timestamp: tx.raw_data.timestamp!,
          owner_address: v.owner_address!,
          to_address: v.to_address!,
          amount: BigInt(v.amount!),
        });
        expect(hex).toBe(tx.raw_data_hex);
      }
    }
  });
});

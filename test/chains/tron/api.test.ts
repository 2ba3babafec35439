import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TronApi, TronApiError, TronRateLimitedError } from '../../../src/chains/tron/api.js';
import { addressToHex20 } from '../../../src/chains/tron/address.js';
import { blockHeader, tokenCredits, trxCredits } from '../../../src/chains/tron/transfers.js';
import { cryptoCurrency } from '../../../src/domain/currencies.js';
import {
  mainnetFixtures,
  SyntheticTronChain,
  startTronReplay,
  type TronReplay,
} from '../../support/tron-replay.js';

const USDT = cryptoCurrency('USDT_TRC20')!.contract!;

describe('TRON API client against the replay of real mainnet responses', () => {
  let replay: TronReplay;
  let api: TronApi;
  beforeAll(async () => {
    replay = await startTronReplay(mainnetFixtures());
    api = new TronApi({ baseUrl: replay.url + '/', apiKey: 'test-pro-key', timeoutMs: 2000 });
  });
  afterAll(() => replay?.close());

  it('reads the head block from /wallet/getnowblock', async () => {
    const head = blockHeader(await api.getNowBlock());
    expect(head.height).toBe(47964392);
    expect(head.hash).toBe('0000000002dbe0e890dddd5df8bb75251f386daee6e5b7a6cf777d493e5d894c');
  });

  it('reads a block with its TRX transfer from /wallet/getblockbynum', async () => {
    const block = await api.getBlockByNum(30864544);
    expect(block && trxCredits(block).map((c) => c.amount)).toEqual([50_000_000n]);
  });

  it('reads the USDT transfer from /wallet/gettransactioninfobyblocknum', async () => {
    const infos = await api.getTransactionInfoByBlockNum(30864600);
    const credits = tokenCredits(infos, new Map([[addressToHex20(USDT), 'USDT_TRC20']]));
    expect(credits.map((c) => c.amount)).toEqual([532_079_999n]);
  });

  it('answers null for a block the node does not have and [] for receipts of an empty block', async () => {
    expect(await api.getBlockByNum(99_999_999)).toBeNull();
    expect(await api.getTransactionInfoByBlockNum(99_999_999)).toEqual([]);
  });

  it('sends the TRON-PRO-API-KEY header and POSTs {"num": n}', () => {
    const byNum = replay.requests.filter((r) => r.path === '/wallet/getblockbynum');
    expect(byNum.length).toBeGreaterThan(0);
    expect(byNum.every((r) => r.apiKey === 'test-pro-key')).toBe(true);
    expect(byNum.map((r) => r.num)).toContain(30864544);
  });

  it('turns HTTP 429 into a rate-limit error carrying Retry-After', async () => {
    replay.rateLimit(1, 3);
    const err = await api.getNowBlock().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TronRateLimitedError);
    expect((err as TronRateLimitedError).retryAfterMs).toBe(3000);
    expect(blockHeader(await api.getNowBlock()).height).toBe(47964392);
  });

  it('reports a node error status as an API error', async () => {
    replay.fail(1);
    await expect(api.getNowBlock()).rejects.toThrow(TronApiError);
  });
});

describe('TRON API client limits', () => {
  let silent: Server;
  let url: string;
  beforeAll(async () => {
    // Accepts connections and never answers: a hung node.
    silent = createServer(() => {});
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(silent.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    silent.closeAllConnections();
    await new Promise((r) => silent.close(r));
  });

  it('gives up on a node that does not answer within the timeout', async () => {
    const api = new TronApi({ baseUrl: url, timeoutMs: 200 });
    await expect(api.getNowBlock()).rejects.toThrow(/timed out after 200 ms/);
  });

  it('reports an unreachable node as an API error', async () => {
    const api = new TronApi({ baseUrl: 'http://127.0.0.1:1', timeoutMs: 1000 });
    await expect(api.getNowBlock()).rejects.toThrow(TronApiError);
  });

  it('keeps TRX amounts above 2^53 sun exact', async () => {
    const chain = new SyntheticTronChain();
    const huge = 2n ** 60n + 1n;
    chain.mine([{ kind: 'trx', to: USDT, amount: huge }]);
    const replay = await startTronReplay(chain);
    try {
      const block = await new TronApi({ baseUrl: replay.url }).getBlockByNum(chain.head.height);
      expect(block && trxCredits(block).map((c) => c.amount)).toEqual([huge]);
    } finally {
      await replay.close();
    }
  });
});

import { createServer, type Server } from 'node:http';
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RpcError, RpcUnavailableError, UtxoRpc } from '../../../src/chains/utxo/rpc.js';
import { startLitecoind, type Litecoind } from '../../support/litecoind.js';

describe('JSON-RPC client against litecoind (regtest, cookie auth)', () => {
  let ltc: Litecoind;

  beforeAll(async () => {
    ltc = await startLitecoind({ auth: 'cookie' });
  });
  afterAll(async () => {
    await ltc?.destroy();
  });

  it('authenticates with the cookie file and reads it again after the node restarts with a new one', async () => {
    const rpc = new UtxoRpc({ url: ltc.rpcUrl, cookieFile: ltc.cookieFile });
    const before = await rpc.call<number>('getblockcount');
    expect(before).toBeGreaterThanOrEqual(101);
    await ltc.restart();
    expect(await rpc.call<number>('getblockcount')).toBe(before);
  });

  it('keeps amounts exact: balances arrive as decimal strings', async () => {
    const balance = await ltc.wallet.call<unknown>('getbalance');
    expect(typeof balance).toBe('string');
    expect(balance).toMatch(/^\d+\.\d{8}$/);
  });

  it('sends a batch in one request and reports each failure separately', async () => {
    const rpc = new UtxoRpc({ url: ltc.rpcUrl, cookieFile: ltc.cookieFile });
    const [hash, missing, count] = await rpc.batch([
      { method: 'getblockhash', params: [0] },
      { method: 'getblockhash', params: [10_000_000] },
      { method: 'getblockcount' },
    ]);
    expect(hash).toMatch(/^[0-9a-f]{64}$/);
    expect(missing).toBeInstanceOf(RpcError);
    expect((missing as RpcError).code).toBe(-8);
    expect((missing as RpcError).message).toMatch(/^getblockhash: Block height out of range/);
    expect(typeof count).toBe('number');
  });

  it('names the method and the node error code when a call fails', async () => {
    const rpc = new UtxoRpc({ url: ltc.rpcUrl, cookieFile: ltc.cookieFile });
    await expect(rpc.call('getblock', ['00'.repeat(32)])).rejects.toMatchObject({
      name: 'RpcError',
      code: -5,
      message: expect.stringMatching(/^getblock: Block not found \(RPC error -5\)$/),
    });
    await expect(rpc.call('nosuchmethod')).rejects.toMatchObject({ code: -32601 });
  });

  it('says the credentials were refused, without the password in the message', async () => {
    const rpc = new UtxoRpc({ url: ltc.rpcUrl, user: 'kassa', password: 'wrong-secret' });
    const err = await rpc.call('getblockcount').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RpcUnavailableError);
    expect((err as Error).message).toMatch(/refused the RPC credentials \(HTTP 401\)/);
    expect((err as Error).message).not.toContain('wrong-secret');
  });
});

describe('JSON-RPC client without a node', () => {
  let silent: Server;
  let silentPort: number;

  beforeAll(async () => {
    // Accepts connections and never answers.
    silent = createServer(() => undefined);
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', () => r()));
    silentPort = (silent.address() as { port: number }).port;
  });
  afterAll(async () => {
    silent.closeAllConnections();
    await new Promise((r) => silent.close(r));
  });

  it('reports an unreachable node clearly', async () => {
    // A port bound and released again: nothing listens there.
    const closed = net.createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', () => r()));
    const port = (closed.address() as { port: number }).port;
    await new Promise((r) => closed.close(r));
    const rpc = new UtxoRpc({ url: `http://127.0.0.1:${port}`, user: 'u', password: 'p' });
    await expect(rpc.call('getblockcount')).rejects.toThrow(
      new RpcUnavailableError(
        `getblockcount: node at http://127.0.0.1:${port}/ unreachable: ECONNREFUSED`,
      ),
    );
  });

  it('gives up after its timeout when the node does not answer', async () => {
    const rpc = new UtxoRpc({
      url: `http://127.0.0.1:${silentPort}`,
      user: 'u',
      password: 'p',
      timeoutMs: 300,
    });
    const t0 = Date.now();
    await expect(rpc.call('getblockcount')).rejects.toThrow(/no reply within 300 ms/);
    expect(Date.now() - t0).toBeLessThan(5_000);
  });

  it('keeps credentials given in the URL out of its endpoint and messages', async () => {
    const rpc = new UtxoRpc({
      url: `http://user:topsecret@127.0.0.1:${silentPort}`,
      timeoutMs: 100,
    });
    expect(rpc.endpoint).toBe(`http://127.0.0.1:${silentPort}/`);
    const err = await rpc.call('getblockcount').catch((e: Error) => e);
    expect((err as Error).message).not.toContain('topsecret');
  });
});

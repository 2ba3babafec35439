import {
  HttpRequestError,
  InvalidInputRpcError,
  InvalidParamsRpcError,
  LimitExceededRpcError,
  RpcRequestError,
  TimeoutError,
} from 'viem';
import { describe, expect, it } from 'vitest';
import { isRangeLimitError } from '../../../src/chains/evm/rpc.js';

const rpcError = (code: number, message: string) =>
  new RpcRequestError({
    body: { method: 'eth_getLogs' },
    error: { code, message },
    url: 'http://node',
  });

describe('telling a refused log range from an unreachable node', () => {
  it("recognises providers' range and result-size refusals, however worded", () => {
    const refusals = [
      new LimitExceededRpcError(rpcError(-32005, 'query returned more than 10000 results')),
      new InvalidParamsRpcError(
        rpcError(
          -32602,
          'Log response size exceeded. You can make eth_getLogs requests with up to a 2K block range',
        ),
      ),
      new InvalidInputRpcError(rpcError(-32000, 'block range is too wide')),
      rpcError(-32600, 'eth_getLogs is limited to a 10,000 range'),
      rpcError(35, 'ranges over 10000 blocks are not supported'),
    ];
    for (const err of refusals) expect(isRangeLimitError(err), err.message).toBe(true);
  });

  it('does not split on transport failures or unrelated node errors', () => {
    const others = [
      new HttpRequestError({ url: 'http://node', details: 'fetch failed' }),
      new TimeoutError({ body: {}, url: 'http://node' }),
      new InvalidInputRpcError(rpcError(-32000, 'header not found')),
      rpcError(-32603, 'internal error'),
      new Error('socket hang up'),
    ];
    for (const err of others) expect(isRangeLimitError(err), err.message).toBe(false);
  });
});

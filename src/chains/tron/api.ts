/**
 * Client for the TRON full-node HTTP API: an own java-tron node or TronGrid
 * (API key in the TRON-PRO-API-KEY header). Only what the watcher needs.
 */
import { parseJsonExact } from '../../domain/exact-json.js';
import type { TronBlock, TronTransactionInfo } from './api-types.js';

export interface TronApiOptions {
  /** e.g. http://127.0.0.1:8090 or https://api.trongrid.io */
  readonly baseUrl: string;
  readonly apiKey?: string;
  /** Per request; default 10 s. */
  readonly timeoutMs?: number;
}

/** The node (or TronGrid) answered 429: slow down before asking again. */
export class TronRateLimitedError extends Error {
  constructor(
    readonly path: string,
    /** From Retry-After when the server sent one. */
    readonly retryAfterMs: number | null,
  ) {
    super(`TRON API rate limit (HTTP 429) on ${path}`);
    this.name = 'TronRateLimitedError';
  }
}

/** Unreachable node, timeout, HTTP error or an {"Error": ...} body. */
export class TronApiError extends Error {
  constructor(
    readonly path: string,
    message: string,
    readonly status: number | null = null,
  ) {
    super(`TRON API ${path}: ${message}`);
    this.name = 'TronApiError';
  }
}

/** int64 values (sun amounts) may exceed 2^53: an integer a double cannot hold stays its exact text. */
function readTronNumber(text: string): number | string {
  const n = Number(text);
  return Number.isSafeInteger(n) || !/^-?\d+$/.test(text) ? n : text;
}

export class TronApi {
  private readonly baseUrl: string;
  private readonly headers: Record<string, string>;
  private readonly timeoutMs: number;

  constructor(options: TronApiOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.timeoutMs = options.timeoutMs ?? 10_000;
    this.headers = { 'content-type': 'application/json', accept: 'application/json' };
    if (options.apiKey) this.headers['TRON-PRO-API-KEY'] = options.apiKey;
  }

  /** The node's current head block. */
  async getNowBlock(signal?: AbortSignal): Promise<TronBlock> {
    const block = await this.post('/wallet/getnowblock', {}, signal);
    if (!isBlock(block)) throw new TronApiError('/wallet/getnowblock', 'response is not a block');
    return block;
  }

  /** The block at `num`, or null when the node does not have it yet (it answers {}). */
  async getBlockByNum(num: number, signal?: AbortSignal): Promise<TronBlock | null> {
    const block = await this.post('/wallet/getblockbynum', { num }, signal);
    if (isEmptyObject(block)) return null;
    if (!isBlock(block)) throw new TronApiError('/wallet/getblockbynum', 'response is not a block');
    return block;
  }

  /** Execution results (receipts, event logs) of every transaction in block `num`. */
  async getTransactionInfoByBlockNum(
    num: number,
    signal?: AbortSignal,
  ): Promise<TronTransactionInfo[]> {
    const path = '/wallet/gettransactioninfobyblocknum';
    const infos = await this.post(path, { num }, signal);
    // An empty block answers [] (java-tron) or {} (some versions and gateways).
    if (isEmptyObject(infos)) return [];
    if (!Array.isArray(infos)) throw new TronApiError(path, 'response is not an array');
    return infos as TronTransactionInfo[];
  }

  private async post(path: string, body: object, signal?: AbortSignal): Promise<unknown> {
    const timeout = AbortSignal.timeout(this.timeoutMs);
    let res: Response;
    try {
      res = await fetch(this.baseUrl + path, {
        method: 'POST',
        headers: this.headers,
        body: JSON.stringify(body),
        signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
      });
    } catch (err) {
      const reason = timeout.aborted ? `timed out after ${this.timeoutMs} ms` : describe(err);
      throw new TronApiError(path, reason);
    }
    if (res.status === 429) {
      await res.body?.cancel();
      throw new TronRateLimitedError(path, retryAfterMs(res.headers.get('retry-after')));
    }
    let text: string;
    try {
      text = await res.text();
    } catch (err) {
      throw new TronApiError(path, describe(err), res.status);
    }
    if (!res.ok)
      throw new TronApiError(path, `HTTP ${res.status} ${text.slice(0, 200)}`, res.status);
    let json: unknown;
    try {
      json = parseJsonExact(text, readTronNumber);
    } catch {
      throw new TronApiError(path, `invalid JSON: ${text.slice(0, 200)}`, res.status);
    }
    if (json && typeof json === 'object' && 'Error' in json) {
      throw new TronApiError(path, String((json as { Error: unknown }).Error), res.status);
    }
    return json;
  }
}

function isEmptyObject(v: unknown): boolean {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && Object.keys(v).length === 0;
}

function isBlock(v: unknown): v is TronBlock {
  const b = v as TronBlock | null;
  return (
    typeof b === 'object' &&
    b !== null &&
    typeof b.blockID === 'string' &&
    typeof b.block_header?.raw_data?.parentHash === 'string'
  );
}

function retryAfterMs(header: string | null): number | null {
  if (!header) return null;
  const seconds = Number(header);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const at = Date.parse(header);
  return Number.isNaN(at) ? null : Math.max(0, at - Date.now());
}

function describe(err: unknown): string {
  const e = err as { message?: string; cause?: { code?: string; message?: string } };
  return e.cause?.code ?? e.cause?.message ?? e.message ?? String(err);
}

/**
 * Bitcoin-Core-compatible JSON-RPC client (Bitcoin Core, Litecoin Core) over
 * fetch. Amounts in replies stay exact: see exact-json.ts.
 */
import { readFile } from 'node:fs/promises';
import { parseExactJson } from './exact-json.js';

export interface UtxoRpcOptions {
  /** e.g. http://127.0.0.1:8332 or http://127.0.0.1:8332/wallet/name */
  readonly url: string;
  readonly user?: string;
  readonly password?: string;
  /** The node's `.cookie` file; read again after a 401 because the node rewrites it on restart. */
  readonly cookieFile?: string;
  readonly timeoutMs?: number;
}

/** The node answered with a JSON-RPC error (bad parameters, unknown block, ...). */
export class RpcError extends Error {
  constructor(
    readonly method: string,
    readonly code: number,
    message: string,
  ) {
    super(`${method}: ${message} (RPC error ${code})`);
    this.name = 'RpcError';
  }
}

/** The node could not be reached, timed out, refused the credentials or is still starting. */
export class RpcUnavailableError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'RpcUnavailableError';
  }
}

/** Error codes from Bitcoin Core's rpc/protocol.h that matter here. */
export const RPC_IN_WARMUP = -28;
export const RPC_INVALID_ADDRESS_OR_KEY = -5;

export interface RpcCall {
  readonly method: string;
  readonly params?: readonly unknown[];
}

interface RpcReply {
  result?: unknown;
  error?: { code: number; message: string } | null;
  id?: unknown;
}

export class UtxoRpc {
  private readonly url: string;
  private readonly timeoutMs: number;
  private auth: string | null = null;
  private nextId = 1;

  constructor(private readonly options: UtxoRpcOptions) {
    const u = new URL(options.url);
    // Credentials embedded in the URL would end up in logs and error messages.
    if (u.username && !options.user) {
      this.auth = basic(decodeURIComponent(u.username), decodeURIComponent(u.password));
    }
    u.username = '';
    u.password = '';
    this.url = u.toString();
    this.timeoutMs = options.timeoutMs ?? 30_000;
    if (options.user !== undefined) this.auth = basic(options.user, options.password ?? '');
  }

  /** The URL without credentials, for logs. */
  get endpoint(): string {
    return this.url;
  }

  async call<T = unknown>(method: string, params: readonly unknown[] = []): Promise<T> {
    const reply = (await this.post(
      { jsonrpc: '1.0', id: this.nextId++, method, params },
      method,
    )) as RpcReply;
    if (reply.error) throw new RpcError(method, reply.error.code, reply.error.message);
    return reply.result as T;
  }

  /**
   * Sends several calls in one HTTP request. Each entry is the result or the
   * RpcError of that call, in order.
   */
  async batch<T = unknown>(calls: readonly RpcCall[]): Promise<(T | RpcError)[]> {
    if (calls.length === 0) return [];
    const first = this.nextId;
    this.nextId += calls.length;
    const body = calls.map((c, i) => ({
      jsonrpc: '1.0',
      id: first + i,
      method: c.method,
      params: c.params ?? [],
    }));
    const label = `batch of ${calls.length} (${calls[0]?.method ?? ''})`;
    const replies = await this.post(body, label);
    if (!Array.isArray(replies))
      throw new RpcUnavailableError(`${label}: node did not answer with a JSON array`);
    const out: (T | RpcError)[] = new Array<T | RpcError>(calls.length);
    for (const r of replies as RpcReply[]) {
      if (r.error?.code === RPC_IN_WARMUP)
        throw new RpcUnavailableError(`${label}: node is starting: ${r.error.message}`);
      const i = Number(r.id) - first;
      const call = calls[i];
      if (!call) continue;
      out[i] = r.error ? new RpcError(call.method, r.error.code, r.error.message) : (r.result as T);
    }
    for (let i = 0; i < calls.length; i++) {
      if (!(i in out)) out[i] = new RpcError(calls[i]?.method ?? '', 0, 'no reply in batch');
    }
    return out;
  }

  /** Like batch, but throws the first error. */
  async batchStrict<T = unknown>(calls: readonly RpcCall[]): Promise<T[]> {
    const results = await this.batch<T>(calls);
    for (const r of results) if (r instanceof RpcError) throw r;
    return results as T[];
  }

  private async post(body: unknown, label: string, retried = false): Promise<unknown> {
    if (this.auth === null && this.options.cookieFile) await this.loadCookie();
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (this.auth) headers.authorization = this.auth;
    let res: Response;
    try {
      res = await fetch(this.url, {
        method: 'POST',
        headers,
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (err) {
      const reason = describeFetchError(err, this.timeoutMs);
      throw new RpcUnavailableError(`${label}: node at ${this.url} unreachable: ${reason}`, {
        cause: err,
      });
    }
    let text: string;
    try {
      text = await res.text();
    } catch (err) {
      throw new RpcUnavailableError(
        `${label}: reading the reply from ${this.url} failed: ${describeFetchError(err, this.timeoutMs)}`,
        {
          cause: err,
        },
      );
    }
    if (res.status === 401 || res.status === 403) {
      if (this.options.cookieFile && !retried) {
        await this.loadCookie();
        return this.post(body, label, true);
      }
      throw new RpcUnavailableError(
        `${label}: node at ${this.url} refused the RPC credentials (HTTP ${res.status})`,
      );
    }
    // Bitcoin Core answers RPC errors with HTTP 404/500 and a JSON body; anything else is not an RPC reply.
    let parsed: unknown;
    try {
      parsed = parseExactJson(text);
    } catch {
      const status = `HTTP ${res.status}${res.status === 503 ? ' (node busy or shutting down)' : ''}`;
      throw new RpcUnavailableError(
        `${label}: node at ${this.url} unavailable: ${status}: ${text.slice(0, 200)}`,
      );
    }
    const single = parsed as RpcReply;
    if (!Array.isArray(parsed) && single.error?.code === RPC_IN_WARMUP) {
      throw new RpcUnavailableError(`${label}: node is starting: ${single.error.message}`);
    }
    return parsed;
  }

  private async loadCookie(): Promise<void> {
    const file = this.options.cookieFile;
    if (!file) return;
    let cookie: string;
    try {
      cookie = (await readFile(file, 'utf8')).trim();
    } catch (err) {
      throw new RpcUnavailableError(
        `cannot read RPC cookie file ${file}: ${(err as Error).message}`,
        { cause: err },
      );
    }
    const sep = cookie.indexOf(':');
    if (sep < 0) throw new RpcUnavailableError(`RPC cookie file ${file} is not user:password`);
    this.auth = basic(cookie.slice(0, sep), cookie.slice(sep + 1));
  }
}

function basic(user: string, password: string): string {
  return `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
}

function describeFetchError(err: unknown, timeoutMs: number): string {
  const e = err as { name?: string; message?: string; cause?: { code?: string; message?: string } };
  if (e.name === 'TimeoutError' || e.name === 'AbortError')
    return `no reply within ${timeoutMs} ms`;
  return e.cause?.code ?? e.cause?.message ?? e.message ?? String(err);
}

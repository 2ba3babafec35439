/**
 * A JSON-RPC proxy in front of anvil that can go away (connection refused)
 * and come back on the same port, and that answers wide eth_getLogs ranges the
 * way hosted providers do, so the watcher's backoff and range splitting run
 * against real HTTP failures.
 */
import http from 'node:http';
import type { Socket } from 'node:net';

interface JsonRpcRequest {
  id: unknown;
  method: string;
  params?: unknown[];
}

export interface RpcProxy {
  readonly url: string;
  /** Largest eth_getLogs range let through; wider ones get a provider-style error. */
  maxLogRange: number;
  /** Reports a head this many blocks lower, like a lagging backend of a provider. */
  lagBlocks: number;
  /** eth_getLogs calls seen, as [from, to]. */
  readonly logRanges: [number, number][];
  /** eth_blockNumber answers given while lagging: one per watcher poll. */
  readonly laggedHeads: number;
  down(): Promise<void>;
  up(): Promise<void>;
  close(): Promise<void>;
}

export async function startRpcProxy(target: string, port = 0): Promise<RpcProxy> {
  const sockets = new Set<Socket>();
  const logRanges: [number, number][] = [];
  const state = { maxLogRange: Number.POSITIVE_INFINITY, lagBlocks: 0, laggedHeads: 0 };

  /** Applies the configured lag to eth_blockNumber answers. */
  const lagged = (requests: JsonRpcRequest[], text: string): string => {
    if (state.lagBlocks === 0 || !requests.some((r) => r.method === 'eth_blockNumber')) return text;
    const parsed = JSON.parse(text) as
      { id: unknown; result?: string } | { id: unknown; result?: string }[];
    const lagIds = new Set(requests.filter((r) => r.method === 'eth_blockNumber').map((r) => r.id));
    for (const answer of Array.isArray(parsed) ? parsed : [parsed]) {
      if (lagIds.has(answer.id) && answer.result) {
        state.laggedHeads += 1;
        answer.result = `0x${Math.max(0, Number(answer.result) - state.lagBlocks).toString(16)}`;
      }
    }
    return JSON.stringify(parsed);
  };

  const tooWide = (req: JsonRpcRequest) => {
    if (req.method !== 'eth_getLogs') return null;
    const filter = (req.params?.[0] ?? {}) as { fromBlock?: string; toBlock?: string };
    const from = Number(filter.fromBlock);
    const to = Number(filter.toBlock);
    logRanges.push([from, to]);
    if (to - from + 1 <= state.maxLogRange) return null;
    return {
      jsonrpc: '2.0',
      id: req.id,
      // Alchemy's wording and code for the same refusal.
      error: {
        code: -32602,
        message:
          'Log response size exceeded. You can make eth_getLogs requests with up to a 2K block range and no limit on the response size, or you can request any block range with a cap of 10K logs in the response.',
      },
    };
  };

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString();
      const parsed = JSON.parse(body) as JsonRpcRequest | JsonRpcRequest[];
      const requests = Array.isArray(parsed) ? parsed : [parsed];
      const refusals = requests.map(tooWide);
      if (refusals.some((r) => r !== null)) {
        // Providers refuse the whole call; answer each batch item, forwarding the rest.
        const rest = requests.filter((_, i) => refusals[i] === null);
        const answered =
          rest.length > 0 ? forward(target, JSON.stringify(rest)) : Promise.resolve('[]');
        answered.then(
          (forwarded) => {
            const answers = JSON.parse(forwarded) as { id: unknown }[];
            const byId = new Map(answers.map((a) => [a.id, a]));
            const out = requests.map((r, i) => refusals[i] ?? byId.get(r.id));
            res.setHeader('content-type', 'application/json');
            res.end(JSON.stringify(Array.isArray(parsed) ? out : out[0]));
          },
          () => res.destroy(),
        );
        return;
      }
      forward(target, body).then(
        (text) => {
          res.setHeader('content-type', 'application/json');
          res.end(lagged(requests, text));
        },
        () => res.destroy(),
      );
    });
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });

  const listen = (p: number) =>
    new Promise<number>((resolve, reject) => {
      server.once('error', reject);
      server.listen(p, '127.0.0.1', () => {
        const a = server.address();
        resolve(typeof a === 'object' && a ? a.port : p);
      });
    });
  const shut = () =>
    new Promise<void>((resolve) => {
      for (const s of sockets) s.destroy();
      server.close(() => resolve());
    });

  const actualPort = await listen(port);
  return {
    url: `http://127.0.0.1:${actualPort}`,
    get maxLogRange() {
      return state.maxLogRange;
    },
    set maxLogRange(v: number) {
      state.maxLogRange = v;
    },
    get lagBlocks() {
      return state.lagBlocks;
    },
    set lagBlocks(v: number) {
      state.lagBlocks = v;
    },
    logRanges,
    get laggedHeads() {
      return state.laggedHeads;
    },
    down: shut,
    up: async () => {
      await listen(actualPort);
    },
    close: async () => {
      if (server.listening) await shut();
    },
  };
}

async function forward(target: string, body: string): Promise<string> {
  const res = await fetch(target, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body,
  });
  return res.text();
}

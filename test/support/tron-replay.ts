/**
 * A stand-in TRON full node: a local HTTP server (127.0.0.1, free port)
 * answering /wallet/getnowblock, /wallet/getblockbynum and
 * /wallet/gettransactioninfobyblocknum in the exact shape of the real API,
 * from real mainnet responses (test/fixtures/tron) or a synthetic chain
 * (with forks, reverted TRC-20 transfers and HTTP 429 on demand).
 */
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import type { ReplaySource } from '../fixtures/tron/synthetic-chain.js';

export {
  SyntheticTronChain,
  type SyntheticBlock,
  type SyntheticTransfer,
} from '../fixtures/tron/synthetic-chain.js';
export type { ReplaySource };

export interface ReplayRequest {
  readonly path: string;
  readonly num: number | null;
  readonly status: number;
  readonly apiKey: string | null;
  readonly at: number;
}

export interface TronReplay {
  readonly url: string;
  readonly requests: ReplayRequest[];
  /** The next `count` requests answer HTTP 429 (with Retry-After when given). */
  rateLimit(count: number, retryAfterSeconds?: number): void;
  /** The next `count` requests answer HTTP 503, as a node down behind a proxy. */
  fail(count: number): void;
  close(): Promise<void>;
}

export interface ReplayOptions {
  /** Delay before every answer, as a remote node or TronGrid would add. */
  readonly latencyMs?: number;
}

export async function startTronReplay(
  source: ReplaySource,
  options: ReplayOptions = {},
): Promise<TronReplay> {
  const requests: ReplayRequest[] = [];
  let limited = 0;
  let retryAfter: number | undefined;
  let failing = 0;

  const server = createServer((req, res) => {
    void readBody(req).then((body) => {
      const url = new URL(req.url ?? '/', 'http://replay');
      const num = requestedNum(url, body);
      const apiKey = (req.headers['tron-pro-api-key'] as string | undefined) ?? null;
      const reply = (status: number, text: string, headers: Record<string, string> = {}) => {
        requests.push({ path: url.pathname, num, status, apiKey, at: Date.now() });
        if (options.latencyMs)
          setTimeout(() => send(res, status, text, headers), options.latencyMs);
        else send(res, status, text, headers);
      };
      if (limited > 0) {
        limited -= 1;
        const headers: Record<string, string> =
          retryAfter === undefined ? {} : { 'retry-after': String(retryAfter) };
        return reply(429, '{"Error":"rate limit exceeded"}', headers);
      }
      if (failing > 0) {
        failing -= 1;
        return reply(503, 'Service Unavailable');
      }
      switch (url.pathname) {
        case '/wallet/getnowblock':
          return reply(200, source.nowBlockText());
        case '/wallet/getblockbynum':
          return reply(200, (num !== null && source.blockText(num)) || '{}');
        case '/wallet/gettransactioninfobyblocknum':
          // java-tron answers {} for num <= 0 and [] for a block without transactions.
          if (num === null || num <= 0) return reply(200, '{}');
          return reply(200, source.infosText(num) ?? '[]');
        default:
          return reply(404, '');
      }
    });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    rateLimit(count, seconds) {
      limited = count;
      retryAfter = seconds;
    },
    fail(count) {
      failing = count;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
  });
}

/** POST {"num": n} as TronGrid clients send it, or GET ?num=n. */
function requestedNum(url: URL, body: string): number | null {
  const q = url.searchParams.get('num');
  if (q !== null) return Number(q);
  if (!body) return null;
  try {
    const n = (JSON.parse(body) as { num?: unknown }).num;
    return typeof n === 'number' ? n : null;
  } catch {
    return null;
  }
}

function send(
  res: ServerResponse,
  status: number,
  text: string,
  headers: Record<string, string>,
): void {
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
    ...headers,
  });
  res.end(text);
}

// ---------------------------------------------------------------- real mainnet responses

const FIXTURES = fileURLToPath(new URL('../fixtures/tron/', import.meta.url));

export function readFixture(name: string): string {
  return readFileSync(FIXTURES + name, 'utf8');
}

/** Real mainnet responses at their block numbers (see test/fixtures/tron/README.md). */
export function mainnetFixtures(): ReplaySource {
  const now = readFixture('getnowblock-47964392.json');
  const blocks = new Map([
    [30864544, readFixture('getblockbynum-30864544.json')],
    [47964392, now],
  ]);
  const infos = new Map([[30864600, readFixture('gettransactioninfobyblocknum-30864600.json')]]);
  return {
    nowBlockText: () => now,
    blockText: (num) => blocks.get(num) ?? null,
    infosText: (num) => infos.get(num) ?? null,
  };
}

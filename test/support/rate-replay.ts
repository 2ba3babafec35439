/**
 * A local HTTP server that replays exchange-rate API responses (recorded or
 * documented bodies from test/fixtures/rates) so the real source code and its
 * HTTP client run against them. Binds 127.0.0.1 on a free port.
 */
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const FIXTURES = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../fixtures/rates');

/** The text of a fixture file, e.g. fixture('kraken/ticker-2019.json'). */
export function fixture(name: string): string {
  return readFileSync(path.join(FIXTURES, name), 'utf8');
}

export interface ReplayAnswer {
  readonly status?: number;
  readonly body?: string;
  readonly headers?: Readonly<Record<string, string>>;
  /** Wait this long before answering (slow-source tests). */
  readonly delayMs?: number;
}

export interface RateReplay {
  /** Base URL, e.g. http://127.0.0.1:41234 */
  readonly url: string;
  /** Every request seen, as path + query. */
  readonly requests: string[];
  /**
   * Answers `route` (a path, or a path with its exact query) with `answer`.
   * A route with a query wins over the bare path.
   */
  serve(route: string, answer: ReplayAnswer): void;
  /** Forgets every route (unrouted requests get 404). */
  reset(): void;
  close(): Promise<void>;
}

export async function startRateReplay(): Promise<RateReplay> {
  const routes = new Map<string, ReplayAnswer>();
  const requests: string[] = [];
  const timers = new Set<NodeJS.Timeout>();

  const respond = (res: ServerResponse, answer: ReplayAnswer) => {
    if (res.destroyed) return;
    res.writeHead(answer.status ?? 200, {
      'content-type': 'application/json; charset=utf-8',
      ...answer.headers,
    });
    res.end(answer.body ?? '');
  };

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const full = req.url ?? '/';
    requests.push(full);
    const bare = full.split('?')[0] as string;
    const answer = routes.get(full) ??
      routes.get(bare) ?? { status: 404, body: '{"error":"no route"}' };
    if (!answer.delayMs) return respond(res, answer);
    const timer = setTimeout(() => {
      timers.delete(timer);
      respond(res, answer);
    }, answer.delayMs);
    timers.add(timer);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    serve(route, answer) {
      routes.set(route, answer);
    },
    reset() {
      routes.clear();
    },
    async close() {
      for (const t of timers) clearTimeout(t);
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

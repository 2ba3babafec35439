/**
 * Live status for the page's script: server-sent events pushed on every
 * committed change of the one invoice, and the same JSON for polling.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../../app/context.js';
import type { InvoiceChanges } from '../../app/invoice-changes.js';
import { KassaError } from '../../domain/errors.js';
import { loadPage, publicInvoice, publicState } from './page-data.js';
import { STRICT_HEADERS } from './security.js';

export interface LiveOptions {
  /** A comment line keeps proxies from closing an idle stream. */
  readonly heartbeatMs: number;
  /** Streams end after this long; the browser reconnects by itself. */
  readonly maxStreamMs: number;
  readonly maxStreamsPerInvoice: number;
  /** Streams open at once across all invoices: each holds a socket and a subscription. */
  readonly maxStreams: number;
}

export const DEFAULT_LIVE: LiveOptions = {
  heartbeatMs: 15_000,
  maxStreamMs: 10 * 60_000,
  maxStreamsPerInvoice: 20,
  maxStreams: 1000,
};

/** Seconds a refused stream is told to wait; the page polls status.json meanwhile. */
const RETRY_AFTER_SECONDS = 30;

/** Open streams, so shutting down ends them instead of waiting for them. */
export class LiveStreams {
  private readonly closers = new Set<() => void>();
  private readonly perInvoice = new Map<string, number>();

  constructor(
    private readonly ctx: AppContext,
    private readonly changes: InvoiceChanges,
    private readonly opts: LiveOptions = DEFAULT_LIVE,
  ) {}

  closeAll(): void {
    for (const close of [...this.closers]) close();
  }

  async status(id: string) {
    return publicState(await loadPage(this.ctx, id));
  }

  async stream(req: FastifyRequest, reply: FastifyReply, id: string): Promise<void> {
    const invoice = await publicInvoice(this.ctx, id);
    const open = this.perInvoice.get(invoice.id) ?? 0;
    if (open >= this.opts.maxStreamsPerInvoice) {
      throw new KassaError('rate_limited', 'too many live connections for this invoice');
    }
    if (this.closers.size >= this.opts.maxStreams) {
      reply.header('retry-after', String(RETRY_AFTER_SECONDS));
      throw new KassaError('rate_limited', 'too many live connections; poll status.json instead');
    }
    this.perInvoice.set(invoice.id, open + 1);
    reply.hijack();
    const res = reply.raw;
    res.writeHead(200, {
      ...STRICT_HEADERS,
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    res.write('retry: 3000\n\n');

    let closed = false;
    let sending = false;
    let again = false;
    const close = () => {
      if (closed) return;
      closed = true;
      clearInterval(heartbeat);
      clearTimeout(lifetime);
      unsubscribe();
      this.closers.delete(close);
      this.perInvoice.set(invoice.id, (this.perInvoice.get(invoice.id) ?? 1) - 1);
      if ((this.perInvoice.get(invoice.id) ?? 0) <= 0) this.perInvoice.delete(invoice.id);
      res.end();
    };
    // Changes may come faster than the database answers: coalesce them, send the latest.
    const send = async (): Promise<void> => {
      if (sending) {
        again = true;
        return;
      }
      sending = true;
      try {
        do {
          again = false;
          const state = await this.status(invoice.id);
          if (closed) return;
          res.write(`event: state\ndata: ${JSON.stringify(state)}\n\n`);
          if (state.final) return close();
        } while (again);
      } catch (err) {
        req.log.warn({ err }, 'payment page live update failed');
        close();
      } finally {
        sending = false;
      }
    };
    const unsubscribe = this.changes.subscribe(invoice.id, () => void send());
    const heartbeat = setInterval(() => res.write(': ping\n\n'), this.opts.heartbeatMs);
    const lifetime = setTimeout(close, this.opts.maxStreamMs);
    this.closers.add(close);
    res.on('close', close);
    await send();
  }
}

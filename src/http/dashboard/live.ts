/**
 * Server-sent events for the dashboard: the id of each changed invoice of the
 * signed-in user's account (or of one invoice). The page then fetches itself
 * again, so the stream carries no invoice data of its own.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../../app/context.js';
import type { InvoiceChanges } from '../../app/invoice-changes.js';
import { findInvoice } from '../../app/invoices.js';
import { DASHBOARD_HEADERS } from './security.js';
import { KassaError } from '../../domain/errors.js';

const HEARTBEAT_MS = 15_000;
const MAX_STREAM_MS = 10 * 60_000;

export class LiveFeed {
  private readonly closers = new Set<() => void>();

  constructor(
    private readonly ctx: AppContext,
    private readonly changes: InvoiceChanges,
  ) {}

  closeAll(): void {
    for (const close of [...this.closers]) close();
  }

  async stream(
    req: FastifyRequest,
    reply: FastifyReply,
    accountId: string,
    invoiceRef: string | undefined,
  ): Promise<void> {
    const only = invoiceRef ? (await findInvoice(this.ctx, accountId, invoiceRef)).id : null;
    reply.hijack();
    const res = reply.raw;
    res.writeHead(200, {
      ...DASHBOARD_HEADERS,
      'content-type': 'text/event-stream; charset=utf-8',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    res.write('retry: 3000\n\n');
    let closed = false;
    const send = async (id: string) => {
      if (closed || (only !== null && id !== only)) return;
      try {
        // Throws not_found for another account's invoice: nothing is sent then.
        await findInvoice(this.ctx, accountId, id);
        if (closed) return;
        res.write(`event: invoice\ndata: ${JSON.stringify({ id })}\n\n`);
      } catch (err) {
        if (!(err instanceof KassaError)) req.log.warn({ err }, 'dashboard live update failed');
      }
    };
    const unsubscribe = this.changes.subscribeAll((id) => void send(id));
    const heartbeat = setInterval(() => res.write(': ping\n\n'), HEARTBEAT_MS);
    const lifetime = setTimeout(() => close(), MAX_STREAM_MS);
    const close = () => {
      if (closed) return;
      closed = true;
      clearInterval(heartbeat);
      clearTimeout(lifetime);
      unsubscribe();
      this.closers.delete(close);
      res.end();
    };
    this.closers.add(close);
    res.on('close', close);
  }
}

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
const MAX_STREAMS_PER_USER_DEFAULT = 5;
const MAX_STREAM_MS = 10 * 60_000;

interface Stream {
  readonly accountId: string;
  /** The one invoice this stream follows, or null for the whole account. */
  readonly only: string | null;
  write(event: 'invoice' | 'delivery', id: string): void;
}

/** Finds whose a delivery is, for delivery-only changes. */
export type DeliveryOwner = (
  deliveryId: string,
) => Promise<{ accountId: string; invoiceId: string } | null>;

export class LiveFeed {
  private readonly closers = new Set<() => void>();
  private readonly streams = new Set<Stream>();
  /** Open streams per user: each holds a connection and a subscription. */
  private readonly perUser = new Map<string, number>();
  private readonly unsubscribeDeliveries: () => void;

  constructor(
    private readonly ctx: AppContext,
    private readonly changes: InvoiceChanges,
    private readonly deliveryOwner: DeliveryOwner,
    readonly maxPerUser = MAX_STREAMS_PER_USER_DEFAULT,
  ) {
    this.unsubscribeDeliveries = changes.subscribeDeliveries((id) => void this.delivery(id));
  }

  closeAll(): void {
    for (const close of [...this.closers]) close();
    this.unsubscribeDeliveries();
  }

  /** One lookup per delivery change, then to every stream of that account. */
  private async delivery(id: string): Promise<void> {
    if (this.streams.size === 0) return;
    // A failed lookup only skips one refresh; the streams stay open.
    const owner = await this.deliveryOwner(id).catch(() => null);
    if (!owner) return;
    for (const s of this.streams)
      if (s.accountId === owner.accountId && (s.only === null || s.only === owner.invoiceId))
        s.write('delivery', id);
  }

  async stream(
    req: FastifyRequest,
    reply: FastifyReply,
    user: { readonly id: string; readonly accountId: string },
    invoiceRef: string | undefined,
  ): Promise<void> {
    const accountId = user.accountId;
    const only = invoiceRef ? (await findInvoice(this.ctx, accountId, invoiceRef)).id : null;
    const open = this.perUser.get(user.id) ?? 0;
    if (open >= this.maxPerUser)
      // EventSource gives up on a non-200 answer instead of reconnecting in a loop.
      return reply
        .status(429)
        .type('text/plain; charset=utf-8')
        .send(
          `too many live connections for this user (at most ${this.maxPerUser}); close other dashboard tabs`,
        );
    this.perUser.set(user.id, open + 1);
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
    const stream: Stream = {
      accountId,
      only,
      write: (event, id) => {
        if (!closed) res.write(`event: ${event}\ndata: ${JSON.stringify({ id })}\n\n`);
      },
    };
    const send = async (id: string) => {
      if (closed || (only !== null && id !== only)) return;
      try {
        // Throws not_found for another account's invoice: nothing is sent then.
        await findInvoice(this.ctx, accountId, id);
        stream.write('invoice', id);
      } catch (err) {
        if (!(err instanceof KassaError)) req.log.warn({ err }, 'dashboard live update failed');
      }
    };
    const unsubscribe = this.changes.subscribeAll((id) => void send(id));
    this.streams.add(stream);
    const heartbeat = setInterval(() => res.write(': ping\n\n'), HEARTBEAT_MS);
    const lifetime = setTimeout(() => close(), MAX_STREAM_MS);
    const close = () => {
      if (closed) return;
      closed = true;
      clearInterval(heartbeat);
      clearTimeout(lifetime);
      unsubscribe();
      this.streams.delete(stream);
      const left = (this.perUser.get(user.id) ?? 1) - 1;
      if (left > 0) this.perUser.set(user.id, left);
      else this.perUser.delete(user.id);
      this.closers.delete(close);
      res.end();
    };
    this.closers.add(close);
    res.on('close', close);
  }
}

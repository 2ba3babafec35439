import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { AppContext } from '../../app/context.js';
import { paymentView } from '../../app/invoice-view.js';
import {
  chooseCurrency,
  createInvoice,
  findInvoice,
  invoiceDetails,
  invoiceEvents,
  invoicePayments,
  listInvoices,
} from '../../app/invoices.js';
import {
  cancelInvoice,
  completeInvoice,
  invoiceRefunds,
  recordRefund,
} from '../../app/decisions.js';
import { confirmTestPayment, recordTestPayment } from '../../app/payments.js';
import { invalid } from '../../domain/errors.js';
import { INVOICE_STATUSES, type InvoiceStatus } from '../../domain/invoice-status.js';
import {
  ChooseCurrencyBody,
  CreateInvoiceBody,
  InvoiceRef,
  ListInvoicesQuery,
  RefundBody,
  TestPaymentBody,
} from './schemas.js';

const IdParams = Type.Object({ id: InvoiceRef });
const tags = ['invoices'];

function encodeCursor(createdAt: string, id: string): string {
  return Buffer.from(`${Date.parse(createdAt)}:${id}`).toString('base64url');
}

function decodeCursor(cursor: string): { createdAt: number; id: string } {
  const [ms, id] = Buffer.from(cursor, 'base64url').toString().split(':');
  const createdAt = Number(ms);
  if (!id || !Number.isSafeInteger(createdAt)) throw invalid('cursor', 'cursor is not valid');
  return { createdAt, id };
}

export async function invoiceRoutes(app: FastifyInstance, ctx: AppContext) {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();

  r.post(
    '/invoices',
    {
      schema: {
        tags,
        summary: 'Create an invoice (idempotent on order_id and on the Idempotency-Key header)',
        body: CreateInvoiceBody,
        headers: Type.Object({
          'idempotency-key': Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
        }),
      },
    },
    async (req, reply) => {
      const b = req.body;
      const result = await createInvoice(ctx, {
        accountId: req.accountId,
        shopId: b.shop_id,
        amount: b.amount,
        ...(b.currency !== undefined && { currency: b.currency }),
        ...(b.order_id !== undefined && { orderId: b.order_id }),
        ...(b.email !== undefined && { email: b.email }),
        ...(b.description !== undefined && { description: b.description }),
        ...(b.expires_in !== undefined && { expiresInSeconds: b.expires_in }),
        ...(b.payment_currency !== undefined && { paymentCurrency: b.payment_currency }),
        ...(b.available_currencies !== undefined && {
          availableCurrencies: b.available_currencies,
        }),
        ...(b.locale !== undefined && { locale: b.locale }),
        ...(b.metadata !== undefined && { metadata: b.metadata }),
        ...(b.test_mode !== undefined && { testMode: b.test_mode }),
        ...(req.headers['idempotency-key'] !== undefined && {
          idempotencyKey: req.headers['idempotency-key'],
        }),
      });
      return reply.status(result.created ? 201 : 200).send(result.invoice);
    },
  );

  r.get(
    '/invoices',
    { schema: { tags, summary: 'List invoices, newest first', querystring: ListInvoicesQuery } },
    async (req) => {
      const q = req.query;
      const statuses = q.status?.split(',');
      for (const s of statuses ?? []) {
        if (!INVOICE_STATUSES.includes(s as InvoiceStatus))
          throw invalid('status', `unknown status ${s}`);
      }
      const limit = Number(q.limit ?? 50);
      const { items } = await listInvoices(ctx, {
        accountId: req.accountId,
        limit: limit + 1,
        ...(q.shop_id && { projectId: q.shop_id }),
        ...(statuses && { statuses: statuses as InvoiceStatus[] }),
        ...(q.created_from && { createdFrom: Date.parse(q.created_from) }),
        ...(q.created_to && { createdTo: Date.parse(q.created_to) }),
        ...(q.order_id && { orderId: q.order_id }),
        ...(q.cursor && { before: decodeCursor(q.cursor) }),
      });
      const page = items.slice(0, limit);
      const last = page[page.length - 1];
      return {
        data: page,
        next_cursor: items.length > limit && last ? encodeCursor(last.created_at, last.id) : null,
      };
    },
  );

  r.get(
    '/invoices/:id',
    { schema: { tags, summary: 'Get an invoice', params: IdParams } },
    async (req) => invoiceDetails(ctx, await findInvoice(ctx, req.accountId, req.params.id)),
  );

  r.post(
    '/invoices/:id/cancel',
    { schema: { tags, summary: 'Cancel while nothing is confirmed', params: IdParams } },
    async (req) => cancelInvoice(ctx, await findInvoice(ctx, req.accountId, req.params.id)),
  );

  r.post(
    '/invoices/:id/complete',
    { schema: { tags, summary: 'Mark an unresolved invoice completed', params: IdParams } },
    async (req) => completeInvoice(ctx, await findInvoice(ctx, req.accountId, req.params.id)),
  );

  r.post(
    '/invoices/:id/refunds',
    {
      schema: {
        tags,
        summary: 'Record a refund paid from the merchant wallet',
        params: IdParams,
        body: RefundBody,
      },
    },
    async (req, reply) => {
      const inv = await findInvoice(ctx, req.accountId, req.params.id);
      const b = req.body;
      const view = await recordRefund(ctx, inv, {
        amount: b.amount,
        currency: b.currency,
        address: b.address,
        ...(b.txid !== undefined && { txid: b.txid }),
      });
      return reply.status(201).send(view);
    },
  );

  r.get(
    '/invoices/:id/refunds',
    { schema: { tags, summary: 'Refunds recorded or requested', params: IdParams } },
    async (req) => {
      const refunds = await invoiceRefunds(
        ctx,
        await findInvoice(ctx, req.accountId, req.params.id),
      );
      return {
        data: refunds.map((f) => ({
          id: f.id,
          source: f.source,
          amount: f.amount,
          currency: f.currency,
          address: f.address,
          txid: f.txid,
          created_at: new Date(f.createdAt).toISOString(),
        })),
      };
    },
  );

  r.post(
    '/invoices/:id/quote',
    {
      schema: {
        tags,
        summary: 'Choose the payment currency',
        params: IdParams,
        body: ChooseCurrencyBody,
      },
    },
    async (req) =>
      chooseCurrency(ctx, await findInvoice(ctx, req.accountId, req.params.id), req.body.currency),
  );

  r.get(
    '/invoices/:id/events',
    { schema: { tags, summary: 'What happened, in order', params: IdParams } },
    async (req) => {
      const events = await invoiceEvents(ctx, await findInvoice(ctx, req.accountId, req.params.id));
      return {
        data: events.map((e) => ({
          id: e.id,
          type: e.type,
          created_at: new Date(e.createdAt).toISOString(),
          data: e.data,
        })),
      };
    },
  );

  r.get(
    '/invoices/:id/payments',
    { schema: { tags, summary: 'Payments seen on chain', params: IdParams } },
    async (req) => {
      const { payments, quotes } = await invoicePayments(
        ctx,
        await findInvoice(ctx, req.accountId, req.params.id),
      );
      const byId = new Map(quotes.map((q) => [q.id, q]));
      return {
        data: payments.map((p) => {
          const q = byId.get(p.quoteId);
          return paymentView(p, q?.currency ?? '', q?.requiredConfirmations ?? 1);
        }),
      };
    },
  );

  r.post(
    '/invoices/:id/test-payments',
    {
      schema: {
        tags: ['test mode'],
        summary: 'Simulate a payment on a test-mode invoice',
        params: IdParams,
        body: Type.Optional(TestPaymentBody),
      },
    },
    async (req, reply) => {
      const inv = await findInvoice(ctx, req.accountId, req.params.id);
      const b = req.body ?? {};
      const { invoice, payment } = await recordTestPayment(ctx, inv, {
        ...(b.amount !== undefined && { amount: b.amount }),
        ...(b.confirmed !== undefined && { confirmed: b.confirmed }),
        ...(b.late !== undefined && { late: b.late }),
      });
      return reply.status(201).send({ invoice, payment: { id: payment.id, txid: payment.txid } });
    },
  );

  r.post(
    '/invoices/:id/test-payments/:paymentId/confirm',
    {
      schema: {
        tags: ['test mode'],
        summary: 'Confirm a simulated payment',
        description:
          'Test mode: gives a payment simulated with `"confirmed": false` its required confirmations, ' +
          'as a block would, and recomputes the invoice (events and callbacks follow as for a real payment). ' +
          '`paymentId` is `payment.id` from the test-payments answer. Answers the invoice.',
        params: Type.Object({
          id: InvoiceRef,
          paymentId: Type.String({ pattern: '^pay_[a-z0-9]{10,40}$' }),
        }),
      },
    },
    async (req) =>
      confirmTestPayment(
        ctx,
        await findInvoice(ctx, req.accountId, req.params.id),
        req.params.paymentId,
      ),
  );
}

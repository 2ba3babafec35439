/**
 * Cryptopay's invoice recalculations: create proposes the current-rate price
 * of an expired invoice (applied at once with `force_commit`), commit applies
 * it. The proposal travels in its id, sealed with a MAC under the operator's
 * signing key, so committing cannot change the rate it was shown at.
 */
import { createHmac } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../app/context.js';
import {
  proposeRecalculation,
  recalculateInvoice,
  type RecalculationProposal,
} from '../../app/recalculation.js';
import type { Invoice } from '../../domain/invoice.js';
import { sameSignature } from '../../app/provider-credentials.js';
import { cpInvalid, cpNotFound } from './errors.js';
import { CRYPTOPAY_TTL_SECONDS, ownInvoice } from './invoices.js';
import { parseRecalculation } from './schemas.js';

interface Sealed {
  readonly i: string;
  readonly c: string;
  readonly r: string;
  readonly s: string;
  readonly t: number;
  readonly a: string;
  readonly pa: string;
  readonly pr: string;
}

function mac(key: Uint8Array, payload: string): string {
  return createHmac('sha256', key).update(`kassa recalculation\0${payload}`).digest('base64url');
}

function seal(key: Uint8Array, p: RecalculationProposal): string {
  const sealed: Sealed = {
    i: p.invoiceId,
    c: p.currency,
    r: p.rate.rate,
    s: p.rate.source,
    t: p.rate.fixedAt,
    a: p.amountDue,
    pa: p.previousAmountDue,
    pr: p.previousRate,
  };
  const payload = Buffer.from(JSON.stringify(sealed)).toString('base64url');
  return `rcl_${payload}.${mac(key, payload)}`;
}

function unseal(key: Uint8Array, id: string, invoiceId: string): RecalculationProposal {
  const m = /^rcl_([A-Za-z0-9_-]{1,2000})\.([A-Za-z0-9_-]{43})$/.exec(id);
  if (!m || !sameSignature(m[2]!, mac(key, m[1]!))) throw cpNotFound();
  const s = JSON.parse(Buffer.from(m[1]!, 'base64url').toString('utf8')) as Sealed;
  if (s.i !== invoiceId) throw cpNotFound();
  return {
    invoiceId: s.i,
    currency: s.c,
    rate: { rate: s.r, source: s.s, fixedAt: s.t },
    amountDue: s.a,
    previousAmountDue: s.pa,
    previousRate: s.pr,
  };
}

function view(inv: Invoice, id: string, p: RecalculationProposal) {
  return {
    id,
    invoice_id: inv.id,
    pay_amount: p.amountDue,
    pay_currency: p.currency,
    price_amount: inv.amount,
    price_currency: inv.priceCurrency,
    fee: '0',
    fee_currency: inv.priceCurrency,
    previous_pay_amount: p.previousAmountDue,
    previous_price_amount: inv.amount,
    previous_exchange_rate: p.previousRate,
    exchange: {
      pair: `${p.currency}${inv.priceCurrency}`,
      rate: p.rate.rate,
      fee: '0',
      fee_currency: inv.priceCurrency,
    },
    created_at: new Date(p.rate.fixedAt).toISOString(),
  };
}

export function recalculationRoutes(app: FastifyInstance, ctx: AppContext, key: Uint8Array): void {
  app.post<{ Params: { id: string } }>('/api/invoices/:id/recalculations', async (req, reply) => {
    const { forceCommit } = parseRecalculation(req.body);
    const inv = await ownInvoice(ctx, req, req.params.id);
    const proposal = await proposeRecalculation(ctx, inv);
    if (forceCommit)
      await recalculateInvoice(ctx, inv, proposal.rate, CRYPTOPAY_TTL_SECONDS * 1000);
    return reply.status(201).send({ data: view(inv, seal(key, proposal), proposal) });
  });

  app.post<{ Params: { id: string; recalculationId: string } }>(
    '/api/invoices/:id/recalculations/:recalculationId/commit',
    async (req) => {
      const inv = await ownInvoice(ctx, req, req.params.id);
      let proposal: RecalculationProposal;
      try {
        proposal = unseal(key, req.params.recalculationId, inv.id);
      } catch {
        throw cpInvalid('recalculation_id', 'no such recalculation', 'not_found');
      }
      await recalculateInvoice(ctx, inv, proposal.rate, CRYPTOPAY_TTL_SECONDS * 1000);
      return { data: view(inv, req.params.recalculationId, proposal) };
    },
  );
}

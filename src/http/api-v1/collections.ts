/**
 * Forwarder collections: the collect transactions recorded for the account's
 * payments, and the ready collect transaction for the merchant's own wallet.
 */
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { CollectionService, CollectPlan } from '../../app/collections.js';
import type { CollectionRecord, UnexpectedDeposit } from '../../app/ports/collections.js';
import { routeFamily } from '../face.js';

export interface CollectionRouteDeps {
  readonly collections: Pick<
    CollectionService,
    'list' | 'transactions' | 'planDeposits' | 'unexpected'
  >;
}

const tags = ['collections'];
const EvmAddress = Type.String({ pattern: '^0x[0-9a-fA-F]{40}$' });
const Id = Type.String({ pattern: '^[A-Za-z0-9_:-]{1,100}$' });

function collectionView(c: CollectionRecord) {
  return {
    id: c.id,
    chain: c.chain,
    txid: c.txid,
    status: c.status,
    block_height: c.blockHeight,
    block_hash: c.blockHash,
    factory: c.factory,
    treasury: c.treasury,
    sender: c.sender,
    gas_used: String(c.gasUsed),
    gas_price_wei: String(c.gasPrice),
    fee_wei: String(c.fee),
    created_at: new Date(c.createdAt).toISOString(),
    items: c.items.map((it) => ({
      payment_id: it.paymentId,
      invoice_id: it.invoiceId,
      address: it.address,
      currency: it.currency,
      amount_units: String(it.amount),
      unexpected: it.unexpected === true,
    })),
  };
}

function unexpectedView(d: UnexpectedDeposit) {
  return {
    id: d.id,
    invoice_id: d.invoiceId,
    chain: d.chain,
    address: d.address,
    currency: d.currency,
    expected_currency: d.expectedCurrency ?? null,
    amount_units: String(d.amount),
    txid: d.txid,
    block_height: d.blockHeight,
    collection_id: d.collectionId,
    created_at: new Date(d.createdAt).toISOString(),
  };
}

function planView(p: CollectPlan & { gas?: bigint | null }) {
  return {
    chain: p.chain,
    to: p.to,
    data: p.data,
    value: p.value,
    gas: p.gas === undefined || p.gas === null ? null : String(p.gas),
    factory: p.factory,
    treasury: p.treasury,
    addresses: p.addresses,
    tokens: p.tokens,
    totals_units: Object.fromEntries(Object.entries(p.totals).map(([c, v]) => [c, String(v)])),
    payments: p.payments.map((x) => ({
      payment_id: x.paymentId,
      invoice_id: x.invoiceId,
      address: x.address,
      currency: x.currency,
      amount_units: String(x.amount),
    })),
  };
}

/** Collections, as a native API route family. */
export const collectionFamily = routeFamily(collectionRoutes);

async function collectionRoutes(app: FastifyInstance, deps: CollectionRouteDeps) {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  const c = deps.collections;

  r.get(
    '/collections',
    {
      schema: {
        tags,
        summary: 'Collect transactions that moved payments to the treasury, newest first',
        querystring: Type.Object({
          limit: Type.Optional(Type.String({ pattern: '^([1-9][0-9]?|[1-4][0-9]{2}|500)$' })),
          invoice_id: Type.Optional(Id),
        }),
      },
    },
    async (req) => {
      const rows = await c.list(req.accountId, Number(req.query.limit ?? 100));
      const invoiceId = req.query.invoice_id;
      const data = rows
        .map((row) =>
          invoiceId ? { ...row, items: row.items.filter((i) => i.invoiceId === invoiceId) } : row,
        )
        .filter((row) => row.items.length > 0)
        .map(collectionView);
      return { data };
    },
  );

  r.get(
    '/collections/unexpected',
    {
      schema: {
        tags,
        summary:
          'Wrong coins: ETH or a listed token that arrived at a deposit address quoted for another currency, newest first; collected like payments',
        querystring: Type.Object({
          limit: Type.Optional(Type.String({ pattern: '^([1-9][0-9]?|[1-4][0-9]{2}|500)$' })),
          invoice_id: Type.Optional(Id),
        }),
      },
    },
    async (req) => {
      const rows = await c.unexpected(req.accountId, Number(req.query.limit ?? 100));
      const invoiceId = req.query.invoice_id;
      return {
        data: rows.filter((d) => !invoiceId || d.invoiceId === invoiceId).map(unexpectedView),
      };
    },
  );

  r.post(
    '/collections/transaction',
    {
      schema: {
        tags,
        summary:
          'The ready collect transaction(s) for confirmed, uncollected payments, to send from any wallet',
        body: Type.Object(
          {
            batch_size: Type.Optional(Type.Integer({ minimum: 1, maximum: 200 })),
            from: Type.Optional(EvmAddress),
            /** Extra token contracts to sweep, e.g. one Kassa does not list. */
            tokens: Type.Optional(Type.Array(EvmAddress, { maxItems: 20 })),
            /** With indexes: these deposit addresses of this project, whatever Kassa recorded. */
            shop_id: Type.Optional(Type.String({ pattern: '^[A-Za-z0-9_-]{4,64}$' })),
            indexes: Type.Optional(
              Type.Array(Type.Integer({ minimum: 0, maximum: 2 ** 31 - 1 }), {
                minItems: 1,
                maxItems: 200,
              }),
            ),
          },
          { additionalProperties: false },
        ),
      },
    },
    async (req, reply) => {
      const b = req.body;
      if (b.indexes !== undefined || b.shop_id !== undefined) {
        if (b.indexes === undefined || b.shop_id === undefined) {
          return reply.status(400).send({
            error: {
              code: 'invalid_request',
              message: 'shop_id and indexes go together',
              field: b.indexes === undefined ? 'indexes' : 'shop_id',
            },
          });
        }
        const plan = await c.planDeposits(req.accountId, b.shop_id, b.indexes, b.tokens ?? []);
        return { data: [planView(plan)] };
      }
      const plans = await c.transactions(req.accountId, {
        ...(b.batch_size !== undefined ? { batchSize: b.batch_size } : {}),
        ...(b.from !== undefined ? { from: b.from } : {}),
        ...(b.tokens !== undefined ? { extraTokens: b.tokens } : {}),
      });
      return { data: plans.map(planView) };
    },
  );
}

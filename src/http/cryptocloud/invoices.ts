/** POST /v2/invoice/merchant/info, /canceled, /list, /statistics. */
import type { FastifyInstance } from 'fastify';
import { countInvoices, findInvoice, invoiceDetails, listInvoices } from '../../app/invoices.js';
import { cancelInvoice } from '../../app/decisions.js';
import { cryptoCloudStatus } from '../../domain/status-vocabulary.js';
import { KassaError } from '../../domain/errors.js';
import { formatDecimal, parseExact, rescale } from '../../domain/money.js';
import { bodyOf, formatContext, success, type RouteDeps } from './context.js';
import { ccInvalid } from './errors.js';
import { ccInvoiceInfo, num } from './format.js';
import { parseList, parsePeriod, parseUuid, parseUuids } from './schemas.js';

const CC_STATUSES = ['created', 'paid', 'overpaid', 'partial', 'canceled'] as const;
const STATS_PAGE = 500;

export function invoiceRoutes(app: FastifyInstance, deps: RouteDeps): void {
  const { ctx } = deps;

  /** The account's invoice, or a 400 naming the id: unknown and another account's look the same. */
  const mine = async (accountId: string, ref: string, field = 'uuids') => {
    try {
      return await findInvoice(ctx, accountId, ref);
    } catch (e) {
      if (e instanceof KassaError && e.code === 'not_found')
        throw ccInvalid(field, `invoice ${ref} not found`);
      throw e;
    }
  };

  app.post('/v2/invoice/merchant/info', async (req, reply) => {
    const ids = parseUuids(bodyOf(req));
    const f = formatContext(ctx);
    const found = [];
    for (const id of ids) found.push(await mine(req.ccAccountId, id));
    const result = [];
    for (const inv of found) result.push(await ccInvoiceInfo(f, await invoiceDetails(ctx, inv)));
    return success(reply, result);
  });

  app.post('/v2/invoice/merchant/canceled', async (req, reply) => {
    const id = parseUuid(bodyOf(req));
    const inv = await mine(req.ccAccountId, id, 'uuid');
    // CryptoCloud cancels only untouched invoices; one with a payment seen is no longer "created".
    if (inv.status !== 'created' || inv.cancelledAt !== null)
      throw ccInvalid('uuid', 'Invoice is not created');
    await cancelInvoice(ctx, inv);
    return success(reply, ['ok']);
  });

  app.post('/v2/invoice/merchant/list', async (req, reply) => {
    const q = parseList(bodyOf(req));
    const filter = { accountId: req.ccAccountId, createdFrom: q.from, createdTo: q.to - 1 };
    const [{ items }, total] = await Promise.all([
      listInvoices(ctx, { ...filter, limit: q.limit, offset: q.offset }),
      countInvoices(ctx, { ...filter, limit: 1 }),
    ]);
    const f = formatContext(ctx);
    const result = [];
    for (const v of items) result.push(await ccInvoiceInfo(f, v));
    return success(reply, result, { all_count: total });
  });

  app.post('/v2/invoice/merchant/statistics', async (req, reply) => {
    const p = parsePeriod(bodyOf(req));
    const f = formatContext(ctx);
    const count: Record<string, number> = { all: 0 };
    const cents: Record<string, bigint> = { all: 0n };
    for (const s of CC_STATUSES) {
      count[s] = 0;
      cents[s] = 0n;
    }
    for (let offset = 0; ; offset += STATS_PAGE) {
      const { items } = await listInvoices(ctx, {
        accountId: req.ccAccountId,
        createdFrom: p.from,
        createdTo: p.to - 1,
        limit: STATS_PAGE,
        offset,
      });
      for (const v of items) {
        const s = cryptoCloudStatus(v);
        const usd = await f.usd.price(v.amount, v.currency);
        const c = usd ? rescale(parseExact(usd.text), 2, 'down').units : 0n;
        count.all! += 1;
        count[s] = (count[s] ?? 0) + 1;
        cents.all! += c;
        cents[s] = (cents[s] ?? 0n) + c;
      }
      if (items.length < STATS_PAGE) break;
    }
    const amount: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(cents))
      amount[k] = num(formatDecimal({ units: v, scale: 2 }));
    return success(reply, { count, amount });
  });
}

/**
 * POST /v2/merchant/wallet/balance/all. Kassa holds no funds: the "balance" is
 * what its invoices received into the merchant's own wallets, per currency
 * (confirmed only). A test-mode project shows its simulated payments instead.
 */
import type { FastifyInstance } from 'fastify';
import { listInvoices } from '../../app/invoices.js';
import { payableCurrencies } from '../../app/quotes.js';
import { CRYPTO_CURRENCIES, cryptoCurrency } from '../../domain/currencies.js';
import { formatUnits } from '../../domain/money.js';
import { formatContext, success, type RouteDeps } from './context.js';
import { ccWalletCurrency, num } from './format.js';

const PAGE = 500;

export function balanceRoutes(app: FastifyInstance, deps: RouteDeps): void {
  const { ctx } = deps;
  app.post('/v2/merchant/wallet/balance/all', async (req, reply) => {
    const projects = await ctx.store.projects.list(req.ccAccountId);
    const modes = new Map(projects.map((p) => [p.id, p.testMode]));
    const enabled = new Set(
      projects.flatMap((p) =>
        payableCurrencies(ctx, p, { availableCurrencies: null, testMode: p.testMode }),
      ),
    );
    const totals = new Map<string, bigint>();
    for (let offset = 0; ; offset += PAGE) {
      const { items } = await listInvoices(ctx, {
        accountId: req.ccAccountId,
        limit: PAGE,
        offset,
      });
      for (const v of items) {
        if (!v.quote || modes.get(v.shop_id) !== v.test_mode) continue;
        totals.set(
          v.quote.currency,
          (totals.get(v.quote.currency) ?? 0n) + BigInt(v.received_units),
        );
      }
      if (items.length < PAGE) break;
    }
    const f = formatContext(ctx);
    const result = [];
    for (const c of [...CRYPTO_CURRENCIES].sort((a, b) => a.order - b.order)) {
      const units = totals.get(c.code) ?? 0n;
      const crypto = num(formatUnits(units, c.decimals));
      const usd = (await f.usd.crypto(units, cryptoCurrency(c.code)!)) ?? num('0');
      result.push({
        currency: ccWalletCurrency(ctx.settings.publicUrl, c, enabled.has(c.code)),
        balance_crypto: crypto,
        balance_usd: usd,
        available_balance: crypto,
        available_balance_usd: usd,
      });
    }
    return success(reply, result);
  });
}

/** POST /v2/invoice/static/create: a permanent address for one customer (`identify`) and currency. */
import type { FastifyInstance } from 'fastify';
import { cryptoCurrency } from '../../domain/currencies.js';
import { bodyOf, success, type RouteDeps } from './context.js';
import { ccInvalid } from './errors.js';
import { ccWalletCurrency } from './format.js';
import { parseStatic } from './schemas.js';

export function staticRoutes(app: FastifyInstance, deps: RouteDeps): void {
  app.post('/v2/invoice/static/create', async (req, reply) => {
    const r = parseStatic(bodyOf(req));
    if (!deps.staticWallets)
      throw ccInvalid('currency', 'static wallets are not enabled on this gateway');
    const w = await deps.staticWallets.open(req.ccAccountId, r.shopId, r.currency, r.identify);
    return success(reply, {
      currency: ccWalletCurrency(deps.ctx.settings.publicUrl, cryptoCurrency(w.currency)!, true),
      address: w.address,
      uuid: w.id,
      identify: w.identify,
    });
  });
}

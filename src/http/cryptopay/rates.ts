/**
 * Cryptopay's public rates from Kassa's rate provider: `/api/rates` (every
 * pair Kassa can price, keyed "BTCEUR" and "BTC/EUR") and one pair. Kassa quotes
 * one rate per pair, so buy_rate and sell_rate are the same exact decimal.
 */
import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../app/context.js';
import { CRYPTO_CURRENCIES, FIAT_CURRENCIES } from '../../domain/currencies.js';
import { KassaError } from '../../domain/errors.js';
import { cpNotFound } from './errors.js';

/** One Kassa currency per ticker (the catalog's first), as Cryptopay names coins without networks. */
function baseCode(symbol: string): string | undefined {
  const s = symbol.toUpperCase();
  return CRYPTO_CURRENCIES.find((c) => c.code === s || c.symbol === s)?.code;
}

async function rateOf(ctx: AppContext, base: string, quote: string) {
  const code = baseCode(base);
  const q = quote.toUpperCase();
  const quoteCode = baseCode(q) ?? (FIAT_CURRENCIES.some((f) => f.code === q) ? q : undefined);
  if (!code || !quoteCode || code === quoteCode) return null;
  try {
    const r = await ctx.rates.rate(code, quoteCode);
    return { buy_rate: r.rate, sell_rate: r.rate };
  } catch (e) {
    if (e instanceof KassaError) return null;
    throw e;
  }
}

export function rateRoutes(app: FastifyInstance, ctx: AppContext): void {
  app.get('/api/rates', async () => {
    const data: Record<string, { buy_rate: string; sell_rate: string }> = {};
    const symbols = [...new Set(CRYPTO_CURRENCIES.map((c) => c.symbol))];
    for (const base of symbols) {
      for (const quote of FIAT_CURRENCIES.map((f) => f.code)) {
        const r = await rateOf(ctx, base, quote);
        if (!r) continue;
        data[`${base}${quote}`] = r;
        data[`${base}/${quote}`] = r;
      }
    }
    return { data };
  });

  app.get<{ Params: { base: string; quote: string } }>('/api/rates/:base/:quote', async (req) => {
    const r = await rateOf(ctx, req.params.base, req.params.quote);
    if (!r) throw cpNotFound();
    return { data: r };
  });

  // "BTCEUR" or "BTC-EUR": the ticker is the longest known prefix.
  app.get<{ Params: { pair: string } }>('/api/rates/:pair', async (req) => {
    const pair = req.params.pair.toUpperCase().replace(/[-_/]/, ' ');
    const [a, b] = pair.includes(' ')
      ? pair.split(' ')
      : (() => {
          const sym = [...new Set(CRYPTO_CURRENCIES.map((c) => c.symbol))]
            .sort((x, y) => y.length - x.length)
            .find((s) => pair.startsWith(s));
          return sym ? [sym, pair.slice(sym.length)] : [pair, ''];
        })();
    const r = a && b ? await rateOf(ctx, a, b) : null;
    if (!r) throw cpNotFound();
    return { data: r };
  });
}

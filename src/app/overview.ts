/** The dashboard's overview figures, summed exactly (decimal strings, never floats). */
import { formatDecimal, parseDecimal, type Decimal } from '../domain/money.js';
import type { AppContext } from './context.js';
import type { DashboardQueries, FailedDelivery, InvoiceRow } from './ports/dashboard.js';

const DAY_MS = 24 * 3600_000;
export const CHART_DAYS = 30;

export interface Overview {
  /** Per price currency: paid volume of invoices created today, in 7 and in 30 days. */
  readonly volume: readonly { currency: string; today: string; week: string; month: string }[];
  /** Per day (oldest first, UTC), per currency: the paid volume, exact. */
  readonly daily: readonly { day: string; amounts: Readonly<Record<string, string>> }[];
  readonly counts: Readonly<Record<string, number>>;
  readonly unresolved: readonly InvoiceRow[];
  readonly failedDeliveries: readonly FailedDelivery[];
}

function add(a: Decimal, b: Decimal): Decimal {
  const scale = Math.max(a.scale, b.scale);
  const up = (d: Decimal) => d.units * 10n ** BigInt(scale - d.scale);
  return { units: up(a) + up(b), scale };
}

const ZERO: Decimal = { units: 0n, scale: 0 };

export async function overview(
  ctx: AppContext,
  queries: DashboardQueries,
  accountId: string,
): Promise<Overview> {
  const now = ctx.clock.now();
  const today = Math.floor(now / DAY_MS) * DAY_MS;
  const since = today - (CHART_DAYS - 1) * DAY_MS;
  const paid = await queries.paidSince(accountId, since);

  const sums = new Map<string, { today: Decimal; week: Decimal; month: Decimal }>();
  const days = Array.from({ length: CHART_DAYS }, () => new Map<string, Decimal>());
  for (const p of paid) {
    const amount = parseDecimal(p.amount);
    const s = sums.get(p.currency) ?? { today: ZERO, week: ZERO, month: ZERO };
    s.month = add(s.month, amount);
    if (p.createdAt >= today - 6 * DAY_MS) s.week = add(s.week, amount);
    if (p.createdAt >= today) s.today = add(s.today, amount);
    sums.set(p.currency, s);
    const day = days[Math.floor((p.createdAt - since) / DAY_MS)];
    day?.set(p.currency, add(day.get(p.currency) ?? ZERO, amount));
  }
  const [counts, unresolved, failedDeliveries] = await Promise.all([
    queries.countsByStatus(accountId),
    queries.unresolved(accountId, 20),
    queries.failedDeliveries(accountId, 20),
  ]);
  return {
    volume: [...sums]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([currency, s]) => ({
        currency,
        today: formatDecimal(s.today),
        week: formatDecimal(s.week),
        month: formatDecimal(s.month),
      })),
    daily: days.map((m, i) => ({
      day: new Date(since + i * DAY_MS).toISOString().slice(0, 10),
      amounts: Object.fromEntries([...m].map(([c, d]) => [c, formatDecimal(d)])),
    })),
    counts,
    unresolved,
    failedDeliveries,
  };
}

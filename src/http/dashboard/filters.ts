/** The invoice list's filters, read from the query string and validated once. */
import type { InvoiceListFilter } from '../../app/ports/dashboard.js';
import { invalid } from '../../domain/errors.js';
import { INVOICE_STATUSES } from '../../domain/invoice-status.js';
import type { Query } from './router.js';

export const CONTEXTS = ['underpaid', 'overpaid', 'paid_late', 'unconfirmed'] as const;
const DAY_MS = 24 * 3600_000;

export interface ListQuery {
  readonly status: string;
  readonly context: string;
  readonly project: string;
  readonly currency: string;
  readonly from: string;
  readonly to: string;
  readonly q: string;
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;

function day(value: string, name: string): number | undefined {
  if (!value) return undefined;
  const ms = DATE.test(value) ? Date.parse(`${value}T00:00:00Z`) : NaN;
  if (Number.isNaN(ms)) throw invalid(name, `${name} must be a date (YYYY-MM-DD)`);
  return ms;
}

export function readListQuery(q: Query): ListQuery {
  const s = (name: string) => (q[name] ?? '').trim();
  const lq: ListQuery = {
    status: s('status'),
    context: s('context'),
    project: s('project'),
    currency: s('currency').toUpperCase(),
    from: s('from'),
    to: s('to'),
    q: s('q'),
  };
  if (lq.status && !(INVOICE_STATUSES as readonly string[]).includes(lq.status))
    throw invalid('status', 'status is not a known invoice status');
  if (lq.context && !(CONTEXTS as readonly string[]).includes(lq.context))
    throw invalid('context', 'context is not a known context');
  if (lq.project.length > 64) throw invalid('project', 'project is too long');
  if (lq.currency && !/^[A-Z0-9_]{2,20}$/.test(lq.currency))
    throw invalid('currency', 'currency must be a currency code');
  if (lq.q.length > 200) throw invalid('q', 'search is too long');
  day(lq.from, 'from');
  day(lq.to, 'to');
  return lq;
}

export function toFilter(
  accountId: string,
  lq: ListQuery,
  limit: number,
  before?: { createdAt: number; id: string },
): InvoiceListFilter {
  const from = day(lq.from, 'from');
  const to = day(lq.to, 'to');
  return {
    accountId,
    limit,
    ...(lq.status ? { statuses: [lq.status] } : {}),
    ...(lq.context ? { context: lq.context } : {}),
    ...(lq.project ? { projectId: lq.project } : {}),
    ...(lq.currency ? { currency: lq.currency } : {}),
    ...(from !== undefined ? { createdFrom: from } : {}),
    // "Created before" a date includes that whole day.
    ...(to !== undefined ? { createdTo: to + DAY_MS } : {}),
    ...(lq.q ? { search: lq.q } : {}),
    ...(before ? { before } : {}),
  };
}

export function readCursor(
  value: string | undefined,
): { createdAt: number; id: string } | undefined {
  if (!value) return undefined;
  const m = /^(\d{1,15})\.([A-Za-z0-9_]{1,80})$/.exec(value);
  if (!m) throw invalid('after', 'after is not a page cursor');
  return { createdAt: Number(m[1]), id: m[2]! };
}

export function queryString(lq: ListQuery, extra: Record<string, string> = {}): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries({ ...lq, ...extra })) if (v) params.set(k, v);
  const s = params.toString();
  return s ? `?${s}` : '';
}

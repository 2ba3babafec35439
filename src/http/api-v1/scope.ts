/**
 * API key scopes on the native API. A read-only key may only read; a key
 * limited to one project sees only that project's resources (others answer
 * 404, as another account's do). Every merchant route must say here how its
 * project is found: a route missing from the table fails at startup, so a new
 * route cannot silently skip the check.
 */
import type { FastifyReply, FastifyRequest, RouteOptions } from 'fastify';
import type { AppContext } from '../../app/context.js';
import { findInvoice } from '../../app/invoices.js';
import type { ApiKeyRecord } from '../../app/ports/store.js';
import { KassaError } from '../../domain/errors.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The API key's scope, set by the bearer auth hook. */
    apiKey?: Pick<ApiKeyRecord, 'id' | 'access' | 'projectId'>;
  }
}

/** How a route's project is found, for keys limited to one project. */
export type ProjectOf =
  /** A path parameter names the project. */
  | { readonly param: string }
  /** A body field names the project. */
  | { readonly body: string }
  /** A path parameter names an invoice. */
  | { readonly invoice: string }
  /** A path parameter names a callback delivery. */
  | { readonly delivery: string }
  /** A list whose `shop_id` query filter is forced to the key's project. */
  | { readonly listFilter: string }
  /** The handler itself narrows its answer to `req.apiKey.projectId`. */
  | 'handler-filters'
  /** Spans the whole account: refused to a project-limited key. */
  | 'account';

export const PROJECT_OF: Readonly<Record<string, ProjectOf>> = {
  'POST /api/v1/invoices': { body: 'shop_id' },
  'GET /api/v1/invoices': { listFilter: 'shop_id' },
  'GET /api/v1/invoices/:id': { invoice: 'id' },
  'POST /api/v1/invoices/:id/cancel': { invoice: 'id' },
  'POST /api/v1/invoices/:id/complete': { invoice: 'id' },
  'POST /api/v1/invoices/:id/refunds': { invoice: 'id' },
  'GET /api/v1/invoices/:id/refunds': { invoice: 'id' },
  'POST /api/v1/invoices/:id/quote': { invoice: 'id' },
  'GET /api/v1/invoices/:id/events': { invoice: 'id' },
  'GET /api/v1/invoices/:id/payments': { invoice: 'id' },
  'POST /api/v1/invoices/:id/test-payments': { invoice: 'id' },
  'POST /api/v1/invoices/:id/test-payments/:paymentId/confirm': { invoice: 'id' },
  'GET /api/v1/invoices/:id/deliveries': { invoice: 'id' },
  'GET /api/v1/projects': 'handler-filters',
  'GET /api/v1/projects/:shopId': { param: 'shopId' },
  'PATCH /api/v1/projects/:shopId': { param: 'shopId' },
  'POST /api/v1/projects/:shopId/webhook-endpoints': { param: 'shopId' },
  'GET /api/v1/projects/:shopId/webhook-endpoints': { param: 'shopId' },
  'PATCH /api/v1/projects/:shopId/webhook-endpoints/:endpointId': { param: 'shopId' },
  'POST /api/v1/projects/:shopId/webhook-endpoints/:endpointId/rotate-secret': {
    param: 'shopId',
  },
  'POST /api/v1/projects/:shopId/webhook-endpoints/:endpointId/test': { param: 'shopId' },
  'GET /api/v1/projects/:shopId/webhook-endpoints/:endpointId/deliveries': { param: 'shopId' },
  'GET /api/v1/deliveries/:id': { delivery: 'id' },
  'POST /api/v1/deliveries/:id/redeliver': { delivery: 'id' },
  'GET /api/v1/collections': 'account',
  'GET /api/v1/collections/unexpected': 'account',
  'POST /api/v1/collections/transaction': 'account',
};

const routeKey = (method: string, url: string) => `${method} ${url}`;

/** onRoute hook of the merchant scope: an undeclared route is a startup error. */
export function requireProjectRule(route: RouteOptions): void {
  const methods = Array.isArray(route.method) ? route.method : [route.method];
  for (const m of methods) {
    if (m === 'HEAD' || m === 'OPTIONS') continue;
    if (!(routeKey(m, route.url) in PROJECT_OF))
      throw new Error(`API route ${m} ${route.url} declares no API key project rule`);
  }
}

const READ_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export function forbidden(reply: FastifyReply, message: string) {
  return reply.status(403).send({ error: { code: 'forbidden', message, field: 'Authorization' } });
}

/** Read-only keys: refused before anything runs on a method that changes state. */
export function readOnlyRefusal(req: FastifyRequest): string | null {
  if (req.apiKey?.access === 'read' && !READ_METHODS.has(req.method))
    return 'this API key is read-only; use a key with full access to change anything';
  return null;
}

export interface ScopeDeps {
  readonly ctx: AppContext;
  /** The project of a delivery of this account, or null when there is none. */
  readonly deliveryProject?: (accountId: string, deliveryId: string) => Promise<string | null>;
}

/** preValidation: params and body are parsed (not yet validated) by now. */
export function projectScopeHook(deps: ScopeDeps) {
  return async (req: FastifyRequest, reply: FastifyReply) => {
    const only = req.apiKey?.projectId ?? null;
    if (only === null) return;
    const rule =
      PROJECT_OF[routeKey(req.method === 'HEAD' ? 'GET' : req.method, req.routeOptions.url ?? '')];
    if (rule === undefined || rule === 'account')
      return forbidden(
        reply,
        `this API key is limited to project ${only}; this route spans the whole account`,
      );
    if (rule === 'handler-filters') return;
    const params = (req.params ?? {}) as Record<string, string | undefined>;
    if ('param' in rule) {
      if (params[rule.param] !== only) throw new KassaError('not_found', 'project not found');
      return;
    }
    if ('body' in rule) {
      const body = (req.body ?? {}) as Record<string, unknown>;
      if (body[rule.body] !== only)
        throw new KassaError(
          'not_found',
          `project not found; this API key is limited to project ${only}`,
          rule.body,
        );
      return;
    }
    if ('listFilter' in rule) {
      const query = req.query as Record<string, string | undefined>;
      if (query[rule.listFilter] === undefined) query[rule.listFilter] = only;
      else if (query[rule.listFilter] !== only)
        throw new KassaError('not_found', 'project not found', rule.listFilter);
      return;
    }
    if ('invoice' in rule) {
      const inv = await findInvoice(deps.ctx, req.accountId, params[rule.invoice] ?? '');
      if (inv.projectId !== only) throw new KassaError('not_found', 'invoice not found');
      return;
    }
    const project = deps.deliveryProject
      ? await deps.deliveryProject(req.accountId, params[rule.delivery] ?? '')
      : null;
    if (project !== only) throw new KassaError('not_found', 'delivery not found');
  };
}

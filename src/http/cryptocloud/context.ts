/** What every CryptoCloud route gets: the app, optional services and response helpers. */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../../app/context.js';
import type { InvoiceMailScheduler } from '../../app/invoice-mail.js';
import type { StaticWallets } from '../../app/static-wallets.js';
import type { Project } from '../../domain/project.js';
import { stringifyExact } from '../../domain/exact-json.js';
import { UsdPricer, type FormatContext } from './format.js';
import { asBody, type Body } from './schemas.js';

export interface CryptoCloudServices {
  /** Static wallets; without them `static/create` answers that the feature is off. */
  readonly staticWallets?: StaticWallets;
  /** E-mail sending for `email_to_send`; without it such invoices are refused. */
  readonly mail?: InvoiceMailScheduler;
}

export interface RouteDeps extends CryptoCloudServices {
  readonly ctx: AppContext;
}

export function bodyOf(req: FastifyRequest): Body {
  return asBody(req.body);
}

/** `{"status":"success","result":...}` with amounts written as exact JSON numbers. */
export function success(reply: FastifyReply, result: unknown, extra: Record<string, unknown> = {}) {
  return reply
    .type('application/json; charset=utf-8')
    .send(stringifyExact({ status: 'success', result, ...extra }));
}

export function formatContext(ctx: AppContext): FormatContext {
  const projects = new Map<string, Promise<Project | undefined>>();
  return {
    ctx,
    usd: new UsdPricer(ctx),
    project: (id) => {
      let p = projects.get(id);
      if (!p) projects.set(id, (p = ctx.store.projects.get(id)));
      return p;
    },
  };
}

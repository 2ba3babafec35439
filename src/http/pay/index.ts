/**
 * The hosted payment page (/pay/{id}): server-rendered HTML that works without
 * JavaScript, live status over server-sent events, test-mode simulations.
 * Everything is registered inside one encapsulated plugin with its own rate
 * limits and error pages, so nothing here leaks into the other faces.
 */
import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../../app/context.js';
import { chooseCurrency } from '../../app/invoices.js';
import { requestRefund } from '../../app/decisions.js';
import { KassaError } from '../../domain/errors.js';
import { assetAt } from '../assets/index.js';
import { toErrorBody } from '../errors.js';
import type { Face, FaceDeps } from '../face.js';
import { isPageLocale, pickLocale, translator } from './i18n.js';
import { DEFAULT_LIVE, LiveStreams, type LiveOptions } from './live.js';
import { loadPage, publicInvoice, type PageData } from './page-data.js';
import { customerMessage, localeOf, renderPage } from './render.js';
import { contentSecurityPolicy, isSameOrigin, STRICT_HEADERS } from './security.js';
import type { FormError } from './templates/context.js';
import { messagePage } from './templates/layout.js';
import { isTestPaymentKind, simulatePayment } from './test-payments.js';

/** Requests per minute and client address. */
export interface PayLimits {
  readonly page: number;
  readonly status: number;
  readonly events: number;
  readonly forms: number;
  readonly assets: number;
}

export const DEFAULT_LIMITS: PayLimits = {
  page: 120,
  status: 120,
  events: 30,
  forms: 30,
  assets: 600,
};

export interface PayPageOptions {
  readonly limits?: Partial<PayLimits>;
  readonly live?: Partial<LiveOptions>;
}

type IdParams = { Params: { id: string }; Querystring: { locale?: unknown } };
type FormPost = IdParams & { Body: Record<string, unknown> | undefined };

const perMinute = (max: number) => ({ rateLimit: { max, timeWindow: 60_000 } });

function wantsJson(req: FastifyRequest): boolean {
  return (
    req.url.includes('.json') ||
    req.url.includes('/events') ||
    /json/.test(req.headers.accept ?? '')
  );
}

function field(body: FormPost['Body'], name: string): string | undefined {
  const v = body?.[name];
  return typeof v === 'string' ? v.trim() : undefined;
}

function backTo(id: string, queryLocale: unknown): string {
  return `/pay/${id}${isPageLocale(queryLocale) ? `?locale=${queryLocale}` : ''}`;
}

async function sendPage(reply: FastifyReply, page: PageData, html: string, status = 200) {
  return reply
    .status(status)
    .header('content-security-policy', contentSecurityPolicy(page.shop.logoUrl))
    .header('cache-control', 'no-store')
    .type('text/html; charset=utf-8')
    .send(html);
}

/**
 * A form that failed shows the same page again with the reason in the
 * customer's language (no redirect, so what they typed stays).
 */
async function formFailed(
  ctx: AppContext,
  req: FastifyRequest<FormPost>,
  reply: FastifyReply,
  err: unknown,
  form: FormError['form'],
  value?: string,
) {
  if (!(err instanceof KassaError) || err.code === 'not_found') throw err;
  const { status } = toErrorBody(err);
  const page = await loadPage(ctx, req.params.id);
  const message = customerMessage(err, translator(localeOf(page, req.query.locale)), page);
  if (wantsJson(req)) return reply.status(status).send({ error: { code: err.code, message } });
  const html = await renderPage(page, {
    queryLocale: req.query.locale,
    error: { form, message, ...(value !== undefined ? { value } : {}) },
  });
  return sendPage(reply, page, html, status);
}

function done(req: FastifyRequest<FormPost>, reply: FastifyReply) {
  if (wantsJson(req)) return reply.status(200).send({ ok: true });
  return reply.redirect(backTo(req.params.id, req.query.locale), 303);
}

export function payPage(options: PayPageOptions = {}): Face {
  const limits = { ...DEFAULT_LIMITS, ...options.limits };
  return async (app: FastifyInstance, { ctx, changes, config }: FaceDeps) => {
    await app.register(async (scope) => {
      await scope.register(rateLimit, { global: false });
      const live = new LiveStreams(ctx, changes, {
        ...DEFAULT_LIVE,
        maxStreams: config.LIVE_STREAMS_MAX,
        ...options.live,
      });
      scope.addHook('preClose', async () => live.closeAll());
      scope.addHook('onSend', async (_req, reply, payload) => {
        for (const [k, v] of Object.entries(STRICT_HEADERS)) reply.header(k, v);
        if (!reply.hasHeader('content-security-policy')) {
          reply.header('content-security-policy', contentSecurityPolicy());
        }
        return payload;
      });
      scope.addHook('preHandler', async (req, reply) => {
        if (req.method === 'POST' && !isSameOrigin(req.headers.origin, req.headers.host)) {
          return reply
            .status(403)
            .send({ error: { code: 'forbidden', message: 'cross-site form post' } });
        }
      });

      scope.setErrorHandler(async (err, req, reply) => {
        const { status, body } = toErrorBody(err);
        if (status >= 500) req.log.error({ err }, 'payment page failed');
        const locale = pickLocale(
          (req.query as { locale?: unknown } | undefined)?.locale,
          undefined,
        );
        if (wantsJson(req)) {
          return reply.status(status).send({
            error: status >= 500 ? { code: 'internal', message: 'internal error' } : body,
          });
        }
        const title =
          status === 404 ? 'not_found_title' : status === 429 ? 'too_many_title' : 'error_title';
        return reply
          .status(status)
          .type('text/html; charset=utf-8')
          .header('cache-control', 'no-store')
          .send(messagePage(locale, title));
      });

      scope.get('/assets/*', { config: perMinute(limits.assets) }, async (req, reply) => {
        const asset = assetAt(req.url.split('?')[0]!);
        if (!asset) throw new KassaError('not_found', 'no such file');
        return reply
          .type(asset.type)
          .header('cache-control', 'public, max-age=31536000, immutable')
          .send(asset.body);
      });

      scope.get<IdParams>('/pay/:id', { config: perMinute(limits.page) }, async (req, reply) => {
        const page = await loadPage(ctx, req.params.id);
        return sendPage(reply, page, await renderPage(page, { queryLocale: req.query.locale }));
      });

      scope.get<IdParams>(
        '/pay/:id/status.json',
        { config: perMinute(limits.status) },
        async (req, reply) =>
          reply.header('cache-control', 'no-store').send(await live.status(req.params.id)),
      );

      scope.get<IdParams>(
        '/pay/:id/events',
        { config: perMinute(limits.events) },
        async (req, reply) => live.stream(req, reply, req.params.id),
      );

      scope.post<FormPost>(
        '/pay/:id/currency',
        { config: perMinute(limits.forms) },
        async (req, reply) => {
          const invoice = await publicInvoice(ctx, req.params.id);
          const currency = field(req.body, 'currency');
          try {
            if (!currency)
              throw new KassaError('invalid_request', 'currency is required', 'currency');
            await chooseCurrency(ctx, invoice, currency);
          } catch (err) {
            return formFailed(ctx, req, reply, err, 'currency');
          }
          return done(req, reply);
        },
      );

      scope.post<FormPost>(
        '/pay/:id/refund',
        { config: perMinute(limits.forms) },
        async (req, reply) => {
          const invoice = await publicInvoice(ctx, req.params.id);
          const address = field(req.body, 'address') ?? '';
          try {
            if (!address || address.length > 200)
              throw new KassaError('invalid_request', 'address is required', 'address');
            await requestRefund(ctx, invoice, address);
          } catch (err) {
            return formFailed(ctx, req, reply, err, 'refund', address.slice(0, 200));
          }
          return done(req, reply);
        },
      );

      scope.post<FormPost>(
        '/pay/:id/test-payment',
        { config: perMinute(limits.forms) },
        async (req, reply) => {
          const invoice = await publicInvoice(ctx, req.params.id);
          // Not even the existence of the simulator is shown for real invoices.
          if (!invoice.testMode || !ctx.settings.testMode)
            throw new KassaError('not_found', 'not found');
          const kind = field(req.body, 'kind');
          try {
            if (!isTestPaymentKind(kind))
              throw new KassaError('invalid_request', 'unknown simulation', 'kind');
            await simulatePayment(ctx, invoice, kind);
          } catch (err) {
            return formFailed(ctx, req, reply, err, 'test');
          }
          return done(req, reply);
        },
      );
    });
  };
}

/** The payment page with its default limits, as the runtime registers it. */
export const payFace: Face = payPage();

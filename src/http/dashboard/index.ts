/**
 * The merchant dashboard (/dashboard): server-rendered pages that work
 * without JavaScript, a small script for live updates, sessions stored on the
 * server, CSRF checks on every state change and a role check on every route.
 */
import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { resolveSession } from '../../app/sessions.js';
import { can } from '../../domain/roles.js';
import { toErrorBody } from '../errors.js';
import { html } from '../pay/html.js';
import type { Face, FaceDeps } from '../face.js';
import type { DashboardDeps, DashContext } from './context.js';
import { cookieName, isSecure, readCookie, setCookie } from './cookies.js';
import { dashTranslator, isDashLocale, pickDashLocale, type Translate } from './i18n.js';
import { page } from './layout.js';
import { accountPages } from './pages/account.js';
import { auditPages } from './pages/audit.js';
import { invoiceDetailPages } from './pages/invoice.js';
import { invoiceListPages } from './pages/invoices.js';
import { overviewPage } from './pages/overview.js';
import { signInPages } from './pages/sign-in.js';
import { userPages } from './pages/users.js';
import { apiKeyPages } from './pages/api-keys.js';
import { projectPages } from './pages/projects.js';
import { walletPages } from './pages/wallets.js';
import { webhookPages } from './pages/webhooks.js';
import { dashRouter, requireDeclaredAccess, type Query, type Visitor } from './router.js';
import { DASHBOARD_HEADERS, fromThisSite, sameToken } from './security.js';
import { LiveFeed } from './live.js';

export interface DashboardLimits {
  /** Sign-in attempts per minute and client address (users are also locked after 5 failures). */
  readonly signIn: number;
  /** Other form posts per minute and client address. */
  readonly forms: number;
}

export const DEFAULT_DASHBOARD_LIMITS: DashboardLimits = { signIn: 10, forms: 120 };

export const SESSION_COOKIE = 'kassa_session';
const LOCALE_COOKIE = 'kassa_locale';

export function errorPage(
  reply: FastifyReply,
  status: number,
  t: Translate,
  locale: 'en' | 'ru',
  title: 'forbidden_title' | 'not_found_title' | 'error_title',
  text: string,
) {
  return reply
    .status(status)
    .type('text/html; charset=utf-8')
    .send(
      page(
        { t, locale, path: '', user: null, csrf: null },
        t(title),
        // Plain text only: the message is escaped by the template.
        htmlText(text),
      ),
    );
}

const htmlText = (text: string) =>
  html`<p>${text}</p>
    <p><a href="/dashboard">${'Kassa'}</a></p>`;

export function dashboard(deps: DashboardDeps, limits: Partial<DashboardLimits> = {}): Face {
  return async (app: FastifyInstance, face: FaceDeps) => {
    const lim = {
      ...DEFAULT_DASHBOARD_LIMITS,
      signIn: face.config.DASHBOARD_SIGN_INS_PER_MINUTE,
      ...limits,
    };
    const publicUrl = face.config.PUBLIC_URL;
    const secure = (req: FastifyRequest) => isSecure(req, face.ctx.settings.publicUrl || publicUrl);
    const dc: DashContext = {
      ...face,
      ...deps,
      secure,
      sessionCookie: (req) => cookieName(SESSION_COOKIE, secure(req)),
    };
    const accessDeps = { access: deps.access, clock: face.ctx.clock };

    await app.register(async (scope) => {
      await scope.register(rateLimit, { global: false });
      const live = new LiveFeed(face.ctx, face.changes, (id) => deps.queries.deliveryAccount(id));
      scope.addHook('preClose', async () => live.closeAll());

      scope.addHook('onRoute', requireDeclaredAccess);

      scope.addHook('onSend', async (_req, reply, payload) => {
        for (const [k, v] of Object.entries(DASHBOARD_HEADERS)) reply.header(k, v);
        return payload;
      });

      scope.addHook('preHandler', async (req, reply) => {
        const access = req.routeOptions.config.dashboardAccess;
        if (!access) return;
        const query = (req.query ?? {}) as Query;
        const locale = pickDashLocale(
          query.locale,
          readCookie(req, LOCALE_COOKIE),
          req.headers['accept-language'],
        );
        if (isDashLocale(query.locale))
          setCookie(reply, LOCALE_COOKIE, locale, { secure: secure(req), maxAgeSeconds: 31536000 });
        const t = dashTranslator(locale);
        const token = readCookie(req, dc.sessionCookie(req)) ?? null;
        const found = token ? await resolveSession(accessDeps, token) : null;
        const visitor: Visitor = {
          locale,
          t,
          ip: req.ip ?? null,
          user: found?.user ?? null,
          session: found?.session ?? null,
          token: found ? token : null,
        };
        req.dashVisitor = visitor;
        const isPost = req.method === 'POST';
        if (isPost && !fromThisSite(req, face.ctx.settings.publicUrl || publicUrl))
          return errorPage(reply, 403, t, locale, 'forbidden_title', 'cross-site request refused');
        if (access === 'public') return;
        if (!found) {
          if (isPost) return reply.redirect('/dashboard/sign-in', 303);
          const next = encodeURIComponent(req.url);
          return reply.redirect(`/dashboard/sign-in?next=${next}`, 303);
        }
        if (!can(found.user.role, access))
          return errorPage(reply, 403, t, locale, 'forbidden_title', t('forbidden_text'));
        if (isPost) {
          const body = req.body as Record<string, unknown> | undefined;
          const given = body?._csrf ?? req.headers['x-csrf-token'];
          if (!sameToken(given, found.session.csrfToken))
            return errorPage(
              reply,
              403,
              t,
              locale,
              'forbidden_title',
              'missing or stale form token; reload the page',
            );
        }
      });

      scope.setErrorHandler(async (err, req, reply) => {
        const { status, body } = toErrorBody(err);
        const v = req.dashVisitor;
        const t = v?.t ?? dashTranslator('en');
        const locale = v?.locale ?? 'en';
        if (status >= 500) req.log.error({ err }, 'dashboard request failed');
        if (status === 429) return errorPage(reply, 429, t, locale, 'error_title', t('too_many'));
        if (status === 404)
          return errorPage(reply, 404, t, locale, 'not_found_title', body.message);
        if (status >= 500)
          return errorPage(reply, status, t, locale, 'error_title', t('error_text'));
        return errorPage(reply, status, t, locale, 'error_title', body.message);
      });

      const r = dashRouter(scope, lim.forms);
      const signInRouter = dashRouter(scope, lim.signIn);
      signInPages(signInRouter, dc);
      overviewPage(r, dc);
      invoiceListPages(r, dc, live);
      invoiceDetailPages(r, dc);
      accountPages(r, dc);
      userPages(r, dc);
      auditPages(r, dc);
      walletPages(r, dc);
      webhookPages(r, dc);
      projectPages(r, dc);
      apiKeyPages(r, dc);
    });
  };
}

/** The dashboard as the runtime registers it. */
export const dashboardFace = (deps: DashboardDeps): Face => dashboard(deps);

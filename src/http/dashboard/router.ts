/**
 * Dashboard routes declare their permission where they are registered; one
 * hook checks it for every request (session, role, CSRF) before the handler
 * runs. A route without a declared permission cannot be registered.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest, RouteOptions } from 'fastify';
import type { Actor } from '../../app/audit.js';
import type { SessionRecord, User } from '../../app/ports/access.js';
import type { Permission } from '../../domain/roles.js';
import type { DashLocale, Translate } from './i18n.js';
import type { PageContext } from './layout.js';

export type Access = Permission | 'public';

export interface Visitor {
  readonly locale: DashLocale;
  readonly t: Translate;
  readonly ip: string | null;
  readonly user: User | null;
  readonly session: SessionRecord | null;
  /** The session's token from the cookie, to sign out. */
  readonly token: string | null;
}

export interface SignedIn extends Visitor {
  readonly user: User;
  readonly session: SessionRecord;
  readonly token: string;
  readonly actor: Actor;
  readonly page: PageContext;
}

export type Body = Record<string, unknown> | undefined;
export type Query = Record<string, string | undefined>;
export type Params = Record<string, string>;
export type DashRequest = FastifyRequest<{ Body: Body; Querystring: Query; Params: Params }>;

export type Handler<V> = (req: DashRequest, reply: FastifyReply, v: V) => Promise<unknown>;

export interface DashRouter {
  get(url: string, access: Permission, handler: Handler<SignedIn>): void;
  post(url: string, access: Permission, handler: Handler<SignedIn>): void;
  publicGet(url: string, handler: Handler<Visitor>): void;
  publicPost(url: string, handler: Handler<Visitor>): void;
}

declare module 'fastify' {
  interface FastifyContextConfig {
    dashboardAccess?: Access;
  }
  interface FastifyRequest {
    dashVisitor?: Visitor;
  }
}

export function signedIn(v: Visitor, path: string): SignedIn {
  const { user, session, token } = v;
  if (!user || !session || !token) throw new Error('route reached without a session');
  return {
    ...v,
    user,
    session,
    token,
    actor: { accountId: user.accountId, userId: user.id, name: user.email, ip: v.ip },
    page: { t: v.t, locale: v.locale, path, user, csrf: session.csrfToken },
  };
}

export function dashRouter(scope: FastifyInstance, limitPost: number): DashRouter {
  const run =
    <V>(toV: (v: Visitor, path: string) => V, handler: Handler<V>) =>
    async (req: FastifyRequest, reply: FastifyReply) => {
      const visitor = req.dashVisitor;
      if (!visitor) throw new Error('dashboard hook did not run');
      const r = req as DashRequest;
      return handler(r, reply, toV(visitor, req.url.split('?')[0]!));
    };
  const cfg = (access: Access, post: boolean) => ({
    config: {
      dashboardAccess: access,
      ...(post ? { rateLimit: { max: limitPost, timeWindow: 60_000 } } : {}),
    },
  });
  return {
    get: (url, access, h) => scope.get(url, cfg(access, false), run(signedIn, h)),
    post: (url, access, h) => scope.post(url, cfg(access, true), run(signedIn, h)),
    publicGet: (url, h) =>
      scope.get(
        url,
        cfg('public', false),
        run((v) => v, h),
      ),
    publicPost: (url, h) =>
      scope.post(
        url,
        cfg('public', true),
        run((v) => v, h),
      ),
  };
}

/** Every dashboard route and its permission, as registered (the role × route tests read it). */
export const DASHBOARD_ROUTES = new Map<string, { method: string; url: string; access: Access }>();

/** onRoute hook of the dashboard scope: a route without a declared permission is a startup error. */
export function requireDeclaredAccess(route: RouteOptions): void {
  const access = route.config?.dashboardAccess;
  if (!access)
    throw new Error(`dashboard route ${String(route.method)} ${route.url} declares no permission`);
  for (const method of [route.method].flat())
    if (method !== 'HEAD')
      DASHBOARD_ROUTES.set(`${method} ${route.url}`, { method, url: route.url, access });
}

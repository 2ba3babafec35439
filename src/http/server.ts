/** The Fastify server: every face, health, metrics and API docs. */
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import AjvCompiler from '@fastify/ajv-compiler';
import { parse as parseQuery } from 'node:querystring';
import formbody from '@fastify/formbody';
import type { Logger } from 'pino';
import { apiDocsRoutes, openApiRoute } from './api-docs.js';
import { checkFormFields, parseJsonBody, type Tree } from './body-safety.js';
import { nativeErrorHandler } from './errors.js';
import type { Face, FaceDeps } from './face.js';
import { metricsRoute } from './metrics-route.js';
import type { Registry } from 'prom-client';

export interface ServerOptions {
  readonly logger: Logger;
  /** Readiness checks beyond the database: name -> ok. */
  readonly readiness?: () => Promise<Record<string, boolean>>;
  /** Shown on /readyz without failing it (rate freshness, watcher lag). */
  readonly readinessDetails?: () => Promise<Record<string, unknown>>;
  /** Served at /metrics here; leave it out when a separate metrics port serves it. */
  readonly metrics?: Registry;
  readonly metricsToken?: string;
  /** The faces (native API, CryptoCloud, payment page, ...), each mounted with the same deps. */
  readonly faces: readonly Face[];
  /** X-Forwarded-For hops to believe: a count from the right, or the proxies' addresses/CIDRs. */
  readonly trustProxy?: false | number | string[];
  /** `-blocknotify` hook: wakes the chain's watcher; false for an unknown chain. */
  readonly blockNotify?: (chain: string) => boolean;
}

export const BODY_LIMIT = 64 * 1024;

type BuildValidator = NonNullable<
  NonNullable<FastifyServerOptions['schemaController']>['compilersFactory']
>['buildValidator'];
type ValidatorOf = ReturnType<NonNullable<BuildValidator>>;
const fastifyValidators = AjvCompiler();

/**
 * Fastify's own ajv validators, same options, each compiled on its route's
 * first request: compiling every route's at start kept a few MiB of generated
 * code resident in processes that never see most routes. A schema that does
 * not compile would fail its route's requests (500), not the start, so the tests
 * compile every one (`compilePendingValidators`). Header schemas reach ajv as written
 * (no lower-casing of their keys, as with any custom compiler): write them in
 * lower case.
 */
const uncompiled = new Set<() => unknown>();

/**
 * Compiles now every route validator not yet compiled, and returns how many:
 * the test suite calls it so that a schema which does not compile fails a test,
 * not a merchant's request.
 */
export function compilePendingValidators(): number {
  const all = [...uncompiled];
  for (const compile of all) compile();
  return all.length;
}

const lazyValidators: NonNullable<BuildValidator> = (external, options) => {
  let compilerFor: ValidatorOf | null = null;
  return (route) => {
    let real: ReturnType<ValidatorOf> | null = null;
    const compile = () => {
      real ??= (compilerFor ??= fastifyValidators(external, options as never) as ValidatorOf)(
        route,
      );
      uncompiled.delete(compile);
      return real;
    };
    uncompiled.add(compile);
    const validate = (data: unknown) => {
      const fn = compile();
      return fn(data);
    };
    // Fastify reads the failures off the function, as ajv leaves them.
    Object.defineProperty(validate, 'errors', {
      get: () => (real as { errors?: unknown })?.errors,
    });
    return validate as ReturnType<ValidatorOf>;
  };
};

/**
 * A hop count believes the nearest N addresses (the socket peer and the hops
 * it appended); it is safe only when Kassa is reachable through those proxies
 * alone. Addresses/CIDRs believe only hops added by those proxies.
 */
function proxyTrust(trust: false | number | string[]) {
  if (typeof trust === 'number') return (_address: string, hop: number) => hop < trust;
  return trust;
}

export async function buildServer(deps: FaceDeps, opts: ServerOptions): Promise<FastifyInstance> {
  const { ctx } = deps;
  const app = Fastify({
    loggerInstance: opts.logger,
    bodyLimit: BODY_LIMIT,
    trustProxy: proxyTrust(opts.trustProxy ?? false),
    // Unknown fields are refused, not silently dropped; amounts are never coerced from numbers.
    ajv: { customOptions: { removeAdditional: false, coerceTypes: false, allErrors: false } },
    schemaController: { compilersFactory: { buildValidator: lazyValidators } },
    // Cryptopay recalculation ids carry their sealed proposal (about 250 characters).
    routerOptions: { maxParamLength: 512 },
    return503OnClosing: true,
    forceCloseConnections: 'idle',
  }) as unknown as FastifyInstance;
  app.setErrorHandler(nativeErrorHandler);
  // Bodies become null-prototype objects without prototype keys, on every face (CryptoCloud has its own).
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_req, body, done) => {
    try {
      done(null, parseJsonBody(body as string));
    } catch (e) {
      done(e as Error);
    }
  });
  await app.register(formbody, {
    bodyLimit: BODY_LIMIT,
    parser: (text: string) => checkFormFields(parseQuery(text) as Tree),
  });
  openApiRoute(app);
  apiDocsRoutes(app);

  app.get('/healthz', { schema: { hide: true } }, async () => ({ status: 'ok' }));
  app.get('/readyz', { schema: { hide: true } }, async (_req, reply) => {
    const checks: Record<string, boolean> = {
      database: await ctx.store.ready(),
      ...(await opts.readiness?.()),
    };
    const ok = Object.values(checks).every(Boolean);
    const details = (await opts.readinessDetails?.()) ?? {};
    return reply
      .status(ok ? 200 : 503)
      .send({ status: ok ? 'ready' : 'not_ready', checks, ...details });
  });
  if (opts.metrics) metricsRoute(app, opts.metrics, opts.metricsToken);
  // Nodes call this from -blocknotify; only from this machine, and it only wakes a watcher.
  app.post<{ Params: { chain: string } }>(
    '/internal/blocknotify/:chain',
    { schema: { hide: true } },
    async (req, reply) => {
      const ip = req.socket.remoteAddress ?? '';
      if (!['127.0.0.1', '::1', '::ffff:127.0.0.1'].includes(ip))
        return reply
          .status(403)
          .send({ error: { code: 'unauthorized', message: 'loopback only' } });
      const known = opts.blockNotify?.(req.params.chain.toUpperCase()) ?? false;
      return reply
        .status(known ? 202 : 404)
        .send(
          known
            ? { status: 'woken' }
            : { error: { code: 'not_found', message: 'no watcher for that chain' } },
        );
    },
  );
  for (const face of opts.faces) await face(app, deps);
  return app;
}

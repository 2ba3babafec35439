/**
 * The CryptoCloud-compatible API (/v2/..., legacy /v1/...): an integration
 * written for CryptoCloud switches its base URL, API key and shop id and keeps
 * working. Everything here is encapsulated: its own body parsers (exact JSON
 * numbers, PHP-style forms), its own auth and error shapes.
 */
import { parse as parseQuery } from 'node:querystring';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Face } from '../face.js';
import { tokenAuth } from './auth.js';
import { balanceRoutes } from './balance.js';
import { parseExactJson } from '../body-safety.js';
import { unflattenForm } from './body.js';
import type { CryptoCloudServices } from './context.js';
import { createRoutes } from './create.js';
import { cryptoCloudErrorHandler, errorBody } from './errors.js';
import { invoiceRoutes } from './invoices.js';
import { legacyRoutes } from './legacy.js';
import { staticRoutes } from './static.js';
import { ccScopeHook } from './scope.js';

export type { CryptoCloudServices } from './context.js';

/** JSON, or form fields; PHP clients sometimes post JSON with a form content type. */
function parseAny(text: string): unknown {
  const trimmed = text.trim();
  if (trimmed.startsWith('{') || trimmed.startsWith('[')) return parseExactJson(trimmed);
  return unflattenForm(parseQuery(trimmed) as Record<string, unknown>);
}

function bodyParsers(scope: FastifyInstance): void {
  const parser =
    (json: boolean) =>
    (
      _req: FastifyRequest,
      body: string | Buffer,
      done: (err: Error | null, body?: unknown) => void,
    ) => {
      try {
        const text = typeof body === 'string' ? body : body.toString('utf8');
        done(null, json ? parseExactJson(text) : parseAny(text));
      } catch (e) {
        done(e instanceof Error ? e : new SyntaxError(String(e)));
      }
    };
  scope.removeAllContentTypeParsers();
  scope.addContentTypeParser('application/json', { parseAs: 'string' }, parser(true));
  scope.addContentTypeParser(
    'application/x-www-form-urlencoded',
    { parseAs: 'string' },
    parser(false),
  );
  scope.addContentTypeParser('*', { parseAs: 'string' }, parser(false));
}

export function cryptoCloudFace(services: CryptoCloudServices = {}): Face {
  return async (app, { ctx }) => {
    await app.register(async (scope) => {
      bodyParsers(scope);
      scope.setErrorHandler(cryptoCloudErrorHandler);
      scope.addHook('onRequest', tokenAuth(ctx));
      scope.addHook('preHandler', ccScopeHook(ctx));
      const deps = { ctx, ...services };
      createRoutes(scope, deps);
      invoiceRoutes(scope, deps);
      balanceRoutes(scope, deps);
      staticRoutes(scope, deps);
      legacyRoutes(scope, deps);
      // Anything else under /v1 and /v2 answers in CryptoCloud's error shape, not the framework's.
      const unknown = async (req: FastifyRequest, reply: FastifyReply) =>
        reply
          .status(404)
          .send(errorBody(`no such endpoint: ${req.method} ${req.url.split('?')[0] ?? ''}`));
      scope.all('/v1/*', unknown);
      scope.all('/v2/*', unknown);
    });
  };
}

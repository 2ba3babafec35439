import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../app/context.js';
import { nativeErrorHandler } from '../errors.js';
import { bearerAuth } from './auth.js';
import { projectScopeHook, requireProjectRule, type ScopeDeps } from './scope.js';
import { invoiceRoutes } from './invoices.js';
import { adminRoutes, projectRoutes } from './projects.js';
import { bearerToken, sameSecret } from '../secret-compare.js';

export interface ApiV1Options {
  /** Operator token for /api/v1/admin; admin routes answer 404 without one. */
  readonly adminToken?: string;
  /** Extra routes of other capabilities that share the API key auth (webhooks, ...). */
  readonly extraRoutes?: ((app: FastifyInstance) => Promise<void>)[];
  /** Finds a delivery's project, for API keys limited to one project. */
  readonly deliveryProject?: ScopeDeps['deliveryProject'];
}

/** The native REST API under /api/v1. */
export async function apiV1(app: FastifyInstance, ctx: AppContext, opts: ApiV1Options) {
  await app.register(
    async (api) => {
      api.setErrorHandler(nativeErrorHandler);
      api.setNotFoundHandler((_req, reply) =>
        reply.status(404).send({ error: { code: 'not_found', message: 'no such endpoint' } }),
      );
      await api.register(async (merchant) => {
        merchant.addHook('onRoute', requireProjectRule);
        merchant.addHook('onRequest', bearerAuth(ctx));
        // Before validation: a request aimed at another project learns nothing, not even what is wrong with its body.
        merchant.addHook(
          'preValidation',
          projectScopeHook({
            ctx,
            ...(opts.deliveryProject ? { deliveryProject: opts.deliveryProject } : {}),
          }),
        );
        await invoiceRoutes(merchant, ctx);
        await projectRoutes(merchant, ctx);
        for (const extra of opts.extraRoutes ?? []) await extra(merchant);
      });
      await api.register(
        async (admin) => {
          admin.addHook('onRequest', async (req, reply) => {
            if (!sameSecret(bearerToken(req.headers.authorization), opts.adminToken)) {
              return reply.status(401).send({
                error: {
                  code: 'unauthorized',
                  message: 'admin token required',
                  field: 'Authorization',
                },
              });
            }
          });
          await adminRoutes(admin, ctx);
        },
        { prefix: '/admin' },
      );
    },
    { prefix: '/api/v1' },
  );
}

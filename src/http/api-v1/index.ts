import { nativeErrorHandler } from '../errors.js';
import type { Face, RouteFamily } from '../face.js';
import { bearerAuth } from './auth.js';
import { projectScopeHook, requireProjectRule, type ScopeDeps } from './scope.js';
import { invoiceRoutes } from './invoices.js';
import { adminRoutes, projectRoutes } from './projects.js';
import { bearerToken, sameSecret } from '../secret-compare.js';

export interface ApiV1Options {
  /** Operator token for /api/v1/admin; admin routes answer 401 without one. */
  readonly adminToken?: string;
  /** Route families beyond invoices and projects (webhooks, collections), mounted the same way. */
  readonly families?: readonly RouteFamily[];
  /** Finds a delivery's project, for API keys limited to one project. */
  readonly deliveryProject?: ScopeDeps['deliveryProject'];
}

const invoiceFamily: RouteFamily = (api, { ctx }) => invoiceRoutes(api, ctx);
const projectFamily: RouteFamily = (api, { ctx }) => projectRoutes(api, ctx);

/** The native REST API under /api/v1: every route family behind the API key, admin behind its token. */
export const apiV1 =
  (opts: ApiV1Options = {}): Face =>
  async (app, deps) => {
    const { ctx } = deps;
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
          for (const family of [invoiceFamily, projectFamily, ...(opts.families ?? [])])
            await family(merchant, deps);
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
  };

/**
 * Prometheus metrics: on the public port, or on a port of their own
 * (METRICS_PORT) that only the monitoring network reaches; either way
 * optionally behind a bearer token (METRICS_TOKEN).
 */
import Fastify, { type FastifyInstance } from 'fastify';
import type { Registry } from 'prom-client';
import { bearerToken, sameSecret } from './secret-compare.js';

export function metricsRoute(app: FastifyInstance, registry: Registry, token?: string): void {
  app.get('/metrics', { schema: { hide: true } }, async (req, reply) => {
    if (token !== undefined && !sameSecret(bearerToken(req.headers.authorization), token)) {
      return reply
        .status(401)
        .header('www-authenticate', 'Bearer')
        .send({
          error: {
            code: 'unauthorized',
            message: 'metrics token required',
            field: 'Authorization',
          },
        });
    }
    return reply.header('content-type', registry.contentType).send(await registry.metrics());
  });
}

/** A listener that serves /metrics alone; returns its URL. */
export async function startMetricsServer(
  registry: Registry,
  opts: { port: number; host: string; token?: string },
): Promise<{ url: string; close(): Promise<void> }> {
  const app = Fastify({ logger: false });
  metricsRoute(app, registry, opts.token);
  const url = await app.listen({ port: opts.port, host: opts.host });
  return { url, close: () => app.close() };
}

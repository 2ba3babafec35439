/**
 * /docs: Swagger UI over /api/v1/openapi.json. Its files are read when a
 * browser first asks for them, not at start: the UI plugin and its static-file
 * server held memory in every process that never served the page. The OpenAPI
 * document is built on its first request too, from the routes seen at start:
 * the generator and its YAML library (about 2 MiB resident) stay unloaded in a
 * process nobody asks.
 */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { SwaggerOptions } from '@fastify/swagger';
import Fastify, { type FastifyInstance, type RouteOptions } from 'fastify';

const TYPES: Readonly<Record<string, string>> = {
  'swagger-ui.css': 'text/css; charset=utf-8',
  'swagger-ui-bundle.js': 'application/javascript; charset=utf-8',
  'swagger-ui-standalone-preset.js': 'application/javascript; charset=utf-8',
  'favicon-32x32.png': 'image/png',
};

const INIT = `window.onload = function () {
  window.ui = SwaggerUIBundle({
    url: '/api/v1/openapi.json',
    dom_id: '#swagger-ui',
    deepLinking: true,
    presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset],
    layout: 'StandaloneLayout',
  });
};
`;

const PAGE = `<!DOCTYPE html>
<html lang="en">
  <head>
    <meta charset="UTF-8">
    <title>Kassa API</title>
    <link rel="stylesheet" type="text/css" href="/docs/static/swagger-ui.css" />
    <link rel="icon" type="image/png" href="/docs/static/favicon-32x32.png" sizes="32x32" />
  </head>
  <body>
    <div id="swagger-ui"></div>
    <script src="/docs/static/swagger-ui-bundle.js" charset="UTF-8"></script>
    <script src="/docs/static/swagger-ui-standalone-preset.js" charset="UTF-8"></script>
    <script src="/docs/static/swagger-initializer.js" charset="UTF-8"></script>
  </body>
</html>
`;

let staticDir: string | null = null;
const uiFiles = () =>
  (staticDir ??= path.join(
    path.dirname(createRequire(import.meta.url).resolve('@fastify/swagger-ui')),
    'static',
  ));

const OPENAPI: SwaggerOptions = {
  openapi: {
    openapi: '3.1.0',
    info: {
      title: 'Kassa native API',
      version: '1',
      description:
        'Self-hosted crypto invoices. Amounts are exact decimal strings; authenticate with `Authorization: Bearer <API key>`.',
    },
    components: { securitySchemes: { apiKey: { type: 'http', scheme: 'bearer' } } },
    security: [{ apiKey: [] }],
  },
};

type Documented = Pick<RouteOptions, 'method' | 'url' | 'schema' | 'config'>;

/** The document @fastify/swagger writes for these routes, from an instance that only describes them. */
async function openApiDocument(routes: readonly Documented[]): Promise<unknown> {
  const { default: swagger } = await import('@fastify/swagger');
  const doc = Fastify();
  // Nothing is validated here: the routes answer on the real server, with its compilers.
  doc.setValidatorCompiler(() => () => true);
  doc.setSerializerCompiler(() => (data) => JSON.stringify(data));
  await doc.register(swagger, OPENAPI);
  const noop = async () => null;
  for (const r of routes) doc.route({ ...r, handler: noop });
  await doc.ready();
  const spec = doc.swagger();
  await doc.close();
  return spec;
}

/**
 * Serves /api/v1/openapi.json. Call before any route is added: it records
 * every route's schema as it is registered.
 */
export function openApiRoute(app: FastifyInstance): void {
  const routes: Documented[] = [];
  app.addHook('onRoute', (r) => {
    // Fastify adds HEAD for each GET itself, here and on the describing instance.
    if (r.method === 'HEAD') return;
    routes.push({
      method: r.method,
      url: r.url,
      ...(r.schema && { schema: r.schema }),
      ...(r.config && { config: r.config }),
    });
  });
  let spec: Promise<unknown> | null = null;
  app.get('/api/v1/openapi.json', { schema: { hide: true } }, async () => {
    spec ??= openApiDocument(routes).catch((e: unknown) => {
      spec = null;
      throw e;
    });
    return spec;
  });
}

export function apiDocsRoutes(app: FastifyInstance): void {
  for (const url of ['/docs', '/docs/'])
    app.get(url, { schema: { hide: true } }, async (_req, reply) =>
      reply.type('text/html; charset=utf-8').send(PAGE),
    );
  app.get<{ Params: { file: string } }>(
    '/docs/static/:file',
    { schema: { hide: true } },
    async (req, reply) => {
      const file = req.params.file;
      if (file === 'swagger-initializer.js')
        return reply.type('application/javascript; charset=utf-8').send(INIT);
      // Only the names listed: nothing else on disk is reachable from here.
      const type = Object.hasOwn(TYPES, file) ? TYPES[file] : undefined;
      if (!type)
        return reply.status(404).send({ error: { code: 'not_found', message: 'no such file' } });
      return reply
        .type(type)
        .header('cache-control', 'public, max-age=86400')
        .send(await readFile(path.join(uiFiles(), file)));
    },
  );
}

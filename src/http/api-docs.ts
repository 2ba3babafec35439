/**
 * /docs: Swagger UI over /api/v1/openapi.json. Its files are read when a
 * browser first asks for them, not at start: the UI plugin and its static-file
 * server held memory in every process that never served the page.
 */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';

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

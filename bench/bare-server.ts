/** A bare Fastify JSON route: the baseline Kassa's own HTTP figures are compared with. */
import Fastify from 'fastify';

const app = Fastify();
app.post('/echo', async (req) => ({ ok: true, body: req.body }));
app.get('/healthz', async () => ({ status: 'ok' }));
console.log(
  `listening on ${await app.listen({ port: Number(process.env.PORT), host: '127.0.0.1' })}`,
);

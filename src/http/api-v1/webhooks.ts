/**
 * Webhook endpoints and the delivery log. The routes validate and translate;
 * the use cases live in the callbacks service, handed in by the runtime.
 */
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { WebhookUseCases } from '../../app/webhooks.js';
import { routeFamily } from '../face.js';

export interface WebhookRouteDeps {
  readonly webhooks: WebhookUseCases;
}

const ShopId = Type.String({ pattern: '^[A-Za-z0-9_-]{4,64}$' });
const Id = Type.String({ pattern: '^[A-Za-z0-9_:-]{1,100}$' });
const Format = Type.Union([
  Type.Literal('native'),
  Type.Literal('cryptocloud'),
  Type.Literal('cryptopay'),
  Type.Literal('coinspaid'),
]);
const ContentType = Type.Union([Type.Literal('json'), Type.Literal('form')]);
const Events = Type.Union([
  Type.Array(Type.String({ maxLength: 64 }), { maxItems: 20 }),
  Type.Null(),
]);
const Url = Type.String({ minLength: 8, maxLength: 2000 });
const Description = Type.Union([Type.String({ maxLength: 500 }), Type.Null()]);

const CreateBody = Type.Object(
  {
    url: Url,
    format: Type.Optional(Format),
    content_type: Type.Optional(ContentType),
    events: Type.Optional(Events),
    description: Type.Optional(Description),
  },
  { additionalProperties: false },
);
const PatchBody = Type.Object(
  {
    url: Type.Optional(Url),
    enabled: Type.Optional(Type.Boolean()),
    content_type: Type.Optional(ContentType),
    events: Type.Optional(Events),
    description: Type.Optional(Description),
  },
  { additionalProperties: false },
);
const ShopParams = Type.Object({ shopId: ShopId });
const EndpointParams = Type.Object({ shopId: ShopId, endpointId: Id });
const tags = ['webhooks'];

/** Webhook endpoints and the delivery log, as a native API route family. */
export const webhookFamily = routeFamily(webhookRoutes);

async function webhookRoutes(app: FastifyInstance, deps: WebhookRouteDeps) {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  const w = deps.webhooks;

  r.post(
    '/projects/:shopId/webhook-endpoints',
    {
      schema: {
        tags,
        summary: 'Add a callback endpoint; the signing secret is shown only in this answer',
        params: ShopParams,
        body: CreateBody,
      },
    },
    async (req, reply) => {
      const { format = 'native', ...rest } = req.body;
      const created = await w.createEndpoint(req.accountId, req.params.shopId, { ...rest, format });
      return reply.status(201).send(created);
    },
  );

  r.get(
    '/projects/:shopId/webhook-endpoints',
    { schema: { tags, summary: "List a project's callback endpoints", params: ShopParams } },
    async (req) => ({ data: await w.listEndpoints(req.accountId, req.params.shopId) }),
  );

  r.patch(
    '/projects/:shopId/webhook-endpoints/:endpointId',
    {
      schema: {
        tags,
        summary: 'Enable, disable or change an endpoint',
        params: EndpointParams,
        body: PatchBody,
      },
    },
    async (req) =>
      w.updateEndpoint(req.accountId, req.params.shopId, req.params.endpointId, req.body),
  );

  r.post(
    '/projects/:shopId/webhook-endpoints/:endpointId/rotate-secret',
    {
      schema: {
        tags,
        summary: 'New signing secret, shown once; the old one stays valid for 24 hours',
        params: EndpointParams,
      },
    },
    async (req) => w.rotateSecret(req.accountId, req.params.shopId, req.params.endpointId),
  );

  r.post(
    '/projects/:shopId/webhook-endpoints/:endpointId/test',
    { schema: { tags, summary: 'Queue a test callback to this endpoint', params: EndpointParams } },
    async (req, reply) =>
      reply
        .status(202)
        .send(await w.sendTest(req.accountId, req.params.shopId, req.params.endpointId)),
  );

  r.get(
    '/projects/:shopId/webhook-endpoints/:endpointId/deliveries',
    {
      schema: {
        tags,
        summary: "An endpoint's deliveries, newest first, with the last request and response",
        params: EndpointParams,
        querystring: Type.Object({
          limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500 })),
        }),
      },
    },
    async (req) => ({
      data: await w.listEndpointDeliveries(
        req.accountId,
        req.params.shopId,
        req.params.endpointId,
        req.query.limit,
      ),
    }),
  );

  r.get(
    '/invoices/:id/deliveries',
    {
      schema: {
        tags,
        summary: "An invoice's callback deliveries with the last request and response",
        params: Type.Object({ id: Id }),
      },
    },
    async (req) => ({ data: await w.listInvoiceDeliveries(req.accountId, req.params.id) }),
  );

  r.get(
    '/deliveries/:id',
    {
      schema: { tags, summary: 'One delivery with every attempt', params: Type.Object({ id: Id }) },
    },
    async (req) => w.getDelivery(req.accountId, req.params.id),
  );

  r.post(
    '/deliveries/:id/redeliver',
    {
      schema: { tags, summary: 'Send a delivery again now', params: Type.Object({ id: Id }) },
    },
    async (req, reply) => reply.status(202).send(await w.redeliver(req.accountId, req.params.id)),
  );
}

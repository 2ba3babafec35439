import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type, type Static } from '@sinclair/typebox';
import {
  createAccount,
  createApiKey,
  createProject,
  revokeApiKey,
  updateProject,
  type ProjectInput,
} from '../../app/accounts.js';
import type { AppContext } from '../../app/context.js';
import { projectOf } from '../../app/invoices.js';
import type { Project } from '../../domain/project.js';
import type { RuleAction } from '../../domain/rules.js';
import { ProjectBody, ShopId } from './schemas.js';

/** The public shape of a project; wallet keys are public keys, secrets never appear. */
export function projectView(p: Project) {
  return {
    shop_id: p.id,
    name: p.name,
    logo_url: p.logoUrl,
    success_url: p.successUrl,
    fail_url: p.failUrl,
    enabled_currencies: p.enabledCurrencies,
    wallets: Object.fromEntries(
      Object.entries(p.wallets).map(([chain, w]) => [
        chain,
        { key: w.key, gap_limit: w.gapLimit, network: w.network ?? null },
      ]),
    ),
    confirmations: p.confirmations,
    rules: {
      underpaid_tolerance_percent: p.rules.underpaidTolerancePercent,
      overpaid_tolerance_percent: p.rules.overpaidTolerancePercent,
      overpaid_action: p.rules.overpaidAction,
      late_payment_action: p.rules.latePaymentAction,
      expired_partial_action: p.rules.expiredPartialAction,
    },
    test_mode: p.testMode,
    created_at: new Date(p.createdAt).toISOString(),
  };
}

export function projectInput(b: Static<typeof ProjectBody>): Partial<ProjectInput> {
  const r = b.rules;
  return {
    ...(b.name !== undefined && { name: b.name }),
    ...(b.logo_url !== undefined && { logoUrl: b.logo_url }),
    ...(b.success_url !== undefined && { successUrl: b.success_url }),
    ...(b.fail_url !== undefined && { failUrl: b.fail_url }),
    ...(b.enabled_currencies !== undefined && { enabledCurrencies: b.enabled_currencies }),
    ...(b.wallets !== undefined && {
      wallets: Object.fromEntries(
        Object.entries(b.wallets).map(([chain, w]) => [
          chain,
          {
            key: w.key,
            ...(w.gap_limit !== undefined && { gapLimit: w.gap_limit }),
            ...(w.network && { network: w.network }),
          },
        ]),
      ),
    }),
    ...(b.confirmations !== undefined && { confirmations: b.confirmations }),
    ...(r !== undefined && {
      rules: {
        ...(r.underpaid_tolerance_percent !== undefined && {
          underpaidTolerancePercent: r.underpaid_tolerance_percent,
        }),
        ...(r.overpaid_tolerance_percent !== undefined && {
          overpaidTolerancePercent: r.overpaid_tolerance_percent,
        }),
        ...(r.overpaid_action !== undefined && { overpaidAction: r.overpaid_action as RuleAction }),
        ...(r.late_payment_action !== undefined && {
          latePaymentAction: r.late_payment_action as RuleAction,
        }),
        ...(r.expired_partial_action !== undefined && {
          expiredPartialAction: r.expired_partial_action as RuleAction,
        }),
      },
    }),
    ...(b.test_mode !== undefined && { testMode: b.test_mode }),
  };
}

export async function projectRoutes(app: FastifyInstance, ctx: AppContext) {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  const tags = ['projects'];
  const Params = Type.Object({ shopId: ShopId });
  r.get('/projects', { schema: { tags, summary: "The account's projects" } }, async (req) => ({
    data: (await ctx.store.projects.list(req.accountId))
      .filter((p) => !req.apiKey?.projectId || p.id === req.apiKey.projectId)
      .map(projectView),
  }));
  r.get('/projects/:shopId', { schema: { tags, params: Params } }, async (req) =>
    projectView(await projectOf(ctx, req.accountId, req.params.shopId, 'shopId')),
  );
  r.patch(
    '/projects/:shopId',
    {
      schema: {
        tags,
        summary: 'Change settings, wallets and rules',
        params: Params,
        body: ProjectBody,
      },
    },
    async (req) => {
      const project = await projectOf(ctx, req.accountId, req.params.shopId, 'shopId');
      return projectView(await updateProject(ctx, project, projectInput(req.body)));
    },
  );
}

/** Operator-only routes, guarded by the admin token instead of an API key. */
export async function adminRoutes(app: FastifyInstance, ctx: AppContext) {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  const tags = ['operator'];
  const AccountParams = Type.Object({
    accountId: Type.String({ pattern: '^acc_[a-z0-9]{10,40}$' }),
  });
  r.post(
    '/accounts',
    {
      schema: {
        tags,
        body: Type.Object(
          { name: Type.String({ minLength: 1, maxLength: 200 }) },
          { additionalProperties: false },
        ),
      },
    },
    async (req, reply) => {
      const a = await createAccount(ctx, req.body.name);
      return reply
        .status(201)
        .send({ id: a.id, name: a.name, created_at: new Date(a.createdAt).toISOString() });
    },
  );
  r.post(
    '/accounts/:accountId/keys',
    {
      schema: {
        tags,
        summary: 'Create an API key; the key is shown once',
        params: AccountParams,
        body: Type.Optional(
          Type.Object(
            { label: Type.Optional(Type.String({ maxLength: 200 })) },
            { additionalProperties: false },
          ),
        ),
      },
    },
    async (req, reply) => {
      const { key, record } = await createApiKey(
        ctx,
        req.params.accountId,
        req.body?.label ?? null,
      );
      return reply
        .status(201)
        .send({ id: record.id, key, prefix: record.prefix, label: record.label });
    },
  );
  r.delete(
    '/keys/:keyId',
    {
      schema: {
        tags,
        params: Type.Object({ keyId: Type.String({ pattern: '^key_[a-z0-9]{10,40}$' }) }),
      },
    },
    async (req) => {
      await revokeApiKey(ctx, req.params.keyId);
      return { revoked: true };
    },
  );
  r.post(
    '/accounts/:accountId/projects',
    {
      schema: {
        tags,
        summary: 'Create a project; its signing secret is shown once',
        params: AccountParams,
        body: Type.Intersect([
          ProjectBody,
          Type.Object({ name: Type.String({ minLength: 1, maxLength: 200 }) }),
        ]),
      },
    },
    async (req, reply) => {
      const { project, secretKey } = await createProject(ctx, req.params.accountId, {
        name: req.body.name,
        ...projectInput(req.body),
      });
      return reply.status(201).send({ ...projectView(project), secret_key: secretKey });
    },
  );
}

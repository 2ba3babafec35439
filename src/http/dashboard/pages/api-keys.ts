/**
 * API keys (admins and owners): create with a scope — full or read-only, every
 * project or one — shown once; list with scopes; revoke. Audited.
 */
import type { FastifyReply } from 'fastify';
import { createApiKey, listProjects, revokeApiKey } from '../../../app/accounts.js';
import { audit } from '../../../app/audit.js';
import { revealSecret, stashSecret } from '../../../app/one-time-secrets.js';
import type { ApiKeyRecord } from '../../../app/ports/store.js';
import { KassaError } from '../../../domain/errors.js';
import { html } from '../../pay/html.js';
import type { DashContext } from '../context.js';
import { field, utc } from '../format.js';
import { csrfField, inlinePostButton, page, scrollTable } from '../layout.js';
import type { DashRouter, SignedIn } from '../router.js';

function send(reply: FastifyReply, doc: string, status = 200) {
  return reply.status(status).type('text/html; charset=utf-8').send(doc);
}

export function scopeText(v: SignedIn, k: Pick<ApiKeyRecord, 'access' | 'projectId'>): string {
  const access = k.access === 'read' ? v.t('scope_read') : v.t('scope_full');
  return `${access} · ${k.projectId ?? v.t('all_projects')}`;
}

async function render(
  dc: DashContext,
  v: SignedIn,
  o: { key?: string; error?: string; notice?: string } = {},
) {
  const { t } = v;
  const [keys, projects] = await Promise.all([
    dc.ctx.store.apiKeys.list(v.user.accountId),
    listProjects(dc.ctx, v.user.accountId),
  ]);
  const shown = o.key
    ? html`<section class="card" aria-labelledby="h-key">
        <h2 id="h-key">${t('api_key_value')}</h2>
        <p>${t('shown_once')}</p>
        <p class="mono secret" id="new-key">${o.key}</p>
      </section>`
    : '';
  const table = keys.length
    ? scrollTable(
        t('api_keys_title'),
        html`<table id="keys">
          <thead>
            <tr>
              <th scope="col">${t('prefix')}</th>
              <th scope="col">${t('label')}</th>
              <th scope="col">${t('scope')}</th>
              <th scope="col">${t('created')}</th>
              <th scope="col"><span class="muted">${t('actions')}</span></th>
            </tr>
          </thead>
          <tbody>
            ${keys.map(
              (k) =>
                html`<tr data-key="${k.id}">
                  <td class="mono">${k.prefix}…</td>
                  <td>${k.label ?? ''}</td>
                  <td class="scope">${scopeText(v, k)}</td>
                  <td>${utc(k.createdAt)}</td>
                  <td>
                    ${
                      k.revokedAt === null
                        ? inlinePostButton(
                            v.page,
                            `/dashboard/api-keys/${k.id}/revoke`,
                            t('revoke'),
                          )
                        : html`<span class="badge failed">${t('revoked')}</span>`
                    }
                  </td>
                </tr>`,
            )}
          </tbody>
        </table>`,
      )
    : html`<p class="muted">${t('no_api_keys')}</p>`;
  const form = html`<form method="post" action="/dashboard/api-keys" class="stack card">
    <h2>${t('api_key_new')}</h2>
    ${csrfField(v.page)}
    <label>${t('label')} <input name="label" maxlength="200" /></label>
    <fieldset>
      <legend>${t('scope')}</legend>
      <label><input type="radio" name="access" value="full" checked /> ${t('scope_full')}</label>
      <label><input type="radio" name="access" value="read" /> ${t('scope_read')}</label>
    </fieldset>
    <label
      >${t('scope_project')}
      <select name="project">
        <option value="">${t('all_projects')}</option>
        ${projects.map((p) => html`<option value="${p.id}">${p.name} (${p.id})</option>`)}
      </select></label
    >
    <div class="actions"><button type="submit">${t('create_key')}</button></div>
  </form>`;
  return page(v.page, t('api_keys_title'), html`${shown}${table}${form}`, {
    error: o.error ?? null,
    notice: o.notice ?? null,
  });
}

export function apiKeyPages(r: DashRouter, dc: DashContext): void {
  const oneTime = { access: dc.access, clock: dc.ctx.clock };
  r.get('/dashboard/api-keys', 'settings.write', async (req, reply, v) => {
    const shown = req.query.shown;
    if (shown) {
      const key = await revealSecret(oneTime, v.token, shown);
      return send(
        reply,
        await render(
          dc,
          v,
          key ? { key, notice: v.t('api_key_created') } : { notice: v.t('already_shown') },
        ),
      );
    }
    return send(
      reply,
      await render(dc, v, req.query.done === 'revoked' ? { notice: v.t('api_key_revoked') } : {}),
    );
  });

  r.post('/dashboard/api-keys', 'settings.write', async (req, reply, v) => {
    const access = field(req.body, 'access') || 'full';
    const projectId = field(req.body, 'project') || null;
    const label = field(req.body, 'label').slice(0, 200) || null;
    try {
      if (access !== 'full' && access !== 'read')
        throw new KassaError('invalid_request', 'access must be full or read', 'access');
      const { key, record } = await createApiKey(dc.ctx, v.user.accountId, label, undefined, {
        access,
        projectId,
      });
      await audit(
        dc.access,
        dc.ctx.clock,
        v.actor,
        'api_key.created',
        record.id,
        `${record.access}, ${record.projectId ?? 'all projects'}`,
      );
      // Shown by the GET after the redirect, so a reload does not make another key.
      const id = await stashSecret(oneTime, v.token, key);
      return reply.redirect(`/dashboard/api-keys?shown=${id}`, 303);
    } catch (err) {
      if (!(err instanceof KassaError)) throw err;
      const error = `${err.field ?? ''} ${err.message}`.trim();
      return send(reply, await render(dc, v, { error }), 400);
    }
  });

  r.post('/dashboard/api-keys/:id/revoke', 'settings.write', async (req, reply, v) => {
    const rec = await dc.ctx.store.apiKeys.get(req.params.id!);
    // Another account's key looks exactly like an unknown one.
    if (!rec || rec.accountId !== v.user.accountId)
      throw new KassaError('not_found', 'API key not found');
    await revokeApiKey(dc.ctx, rec.id);
    await audit(dc.access, dc.ctx.clock, v.actor, 'api_key.revoked', rec.id);
    return reply.redirect('/dashboard/api-keys?done=revoked', 303);
  });
}

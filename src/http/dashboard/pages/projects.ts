/**
 * Project settings (admins and owners): name, currencies accepted,
 * confirmations per currency, the rules for awkward payments, test mode, and
 * the wallets per chain (changed through the wallet preview). Every change is
 * audited with the fields that changed.
 */
import type { FastifyReply } from 'fastify';
import { listProjects, updateProject, type ProjectInput } from '../../../app/accounts.js';
import { audit } from '../../../app/audit.js';
import { projectOf } from '../../../app/invoices.js';
import { CRYPTO_CURRENCIES, DEFAULT_CONFIRMATIONS } from '../../../domain/currencies.js';
import { KassaError } from '../../../domain/errors.js';
import type { Project } from '../../../domain/project.js';
import type { ProjectRules, RuleAction } from '../../../domain/rules.js';
import { html } from '../../pay/html.js';
import type { DashContext } from '../context.js';
import { field } from '../format.js';
import type { MessageKey } from '../i18n.js';
import { csrfField, page, scrollTable } from '../layout.js';
import type { DashRequest, DashRouter, SignedIn } from '../router.js';

function send(reply: FastifyReply, doc: string, status = 200) {
  return reply.status(status).type('text/html; charset=utf-8').send(doc);
}

const ACTION_RULES = [
  ['latePaymentAction', 'rule_late'],
  ['overpaidAction', 'rule_over'],
  ['expiredPartialAction', 'rule_partial'],
] as const satisfies readonly (readonly [keyof ProjectRules, MessageKey])[];

const PERCENT_RULES = [
  ['underpaidTolerancePercent', 'rule_tolerance'],
  ['overpaidTolerancePercent', 'rule_over_tolerance'],
] as const satisfies readonly (readonly [keyof ProjectRules, MessageKey])[];

function form(v: SignedIn, p: Project, error: string | null = null, notice: string | null = null) {
  const { t } = v;
  const currencies = [...CRYPTO_CURRENCIES].sort((a, b) => a.order - b.order);
  const body = html`<form method="post" action="/dashboard/projects/${p.id}" class="stack card">
      ${csrfField(v.page)}
      <label
        >${t('project_name')} <input name="name" required maxlength="200" value="${p.name}"
      /></label>
      <fieldset>
        <legend>${t('currencies_accepted')}</legend>
        ${currencies.map(
          (c) =>
            html`<label
              ><input
                type="checkbox"
                name="currency_${c.code}"
                value="on"
                ${p.enabledCurrencies.includes(c.code) ? html`checked` : ''}
              />
              ${c.code}</label
            >`,
        )}
      </fieldset>
      <fieldset>
        <legend>${t('confirmations_per_currency')}</legend>
        ${currencies.map(
          (c) =>
            html`<label
              >${c.code}
              <input
                name="confirmations_${c.code}"
                inputmode="numeric"
                maxlength="4"
                placeholder="${DEFAULT_CONFIRMATIONS[c.chain]}"
                value="${p.confirmations[c.code]?.toString() ?? ''}"
            /></label>`,
        )}
      </fieldset>
      <fieldset>
        <legend>${t('rules')}</legend>
        ${PERCENT_RULES.map(
          ([key, label]) =>
            html`<label
              >${t(label)}
              <input name="${key}" inputmode="decimal" maxlength="10" value="${p.rules[key]}"
            /></label>`,
        )}
        ${ACTION_RULES.map(
          ([key, label]) =>
            html`<label
              >${t(label)}
              <select name="${key}">
                ${(['manual', 'accept'] as const).map(
                  (a) =>
                    html`<option value="${a}" ${p.rules[key] === a ? html`selected` : ''}>
                      ${t(a === 'manual' ? 'rule_manual' : 'rule_accept')}
                    </option>`,
                )}
              </select></label
            >`,
        )}
      </fieldset>
      <label
        ><input type="checkbox" name="test_mode" value="on" ${p.testMode ? html`checked` : ''} />
        ${t('test_mode')}</label
      >
      <div class="actions"><button type="submit">${t('save')}</button></div>
    </form>
    <section class="card" aria-labelledby="h-wallets">
      <h2 id="h-wallets">${t('wallets_per_chain')}</h2>
      ${scrollTable(
        t('wallets_per_chain'),
        html`<table id="wallets">
          <thead>
            <tr>
              <th scope="col">${t('network')}</th>
              <th scope="col">${t('key')}</th>
            </tr>
          </thead>
          <tbody>
            ${Object.keys(DEFAULT_CONFIRMATIONS).map(
              (chain) =>
                html`<tr>
                  <td>${chain}</td>
                  <td class="mono">
                    ${p.wallets[chain]?.key ?? html`<span class="muted">${t('no_wallet')}</span>`}
                  </td>
                </tr>`,
            )}
          </tbody>
        </table>`,
      )}
      <p><a href="/dashboard/wallets">${t('change_wallet')}</a></p>
    </section>`;
  return page(v.page, t('project_title', { name: p.name }), body, { error, notice });
}

/** Reads the form into a patch; a bad value names its field. */
function patchOf(req: DashRequest, p: Project): Partial<ProjectInput> {
  const b = req.body;
  const name = field(b, 'name');
  if (!name || name.length > 200)
    throw new KassaError('invalid_request', 'name must be 1 to 200 characters', 'name');
  const enabledCurrencies = CRYPTO_CURRENCIES.filter(
    (c) => field(b, `currency_${c.code}`) === 'on',
  ).map((c) => c.code);
  if (enabledCurrencies.length === 0)
    throw new KassaError('invalid_request', 'accept at least one currency', 'currencies');
  const confirmations: Record<string, number> = {};
  for (const c of CRYPTO_CURRENCIES) {
    const raw = field(b, `confirmations_${c.code}`);
    // Settings merge, so a cleared field stores the chain's default rather than keeping the old value.
    if (raw === '') {
      if (p.confirmations[c.code] !== undefined)
        confirmations[c.code] = DEFAULT_CONFIRMATIONS[c.chain];
      continue;
    }
    if (!/^\d{1,4}$/.test(raw))
      throw new KassaError(
        'invalid_request',
        'must be a whole number from 0 to 1000',
        `confirmations.${c.code}`,
      );
    confirmations[c.code] = Number(raw);
  }
  const rules: Record<string, string> = {};
  for (const [key] of PERCENT_RULES) rules[key] = field(b, key) || '0';
  for (const [key] of ACTION_RULES) {
    const a = field(b, key);
    if (a !== 'accept' && a !== 'manual')
      throw new KassaError('invalid_request', 'must be accept or manual', `rules.${key}`);
    rules[key] = a satisfies RuleAction;
  }
  return {
    name,
    enabledCurrencies,
    confirmations,
    rules: rules as unknown as ProjectRules,
    testMode: field(b, 'test_mode') === 'on',
  };
}

/** Names of the settings that differ, for the audit log. */
function changedFields(before: Project, after: Project): string[] {
  const out: string[] = [];
  if (before.name !== after.name) out.push('name');
  if (before.enabledCurrencies.join() !== after.enabledCurrencies.join()) out.push('currencies');
  if (JSON.stringify(before.confirmations) !== JSON.stringify(after.confirmations))
    out.push('confirmations');
  for (const k of Object.keys(after.rules) as (keyof ProjectRules)[])
    if (before.rules[k] !== after.rules[k]) out.push(`rules.${k}`);
  if (before.testMode !== after.testMode) out.push('test_mode');
  return out;
}

export function projectPages(r: DashRouter, dc: DashContext): void {
  r.get('/dashboard/projects', 'settings.write', async (_req, reply, v) => {
    const { t } = v;
    const projects = await listProjects(dc.ctx, v.user.accountId);
    const body = html`<ul class="card">
      ${projects.map(
        (p) =>
          html`<li>
            <a href="/dashboard/projects/${p.id}">${p.name}</a>
            <span class="muted mono">${p.id}</span>
            ${p.testMode ? html`<span class="badge ctx">${t('test_mode')}</span>` : ''}
          </li>`,
      )}
    </ul>`;
    return send(reply, page(v.page, t('projects_title'), body));
  });

  r.get('/dashboard/projects/:id', 'settings.write', async (req, reply, v) => {
    const p = await projectOf(dc.ctx, v.user.accountId, req.params.id!, 'project');
    return send(reply, form(v, p, null, req.query.done === 'saved' ? v.t('project_saved') : null));
  });

  r.post('/dashboard/projects/:id', 'settings.write', async (req, reply, v) => {
    const p = await projectOf(dc.ctx, v.user.accountId, req.params.id!, 'project');
    try {
      const next = await updateProject(dc.ctx, p, patchOf(req, p));
      const changed = changedFields(p, next);
      if (changed.length)
        await audit(dc.access, dc.ctx.clock, v.actor, 'project.updated', p.id, changed.join(', '));
    } catch (err) {
      if (!(err instanceof KassaError) || err.code === 'not_found') throw err;
      return send(reply, form(v, p, `${err.field ?? ''} ${err.message}`.trim()), 400);
    }
    return reply.redirect(`/dashboard/projects/${p.id}?done=saved`, 303);
  });
}

/**
 * Webhook endpoints per project: create (the signing secret is shown once),
 * send a test event, rotate the secret, disable and enable; the delivery log
 * with each delivery's attempts (request, response, next retry) and redelivery,
 * which always makes a new delivery with its own attempt log.
 */
import type { FastifyReply } from 'fastify';
import { listProjects } from '../../../app/accounts.js';
import { audit } from '../../../app/audit.js';
import { revealSecret, stashSecret } from '../../../app/one-time-secrets.js';
import { FORMAT_NAMES } from '../../../domain/events.js';
import type { DeliveryView, EndpointView } from '../../../app/webhook-views.js';
import { KassaError } from '../../../domain/errors.js';
import { can } from '../../../domain/roles.js';
import { html, type Html } from '../../pay/html.js';
import type { DashContext } from '../context.js';
import { field, utc } from '../format.js';
import type { MessageKey } from '../i18n.js';
import { csrfField, inlinePostButton, page, scrollTable } from '../layout.js';
import type { DashRouter, SignedIn } from '../router.js';

const DONE: Readonly<Record<string, MessageKey>> = {
  test: 'webhook_test_queued',
  enabled: 'webhook_enabled_done',
  disabled: 'webhook_disabled_done',
  redelivered: 'redelivered',
};

const isoMs = (iso: string | null) => (iso ? Date.parse(iso) : null);

function send(reply: FastifyReply, doc: string, status = 200) {
  return reply.status(status).type('text/html; charset=utf-8').send(doc);
}

const endpointPath = (e: Pick<EndpointView, 'shop_id' | 'id'>) =>
  `/dashboard/webhooks/${encodeURIComponent(e.shop_id)}/${encodeURIComponent(e.id)}`;

/** A secret shown once, right after it was made. */
function secretBox(v: SignedIn, secret: string): Html {
  return html`<section class="card" aria-labelledby="h-secret">
    <h2 id="h-secret">${v.t('webhook_secret')}</h2>
    <p>${v.t('shown_once')}</p>
    <p class="mono secret" id="secret">${secret}</p>
  </section>`;
}

function enabledBadge(v: SignedIn, e: EndpointView): Html {
  return e.enabled
    ? html`<span class="badge delivered">${v.t('enabled')}</span>`
    : html`<span class="badge failed">${v.t('disabled')}</span>`;
}

async function listPage(
  dc: DashContext,
  v: SignedIn,
  o: { error?: string; secret?: string; notice?: string; form?: Record<string, string> } = {},
) {
  const { t } = v;
  const projects = await listProjects(dc.ctx, v.user.accountId);
  const sections = await Promise.all(
    projects.map(async (p) => {
      const eps = await dc.webhooks.listEndpoints(v.user.accountId, p.id);
      const table = eps.length
        ? scrollTable(
            t('webhooks_of', { project: p.name }),
            html`<table>
              <thead>
                <tr>
                  <th scope="col">${t('url')}</th>
                  <th scope="col">${t('format')}</th>
                  <th scope="col">${t('status')}</th>
                  <th scope="col">${t('created')}</th>
                </tr>
              </thead>
              <tbody>
                ${eps.map(
                  (e) =>
                    html`<tr>
                      <td class="mono"><a href="${endpointPath(e)}">${e.url}</a></td>
                      <td>${e.format}</td>
                      <td>${enabledBadge(v, e)}</td>
                      <td>${utc(isoMs(e.created_at))}</td>
                    </tr>`,
                )}
              </tbody>
            </table>`,
          )
        : html`<p class="muted">${t('no_webhooks')}</p>`;
      return html`<section class="card" aria-labelledby="h-p-${p.id}">
        <h2 id="h-p-${p.id}">${p.name} <span class="muted mono">${p.id}</span></h2>
        ${table}
      </section>`;
    }),
  );
  const f = o.form ?? {};
  const opt = (value: string, current: string | undefined) =>
    html`<option value="${value}" ${value === current ? html`selected` : ''}>${value}</option>`;
  const createForm = can(v.user.role, 'settings.write')
    ? html`<form method="post" action="/dashboard/webhooks" class="stack card">
        <h2>${t('add_webhook')}</h2>
        ${csrfField(v.page)}
        <label
          >${t('project')}
          <select name="project" required>
            ${projects.map(
              (p) =>
                html`<option value="${p.id}" ${p.id === f.project ? html`selected` : ''}>
                  ${p.name} (${p.id})
                </option>`,
            )}
          </select></label
        >
        <label
          >${t('url')}
          <input name="url" type="url" required maxlength="2000" value="${f.url ?? ''}"
        /></label>
        <label
          >${t('format')}
          <select name="format">
            ${FORMAT_NAMES.map((n) => opt(n, f.format ?? 'native'))}
          </select></label
        >
        <label
          >${t('content_type')}
          <select name="content_type">
            ${['json', 'form'].map((n) => opt(n, f.content_type ?? 'json'))}
          </select></label
        >
        <label
          >${t('description')}
          <input name="description" maxlength="500" value="${f.description ?? ''}"
        /></label>
        <div class="actions"><button type="submit">${t('add')}</button></div>
      </form>`
    : '';
  return page(
    v.page,
    t('webhooks_title'),
    html`${o.secret ? secretBox(v, o.secret) : ''}${sections}${createForm}`,
    { error: o.error ?? null, notice: o.secret ? t('webhook_created') : (o.notice ?? null) },
  );
}

function deliveryTable(v: SignedIn, label: string, rows: readonly DeliveryView[]): Html {
  const { t } = v;
  if (!rows.length) return html`<p class="muted">${t('no_deliveries')}</p>`;
  return scrollTable(
    label,
    html`<table>
      <thead>
        <tr>
          <th scope="col">${t('delivery')}</th>
          <th scope="col">${t('event')}</th>
          <th scope="col">${t('status')}</th>
          <th scope="col" class="num">${t('attempts')}</th>
          <th scope="col">${t('response')}</th>
          <th scope="col">${t('next_retry')}</th>
        </tr>
      </thead>
      <tbody id="deliveries">
        ${rows.map(
          (d) =>
            html`<tr>
              <td class="mono">
                <a href="/dashboard/deliveries/${d.id}">${d.id}</a>${d.redelivery_of ? ' ↻' : ''}
              </td>
              <td class="mono">${d.event_type}</td>
              <td><span class="badge ${d.status}">${d.status}</span></td>
              <td class="num">${d.attempts}</td>
              <td class="mono">
                ${d.last_attempt ? (d.last_attempt.response_code ?? d.last_attempt.error ?? '') : '—'}
              </td>
              <td>${utc(isoMs(d.next_attempt_at))}</td>
            </tr>`,
        )}
      </tbody>
    </table>`,
  );
}

async function endpointPage(
  dc: DashContext,
  v: SignedIn,
  shopId: string,
  endpointId: string,
  o: { secret?: string; done?: string | undefined; error?: string; notice?: string } = {},
) {
  const { t } = v;
  const eps = await dc.webhooks.listEndpoints(v.user.accountId, shopId);
  const e = eps.find((x) => x.id === endpointId);
  if (!e) throw new KassaError('not_found', 'no such webhook endpoint');
  const deliveries = await dc.webhooks.listEndpointDeliveries(
    v.user.accountId,
    shopId,
    endpointId,
    100,
  );
  const admin = can(v.user.role, 'settings.write');
  const base = endpointPath(e);
  const actions = admin
    ? html`<div class="actions card" role="group" aria-label="${t('actions')}">
        ${inlinePostButton(v.page, `${base}/test`, t('send_test'))}
        ${
          e.format === 'cryptocloud'
            ? ''
            : html`<a class="button secondary" href="${base}/rotate">${t('rotate_secret')}</a>`
        }
        <form method="post" action="${base}/enabled" class="inline">
          ${csrfField(v.page)}
          <input type="hidden" name="enabled" value="${e.enabled ? 'false' : 'true'}" />
          <button type="submit" class="${e.enabled ? 'danger' : ''}">
            ${e.enabled ? t('disable') : t('enable')}
          </button>
        </form>
      </div>`
    : '';
  const terms = html`<dl class="terms">
    <dt>${t('url')}</dt>
    <dd class="mono">${e.url}</dd>
    <dt>${t('project')}</dt>
    <dd class="mono">${e.shop_id}</dd>
    <dt>${t('format')}</dt>
    <dd>${e.format} (${e.content_type})</dd>
    <dt>${t('status')}</dt>
    <dd id="endpoint-status">${enabledBadge(v, e)}</dd>
    <dt>${t('events')}</dt>
    <dd class="mono">${e.events ? e.events.join(', ') : t('format_default')}</dd>
    <dt>${t('description')}</dt>
    <dd>${e.description ?? '—'}</dd>
    ${
      e.processing_key
        ? html`<dt>X-Processing-Key</dt>
            <dd class="mono">${e.processing_key}</dd>`
        : ''
    }
    ${
      e.previous_secret_valid_until
        ? html`<dt>${t('previous_secret_until')}</dt>
            <dd>${utc(isoMs(e.previous_secret_valid_until))}</dd>`
        : ''
    }
  </dl>`;
  const doneKey = DONE[o.done ?? ''];
  const body = html`${o.secret ? secretBox(v, o.secret) : ''}${actions}
    <section class="card" aria-labelledby="h-endpoint">
      <h2 id="h-endpoint">${t('webhook_endpoint')}</h2>
      ${terms}
    </section>
    <div id="live">
      <section class="card" aria-labelledby="h-log">
        <h2 id="h-log">${t('delivery_log')}</h2>
        ${deliveryTable(v, t('delivery_log'), deliveries)}
      </section>
    </div>`;
  return page(v.page, t('webhook_endpoint'), body, {
    live: 'list',
    notice: o.secret ? t('secret_rotated') : doneKey ? t(doneKey) : (o.notice ?? null),
    error: o.error ?? null,
  });
}

async function deliveryPage(dc: DashContext, v: SignedIn, id: string, done?: string) {
  const { t } = v;
  const d = await dc.webhooks.getDelivery(v.user.accountId, id);
  const terms = html`<dl class="terms">
    <dt>${t('event')}</dt>
    <dd class="mono">${d.event_type} · ${d.event_id}</dd>
    <dt>${t('status')}</dt>
    <dd id="delivery-status"><span class="badge ${d.status}">${d.status}</span></dd>
    <dt>${t('attempts')}</dt>
    <dd>${d.attempts}</dd>
    <dt>${t('next_retry')}</dt>
    <dd id="next-retry">${utc(isoMs(d.next_attempt_at))}</dd>
    <dt>${t('created')}</dt>
    <dd>${utc(isoMs(d.created_at))}</dd>
    <dt>${t('delivered_at')}</dt>
    <dd>${utc(isoMs(d.delivered_at))}</dd>
    ${
      d.invoice_id
        ? html`<dt>${t('invoice')}</dt>
            <dd class="mono"><a href="/dashboard/invoices/${d.invoice_id}">${d.invoice_id}</a></dd>`
        : ''
    }
    ${
      d.redelivery_of
        ? html`<dt>${t('redelivery_of')}</dt>
            <dd class="mono">
              <a href="/dashboard/deliveries/${d.redelivery_of}">${d.redelivery_of}</a>
            </dd>`
        : ''
    }
  </dl>`;
  const attempts = d.attempt_log.length
    ? html`<ol class="attempts" id="attempts">
        ${d.attempt_log.map(
          (a) =>
            html`<li class="card">
              <h3>${t('attempt_n', { n: a.attempt })} · ${utc(isoMs(a.started_at))}</h3>
              <dl class="terms">
                <dt>${t('response')}</dt>
                <dd class="mono">${a.response_code ?? a.error ?? '—'} (${a.duration_ms} ms)</dd>
              </dl>
              <details>
                <summary>${t('request')}</summary>
                <pre class="mono" tabindex="0">
POST ${a.request.url}
${Object.entries(a.request.headers)
                    .map(([k, val]) => `${k}: ${val}`)
                    .join('\n')}

${a.request.body}</pre>
              </details>
              <details>
                <summary>${t('response_body')}</summary>
                <pre class="mono" tabindex="0">${a.response_body ?? ''}</pre>
              </details>
            </li>`,
        )}
      </ol>`
    : html`<p class="muted">${t('no_attempts')}</p>`;
  const redeliver = can(v.user.role, 'invoices.write')
    ? html`<div class="actions card" role="group" aria-label="${t('actions')}">
        ${inlinePostButton(v.page, `/dashboard/deliveries/${d.id}/redeliver`, t('redeliver'))}
      </div>`
    : '';
  const doneKey = DONE[done ?? ''];
  const body = html`${redeliver}
    <div id="live">
      <section class="card" aria-labelledby="h-delivery">
        <h2 id="h-delivery">${t('delivery')}</h2>
        ${terms}
      </section>
      <section class="card" aria-labelledby="h-attempts">
        <h2 id="h-attempts">${t('attempts')}</h2>
        ${attempts}
      </section>
    </div>`;
  return page(v.page, t('delivery_title', { id: d.id }), body, {
    live: 'list',
    notice: doneKey ? t(doneKey) : null,
  });
}

export function webhookPages(r: DashRouter, dc: DashContext): void {
  const oneTime = { access: dc.access, clock: dc.ctx.clock };
  /** A secret stashed by a POST, for the GET after its redirect: shown once, then "already shown". */
  const shownOnce = async (v: SignedIn, id: string | undefined) => {
    if (!id) return {};
    const secret = await revealSecret(oneTime, v.token, id);
    return secret ? { secret } : { notice: v.t('already_shown') };
  };

  r.get('/dashboard/webhooks', 'read', async (req, reply, v) =>
    send(reply, await listPage(dc, v, await shownOnce(v, req.query.shown))),
  );

  r.post('/dashboard/webhooks', 'settings.write', async (req, reply, v) => {
    const form = {
      project: field(req.body, 'project'),
      url: field(req.body, 'url'),
      format: field(req.body, 'format') || 'native',
      content_type: field(req.body, 'content_type') || 'json',
      description: field(req.body, 'description').slice(0, 500),
    };
    try {
      if (!form.url) throw new KassaError('invalid_request', 'url is required', 'url');
      const created = await dc.webhooks.createEndpoint(v.user.accountId, form.project, {
        url: form.url,
        format: form.format,
        content_type: form.content_type,
        description: form.description || null,
      });
      await audit(dc.access, dc.ctx.clock, v.actor, 'webhook.created', created.id, created.url);
      // The secret is shown by the GET after the redirect, so a reload adds no second endpoint.
      if (created.secret) {
        const id = await stashSecret(oneTime, v.token, created.secret);
        return reply.redirect(`/dashboard/webhooks?shown=${id}`, 303);
      }
      return reply.redirect(endpointPath(created), 303);
    } catch (err) {
      if (!(err instanceof KassaError)) throw err;
      const error = `${err.field ?? ''} ${err.message}`.trim();
      return send(reply, await listPage(dc, v, { error, form }), 400);
    }
  });

  r.get('/dashboard/webhooks/:shop/:endpoint', 'read', async (req, reply, v) =>
    send(
      reply,
      await endpointPage(dc, v, req.params.shop!, req.params.endpoint!, {
        done: req.query.done,
        ...(await shownOnce(v, req.query.shown)),
      }),
    ),
  );

  r.post('/dashboard/webhooks/:shop/:endpoint/test', 'settings.write', async (req, reply, v) => {
    const { shop, endpoint } = req.params as { shop: string; endpoint: string };
    const d = await dc.webhooks.sendTest(v.user.accountId, shop, endpoint);
    await audit(dc.access, dc.ctx.clock, v.actor, 'webhook.test_sent', endpoint, d.id);
    return reply.redirect(`${endpointPath({ shop_id: shop, id: endpoint })}?done=test`, 303);
  });

  r.get('/dashboard/webhooks/:shop/:endpoint/rotate', 'settings.write', async (req, reply, v) => {
    const { shop, endpoint } = req.params as { shop: string; endpoint: string };
    const base = endpointPath({ shop_id: shop, id: endpoint });
    // Looked up first, so a foreign or unknown endpoint is a 404 here too.
    await dc.webhooks.listEndpointDeliveries(v.user.accountId, shop, endpoint, 1);
    const body = html`<form method="post" action="${base}/rotate" class="stack card">
      ${csrfField(v.page)}
      <p>${v.t('confirm_rotate')}</p>
      <div class="actions">
        <button type="submit" class="danger">${v.t('confirm')}</button>
        <a class="button secondary" href="${base}">${v.t('back')}</a>
      </div>
    </form>`;
    return send(reply, page(v.page, v.t('confirm_title', { action: v.t('rotate_secret') }), body));
  });

  r.post('/dashboard/webhooks/:shop/:endpoint/rotate', 'settings.write', async (req, reply, v) => {
    const { shop, endpoint } = req.params as { shop: string; endpoint: string };
    try {
      const rotated = await dc.webhooks.rotateSecret(v.user.accountId, shop, endpoint);
      await audit(dc.access, dc.ctx.clock, v.actor, 'webhook.secret_rotated', endpoint);
      const id = await stashSecret(oneTime, v.token, rotated.secret);
      return reply.redirect(`${endpointPath({ shop_id: shop, id: endpoint })}?shown=${id}`, 303);
    } catch (err) {
      if (!(err instanceof KassaError) || err.code === 'not_found') throw err;
      return send(reply, await endpointPage(dc, v, shop, endpoint, { error: err.message }), 409);
    }
  });

  r.post('/dashboard/webhooks/:shop/:endpoint/enabled', 'settings.write', async (req, reply, v) => {
    const { shop, endpoint } = req.params as { shop: string; endpoint: string };
    const value = field(req.body, 'enabled');
    if (value !== 'true' && value !== 'false')
      throw new KassaError('invalid_request', 'enabled must be true or false', 'enabled');
    const enabled = value === 'true';
    await dc.webhooks.updateEndpoint(v.user.accountId, shop, endpoint, { enabled });
    await audit(
      dc.access,
      dc.ctx.clock,
      v.actor,
      enabled ? 'webhook.enabled' : 'webhook.disabled',
      endpoint,
    );
    const done = enabled ? 'enabled' : 'disabled';
    return reply.redirect(`${endpointPath({ shop_id: shop, id: endpoint })}?done=${done}`, 303);
  });

  r.get('/dashboard/deliveries/:id', 'read', async (req, reply, v) =>
    send(reply, await deliveryPage(dc, v, req.params.id!, req.query.done)),
  );

  r.post('/dashboard/deliveries/:id/redeliver', 'invoices.write', async (req, reply, v) => {
    const d = await dc.webhooks.redeliver(v.user.accountId, req.params.id!);
    await audit(
      dc.access,
      dc.ctx.clock,
      v.actor,
      'delivery.redelivered',
      d.id,
      `of ${req.params.id!}`,
    );
    return reply.redirect(`/dashboard/deliveries/${d.id}?done=redelivered`, 303);
  });
}

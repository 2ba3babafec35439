/**
 * One invoice: terms, quote, timeline, payments, callback deliveries and
 * refunds; cancel, complete and record-refund each go through a confirmation
 * page before the form that acts. Create invoice lives here too.
 */
import type { FastifyReply } from 'fastify';
import { listProjects } from '../../../app/accounts.js';
import { audit } from '../../../app/audit.js';
import {
  cancelInvoice,
  completeInvoice,
  invoiceRefunds,
  recordRefund,
} from '../../../app/decisions.js';
import {
  createInvoice,
  findInvoice,
  invoiceDetails,
  invoiceEvents,
  invoicePayments,
} from '../../../app/invoices.js';
import { cryptoCurrency } from '../../../domain/currencies.js';
import { KassaError } from '../../../domain/errors.js';
import { canCancel, canComplete } from '../../../domain/invoice-status.js';
import { formatUnits } from '../../../domain/money.js';
import { html, type Html } from '../../pay/html.js';
import { qrSvg } from '../../pay/qr.js';
import { explorerUrl } from '../explorer.js';
import { field, statusBadge, utc } from '../format.js';
import type { DashContext } from '../context.js';
import { csrfField, inlinePostButton, page, scrollTable } from '../layout.js';
import type { MessageKey } from '../i18n.js';
import type { DashRequest, DashRouter, SignedIn } from '../router.js';
import { can } from '../../../domain/roles.js';

const DONE: Readonly<Record<string, MessageKey>> = {
  cancel: 'done_cancel',
  complete: 'done_complete',
  refund: 'done_refund',
  redelivered: 'redelivered',
};

const ACTIONS = {
  cancel: { title: 'cancel_invoice', text: 'confirm_cancel' },
  complete: { title: 'complete_invoice', text: 'confirm_complete' },
  refund: { title: 'record_refund', text: 'confirm_refund' },
} as const satisfies Record<string, { title: MessageKey; text: MessageKey }>;
type Action = keyof typeof ACTIONS;
const isAction = (a: string): a is Action => a in ACTIONS;

function send(reply: FastifyReply, doc: string, status = 200) {
  return reply.status(status).type('text/html; charset=utf-8').send(doc);
}

async function detail(dc: DashContext, req: DashRequest, v: SignedIn, error: string | null = null) {
  const { t } = v;
  const inv = await findInvoice(dc.ctx, v.user.accountId, req.params.id!);
  const [view, events, pay, refunds, deliveries] = await Promise.all([
    invoiceDetails(dc.ctx, inv),
    invoiceEvents(dc.ctx, inv),
    invoicePayments(dc.ctx, inv),
    invoiceRefunds(dc.ctx, inv),
    dc.webhooks.listInvoiceDeliveries(v.user.accountId, inv.id),
  ]);
  const q = view.quote;
  const decimals = q ? (cryptoCurrency(q.currency)?.decimals ?? 0) : 0;
  const writer = can(v.user.role, 'invoices.write');
  const qr = await qrSvg(view.link, t('qr_label'));
  const terms = html`<dl class="terms">
    <dt>${t('status')}</dt>
    <dd id="status">${statusBadge(view.status, view.context, view.resolution)}</dd>
    <dt>${t('amount')}</dt>
    <dd>${view.amount} ${view.currency}</dd>
    <dt>${t('order_id')}</dt>
    <dd class="mono">${view.order_id ?? '—'}</dd>
    <dt>${t('description')}</dt>
    <dd>${view.description ?? '—'}</dd>
    <dt>${t('project')}</dt>
    <dd class="mono">${view.shop_id}</dd>
    <dt>${t('created')}</dt>
    <dd>${utc(inv.createdAt)}</dd>
    <dt>${t('expires')}</dt>
    <dd>${inv.expiresAt === null ? t('no_timer') : utc(inv.expiresAt)}</dd>
    <dt>${t('test_mode')}</dt>
    <dd>${view.test_mode ? t('yes') : t('no')}</dd>
    <dt>${t('pay_link')}</dt>
    <dd><a class="mono" href="${view.link}">${view.link}</a></dd>
  </dl>`;
  const quote = q
    ? html`<dl class="terms">
        <dt>${t('currency')}</dt>
        <dd>${q.currency} (${q.network})</dd>
        <dt>${t('address')}</dt>
        <dd class="mono">${q.address}</dd>
        <dt>${t('amount_due')}</dt>
        <dd>${q.amount_due} ${q.currency}</dd>
        <dt>${t('paid_crypto')}</dt>
        <dd id="received">${view.received} ${q.currency}</dd>
        <dt>${t('remaining')}</dt>
        <dd>${view.remaining} ${q.currency}</dd>
        <dt>${t('rate')}</dt>
        <dd>${q.rate} (${q.rate_source}, ${q.fixed_at})</dd>
        <dt>${t('confirmations_needed')}</dt>
        <dd>${q.required_confirmations}</dd>
      </dl>`
    : html`<p class="muted">${t('no_quote')}</p>`;
  const timeline = html`<ol class="timeline">
    ${events.map((e) => html`<li><span class="mono">${e.type}</span> · ${utc(e.createdAt)}</li>`)}
  </ol>`;
  const payments = pay.payments.length
    ? scrollTable(
        t('payments'),
        html`<table>
          <thead>
            <tr>
              <th scope="col">${t('txid')}</th>
              <th scope="col" class="num">${t('amount')}</th>
              <th scope="col" class="num">${t('confirmations')}</th>
              <th scope="col">${t('created')}</th>
            </tr>
          </thead>
          <tbody id="payments">
            ${pay.payments.map((p) => {
              const link = explorerUrl(p.chain, p.txid, dc.ctx.settings);
              const quoteOf = pay.quotes.find((x) => x.id === p.quoteId);
              const d = quoteOf
                ? (cryptoCurrency(quoteOf.currency)?.decimals ?? decimals)
                : decimals;
              return html`<tr>
                <td class="mono">
                  ${p.txid}:${p.outputIndex}
                  ${link ? html` <a href="${link}" rel="noreferrer noopener">${t('explorer')}</a>` : ''}
                </td>
                <td class="num">${formatUnits(p.amount, d)} ${quoteOf?.currency ?? ''}</td>
                <td class="num">
                  ${p.confirmations}/${quoteOf?.requiredConfirmations ?? '?'}
                  ${p.dropped ? html`<span class="badge failed">${t('dropped')}</span>` : ''}
                </td>
                <td>${utc(p.firstSeenAt)}</td>
              </tr>`;
            })}
          </tbody>
        </table>`,
      )
    : html`<p class="muted">${t('no_payments')}</p>`;
  const deliveryRows = deliveries.length
    ? scrollTable(
        t('deliveries'),
        html`<table>
          <thead>
            <tr>
              <th scope="col">${t('event')}</th>
              <th scope="col">${t('status')}</th>
              <th scope="col" class="num">${t('attempts')}</th>
              <th scope="col">${t('response')}</th>
              <th scope="col"><span class="muted">${t('actions')}</span></th>
            </tr>
          </thead>
          <tbody id="deliveries">
            ${deliveries.map(
              (d) =>
                html`<tr>
                  <td class="mono">${d.event_type}${d.redelivery_of ? ' ↻' : ''}</td>
                  <td><span class="badge ${d.status}">${d.status}</span></td>
                  <td class="num">${d.attempts}</td>
                  <td>
                    ${
                      d.last_attempt
                        ? html`<span class="mono"
                              >${d.last_attempt.response_code ?? d.last_attempt.error ?? ''}</span
                            >
                            <div class="mono muted">
                              ${(d.last_attempt.response_body ?? '').slice(0, 200)}
                            </div>`
                        : '—'
                    }
                  </td>
                  <td>
                    ${
                      writer
                        ? inlinePostButton(
                            v.page,
                            `/dashboard/invoices/${inv.id}/deliveries/${d.id}/redeliver`,
                            t('redeliver'),
                          )
                        : ''
                    }
                  </td>
                </tr>`,
            )}
          </tbody>
        </table>`,
      )
    : html`<p class="muted">${t('no_deliveries')}</p>`;
  const refundList = refunds.length
    ? html`<ul>
        ${refunds.map(
          (r) =>
            html`<li>
              ${r.source}: <span class="mono">${r.address}</span> ${r.amount ?? ''}
              ${r.currency ?? ''} ${r.txid ? html`<span class="mono">${r.txid}</span>` : ''} ·
              ${utc(r.createdAt)}
            </li>`,
        )}
      </ul>`
    : html`<p class="muted">${t('no_refunds')}</p>`;
  const cancellable = canCancel(inv);
  const actions: Html[] = [];
  if (writer && cancellable)
    actions.push(
      html`<a class="button secondary" href="/dashboard/invoices/${inv.id}/confirm/cancel"
        >${t('cancel_invoice')}</a
      >`,
    );
  if (writer && canComplete(inv))
    actions.push(
      html`<a class="button" href="/dashboard/invoices/${inv.id}/confirm/complete"
        >${t('complete_invoice')}</a
      >`,
    );
  if (writer && q)
    actions.push(
      html`<a class="button secondary" href="/dashboard/invoices/${inv.id}/confirm/refund"
        >${t('record_refund')}</a
      >`,
    );
  const doneKey = DONE[req.query.done ?? ''];
  const body = html`<div id="live">
    ${actions.length ? html`<div class="actions card" aria-label="${t('actions')}" role="group">${actions}</div>` : ''}
    <div class="grid">
      <section class="card" aria-labelledby="h-terms">
        <h2 id="h-terms">${t('terms')}</h2>
        ${terms}
        <figure>${qr}</figure>
      </section>
      <section class="card" aria-labelledby="h-quote">
        <h2 id="h-quote">${t('quote')}</h2>
        ${quote}
      </section>
    </div>
    <section class="card" aria-labelledby="h-payments">
      <h2 id="h-payments">${t('payments')}</h2>
      ${payments}
    </section>
    <section class="card" aria-labelledby="h-deliveries">
      <h2 id="h-deliveries">${t('deliveries')}</h2>
      ${deliveryRows}
    </section>
    <div class="grid">
      <section class="card" aria-labelledby="h-timeline">
        <h2 id="h-timeline">${t('timeline')}</h2>
        ${timeline}
      </section>
      <section class="card" aria-labelledby="h-refunds">
        <h2 id="h-refunds">${t('refunds')}</h2>
        ${refundList}
      </section>
    </div>
  </div>`;
  return page(v.page, t('invoice_title', { id: view.uuid }), body, {
    live: inv.id,
    notice: doneKey ? t(doneKey) : null,
    error,
  });
}

function confirmPage(
  v: SignedIn,
  id: string,
  action: Action,
  quoteCurrency: string,
  error: string | null = null,
) {
  const { t } = v;
  const a = ACTIONS[action];
  const refundFields =
    action === 'refund'
      ? html`<label
            >${t('amount')} <input name="amount" required inputmode="decimal" maxlength="40"
          /></label>
          <label
            >${t('currency')}
            <input name="currency" required value="${quoteCurrency}" maxlength="20"
          /></label>
          <label>${t('address')} <input name="address" required maxlength="200" /></label>
          <label>${t('txid')} <input name="txid" maxlength="200" /></label>`
      : '';
  const body = html`<form
    method="post"
    action="/dashboard/invoices/${id}/${action}"
    class="stack card"
  >
    ${csrfField(v.page)}
    <p>${t(a.text)}</p>
    ${refundFields}
    <div class="actions">
      <button type="submit" class="${action === 'cancel' ? 'danger' : ''}">${t('confirm')}</button>
      <a class="button secondary" href="/dashboard/invoices/${id}">${t('back')}</a>
    </div>
  </form>`;
  return page(v.page, t('confirm_title', { action: t(a.title) }), body, { error });
}

export function invoiceDetailPages(r: DashRouter, dc: DashContext): void {
  r.get('/dashboard/invoices/new', 'invoices.write', async (_req, reply, v) =>
    send(reply, await createForm(dc, v)),
  );

  r.post('/dashboard/invoices', 'invoices.write', async (req, reply, v) => {
    const b = req.body;
    const timer = field(b, 'expiry') !== 'none';
    const minutes = Number(field(b, 'minutes') || '60');
    try {
      if (timer && (!Number.isInteger(minutes) || minutes < 1 || minutes > 60 * 24 * 30))
        throw new KassaError(
          'invalid_request',
          'minutes must be a whole number from 1 to 43200',
          'minutes',
        );
      const { invoice } = await createInvoice(dc.ctx, {
        accountId: v.user.accountId,
        shopId: field(b, 'project'),
        amount: field(b, 'amount'),
        currency: field(b, 'currency') || 'USD',
        ...(field(b, 'order_id') ? { orderId: field(b, 'order_id').slice(0, 128) } : {}),
        ...(field(b, 'description') ? { description: field(b, 'description').slice(0, 500) } : {}),
        expiresInSeconds: timer ? minutes * 60 : null,
      });
      await audit(
        dc.access,
        dc.ctx.clock,
        v.actor,
        'invoice.created',
        invoice.id,
        `${invoice.amount} ${invoice.currency}`,
      );
      return reply.redirect(`/dashboard/invoices/${invoice.id}`, 303);
    } catch (err) {
      if (!(err instanceof KassaError)) throw err;
      return send(reply, await createForm(dc, v, `${err.field ?? ''} ${err.message}`.trim()), 400);
    }
  });

  r.get('/dashboard/invoices/:id', 'read', async (req, reply, v) =>
    send(reply, await detail(dc, req, v)),
  );

  r.get('/dashboard/invoices/:id/confirm/:action', 'invoices.write', async (req, reply, v) => {
    const action = req.params.action!;
    if (!isAction(action)) throw new KassaError('not_found', 'no such action');
    const inv = await findInvoice(dc.ctx, v.user.accountId, req.params.id!);
    const view = await invoiceDetails(dc.ctx, inv);
    return send(reply, confirmPage(v, inv.id, action, view.quote?.currency ?? ''));
  });

  for (const action of Object.keys(ACTIONS) as Action[]) {
    r.post(`/dashboard/invoices/:id/${action}`, 'invoices.write', async (req, reply, v) => {
      const inv = await findInvoice(dc.ctx, v.user.accountId, req.params.id!);
      try {
        if (action === 'cancel') await cancelInvoice(dc.ctx, inv);
        else if (action === 'complete') await completeInvoice(dc.ctx, inv);
        else {
          const txid = field(req.body, 'txid');
          await recordRefund(dc.ctx, inv, {
            amount: field(req.body, 'amount'),
            currency: field(req.body, 'currency'),
            address: field(req.body, 'address'),
            ...(txid ? { txid } : {}),
          });
        }
      } catch (err) {
        if (!(err instanceof KassaError) || err.code === 'not_found') throw err;
        const view = await invoiceDetails(dc.ctx, inv);
        return send(
          reply,
          confirmPage(v, inv.id, action, view.quote?.currency ?? '', err.message),
          409,
        );
      }
      await audit(dc.access, dc.ctx.clock, v.actor, `invoice.${action}`, inv.id);
      return reply.redirect(`/dashboard/invoices/${inv.id}?done=${action}`, 303);
    });
  }

  r.post(
    '/dashboard/invoices/:id/deliveries/:delivery/redeliver',
    'invoices.write',
    async (req, reply, v) => {
      const inv = await findInvoice(dc.ctx, v.user.accountId, req.params.id!);
      const d = await dc.webhooks.redeliver(v.user.accountId, req.params.delivery!);
      await audit(
        dc.access,
        dc.ctx.clock,
        v.actor,
        'delivery.redelivered',
        d.id,
        `of ${req.params.delivery}`,
      );
      return reply.redirect(`/dashboard/invoices/${inv.id}?done=redelivered`, 303);
    },
  );
}

async function createForm(
  dc: DashContext,
  v: SignedIn,
  error: string | null = null,
): Promise<string> {
  const { t } = v;
  const projects = await listProjects(dc.ctx, v.user.accountId);
  const body = html`<form method="post" action="/dashboard/invoices" class="stack card">
    ${csrfField(v.page)}
    <label
      >${t('project')}
      <select name="project" required>
        ${projects.map((p) => html`<option value="${p.id}">${p.name} (${p.id})</option>`)}
      </select></label
    >
    <label
      >${t('amount')} <input name="amount" required inputmode="decimal" maxlength="40"
    /></label>
    <label
      >${t('price_currency')} <input name="currency" value="USD" required maxlength="20"
    /></label>
    <label>${t('order_id')} <input name="order_id" maxlength="128" /></label>
    <label>${t('description')} <input name="description" maxlength="500" /></label>
    <fieldset>
      <legend>${t('expiry')}</legend>
      <label><input type="radio" name="expiry" value="timer" checked /> ${t('expiry_timer')}</label>
      <label><input type="radio" name="expiry" value="none" /> ${t('expiry_none')}</label>
    </fieldset>
    <label
      >${t('minutes')} <input name="minutes" value="60" inputmode="numeric" maxlength="5"
    /></label>
    <div class="actions"><button type="submit">${t('create')}</button></div>
  </form>`;
  return page(v.page, t('create_title'), body, { error });
}

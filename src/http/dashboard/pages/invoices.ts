/** The invoice list: filters, search, keyset pages, live refresh and CSV export. */
import { listProjects } from '../../../app/accounts.js';
import { INVOICE_STATUSES } from '../../../domain/invoice-status.js';
import { html } from '../../pay/html.js';
import { invoiceCsv } from '../csv.js';
import { CONTEXTS, queryString, readCursor, readListQuery, toFilter } from '../filters.js';
import { dueText, receivedText, statusBadge, utc } from '../format.js';
import type { DashContext } from '../context.js';
import { page, scrollTable } from '../layout.js';
import type { LiveFeed } from '../live.js';
import type { DashRouter } from '../router.js';

export const PAGE_SIZE = 50;

export function invoiceListPages(r: DashRouter, dc: DashContext, live: LiveFeed): void {
  r.get('/dashboard/invoices', 'read', async (req, reply, v) => {
    const { t } = v;
    const lq = readListQuery(req.query);
    const cursor = readCursor(req.query.after);
    const [rows, projects] = await Promise.all([
      dc.queries.invoices(toFilter(v.user.accountId, lq, PAGE_SIZE + 1, cursor)),
      listProjects(dc.ctx, v.user.accountId),
    ]);
    const more = rows.length > PAGE_SIZE;
    const shown = rows.slice(0, PAGE_SIZE);
    const last = shown[shown.length - 1];
    const option = (value: string, current: string, label = value) =>
      html`<option value="${value}" ${value === current ? html`selected` : ''}>${label}</option>`;
    const filters = html`<form
      method="get"
      action="/dashboard/invoices"
      class="filters card"
      role="search"
    >
      <label
        >${t('search')}
        <input
          type="search"
          name="q"
          value="${lq.q}"
          placeholder="${t('search_hint')}"
          maxlength="200"
      /></label>
      <label
        >${t('status')}
        <select name="status">
          ${option('', lq.status, t('any'))} ${INVOICE_STATUSES.map((s) => option(s, lq.status))}
        </select></label
      >
      <label
        >${t('context')}
        <select name="context">
          ${option('', lq.context, t('any'))} ${CONTEXTS.map((c) => option(c, lq.context))}
        </select></label
      >
      <label
        >${t('project')}
        <select name="project">
          ${option('', lq.project, t('any'))}
          ${projects.map((p) => option(p.id, lq.project, `${p.name} (${p.id})`))}
        </select></label
      >
      <label
        >${t('currency')}
        <input name="currency" value="${lq.currency}" maxlength="20" autocapitalize="characters"
      /></label>
      <label>${t('from')} <input type="date" name="from" value="${lq.from}" /></label>
      <label>${t('to')} <input type="date" name="to" value="${lq.to}" /></label>
      <div class="actions">
        <button type="submit">${t('apply')}</button>
        <a class="button secondary" href="/dashboard/invoices">${t('reset')}</a>
      </div>
    </form>`;
    const table = shown.length
      ? scrollTable(
          t('invoices_title'),
          html`<table>
            <thead>
              <tr>
                <th scope="col">${t('invoice')}</th>
                <th scope="col">${t('status')}</th>
                <th scope="col" class="num">${t('amount')}</th>
                <th scope="col" class="num">${t('amount_due')}</th>
                <th scope="col" class="num">${t('paid_crypto')}</th>
                <th scope="col">${t('order_id')}</th>
                <th scope="col">${t('created')}</th>
              </tr>
            </thead>
            <tbody>
              ${shown.map(
                (i) =>
                  html`<tr data-invoice="${i.id}">
                    <td>
                      <a href="/dashboard/invoices/${i.id}">INV-${i.shortId}</a>
                      ${i.testMode ? html`<span class="badge">${t('test')}</span>` : ''}
                    </td>
                    <td class="status">${statusBadge(i.status, i.context, i.resolution)}</td>
                    <td class="num">${i.amount} ${i.priceCurrency}</td>
                    <td class="num">${dueText(i)} ${i.quoteCurrency ?? ''}</td>
                    <td class="num">${receivedText(i)}</td>
                    <td class="mono">${i.orderId ?? ''}</td>
                    <td>${utc(i.createdAt)}</td>
                  </tr>`,
              )}
            </tbody>
          </table>`,
        )
      : html`<p class="muted">${t('no_invoices')}</p>`;
    const pager = html`<div class="pager">
      ${cursor ? html`<a href="/dashboard/invoices${queryString(lq)}">${t('first_page')}</a>` : ''}
      ${
        more && last
          ? html`<a
              href="/dashboard/invoices${queryString(lq, { after: `${last.createdAt}.${last.id}` })}"
              >${t('next_page')}</a
            >`
          : ''
      }
    </div>`;
    const body = html`${filters}
      <p class="actions">
        <a
          class="button secondary"
          id="csv-export"
          href="/dashboard/invoices.csv${queryString(lq)}"
          download
          data-progress="${t('csv_progress')}"
          data-done="${t('csv_done')}"
          data-failed="${t('csv_failed')}"
          >${t('export_csv')}</a
        >
        <span class="muted">${t('export_note')}</span>
      </p>
      <p id="csv-status" class="progress" role="status" hidden></p>
      <section id="live" aria-live="polite">${table} ${pager}</section>`;
    return reply
      .type('text/html; charset=utf-8')
      .send(page(v.page, t('invoices_title'), body, cursor ? {} : { live: 'list' }));
  });

  r.get('/dashboard/invoices.csv', 'read', async (req, reply, v) => {
    const lq = readListQuery(req.query);
    const { limit: _limit, ...filter } = toFilter(v.user.accountId, lq, 1);
    const name = `invoices-${new Date(dc.ctx.clock.now()).toISOString().slice(0, 10)}.csv`;
    return reply
      .type('text/csv; charset=utf-8')
      .header('content-disposition', `attachment; filename="${name}"`)
      .send(invoiceCsv(dc.queries, filter));
  });

  r.get('/dashboard/events', 'read', async (req, reply, v) =>
    live.stream(req, reply, v.user, req.query.invoice),
  );
}

/** Overview: paid volume, a daily chart, counts, what needs a decision, failed deliveries, health. */
import { overview } from '../../../app/overview.js';
import { html } from '../../pay/html.js';
import { volumeChart } from '../chart.js';
import { statusBadge, utc } from '../format.js';
import type { DashContext } from '../context.js';
import { page, scrollTable } from '../layout.js';
import type { DashRouter } from '../router.js';
import { INVOICE_STATUSES } from '../../../domain/invoice-status.js';

export function overviewPage(r: DashRouter, dc: DashContext): void {
  r.get('/dashboard', 'read', async (_req, reply, v) => {
    const { t } = v;
    const o = await overview(dc.ctx, dc.queries, v.user.accountId);
    const health = dc.health();
    const now = dc.ctx.clock.now();
    const volume = o.volume.length
      ? scrollTable(
          t('volume'),
          html`<table>
            <thead>
              <tr>
                <th scope="col">${t('currency')}</th>
                <th scope="col" class="num">${t('today')}</th>
                <th scope="col" class="num">${t('days7')}</th>
                <th scope="col" class="num">${t('days30')}</th>
              </tr>
            </thead>
            <tbody>
              ${o.volume.map(
                (x) =>
                  html`<tr>
                    <th scope="row">${x.currency}</th>
                    <td class="num">${x.today}</td>
                    <td class="num">${x.week}</td>
                    <td class="num">${x.month}</td>
                  </tr>`,
              )}
            </tbody>
          </table>`,
        )
      : html`<p class="muted">${t('no_volume')}</p>`;
    const charts = o.volume.map((x) =>
      volumeChart(o.daily, x.currency, t('chart_title', { currency: x.currency })),
    );
    const counts = html`<dl class="terms">
      ${INVOICE_STATUSES.map(
        (s) =>
          html`<dt>${statusBadge(s, null, null)}</dt>
            <dd>${o.counts[s] ?? 0}</dd>`,
      )}
    </dl>`;
    const unresolved = o.unresolved.length
      ? html`<ul>
          ${o.unresolved.map(
            (i) =>
              html`<li>
                <a href="/dashboard/invoices/${i.id}">INV-${i.shortId}</a> ${i.amount}
                ${i.priceCurrency} ${statusBadge(i.status, i.context, i.resolution)}
              </li>`,
          )}
        </ul>`
      : html`<p class="muted">${t('none_unresolved')}</p>`;
    const failed = o.failedDeliveries.length
      ? html`<ul>
          ${o.failedDeliveries.map(
            (d) =>
              html`<li>
                <a href="/dashboard/invoices/${d.invoiceId}">${d.eventType}</a>
                <span class="mono">${d.url}</span> · ${d.lastResponseCode ?? d.lastError ?? ''} ·
                ${utc(d.updatedAt)}
              </li>`,
          )}
        </ul>`
      : html`<p class="muted">${t('none_failed')}</p>`;
    const watchers = health.watchers.length
      ? scrollTable(
          t('watchers'),
          html`<table>
            <thead>
              <tr>
                <th scope="col">${t('chain')}</th>
                <th scope="col" class="num">${t('height')}</th>
                <th scope="col" class="num">${t('lag')}</th>
                <th scope="col">${t('last_progress')}</th>
                <th scope="col">${t('node')}</th>
              </tr>
            </thead>
            <tbody>
              ${health.watchers.map(
                (w) =>
                  html`<tr>
                    <th scope="row">${w.chain}</th>
                    <td class="num">${w.height ?? '—'}</td>
                    <td class="num">
                      ${w.height !== null && w.nodeHeight !== null ? w.nodeHeight - w.height : '—'}
                    </td>
                    <td>
                      ${
                        w.lastProgressAt === null
                          ? '—'
                          : `${utc(w.lastProgressAt)} (${Math.round((now - w.lastProgressAt) / 1000)} s)`
                      }
                    </td>
                    <td>${w.nodeReachable ? t('reachable') : t('unreachable')}</td>
                  </tr>`,
              )}
            </tbody>
          </table>`,
        )
      : html`<p class="muted">${t('none_watchers')}</p>`;
    const rates = health.rates.length
      ? scrollTable(
          t('rates'),
          html`<table>
            <thead>
              <tr>
                <th scope="col">${t('source')}</th>
                <th scope="col">${t('state')}</th>
                <th scope="col">${t('last_success')}</th>
              </tr>
            </thead>
            <tbody>
              ${health.rates.map(
                (s) =>
                  html`<tr>
                    <th scope="row">${s.source}</th>
                    <td>${s.ok ? t('ok') : `${t('failing')}: ${s.lastError ?? ''}`}</td>
                    <td>${s.lastSuccessAt ?? '—'}</td>
                  </tr>`,
              )}
            </tbody>
          </table>`,
        )
      : html`<p class="muted">${t('none_rates')}</p>`;
    const body = html`<div id="live">
      <div class="grid">
        <section class="card" aria-labelledby="h-volume">
          <h2 id="h-volume">${t('volume')}</h2>
          ${volume} ${charts}
        </section>
        <section class="card" aria-labelledby="h-counts">
          <h2 id="h-counts">${t('counts')}</h2>
          ${counts}
        </section>
        <section class="card" aria-labelledby="h-unresolved">
          <h2 id="h-unresolved">${t('unresolved')}</h2>
          ${unresolved}
        </section>
        <section class="card" aria-labelledby="h-failed">
          <h2 id="h-failed">${t('failed_deliveries')}</h2>
          ${failed}
        </section>
        <section class="card" aria-labelledby="h-watchers">
          <h2 id="h-watchers">${t('watchers')}</h2>
          ${watchers}
        </section>
        <section class="card" aria-labelledby="h-rates">
          <h2 id="h-rates">${t('rates')}</h2>
          ${rates}
        </section>
      </div>
    </div>`;
    return reply
      .type('text/html; charset=utf-8')
      .send(page(v.page, t('overview_title'), body, { live: 'list' }));
  });
}

/** The audit log (owners): who did what, newest first. */
import { auditLog } from '../../../app/audit.js';
import { html } from '../../pay/html.js';
import { utc } from '../format.js';
import type { DashContext } from '../context.js';
import { page, scrollTable } from '../layout.js';
import type { DashRouter } from '../router.js';

const PAGE = 100;

export function auditPages(r: DashRouter, dc: DashContext): void {
  r.get('/dashboard/audit', 'audit.read', async (req, reply, v) => {
    const { t } = v;
    const before = /^aud_[a-z0-9]{1,40}$/.test(req.query.before ?? '')
      ? req.query.before
      : undefined;
    const entries = await auditLog(dc.access, v.user.accountId, PAGE + 1, before);
    const shown = entries.slice(0, PAGE);
    const table = scrollTable(
      t('audit_title'),
      html`<table id="audit">
        <thead>
          <tr>
            <th scope="col">${t('when')}</th>
            <th scope="col">${t('who')}</th>
            <th scope="col">${t('what')}</th>
            <th scope="col">${t('target')}</th>
            <th scope="col">${t('detail')}</th>
            <th scope="col">${t('ip')}</th>
          </tr>
        </thead>
        <tbody>
          ${shown.map(
            (e) =>
              html`<tr>
                <td>${utc(e.createdAt)}</td>
                <td>${e.actor}</td>
                <td class="mono">${e.action}</td>
                <td class="mono">${e.target ?? ''}</td>
                <td>${e.detail ?? ''}</td>
                <td class="mono">${e.ip ?? ''}</td>
              </tr>`,
          )}
        </tbody>
      </table>`,
    );
    const more = entries.length > PAGE ? shown[shown.length - 1] : undefined;
    const body = html`<section class="card">
      ${table}
      ${more ? html`<p class="pager"><a href="/dashboard/audit?before=${more.id}">${t('older')}</a></p>` : ''}
    </section>`;
    return reply.type('text/html; charset=utf-8').send(page(v.page, t('audit_title'), body));
  });
}

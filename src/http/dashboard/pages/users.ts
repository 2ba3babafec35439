/** Users and roles (owners only): add a user, change a role, disable a user. */
import { changeRole, createUser, disableUser, listUsers } from '../../../app/users.js';
import { KassaError } from '../../../domain/errors.js';
import { ROLES } from '../../../domain/roles.js';
import { html } from '../../pay/html.js';
import { field, utc } from '../format.js';
import type { DashContext } from '../context.js';
import { csrfField, inlinePostButton, page, scrollTable } from '../layout.js';
import type { DashRouter, SignedIn } from '../router.js';

export function userPages(r: DashRouter, dc: DashContext): void {
  const deps = { access: dc.access, clock: dc.ctx.clock, store: dc.ctx.store };

  const render = async (v: SignedIn, o: { error?: string; notice?: string } = {}) => {
    const { t } = v;
    const users = await listUsers(deps, v.user.accountId);
    const roleSelect = (current: string, label: string) =>
      html`<select name="role" aria-label="${label}">
        ${ROLES.map((r) => html`<option value="${r}" ${r === current ? html`selected` : ''}>${r}</option>`)}
      </select>`;
    const table = scrollTable(
      t('users_title'),
      html`<table>
        <thead>
          <tr>
            <th scope="col">${t('email')}</th>
            <th scope="col">${t('role')}</th>
            <th scope="col">${t('created')}</th>
            <th scope="col"><span class="muted">${t('actions')}</span></th>
          </tr>
        </thead>
        <tbody>
          ${users.map(
            (u) =>
              html`<tr>
                <td>
                  ${u.email}${u.disabledAt !== null ? html` <span class="badge failed">${t('disabled')}</span>` : ''}${u.totpSecret ? ' 🔒' : ''}
                </td>
                <td>${u.role}</td>
                <td>${utc(u.createdAt)}</td>
                <td>
                  ${
                    u.disabledAt === null && u.id !== v.user.id
                      ? html`<form
                            method="post"
                            action="/dashboard/users/${u.id}/role"
                            class="actions"
                          >
                            ${csrfField(v.page)} ${roleSelect(u.role, `${t('role')}: ${u.email}`)}
                            <button type="submit" class="secondary">${t('change_role')}</button>
                          </form>
                          ${inlinePostButton(v.page, `/dashboard/users/${u.id}/disable`, t('disable'))}`
                      : ''
                  }
                </td>
              </tr>`,
          )}
        </tbody>
      </table>`,
    );
    const add = html`<section class="card" aria-labelledby="h-add">
      <h2 id="h-add">${t('add_user')}</h2>
      <form method="post" action="/dashboard/users" class="stack">
        ${csrfField(v.page)}
        <label>${t('email')} <input type="email" name="email" required autocomplete="off" /></label>
        <label>${t('role')} ${roleSelect('viewer', t('role'))}</label>
        <label
          >${t('initial_password')}
          <input
            type="password"
            name="password"
            minlength="10"
            required
            autocomplete="new-password"
        /></label>
        <div class="actions"><button type="submit">${t('add')}</button></div>
      </form>
    </section>`;
    return page(
      v.page,
      t('users_title'),
      html`<section class="card">${table}</section>
        ${add}`,
      {
        error: o.error ?? null,
        notice: o.notice ?? null,
      },
    );
  };
  const send = (
    reply: Parameters<Parameters<DashRouter['get']>[2]>[1],
    doc: string,
    status = 200,
  ) => reply.status(status).type('text/html; charset=utf-8').send(doc);

  r.get('/dashboard/users', 'users.manage', async (req, reply, v) =>
    send(reply, await render(v, req.query.done ? { notice: v.t('user_added') } : {})),
  );

  const act = (
    path: string,
    fn: (v: SignedIn, id: string, b: Record<string, unknown> | undefined) => Promise<unknown>,
  ) =>
    r.post(path, 'users.manage', async (req, reply, v) => {
      try {
        await fn(v, req.params.id ?? '', req.body);
      } catch (err) {
        if (!(err instanceof KassaError) || err.code === 'not_found') throw err;
        return send(reply, await render(v, { error: err.message }), 400);
      }
      return reply.redirect('/dashboard/users?done=1', 303);
    });

  act('/dashboard/users', (v, _id, b) =>
    createUser(
      deps,
      {
        accountId: v.user.accountId,
        email: field(b, 'email'),
        role: field(b, 'role'),
        password: field(b, 'password'),
      },
      v.actor,
    ),
  );
  act('/dashboard/users/:id/role', (v, id, b) => changeRole(deps, v.actor, id, field(b, 'role')));
  act('/dashboard/users/:id/disable', (v, id) => disableUser(deps, v.actor, id));
}

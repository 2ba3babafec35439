/** My account: change password, turn two-factor sign-in on (with a QR code) or off. */
import { otpauthUri } from '../../../app/totp.js';
import { changePassword, disableTotp, enableTotp, proposeTotpSecret } from '../../../app/users.js';
import { KassaError } from '../../../domain/errors.js';
import { html } from '../../pay/html.js';
import { qrSvg } from '../../pay/qr.js';
import { field } from '../format.js';
import type { DashContext } from '../context.js';
import { csrfField, page } from '../layout.js';
import type { MessageKey } from '../i18n.js';
import type { DashRouter, SignedIn } from '../router.js';

const DONE: Readonly<Record<string, MessageKey>> = {
  password: 'password_changed',
  totp_on: 'twofa_enabled',
  totp_off: 'twofa_disabled',
};

async function render(v: SignedIn, o: { error?: string; notice?: string; secret?: string } = {}) {
  const { t, user } = v;
  const secret = o.secret ?? proposeTotpSecret();
  const twofa = user.totpSecret
    ? html`<p>${t('twofa_on')}</p>
        <form method="post" action="/dashboard/account/totp/off" class="stack">
          ${csrfField(v.page)}
          <label
            >${t('current_password')}
            <input type="password" name="current_password" autocomplete="current-password" required
          /></label>
          <div class="actions">
            <button type="submit" class="secondary">${t('twofa_disable')}</button>
          </div>
        </form>`
    : html`<p>${t('twofa_off')}</p>
        <p>${t('twofa_scan')}</p>
        <figure>${await qrSvg(otpauthUri(secret, user.email), t('twofa'))}</figure>
        <p>${t('twofa_secret')}: <span class="mono" id="totp-secret">${secret}</span></p>
        <form method="post" action="/dashboard/account/totp/on" class="stack">
          ${csrfField(v.page)}
          <input type="hidden" name="secret" value="${secret}" />
          <label
            >${t('code')}
            <input
              name="code"
              inputmode="numeric"
              autocomplete="one-time-code"
              pattern="[0-9]{6}"
              maxlength="6"
              required
          /></label>
          <div class="actions"><button type="submit">${t('twofa_enable')}</button></div>
        </form>`;
  const body = html`<div class="grid">
    <section class="card" aria-labelledby="h-password">
      <h2 id="h-password">${t('change_password')}</h2>
      <form method="post" action="/dashboard/account/password" class="stack">
        ${csrfField(v.page)}
        <input type="hidden" name="username" autocomplete="username" value="${user.email}" />
        <label
          >${t('current_password')}
          <input type="password" name="current_password" autocomplete="current-password" required
        /></label>
        <label
          >${t('new_password')}
          <input
            type="password"
            name="new_password"
            autocomplete="new-password"
            minlength="10"
            required
        /></label>
        <div class="actions"><button type="submit">${t('save')}</button></div>
      </form>
    </section>
    <section class="card" aria-labelledby="h-2fa">
      <h2 id="h-2fa">${t('twofa')}</h2>
      ${twofa}
    </section>
  </div>`;
  return page(v.page, t('account_title'), body, {
    error: o.error ?? null,
    notice: o.notice ?? null,
  });
}

export function accountPages(r: DashRouter, dc: DashContext): void {
  const deps = { access: dc.access, clock: dc.ctx.clock };
  const send = (
    reply: Parameters<Parameters<DashRouter['get']>[2]>[1],
    doc: string,
    status = 200,
  ) => reply.status(status).type('text/html; charset=utf-8').send(doc);

  r.get('/dashboard/account', 'read', async (req, reply, v) => {
    const key = DONE[req.query.done ?? ''];
    return send(reply, await render(v, key ? { notice: v.t(key) } : {}));
  });

  const act = (
    path: string,
    done: string,
    fn: (v: SignedIn, b: Record<string, unknown> | undefined) => Promise<void>,
  ) =>
    r.post(path, 'read', async (req, reply, v) => {
      try {
        await fn(v, req.body);
      } catch (err) {
        if (!(err instanceof KassaError)) throw err;
        const secret = field(req.body, 'secret');
        return send(
          reply,
          await render(v, { error: err.message, ...(secret ? { secret } : {}) }),
          400,
        );
      }
      return reply.redirect(`/dashboard/account?done=${done}`, 303);
    });

  act('/dashboard/account/password', 'password', (v, b) =>
    changePassword(deps, v.actor, v.user, field(b, 'current_password'), field(b, 'new_password')),
  );
  act('/dashboard/account/totp/on', 'totp_on', (v, b) =>
    enableTotp(deps, v.actor, v.user, field(b, 'secret'), field(b, 'code')),
  );
  act('/dashboard/account/totp/off', 'totp_off', (v, b) =>
    disableTotp(deps, v.actor, v.user, field(b, 'current_password')),
  );
}

/** Sign-in and sign-out. A fresh session (new token, new CSRF token) is made at every sign-in. */
import { randomBytes } from 'node:crypto';
import type { FastifyReply } from 'fastify';
import { SESSION_MAX_MS, signIn, signOut } from '../../../app/sessions.js';
import { html } from '../../pay/html.js';
import { cookieName, readCookie, setCookie } from '../cookies.js';
import type { DashContext } from '../context.js';
import { page } from '../layout.js';
import type { DashRequest, DashRouter, Visitor } from '../router.js';
import { sameToken } from '../security.js';

const LOGIN_COOKIE = 'kassa_login';

/** Only paths inside the dashboard, so a crafted link cannot send someone elsewhere. */
function safeNext(next: unknown): string {
  return typeof next === 'string' && /^\/dashboard(\/[A-Za-z0-9_\-/?=&.%]*)?$/.test(next)
    ? next
    : '/dashboard';
}

function form(
  dc: DashContext,
  req: DashRequest,
  reply: FastifyReply,
  v: Visitor,
  o: { status?: number; error?: string; email?: string } = {},
) {
  // Sign-in CSRF: the form's token must equal this cookie, which another site cannot read or set.
  const token = randomBytes(24).toString('base64url');
  const secure = dc.secure(req);
  setCookie(reply, cookieName(LOGIN_COOKIE, secure), token, { secure, sameSite: 'Strict' });
  const { t } = v;
  const next = safeNext(req.query.next ?? (req.body?.next as string | undefined));
  const body = html`<form method="post" action="/dashboard/sign-in" class="stack card">
    <input type="hidden" name="_login" value="${token}" />
    <input type="hidden" name="next" value="${next}" />
    <label
      >${t('email')}
      <input type="email" name="email" autocomplete="username" required value="${o.email ?? ''}"
    /></label>
    <label
      >${t('password')}
      <input type="password" name="password" autocomplete="current-password" required
    /></label>
    <label
      >${t('totp_code')}
      <input
        type="text"
        name="code"
        inputmode="numeric"
        autocomplete="one-time-code"
        pattern="[0-9]{6}"
        maxlength="6"
        aria-describedby="code-hint"
    /></label>
    <p class="muted" id="code-hint">${t('sign_in_code')}</p>
    <div class="actions"><button type="submit">${t('sign_in')}</button></div>
  </form>`;
  return reply
    .status(o.status ?? 200)
    .type('text/html; charset=utf-8')
    .send(
      page(
        { t, locale: v.locale, path: '/dashboard/sign-in', user: null, csrf: null },
        t('sign_in_title'),
        body,
        {
          error: o.error ?? null,
        },
      ),
    );
}

const text = (body: DashRequest['body'], name: string) => {
  const v = body?.[name];
  return typeof v === 'string' ? v : '';
};

export function signInPages(r: DashRouter, dc: DashContext): void {
  const deps = { access: dc.access, clock: dc.ctx.clock };

  // Shown even to a signed-in visitor: signing in again (as someone else) replaces the session.
  r.publicGet('/dashboard/sign-in', async (req, reply, v) => form(dc, req, reply, v));

  r.publicPost('/dashboard/sign-in', async (req, reply, v) => {
    const secure = dc.secure(req);
    const expected = readCookie(req, cookieName(LOGIN_COOKIE, secure)) ?? '';
    const email = text(req.body, 'email').slice(0, 254);
    if (!expected || !sameToken(req.body?._login, expected))
      return form(dc, req, reply, v, { status: 403, error: v.t('sign_in_refused'), email });
    const result = await signIn(deps, {
      email,
      password: text(req.body, 'password').slice(0, 1024),
      code: text(req.body, 'code').trim() || undefined,
      ip: v.ip,
    });
    if (result.kind === 'locked')
      return form(dc, req, reply, v, { status: 429, error: v.t('sign_in_locked'), email });
    if (result.kind === 'refused')
      return form(dc, req, reply, v, { status: 401, error: v.t('sign_in_refused'), email });
    // Whatever session this browser had before ends here (no session fixation).
    const prior = readCookie(req, dc.sessionCookie(req));
    if (prior) await signOut(deps, prior);
    setCookie(reply, dc.sessionCookie(req), result.token, {
      secure,
      sameSite: 'Lax',
      maxAgeSeconds: Math.floor(SESSION_MAX_MS / 1000),
    });
    setCookie(reply, cookieName(LOGIN_COOKIE, secure), '', { secure, maxAgeSeconds: 0 });
    return reply.redirect(safeNext(text(req.body, 'next')), 303);
  });

  r.post('/dashboard/sign-out', 'read', async (req, reply, v) => {
    await signOut(deps, v.token);
    setCookie(reply, dc.sessionCookie(req), '', { secure: dc.secure(req), maxAgeSeconds: 0 });
    return reply.redirect('/dashboard/sign-in', 303);
  });
}

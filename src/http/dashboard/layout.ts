/** The document around every dashboard page: head, navigation by role, language switch. */
import type { User } from '../../app/ports/access.js';
import { can, type Permission } from '../../domain/roles.js';
import { DASH_ASSETS, PAGE_ASSETS } from '../assets/index.js';
import { html, type Html } from '../pay/html.js';
import type { DashLocale, MessageKey, Translate } from './i18n.js';

export interface PageContext {
  readonly t: Translate;
  readonly locale: DashLocale;
  readonly path: string;
  readonly user: User | null;
  readonly csrf: string | null;
}

const NAV: readonly { href: string; key: MessageKey; permission: Permission }[] = [
  { href: '/dashboard', key: 'nav_overview', permission: 'read' },
  { href: '/dashboard/invoices', key: 'nav_invoices', permission: 'read' },
  { href: '/dashboard/invoices/new', key: 'nav_new_invoice', permission: 'invoices.write' },
  { href: '/dashboard/wallets', key: 'nav_wallets', permission: 'read' },
  { href: '/dashboard/webhooks', key: 'nav_webhooks', permission: 'read' },
  { href: '/dashboard/projects', key: 'nav_projects', permission: 'settings.write' },
  { href: '/dashboard/api-keys', key: 'nav_api_keys', permission: 'settings.write' },
  { href: '/dashboard/users', key: 'nav_users', permission: 'users.manage' },
  { href: '/dashboard/audit', key: 'nav_audit', permission: 'audit.read' },
  { href: '/dashboard/account', key: 'nav_account', permission: 'read' },
];

export function csrfField(p: PageContext): Html {
  return html`<input type="hidden" name="_csrf" value="${p.csrf ?? ''}" />`;
}

/** A one-button POST form inside a table row, carrying the session's CSRF token. */
export function inlinePostButton(p: PageContext, action: string, label: string): Html {
  return html`<form method="post" action="${action}" class="inline">
    ${csrfField(p)}
    <button type="submit" class="secondary">${label}</button>
  </form>`;
}

export interface PageOptions {
  /** Invoice id to follow, or "list": the script refreshes #live on changes. */
  readonly live?: string;
  readonly notice?: string | null;
  readonly error?: string | null;
}

export function page(p: PageContext, title: string, body: Html, o: PageOptions = {}): string {
  const { t, user } = p;
  const nav = user
    ? html`<nav aria-label="${t('nav_label')}" class="nav">
        <ul>
          ${NAV.filter((n) => can(user.role, n.permission)).map(
            (n) =>
              html`<li>
                <a href="${n.href}" ${p.path === n.href ? html`aria-current="page"` : ''}
                  >${t(n.key)}</a
                >
              </li>`,
          )}
        </ul>
        <form method="post" action="/dashboard/sign-out" class="sign-out">
          ${csrfField(p)}
          <span class="who">${t('signed_in_as', { email: user.email, role: user.role })}</span>
          <button type="submit" class="secondary">${t('sign_out')}</button>
        </form>
      </nav>`
    : '';
  const other: DashLocale = p.locale === 'en' ? 'ru' : 'en';
  const doc = html`<!doctype html>
    <html lang="${p.locale}">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="color-scheme" content="light dark" />
        <meta name="referrer" content="same-origin" />
        <meta name="robots" content="noindex, nofollow" />
        <title>${title} · ${t('product')}</title>
        <link rel="icon" href="${PAGE_ASSETS.logo.path}" type="image/svg+xml" />
        <link rel="stylesheet" href="${DASH_ASSETS.css.path}" />
        <script src="${DASH_ASSETS.js.path}" defer></script>
      </head>
      <body ${o.live ? html`data-live="${o.live}"` : ''}>
        <a class="skip" href="#main">${t('skip')}</a>
        <header class="top">
          <a class="brand" href="/dashboard"
            ><img src="${PAGE_ASSETS.logo.path}" alt="" width="28" height="28" />${t('product')}</a
          >
          <a class="lang" href="?locale=${other}" lang="${other}" hreflang="${other}"
            >${other === 'ru' ? 'Русский' : 'English'}</a
          >
        </header>
        ${nav}
        <main id="main" class="main">
          <h1>${title}</h1>
          ${o.notice ? html`<p class="notice ok" role="status">${o.notice}</p>` : ''}
          ${o.error ? html`<p class="notice error" role="alert">${o.error}</p>` : ''} ${body}
        </main>
      </body>
    </html>`;
  return doc.value;
}

/** A table that scrolls sideways on narrow screens (focusable, so keyboards can scroll it). */
export function scrollTable(label: string, table: Html): Html {
  return html`<div class="table-wrap" tabindex="0" role="region" aria-label="${label}">
    ${table}
  </div>`;
}

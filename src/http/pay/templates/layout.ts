/** The whole document around a screen: head, shop, summary, test banner, footer. */
import { PAGE_ASSETS } from '../../assets/index.js';
import { formatPrice } from '../format.js';
import { html, type Html } from '../html.js';
import { LOCALES, translator, type PageLocale } from '../i18n.js';
import { publicState } from '../page-data.js';
import { isFinalScreen, isOpenScreen } from '../screen.js';
import type { RenderContext } from './context.js';
import { screenBody } from './screens.js';
import { testPanel } from './test-panel.js';

function head(title: string, extra: Html = html``): Html {
  return html`<meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <meta name="color-scheme" content="light dark" />
    <meta name="referrer" content="same-origin" />
    <meta name="robots" content="noindex, nofollow" />
    <title>${title}</title>
    <link rel="icon" href="${PAGE_ASSETS.logo.path}" type="image/svg+xml" />
    <link rel="stylesheet" href="${PAGE_ASSETS.css.path}" />
    ${extra}`;
}

function shopHeader(r: RenderContext): Html {
  const { shop } = r.page;
  const mark = shop.logoUrl
    ? html`<img src="${shop.logoUrl}" alt="" width="40" height="40" referrerpolicy="no-referrer" />`
    : html`<span class="monogram" aria-hidden="true"
        >${[...shop.name.trim()][0]?.toUpperCase() ?? 'K'}</span
      >`;
  return html`<div class="shop">${mark}<span class="shop-name">${shop.name}</span></div>`;
}

function summary(r: RenderContext): Html {
  const { view } = r.page;
  return html`<section class="card summary" aria-label="${r.t('summary_label')}">
    <dl>
      <dt>${r.t('price')}</dt>
      <dd class="price" id="price">${formatPrice(view.amount, view.currency, r.locale)}</dd>
    </dl>
    <dl>
      ${
        view.order_id
          ? html`<dt>${r.t('order')}</dt>
              <dd>${view.order_id}</dd>`
          : ''
      }
      <dt>${r.t('invoice_id')}</dt>
      <dd id="invoice-number">${view.uuid}</dd>
    </dl>
    ${view.description ? html`<p class="description">${view.description}</p>` : ''}
  </section>`;
}

function languageLinks(r: RenderContext): Html {
  const others = (Object.keys(LOCALES) as PageLocale[]).filter((l) => l !== r.locale);
  return html`<nav aria-label="${r.t('language')}">
    ${others.map(
      (l) =>
        html`<a href="/pay/${r.page.invoice.id}?locale=${l}" hreflang="${l}" lang="${l}"
          >${LOCALES[l].lang_name}</a
        >`,
    )}
    <a href="/pay/${r.page.invoice.id}${r.query}">${r.t('reload')}</a>
  </nav>`;
}

export function paymentPage(r: RenderContext): string {
  const { page } = r;
  const state = publicState(page);
  const open = isOpenScreen(page.screen) && page.screen !== 'choose';
  const redirect = (page.screen === 'paid' && page.shop.successUrl) || null;
  const extra = html`<script src="${PAGE_ASSETS.js.path}" defer></script>
    ${open ? html`<noscript><meta http-equiv="refresh" content="30" /></noscript>` : ''}
    ${redirect ? html`<noscript><meta http-equiv="refresh" content="${r.redirectDelaySeconds};url=${redirect}" /></noscript>` : ''}`;
  const body = html`<!doctype html>
    <html lang="${r.locale}">
      <head>
        ${head(r.t('page_title', { project: page.shop.name }), extra)}
      </head>
      <body>
        <header>
          ${page.view.test_mode ? html`<p class="test-banner">${r.t('test_banner')}</p>` : ''}
          <div class="page page-head">${shopHeader(r)}</div>
        </header>
        <div class="page">
          ${summary(r)}
          <main
            id="main"
            data-invoice="${page.invoice.id}"
            data-state="${page.screen}"
            data-version="${state.version}"
            data-final="${String(isFinalScreen(page.screen))}"
            data-server-time="${state.server_time}"
          >
            ${screenBody(r)} ${testPanel(r)}
          </main>
          <p id="live" class="sr-only" role="status" aria-live="polite"></p>
          <footer>
            <p>
              <img src="${PAGE_ASSETS.logo.path}" alt="" width="16" height="16" />
              ${r.t('powered_by', { project: page.shop.name })}
            </p>
            ${languageLinks(r)}
          </footer>
        </div>
      </body>
    </html> `;
  return body.value;
}

/** A page for a link that leads nowhere, a rate limit or a failure: no invoice data at all. */
export function messagePage(
  locale: PageLocale,
  titleKey: 'not_found_title' | 'too_many_title' | 'error_title',
): string {
  const t = translator(locale);
  const textKey = titleKey.replace('_title', '_text') as
    'not_found_text' | 'too_many_text' | 'error_text';
  return html`<!doctype html>
    <html lang="${locale}">
      <head>
        ${head(t(titleKey))}
      </head>
      <body>
        <div class="page">
          <main id="main">
            <h1>${t(titleKey)}</h1>
            <p>${t(textKey)}</p>
          </main>
        </div>
      </body>
    </html> `.value;
}

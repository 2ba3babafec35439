/** Pieces shared by several screens: amounts with copy buttons, QR, countdown, forms. */
import type { CryptoCurrency } from '../../../domain/currencies.js';
import { cryptoCurrency } from '../../../domain/currencies.js';
import { ICONS } from '../../assets/index.js';
import { formatCrypto, formatTime } from '../format.js';
import { html, type Html } from '../html.js';
import type { Translate } from '../i18n.js';
import type { MessageKey } from '../messages/en.js';
import type { RenderContext } from './context.js';

function isToken(c: CryptoCurrency): boolean {
  return c.contract !== undefined;
}

/** "USDT · Tron (TRC-20)", "BTC · Bitcoin". */
export function networkName(c: CryptoCurrency, t: Translate): string {
  const key = isToken(c) ? `net_${c.network.code}` : `net_${c.chain}`;
  return t(key as MessageKey);
}

export function currencyLabel(c: CryptoCurrency, t: Translate): string {
  return `${c.symbol} · ${networkName(c, t)}`;
}

/** Decorative: the text beside it always names the coin and network. */
export function currencyIcon(c: CryptoCurrency): Html {
  const coin = ICONS.get(c.symbol.toLowerCase());
  if (!coin) return html``;
  const badge = isToken(c) ? ICONS.get(`network-${c.network.code.toLowerCase()}`) : undefined;
  return html`<span class="icon"
    ><img src="${coin.path}" alt="" width="28" height="28" />${
      badge ? html`<img class="badge" src="${badge.path}" alt="" width="14" height="14" />` : ''
    }</span
  >`;
}

export function quoteCurrency(r: RenderContext): CryptoCurrency | undefined {
  const q = r.page.view.quote;
  return q ? cryptoCurrency(q.currency) : undefined;
}

export function crypto(r: RenderContext, amount: string): string {
  return formatCrypto(amount, r.page.view.quote?.currency ?? '', r.locale);
}

/** A value the customer must type exactly, with a copy button the script reveals. */
export function copyField(opts: {
  id: string;
  label: string;
  value: string;
  display?: Html | string;
  copyText: string;
  copyLabel: string;
  copied: string;
  big?: boolean;
}): Html {
  return html`<div class="field">
    <span class="field-label">${opts.label}</span>
    <div class="copy-row">
      <code class="value${opts.big ? ' big' : ''}" id="${opts.id}" data-value="${opts.value}"
        >${opts.display ?? opts.value}</code
      >
      <button
        type="button"
        class="copy"
        data-copy="${opts.value}"
        data-copied="${opts.copied}"
        aria-label="${opts.copyLabel}"
        hidden
      >
        ${opts.copyText}
      </button>
    </div>
  </div>`;
}

/** Amount (exact, machine format so wallets accept it), network warning and address. */
export function paymentFields(r: RenderContext, amount: string, amountLabel: string): Html {
  const q = r.page.view.quote!;
  const c = quoteCurrency(r);
  const symbol = c?.symbol ?? q.currency;
  const network = c ? networkName(c, r.t) : q.network;
  return html`${copyField({
      id: 'amount',
      label: amountLabel,
      value: amount,
      display: html`${amount} ${symbol}`,
      copyText: r.t('copy'),
      copyLabel: r.t('copy_amount'),
      copied: r.t('copied'),
      big: true,
    })}
    <p class="notice">
      ${r.t('network_warning', { symbol, network })}
      ${r.t('exact_warning', { amount: crypto(r, amount) })}
    </p>
    ${copyField({
      id: 'address',
      label: `${r.t('address')} · ${network}`,
      value: q.address,
      copyText: r.t('copy'),
      copyLabel: r.t('copy_address'),
      copied: r.t('copied'),
    })}`;
}

export function qrFigure(r: RenderContext): Html {
  const uri = r.page.view.quote?.payment_uri;
  if (!r.qr || !uri) return html``;
  return html`<figure class="qr-box">
    ${r.qr}
    <figcaption>${r.t('qr_caption')} · <a href="${uri}">${r.t('open_wallet')}</a></figcaption>
  </figure>`;
}

/** A time in UTC for the page without script; the script shows it in the customer's zone. */
export function timeTag(r: RenderContext, iso: string): Html {
  return html`<time datetime="${iso}" data-local>${formatTime(Date.parse(iso), r.locale)}</time>`;
}

export function countdown(r: RenderContext): Html {
  const expires = r.page.view.expires_at;
  if (!expires) return html`<p class="timer">${r.t('no_timer')}</p>`;
  const left = Math.max(0, Date.parse(expires) - r.page.now);
  const s = Math.floor(left / 1000);
  const h = Math.floor(s / 3600);
  const mmss = `${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}:${String(s % 60).padStart(2, '0')}`;
  return html`<div class="timer">
    <span
      >${r.t('time_left')}:
      <span class="countdown" role="timer" data-expires="${expires}"
        >${h > 0 ? `${h}:` : ''}${mmss}</span
      ></span
    >
    <small>${r.th('pay_by', { time: timeTag(r, expires) })}</small>
  </div>`;
}

export function formError(r: RenderContext, form: 'currency' | 'refund' | 'test'): Html {
  if (r.error?.form !== form) return html``;
  return html`<p class="notice error" role="alert" id="${form}-error">${r.error.message}</p>`;
}

export function backToShop(r: RenderContext, url: string | null, secondary = false): Html {
  if (!url) return html``;
  return html`<a class="button${secondary ? ' secondary' : ''}" href="${url}"
    >${r.t('back_to_shop', { project: r.page.shop.name })}</a
  >`;
}

/** Where a refund may be sent: the customer enters an address, validated for the chain. */
export function refundSection(r: RenderContext): Html {
  const { view, refunds, invoice } = r.page;
  const c = quoteCurrency(r);
  if (!c || !view.context || view.resolution !== null || view.status === 'refunded') return html``;
  const requested = refunds.filter((x) => x.source === 'customer');
  const symbol = c.symbol;
  const network = networkName(c, r.t);
  if (requested.length > 0) {
    const last = requested[requested.length - 1]!;
    return html`<section class="card" aria-labelledby="refund-title">
      <h2 id="refund-title">${r.t('refund_title')}</h2>
      <p class="notice ok" id="refund-requested">
        ${r.th('refund_requested', {
          address: html`<code>${last.address}</code>`,
          time: timeTag(r, new Date(last.createdAt).toISOString()),
        })}
      </p>
    </section>`;
  }
  const failed = r.error?.form === 'refund';
  return html`<section class="card" aria-labelledby="refund-title">
    <h2 id="refund-title">${r.t('refund_title')}</h2>
    <p id="refund-hint">${r.t('refund_hint', { symbol, network })}</p>
    <form method="post" action="/pay/${invoice.id}/refund${r.query}">
      <label for="refund-address">${r.t('refund_address', { symbol, network })}</label>
      <input
        type="text"
        id="refund-address"
        name="address"
        required
        maxlength="200"
        autocomplete="off"
        autocapitalize="off"
        spellcheck="false"
        value="${failed ? (r.error?.value ?? '') : ''}"
        aria-describedby="refund-hint${failed ? ' refund-error' : ''}"
        ${failed ? html` aria-invalid="true"` : ''}
      />
      ${formError(r, 'refund')}
      <div class="actions"><button type="submit">${r.t('refund_submit')}</button></div>
    </form>
  </section>`;
}

/** One screen per state, each saying what happened and what to do next. */
import { formatUnits } from '../../../domain/money.js';
import { formatCrypto } from '../format.js';
import { html, type Html } from '../html.js';
import type { Screen } from '../screen.js';
import type { RenderContext } from './context.js';
import {
  backToShop,
  countdown,
  crypto,
  currencyIcon,
  currencyLabel,
  formError,
  paymentFields,
  qrFigure,
  quoteCurrency,
  refundSection,
} from './parts.js';

function choose(r: RenderContext): Html {
  const { payable, invoice } = r.page;
  if (payable.length === 0)
    return html`<h1 tabindex="-1">${r.t('choose_title')}</h1>
      <p>${r.t('choose_none')}</p>`;
  return html`<h1 tabindex="-1">${r.t('choose_title')}</h1>
    <p id="choose-hint">${r.t('choose_hint')}</p>
    <form method="post" action="/pay/${invoice.id}/currency${r.query}">
      <fieldset class="options" aria-describedby="choose-hint">
        <legend>${r.t('choose_legend')}</legend>
        ${payable.map(
          (c, i) =>
            html`<label class="option">
              <input
                type="radio"
                name="currency"
                value="${c.code}"
                required${i === 0 ? html` checked` : ''}
              />
              ${currencyIcon(c)}
              <span>${currencyLabel(c, r.t)}<small>${c.name}</small></span>
            </label>`,
        )}
      </fieldset>
      ${formError(r, 'currency')}
      <button type="submit">${r.t('choose_submit')}</button>
    </form>`;
}

function waiting(r: RenderContext): Html {
  const q = r.page.view.quote!;
  return html`<h1 tabindex="-1">${r.t('waiting_title')}</h1>
    <p class="status" id="status-line">${r.t('waiting_status')}</p>
    ${formError(r, 'currency')} ${paymentFields(r, q.amount_due, r.t('amount_to_send'))}
    ${qrFigure(r)} ${countdown(r)}`;
}

function confirmations(r: RenderContext): Html {
  const n = r.page.confirmations;
  const total = r.page.view.quote?.required_confirmations ?? 1;
  if (n === null) return html``;
  return html`<p id="confirmations">${r.t('confirmations', { n, total })}</p>
    <progress max="${total}" value="${n}" aria-labelledby="confirmations"></progress>`;
}

function seen(r: RenderContext): Html {
  const { view } = r.page;
  return html`<h1 tabindex="-1">${r.t('seen_title')}</h1>
    <p class="status" id="status-line">
      ${r.t('seen_text', { amount: crypto(r, view.received_unconfirmed) })}
    </p>
    ${confirmations(r)}
    ${view.context === 'unconfirmed' ? html`<p class="notice">${r.t('seen_stale')}</p>` : ''}
    <p>${r.t('seen_close')}</p>`;
}

function partial(r: RenderContext): Html {
  const { view } = r.page;
  const q = view.quote!;
  const pending = view.received_unconfirmed !== '0';
  return html`<h1 tabindex="-1">${r.t('partial_title')}</h1>
    <p class="status" id="status-line">
      ${r.t('partial_text', {
        received: crypto(r, view.received),
        due: crypto(r, q.amount_due),
        remaining: crypto(r, view.remaining),
      })}
    </p>
    ${
      pending
        ? html`<p>${r.t('partial_pending', { amount: crypto(r, view.received_unconfirmed) })}</p>
            ${confirmations(r)}`
        : ''
    }
    ${paymentFields(r, view.remaining, r.t('remaining_to_send'))} ${qrFigure(r)} ${countdown(r)}`;
}

function paid(r: RenderContext): Html {
  const { view, shop } = r.page;
  const seconds = r.redirectDelaySeconds;
  return html`<h1 tabindex="-1">${r.t('paid_title')}</h1>
    <p class="status done" id="status-line">
      ${r.t('paid_text', { amount: crypto(r, view.received) })}
    </p>
    ${
      shop.successUrl
        ? html`<p data-redirect="${shop.successUrl}" data-delay="${seconds}">
              ${r.th('paid_redirect', {
                project: shop.name,
                seconds: html`<span data-seconds>${seconds}</span>`,
              })}
            </p>
            <div class="actions">${backToShop(r, shop.successUrl)}</div>`
        : html`<p>${r.t('paid_close')}</p>`
    }`;
}

function overpaid(r: RenderContext): Html {
  const { view, shop } = r.page;
  const q = view.quote!;
  const c = quoteCurrency(r);
  const received = BigInt(view.received_units);
  const due = BigInt(q.amount_due_units);
  const excess = formatUnits(received > due ? received - due : 0n, c?.decimals ?? 0);
  return html`<h1 tabindex="-1">${r.t('overpaid_title')}</h1>
    <p class="status done" id="status-line">
      ${r.t('overpaid_text', {
        received: crypto(r, view.received),
        excess: crypto(r, excess),
        due: crypto(r, q.amount_due),
      })}
    </p>
    <div class="actions">${backToShop(r, shop.successUrl)}</div>`;
}

function expired(r: RenderContext): Html {
  const { shop, view } = r.page;
  return html`<h1 tabindex="-1">${r.t('expired_title')}</h1>
    <p class="notice error" id="status-line">${r.t('expired_text')}</p>
    <h2>${r.t('expired_paid_title')}</h2>
    <p>${r.t('expired_paid_text', { project: shop.name, invoice: view.uuid })}</p>
    <p>${r.t('expired_new')}</p>
    <div class="actions">${backToShop(r, shop.failUrl ?? shop.successUrl, true)}</div>`;
}

function underpaid(r: RenderContext): Html {
  const { view, shop } = r.page;
  return html`<h1 tabindex="-1">${r.t('underpaid_title')}</h1>
    <p class="notice" id="status-line">
      ${r.t('underpaid_text', {
        received: crypto(r, view.received),
        due: crypto(r, view.quote?.amount_due ?? '0'),
        project: shop.name,
      })}
    </p>`;
}

function paidLate(r: RenderContext): Html {
  const { view, shop } = r.page;
  const received = view.received !== '0' ? view.received : view.received_unconfirmed;
  return html`<h1 tabindex="-1">${r.t('late_title')}</h1>
    <p class="notice" id="status-line">
      ${r.t('late_text', { received: crypto(r, received), project: shop.name })}
    </p>`;
}

function cancelled(r: RenderContext): Html {
  const { shop, view } = r.page;
  return html`<h1 tabindex="-1">${r.t('cancelled_title')}</h1>
    <p class="notice error" id="status-line">
      ${r.t('cancelled_text', { project: shop.name, invoice: view.uuid })}
    </p>
    <div class="actions">${backToShop(r, shop.failUrl ?? shop.successUrl, true)}</div>`;
}

function refunded(r: RenderContext): Html {
  const made = r.page.refunds.filter((x) => x.source === 'merchant');
  return html`<h1 tabindex="-1">${r.t('refunded_title')}</h1>
    <p class="status done" id="status-line">${r.t('refunded_text')}</p>
    ${
      made.length > 0
        ? html`<ul class="refunds">
            ${made.map(
              (x) =>
                html`<li>
                  ${r.t('refund_item', {
                    amount:
                      x.amount && x.currency ? formatCrypto(x.amount, x.currency, r.locale) : '',
                    address: x.address,
                  })}
                  ${x.txid ? html`<br /><small>${r.t('refund_txid', { txid: x.txid })}</small>` : ''}
                </li>`,
            )}
          </ul>`
        : ''
    }`;
}

const SCREENS: Record<Screen, (r: RenderContext) => Html> = {
  choose,
  waiting,
  seen,
  partial,
  paid,
  overpaid,
  expired,
  underpaid,
  paid_late: paidLate,
  cancelled,
  refunded,
};

export function screenBody(r: RenderContext): Html {
  return html`<section class="card screen">${SCREENS[r.page.screen](r)}</section>
    ${refundSection(r)}`;
}

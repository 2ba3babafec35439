/** Renders a payment page for a request: language, QR and the optional form error. */
import type { AppContext } from '../../app/context.js';
import { KassaError } from '../../domain/errors.js';
import { htmlTranslator, pickLocale, translator, type PageLocale, type Translate } from './i18n.js';
import { loadPage, type PageData } from './page-data.js';
import { qrSvg } from './qr.js';
import type { FormError, RenderContext } from './templates/context.js';
import { paymentPage } from './templates/layout.js';
import { cryptoCurrency } from '../../domain/currencies.js';
import { networkName } from './templates/parts.js';

export const REDIRECT_DELAY_SECONDS = 5;

export interface PageRequest {
  /** `locale` from the query string, if any. */
  readonly queryLocale: unknown;
  readonly error?: FormError | null;
}

export function localeOf(page: Pick<PageData, 'view'>, queryLocale: unknown): PageLocale {
  return pickLocale(queryLocale, page.view.locale);
}

export async function renderPage(page: PageData, req: PageRequest): Promise<string> {
  const locale = localeOf(page, req.queryLocale);
  const t = translator(locale);
  const uri = page.view.quote?.payment_uri;
  const asksForPayment = page.screen === 'waiting' || page.screen === 'partial';
  const r: RenderContext = {
    page,
    locale,
    t,
    th: htmlTranslator(locale),
    query: req.queryLocale === locale ? `?locale=${locale}` : '',
    qr: asksForPayment && uri ? await qrSvg(uri, t('qr_label')) : null,
    error: req.error ?? null,
    redirectDelaySeconds: REDIRECT_DELAY_SECONDS,
  };
  return paymentPage(r);
}

export async function loadAndRender(
  ctx: AppContext,
  id: string,
  req: PageRequest,
): Promise<{ page: PageData; html: string }> {
  const page = await loadPage(ctx, id);
  return { page, html: await renderPage(page, req) };
}

/** The customer-facing words for a failed action, in their language. */
export function customerMessage(err: unknown, t: Translate, page: PageData | null): string {
  if (!(err instanceof KassaError)) return t('error_text');
  switch (err.code) {
    case 'invalid_request': {
      if (err.field === 'address') {
        const c = page?.view.quote ? cryptoCurrency(page.view.quote.currency) : undefined;
        return t('refund_invalid', { network: c ? networkName(c, t) : '' });
      }
      return t('error_request');
    }
    case 'invalid_state':
      return t(err.field === 'currency' ? 'error_currency_changes' : 'error_state');
    case 'conflict':
      return t('error_state');
    case 'currency_not_enabled':
      return t('error_currency');
    case 'rate_unavailable':
      return t('error_rate');
    case 'rate_limited':
      return t('too_many_text');
    default:
      return t('error_text');
  }
}

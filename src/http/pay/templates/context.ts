/** What every template gets: the page data, the language and the per-request extras. */
import type { Html } from '../html.js';
import type { PageLocale, Translate, TranslateHtml } from '../i18n.js';
import type { PageData } from '../page-data.js';

export interface FormError {
  /** Which form failed: the currency choice, the refund request or the test panel. */
  readonly form: 'currency' | 'refund' | 'test';
  readonly message: string;
  /** What the customer typed, shown back so they can correct it. */
  readonly value?: string;
}

export interface RenderContext {
  readonly page: PageData;
  readonly locale: PageLocale;
  readonly t: Translate;
  readonly th: TranslateHtml;
  /** `?locale=xx` when the language came from the query, so links and forms keep it. */
  readonly query: string;
  /** QR code of the payment URI for what is still owed, on screens that ask for payment. */
  readonly qr: Html | null;
  readonly error: FormError | null;
  /** Seconds the paid screen waits before returning the customer to the shop. */
  readonly redirectDelaySeconds: number;
}

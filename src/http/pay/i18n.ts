/** Locale choice and message lookup for the payment page. */
import { en, type MessageKey, type Messages } from './messages/en.js';
import { escapeHtml, Html } from './html.js';
import { ru } from './messages/ru.js';

export type PageLocale = 'en' | 'ru';

export const LOCALES: Readonly<Record<PageLocale, Messages>> = { en, ru };

export function isPageLocale(value: unknown): value is PageLocale {
  return value === 'en' || value === 'ru';
}

/** `?locale=` wins over the invoice's locale; anything unknown falls back to English. */
export function pickLocale(query: unknown, invoiceLocale: string | undefined): PageLocale {
  if (isPageLocale(query)) return query;
  return isPageLocale(invoiceLocale) ? invoiceLocale : 'en';
}

export type Translate = (
  key: MessageKey,
  values?: Readonly<Record<string, string | number>>,
) => string;

export function translator(locale: PageLocale): Translate {
  const messages = LOCALES[locale];
  return (key, values = {}) =>
    messages[key].replace(/\{(\w+)\}/g, (whole, name: string) =>
      name in values ? String(values[name]) : whole,
    );
}

export type TranslateHtml = (
  key: MessageKey,
  values?: Readonly<Record<string, Html | string | number>>,
) => Html;

/** Like `translator`, for messages that embed markup: the message text is escaped, Html values are not. */
export function htmlTranslator(locale: PageLocale): TranslateHtml {
  const messages = LOCALES[locale];
  return (key, values = {}) => {
    const out = messages[key]
      .split(/(\{\w+\})/)
      .map((piece) => {
        const name = /^\{(\w+)\}$/.exec(piece)?.[1];
        const value = name !== undefined ? values[name] : undefined;
        if (value === undefined) return escapeHtml(piece);
        return value instanceof Html ? value.value : escapeHtml(String(value));
      })
      .join('');
    return new Html(out);
  };
}

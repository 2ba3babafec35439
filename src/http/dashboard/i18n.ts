/** Dashboard language: `?locale=` (remembered in a cookie), then the browser's preference. */
import { en, type MessageKey, type Messages } from './messages/en.js';
import { ru } from './messages/ru.js';

export type DashLocale = 'en' | 'ru';
const LOCALES: Readonly<Record<DashLocale, Messages>> = { en, ru };

export const isDashLocale = (v: unknown): v is DashLocale => v === 'en' || v === 'ru';

export function pickDashLocale(
  query: unknown,
  cookie: string | undefined,
  acceptLanguage: string | undefined,
): DashLocale {
  if (isDashLocale(query)) return query;
  if (isDashLocale(cookie)) return cookie;
  return /^\s*ru\b/i.test(acceptLanguage ?? '') ? 'ru' : 'en';
}

export type Translate = (
  key: MessageKey,
  values?: Readonly<Record<string, string | number>>,
) => string;

export function dashTranslator(locale: DashLocale): Translate {
  const messages = LOCALES[locale];
  return (key, values = {}) =>
    messages[key].replace(/\{(\w+)\}/g, (whole, name: string) =>
      name in values ? String(values[name]) : whole,
    );
}

export type { MessageKey };

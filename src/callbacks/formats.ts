/** The callback formats by name. */
import { coinsPaidFormat } from './coinspaid.js';
import { cryptoCloudFormat } from './cryptocloud.js';
import { cryptopayFormat } from './cryptopay.js';
import type { FormatName } from '../domain/events.js';
import type { CallbackFormat } from './format.js';
import { nativeFormat } from './native.js';

export const FORMATS: Readonly<Record<FormatName, CallbackFormat>> = {
  native: nativeFormat,
  cryptocloud: cryptoCloudFormat,
  cryptopay: cryptopayFormat,
  coinspaid: coinsPaidFormat,
};

export function callbackFormat(name: string): CallbackFormat | undefined {
  return (FORMATS as Record<string, CallbackFormat>)[name];
}

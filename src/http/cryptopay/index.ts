/**
 * The Cryptopay-compatible API (/api/invoices..., /api/rates...): an
 * integration written against Cryptopay, or one of its SDKs, switches its base
 * URL and key pair and keeps working. Encapsulated: its own body parser, HMAC
 * request signing and error shape. Not part of the native OpenAPI.
 */
import type { Face } from '../face.js';
import { providerBodyParser } from '../provider-body.js';
import { hmacAuth } from './auth.js';
import { cryptopayErrorHandler } from './errors.js';
import { invoiceRoutes } from './invoices.js';
import { rateRoutes } from './rates.js';
import { refundRoutes } from './refunds.js';

export function cryptopayFace(signingKey: Uint8Array): Face {
  return async (app, { ctx }) => {
    await app.register(async (scope) => {
      providerBodyParser(scope);
      scope.setErrorHandler(cryptopayErrorHandler);
      // After parsing: the signature covers the body's MD5.
      scope.addHook('preHandler', hmacAuth(ctx, signingKey));
      invoiceRoutes(scope, ctx);
      refundRoutes(scope, ctx);
      rateRoutes(scope, ctx);
    });
  };
}

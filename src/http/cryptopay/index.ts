/**
 * The Cryptopay-compatible API (/api/invoices..., /api/rates...): an
 * integration written against Cryptopay, or one of its SDKs, switches its base
 * URL and key pair and keeps working. Encapsulated: its own body parser, HMAC
 * request signing and error shape. Not part of the native OpenAPI.
 */
import type { Face } from '../face.js';
import { parseSignedBody, providerBodyParser } from '../provider-body.js';
import { hmacAuth } from './auth.js';
import { cryptopayErrorHandler } from './errors.js';
import { invoiceRoutes } from './invoices.js';
import { rateRoutes } from './rates.js';
import { recalculationRoutes } from './recalculations.js';
import { refundRoutes } from './refunds.js';

export function cryptopayFace(signingKey: Uint8Array): Face {
  return async (app, { ctx }) => {
    await app.register(async (scope) => {
      providerBodyParser(scope);
      scope.setErrorHandler(cryptopayErrorHandler);
      // The signature covers the raw body; it is read only once the signature holds.
      scope.addHook('preHandler', hmacAuth(ctx, signingKey));
      scope.addHook('preHandler', parseSignedBody);
      invoiceRoutes(scope, ctx);
      refundRoutes(scope, ctx);
      recalculationRoutes(scope, ctx, signingKey);
      rateRoutes(scope, ctx);
    });
  };
}

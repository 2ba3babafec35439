/**
 * The CoinsPaid-compatible Invoices API v2 (/api/v2/invoices/...): an
 * integration written for CoinsPaid switches its base URL and key pair and
 * keeps working. Encapsulated: its own body parser, request signing and error
 * shapes. Not part of the native OpenAPI.
 */
import type { Face } from '../face.js';
import { parseSignedBody, providerBodyParser } from '../provider-body.js';
import { processingAuth } from './auth.js';
import { coinsPaidErrorHandler } from './errors.js';
import { invoiceRoutes } from './invoices.js';

export function coinsPaidFace(signingKey: Uint8Array): Face {
  return async (app, { ctx }) => {
    await app.register(async (scope) => {
      providerBodyParser(scope);
      scope.setErrorHandler(coinsPaidErrorHandler);
      // The signature covers the raw body; it is read only once the signature holds.
      scope.addHook('preHandler', processingAuth(ctx, signingKey));
      scope.addHook('preHandler', parseSignedBody);
      invoiceRoutes(scope, ctx);
    });
  };
}

/** Domain failures as typed values with stable codes; each face maps them to HTTP once. */

export type ErrorCode =
  | 'invalid_request'
  | 'unauthorized'
  | 'not_found'
  | 'invalid_state'
  | 'conflict'
  | 'idempotency_mismatch'
  | 'currency_not_enabled'
  | 'rate_unavailable'
  | 'payload_too_large'
  | 'rate_limited';

export class KassaError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    /** The request field at fault, when there is one. */
    readonly field?: string,
  ) {
    super(message);
    this.name = 'KassaError';
  }
}

export const invalid = (field: string, message: string) =>
  new KassaError('invalid_request', message, field);
export const notFound = (what: string) => new KassaError('not_found', `${what} not found`);
export const invalidState = (message: string) => new KassaError('invalid_state', message);

/** CryptoCloud's error shape: `{"status":"error","result":{"validate_error":"..."}}`; auth failures are in auth.ts. */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { KassaError } from '../../domain/errors.js';

/** A request CryptoCloud would refuse, naming the field when there is one. */
export class CcValidationError extends Error {
  constructor(
    message: string,
    readonly field?: string,
  ) {
    super(message);
    this.name = 'CcValidationError';
  }
}

export const ccInvalid = (field: string, message: string) => new CcValidationError(message, field);

export function errorBody(message: string, field?: string): Record<string, unknown> {
  // Some clients (the Go SDK) read a per-field message for create errors; others read validate_error.
  const result: Record<string, string> = { validate_error: message };
  if (field && /^[a-z_]+$/.test(field)) result[field] = message;
  return { status: 'error', result };
}

function fromError(err: unknown): { status: number; message: string; field?: string } {
  if (err instanceof CcValidationError)
    return { status: 400, message: err.message, ...(err.field ? { field: err.field } : {}) };
  if (err instanceof KassaError) {
    // Every refusal, including ids that are unknown or another account's, is a 400 as CryptoCloud answers.
    const field = err.field?.replace(/\[.*$/, '');
    return { status: 400, message: err.message, ...(field ? { field } : {}) };
  }
  const fe = err as { statusCode?: number; code?: string; message?: string };
  if (fe.code === 'FST_ERR_CTP_BODY_TOO_LARGE')
    return { status: 413, message: 'request body is over 64 KiB' };
  if (fe.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE')
    return { status: 415, message: 'unsupported content type' };
  if (err instanceof SyntaxError || fe.code?.startsWith('FST_ERR_CTP'))
    return { status: 400, message: 'body is not valid JSON' };
  if (typeof fe.statusCode === 'number' && fe.statusCode >= 400 && fe.statusCode < 500) {
    return { status: fe.statusCode, message: fe.message ?? 'bad request' };
  }
  return { status: 500, message: 'internal error' };
}

export function cryptoCloudErrorHandler(err: unknown, req: FastifyRequest, reply: FastifyReply) {
  const { status, message, field } = fromError(err);
  if (status >= 500) req.log.error({ err }, 'cryptocloud request failed');
  return reply.status(status).send(errorBody(message, field));
}

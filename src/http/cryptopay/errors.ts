/**
 * Cryptopay's error shape: `{"error": {"code", "message", "details": [{code,
 * target, message, args}]}, "meta": {"request_id"}}`, with 401 for a request
 * not signed right, 404 for an unknown (or another merchant's) id, 409 for a
 * used custom_id and 422 for a well-formed request that cannot be followed.
 */
import { randomBytes } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { KassaError } from '../../domain/errors.js';

export interface CryptopayErrorDetail {
  readonly code: string;
  readonly target?: string;
  readonly message: string;
}

export class CryptopayError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: readonly CryptopayErrorDetail[] = [],
  ) {
    super(message);
    this.name = 'CryptopayError';
  }
}

/** A 422 naming the field, as Cryptopay reports validation failures. */
export const cpInvalid = (target: string, message: string, code = 'invalid') =>
  new CryptopayError(422, 'invalid', 'invalid', [{ code, target, message }]);

export const cpNotFound = () => new CryptopayError(404, 'not_found', 'not found');

export function errorBody(
  code: string,
  message: string,
  details: readonly CryptopayErrorDetail[] = [],
) {
  return {
    error: {
      code,
      message,
      details: details.map((d) => ({
        code: d.code,
        ...(d.target ? { target: d.target } : {}),
        message: d.message,
        args: {},
      })),
    },
    meta: { request_id: randomBytes(16).toString('hex') },
  };
}

function fromError(err: unknown): CryptopayError {
  if (err instanceof CryptopayError) return err;
  if (err instanceof KassaError) {
    const target = err.field;
    switch (err.code) {
      case 'not_found':
        return cpNotFound();
      case 'conflict':
        return new CryptopayError(
          409,
          target === 'custom_id' ? 'duplicate_custom_id' : 'conflict',
          err.message,
        );
      case 'unauthorized':
        return new CryptopayError(401, 'unauthorized', err.message);
      case 'payload_too_large':
        return new CryptopayError(413, 'invalid', err.message);
      case 'rate_limited':
        return new CryptopayError(429, 'rate_limit_exceeded', err.message);
      default:
        return new CryptopayError(422, 'invalid', 'invalid', [
          { code: err.code, ...(target ? { target } : {}), message: err.message },
        ]);
    }
  }
  const fe = err as { statusCode?: number; code?: string; message?: string };
  if (fe.code === 'FST_ERR_CTP_BODY_TOO_LARGE')
    return new CryptopayError(413, 'invalid', 'request body is over 64 KiB');
  if (err instanceof SyntaxError || fe.code?.startsWith('FST_ERR_CTP'))
    return new CryptopayError(400, 'invalid', 'body is not valid JSON');
  if (typeof fe.statusCode === 'number' && fe.statusCode >= 400 && fe.statusCode < 500)
    return new CryptopayError(fe.statusCode, 'invalid', fe.message ?? 'bad request');
  return new CryptopayError(500, 'internal_error', 'internal error');
}

export function cryptopayErrorHandler(err: unknown, req: FastifyRequest, reply: FastifyReply) {
  const e = fromError(err);
  if (e.status >= 500) req.log.error({ err }, 'cryptopay request failed');
  return reply.status(e.status).send(errorBody(e.code, e.message, e.details));
}

/** Maps every failure to a clear 4xx naming the field, once, for all faces. */
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { KassaError, type ErrorCode } from '../domain/errors.js';

export const HTTP_STATUS: Record<ErrorCode, number> = {
  invalid_request: 400,
  unauthorized: 401,
  not_found: 404,
  invalid_state: 409,
  conflict: 409,
  idempotency_mismatch: 422,
  currency_not_enabled: 422,
  rate_unavailable: 503,
  payload_too_large: 413,
  rate_limited: 429,
};

export interface ErrorBody {
  code: ErrorCode;
  message: string;
  field?: string;
}

interface AjvError {
  instancePath?: string;
  keyword?: string;
  message?: string;
  params?: { missingProperty?: string; additionalProperty?: string };
}

function fieldOf(e: AjvError): string {
  const path = (e.instancePath ?? '').replace(/^\//, '').replace(/\//g, '.');
  const extra = e.params?.missingProperty ?? e.params?.additionalProperty;
  return [path, extra].filter(Boolean).join('.') || 'body';
}

/** Turns any thrown error into a status and a stable error body. */
export function toErrorBody(err: unknown): { status: number; body: ErrorBody } {
  if (err instanceof KassaError) {
    return {
      status: HTTP_STATUS[err.code],
      body: { code: err.code, message: err.message, ...(err.field ? { field: err.field } : {}) },
    };
  }
  const fe = err as FastifyError & { validation?: AjvError[]; validationContext?: string };
  if (fe.validation && fe.validation.length > 0) {
    const first = fe.validation[0] as AjvError;
    const field = fieldOf(first);
    const where =
      fe.validationContext && fe.validationContext !== 'body' ? `${fe.validationContext} ` : '';
    const reason =
      first.keyword === 'additionalProperties'
        ? 'is not a known field'
        : first.keyword === 'required'
          ? 'is required'
          : (first.message ?? 'is invalid');
    return {
      status: 400,
      body: { code: 'invalid_request', message: `${where}${field} ${reason}`, field },
    };
  }
  if (fe.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
    return {
      status: 413,
      body: { code: 'payload_too_large', message: 'request body is over 64 KiB' },
    };
  }
  if (fe.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') {
    return {
      status: 415,
      body: { code: 'invalid_request', message: 'unsupported content type', field: 'Content-Type' },
    };
  }
  if (typeof fe.statusCode === 'number' && fe.statusCode >= 400 && fe.statusCode < 500) {
    const code: ErrorCode = fe.statusCode === 429 ? 'rate_limited' : 'invalid_request';
    const body: ErrorBody = { code, message: fe.message };
    if (fe.code?.startsWith('FST_ERR_CTP')) body.field = 'body';
    return { status: fe.statusCode, body };
  }
  return { status: 500, body: { code: 'invalid_request', message: 'internal error' } };
}

export function nativeErrorHandler(err: unknown, req: FastifyRequest, reply: FastifyReply) {
  const { status, body } = toErrorBody(err);
  if (err instanceof KassaError) return reply.status(status).send({ error: body });
  if (status >= 500) req.log.error({ err }, 'request failed');
  return reply
    .status(status)
    .send({ error: status >= 500 ? { code: 'internal', message: 'internal error' } : body });
}

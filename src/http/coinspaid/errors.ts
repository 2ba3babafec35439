/**
 * CoinsPaid's error shapes: 400 `{"errors": {"<field>": "<text>"}}` for a
 * refused request, 403 `{"error": "...", "code": "..."}` for a request whose
 * key or signature is wrong, 404 `{"errors": {"foreign_id": ...}}` for an
 * unknown (or another merchant's) invoice.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { KassaError } from '../../domain/errors.js';

export class CoinsPaidError extends Error {
  constructor(
    readonly status: number,
    readonly field: string,
    message: string,
  ) {
    super(message);
    this.name = 'CoinsPaidError';
  }
}

export const cpsInvalid = (field: string, message: string) =>
  new CoinsPaidError(400, field, message);
export const cpsNotFound = () =>
  new CoinsPaidError(404, 'foreign_id', 'The invoice was not found.');

function fromError(err: unknown): CoinsPaidError {
  if (err instanceof CoinsPaidError) return err;
  if (err instanceof KassaError) {
    if (err.code === 'not_found') return cpsNotFound();
    return cpsInvalid(err.field?.replace(/\[.*$/, '') ?? 'request', err.message);
  }
  const fe = err as { statusCode?: number; code?: string; message?: string };
  if (fe.code === 'FST_ERR_CTP_BODY_TOO_LARGE')
    return new CoinsPaidError(413, 'request', 'The request body is over 64 KiB.');
  if (err instanceof SyntaxError || fe.code?.startsWith('FST_ERR_CTP'))
    return cpsInvalid('request', 'The request body is not valid JSON.');
  if (typeof fe.statusCode === 'number' && fe.statusCode >= 400 && fe.statusCode < 500)
    return new CoinsPaidError(fe.statusCode, 'request', fe.message ?? 'Bad request.');
  return new CoinsPaidError(500, 'request', 'Internal error.');
}

export function coinsPaidErrorHandler(err: unknown, req: FastifyRequest, reply: FastifyReply) {
  const e = fromError(err);
  if (e.status >= 500) req.log.error({ err }, 'coinspaid request failed');
  return reply.status(e.status).send({ errors: { [e.field]: e.message } });
}

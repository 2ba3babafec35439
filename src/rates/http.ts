/**
 * The one HTTP GET every source uses: a hard timeout covering headers and body,
 * a body size cap, and failures phrased for an operator reading /readyz.
 */
import { RateSourceError } from './source.js';

/** Price documents are small; anything bigger is not what we asked for. */
const MAX_BODY_BYTES = 4 * 1024 * 1024;
/** Never honour a Retry-After longer than this; the staleness bound decides the rest. */
const MAX_RETRY_AFTER_MS = 15 * 60 * 1000;

export interface GetTextOptions {
  readonly timeoutMs: number;
  readonly accept?: string;
}

export async function getText(url: string, options: GetTextOptions): Promise<string> {
  const signal = AbortSignal.timeout(options.timeoutMs);
  try {
    const res = await fetch(url, {
      signal,
      redirect: 'follow',
      headers: { accept: options.accept ?? 'application/json', 'user-agent': 'kassa-rates' },
    });
    if (res.status === 429) {
      await res.body?.cancel();
      throw new RateSourceError(
        'HTTP 429 Too Many Requests',
        retryAfterMs(res.headers.get('retry-after')),
        429,
      );
    }
    if (!res.ok) {
      await res.body?.cancel();
      throw new RateSourceError(
        `HTTP ${res.status}${res.statusText ? ` ${res.statusText}` : ''}`,
        undefined,
        res.status,
      );
    }
    return await readCapped(res);
  } catch (err) {
    if (err instanceof RateSourceError) throw err;
    if (signal.aborted) throw new RateSourceError(`timed out after ${options.timeoutMs} ms`);
    const cause = (err as { cause?: { code?: string; message?: string } }).cause;
    throw new RateSourceError(
      `request failed: ${cause?.code ?? cause?.message ?? (err as Error).message}`,
    );
  }
}

async function readCapped(res: Response): Promise<string> {
  if (!res.body) return '';
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > MAX_BODY_BYTES) {
      await reader.cancel();
      throw new RateSourceError(`response larger than ${MAX_BODY_BYTES} bytes`);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function retryAfterMs(header: string | null): number | undefined {
  if (!header) return undefined;
  const seconds = /^\d+$/.test(header.trim()) ? Number(header.trim()) : undefined;
  const ms = seconds !== undefined ? seconds * 1000 : Date.parse(header) - Date.now() || undefined;
  if (ms === undefined || !Number.isFinite(ms) || ms <= 0) return undefined;
  return Math.min(ms, MAX_RETRY_AFTER_MS);
}

/** Joins a configurable base URL and an API path without doubling slashes. */
export function joinUrl(baseUrl: string, pathAndQuery: string): string {
  return `${baseUrl.replace(/\/+$/, '')}${pathAndQuery}`;
}

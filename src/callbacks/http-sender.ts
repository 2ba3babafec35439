/**
 * Sends one callback request: a hard timeout, no redirects followed, the
 * response read up to a cap, and every connection checked against the SSRF guard.
 */
import http from 'node:http';
import https from 'node:https';
import { assertLiteralHostAllowed, guardedLookup } from './url-guard.js';

export interface SendOptions {
  timeoutMs: number;
  allowPrivate: boolean;
  /** Bytes of the response kept; the rest is discarded and the socket closed. */
  maxResponseBytes: number;
}

export interface SendResult {
  status: number | null;
  body: string;
  durationMs: number;
  error: string | null;
}

export class CallbackSender {
  private readonly httpAgent: http.Agent;
  private readonly httpsAgent: https.Agent;

  constructor(private readonly opts: SendOptions) {
    this.httpAgent = new http.Agent({ keepAlive: true, maxSockets: 8 });
    this.httpsAgent = new https.Agent({ keepAlive: true, maxSockets: 8 });
  }

  async send(rawUrl: string, headers: Record<string, string>, body: string): Promise<SendResult> {
    const started = performance.now();
    const done = (status: number | null, text: string, error: string | null): SendResult => ({
      status,
      body: text,
      durationMs: Math.round(performance.now() - started),
      error,
    });
    let url: URL;
    try {
      url = new URL(rawUrl);
      assertLiteralHostAllowed(url, this.opts.allowPrivate);
    } catch (e) {
      return done(null, '', (e as Error).message);
    }
    const isHttps = url.protocol === 'https:';
    const payload = Buffer.from(body);
    return new Promise<SendResult>((resolve) => {
      let settled = false;
      const finish = (r: SendResult) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        resolve(r);
      };
      const req = (isHttps ? https : http).request(url, {
        method: 'POST',
        agent: isHttps ? this.httpsAgent : this.httpAgent,
        headers: { ...headers, 'content-length': String(payload.length) },
        lookup: guardedLookup(this.opts.allowPrivate) as never,
      });
      const timer = setTimeout(() => {
        finish(done(null, '', `timeout after ${this.opts.timeoutMs} ms`));
        req.destroy();
      }, this.opts.timeoutMs);
      req.on('error', (err) => finish(done(null, '', err.message)));
      req.on('response', (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        const complete = () => {
          const status = res.statusCode ?? null;
          const text = Buffer.concat(chunks).toString('utf8');
          // Redirects are never followed: a 3xx is a failed attempt like any non-2xx.
          finish(done(status, text, null));
        };
        res.on('data', (chunk: Buffer) => {
          if (size >= this.opts.maxResponseBytes) return;
          const room = this.opts.maxResponseBytes - size;
          chunks.push(chunk.length > room ? chunk.subarray(0, room) : chunk);
          size += Math.min(chunk.length, room);
          if (size >= this.opts.maxResponseBytes) {
            complete();
            res.destroy();
          }
        });
        res.on('end', complete);
        res.on('error', (err) => finish(done(res.statusCode ?? null, '', err.message)));
      });
      req.end(payload);
    });
  }

  close(): void {
    this.httpAgent.destroy();
    this.httpsAgent.destroy();
  }
}

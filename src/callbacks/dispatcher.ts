/**
 * The outbox's send side. Claims due deliveries, renders and signs them in
 * their endpoint's format, sends them concurrently, and records each attempt.
 * All state lives in the database, so a restart (or a crash) loses nothing:
 * a claimed delivery whose dispatcher died becomes due again when its lease ends.
 */
import type { Logger } from 'pino';
import { systemClock, type Clock } from '../app/ports/clock.js';
import type { DeliveryQueue, DueDelivery } from '../app/ports/webhooks.js';
import { DEFAULT_RETRY_SCHEDULE, retryDelay } from './backoff.js';
import { Loop, type RoundResult } from '../app/loop.js';
import type { EventData } from '../app/event-data.js';
import type { ContentType, OutgoingEvent, RenderedRequest } from './format.js';
import { callbackFormat } from './formats.js';
import { CallbackSender, type SendResult } from './http-sender.js';

export interface DispatcherOptions {
  queue: DeliveryQueue;
  logger: Logger;
  allowPrivate: boolean;
  clock?: Clock;
  pollMs?: number;
  timeoutMs?: number;
  /** Deliveries in flight at once. */
  concurrency?: number;
  /** Deliveries in flight to one endpoint at once, so a slow endpoint cannot take every slot. */
  perEndpoint?: number;
  retrySchedule?: readonly number[];
  jitter?: number;
  /** How long a claim holds a delivery before another dispatcher may take it. */
  leaseMs?: number;
  maxResponseBytes?: number;
  /** Called after each recorded attempt (live delivery logs in the dashboard). */
  onAttempt?: (deliveryId: string) => void;
}

const EXCERPT_CHARS = 1000;
const STORED_BODY_CHARS = 64 * 1024;

export class Dispatcher {
  private readonly queue: DeliveryQueue;
  private readonly sender: CallbackSender;
  private readonly clock: Clock;
  private readonly pollMs: number;
  private readonly concurrency: number;
  private readonly perEndpoint: number;
  private readonly endpointLoad = new Map<string, number>();
  private readonly schedule: readonly number[];
  private readonly jitter: number;
  private readonly leaseMs: number;
  private readonly inFlight = new Set<Promise<void>>();
  private readonly loop: Loop;

  constructor(private readonly opts: DispatcherOptions) {
    this.queue = opts.queue;
    const timeoutMs = opts.timeoutMs ?? 10_000;
    this.sender = new CallbackSender({
      timeoutMs,
      allowPrivate: opts.allowPrivate,
      maxResponseBytes: opts.maxResponseBytes ?? 64 * 1024,
    });
    this.clock = opts.clock ?? systemClock;
    this.pollMs = opts.pollMs ?? 1000;
    this.concurrency = opts.concurrency ?? 16;
    this.perEndpoint = opts.perEndpoint ?? 4;
    this.schedule = opts.retrySchedule ?? DEFAULT_RETRY_SCHEDULE;
    this.jitter = opts.jitter ?? 0.1;
    this.leaseMs = opts.leaseMs ?? timeoutMs + 30_000;
    this.loop = new Loop({
      intervalMs: this.pollMs,
      clock: this.clock,
      round: () => this.claimAndSend(),
    });
  }

  start(): void {
    this.loop.start();
  }

  /** Stops claiming and waits for the requests in flight to finish. */
  async stop(): Promise<void> {
    await this.loop.stop();
    await Promise.allSettled([...this.inFlight]);
    this.sender.close();
  }

  /** Looks for due deliveries now instead of at the next poll. */
  wake(): void {
    if (this.loop.isRunning) this.loop.wake();
  }

  /** Claims and sends one batch and waits for it (for tests and one-shot runs). */
  async runOnce(): Promise<number> {
    const claimed = await this.queue.claimDue(this.clock.now(), this.concurrency, this.leaseMs);
    await Promise.all(claimed.map((d) => this.deliver(d)));
    return claimed.length;
  }

  queueDepth(): Promise<number> {
    return this.queue.pendingCount();
  }

  /** One claim: hands due deliveries to senders; more at once after a full batch. */
  private async claimAndSend(): Promise<RoundResult> {
    let more = false;
    try {
      const room = this.concurrency - this.inFlight.size;
      const busy = [...this.endpointLoad]
        .filter(([, n]) => n >= this.perEndpoint)
        .map(([id]) => id);
      const now = this.clock.now();
      const claimed = await this.queue.claimDue(now, room, this.leaseMs, busy);
      const excess: string[] = [];
      for (const d of claimed) {
        if ((this.endpointLoad.get(d.endpoint_id) ?? 0) >= this.perEndpoint) {
          excess.push(d.id);
          continue;
        }
        this.endpointLoad.set(d.endpoint_id, (this.endpointLoad.get(d.endpoint_id) ?? 0) + 1);
        const p: Promise<void> = this.deliver(d).finally(() => {
          this.inFlight.delete(p);
          const left = (this.endpointLoad.get(d.endpoint_id) ?? 1) - 1;
          if (left > 0) this.endpointLoad.set(d.endpoint_id, left);
          else this.endpointLoad.delete(d.endpoint_id);
          this.wake();
        });
        this.inFlight.add(p);
      }
      // Over one endpoint's share: hand those back at once rather than hold them idle.
      if (excess.length > 0) await this.queue.release(excess, now);
      // A full batch suggests more are due: keep going without waiting a poll.
      else if (room > 0 && claimed.length === room) more = true;
    } catch (err) {
      this.opts.logger.error({ err }, 'claiming callback deliveries failed');
    }
    return { more };
  }

  private async deliver(d: DueDelivery): Promise<void> {
    try {
      await this.attempt(d);
    } catch (err) {
      // Only the database can throw here; the lease brings the delivery back later.
      this.opts.logger.error({ err, delivery: d.id }, 'recording a callback attempt failed');
    }
  }

  private async render(d: DueDelivery, now: number): Promise<RenderedRequest> {
    const event = outgoingEvent(d);
    if (!event) throw new Error(`event ${d.event_id} not found`);
    const format = callbackFormat(d.format);
    if (!format) throw new Error(`unknown format ${d.format}`);
    const secrets = [d.secret];
    if (d.previous_secret && (d.previous_secret_expires_at ?? 0) > now)
      secrets.push(d.previous_secret);
    return format.render(event, {
      endpointId: d.endpoint_id,
      secrets,
      projectSecretKey: d.project_secret_key,
      contentType: d.content_type as ContentType,
      now,
    });
  }

  private async attempt(d: DueDelivery): Promise<void> {
    const startedAt = this.clock.now();
    let request: RenderedRequest = { headers: {}, body: '' };
    let result: SendResult;
    try {
      request = await this.render(d, startedAt);
      result = await this.sender.send(d.url, request.headers, request.body);
    } catch (err) {
      // A callback that cannot be built is retried like one that could not be sent.
      result = {
        status: null,
        body: '',
        durationMs: 0,
        error: `cannot build callback: ${(err as Error).message}`,
      };
    }
    const ok = result.status !== null && result.status >= 200 && result.status < 300;
    const at = this.clock.now();
    const attemptsMade = d.attempts + 1;
    const delay = ok ? null : retryDelay(attemptsMade, this.schedule, this.jitter);
    const outcome = ok
      ? ({ kind: 'delivered', at } as const)
      : delay === null
        ? ({ kind: 'failed', at } as const)
        : ({ kind: 'retry', at, nextAttemptAt: at + delay } as const);
    await this.queue.recordAttempt(
      d,
      {
        startedAt,
        durationMs: result.durationMs,
        url: d.url,
        headers: request.headers,
        body: request.body.slice(0, STORED_BODY_CHARS),
        responseCode: result.status,
        responseExcerpt: result.status === null ? null : result.body.slice(0, EXCERPT_CHARS),
        error: result.error ?? (ok ? null : `HTTP ${result.status}`),
      },
      outcome,
    );
    this.opts.onAttempt?.(d.id);
    this.opts.logger[ok ? 'debug' : 'info'](
      {
        delivery: d.id,
        endpoint: d.endpoint_id,
        status: result.status,
        attempt: attemptsMade,
        outcome: outcome.kind,
      },
      ok ? 'callback delivered' : 'callback attempt failed',
    );
  }
}

/** The event a delivery carries: from `events`, or the stored data of a test callback. */
function outgoingEvent(d: DueDelivery): OutgoingEvent | null {
  if (d.event_data !== null)
    return {
      id: d.event_id,
      type: d.event_type,
      createdAt: Number(d.event_created_at ?? d.created_at),
      data: JSON.parse(d.event_data) as EventData,
    };
  if (d.test_data !== null)
    return {
      id: d.event_id,
      type: d.event_type,
      createdAt: d.created_at,
      data: JSON.parse(d.test_data) as EventData,
    };
  return null;
}

/**
 * Webhook endpoints and the callback outbox as the webhook use cases and the
 * dispatcher see them. Records mirror the stored rows; times are epoch ms.
 */

export interface EndpointRecord {
  id: string;
  project_id: string;
  url: string;
  format: string;
  /** 'json' or 'form' (form only matters for CryptoCloud postbacks). */
  content_type: string;
  /** JSON array of native event types; null takes the format's defaults. */
  events: string | null;
  secret: string;
  /** The secret before the last rotation, still valid until `previous_secret_expires_at`. */
  previous_secret: string | null;
  previous_secret_expires_at: number | null;
  enabled: number;
  description: string | null;
  created_at: number;
  updated_at: number;
}

/** `superseded`: closed while still pending because a redelivery took its place; not a failure. */
export type DeliveryStatus = 'pending' | 'delivered' | 'failed' | 'superseded';

export interface DeliveryRecord {
  id: string;
  event_id: string;
  event_type: string;
  endpoint_id: string;
  project_id: string;
  invoice_id: string;
  status: DeliveryStatus;
  attempts: number;
  /** When due; while a dispatcher holds it, the end of that dispatcher's lease. */
  next_attempt_at: number;
  /** Event data of test callbacks, which have no row in `events`. */
  test_data: string | null;
  redelivery_of: string | null;
  last_attempt_at: number | null;
  last_response_code: number | null;
  last_response_excerpt: string | null;
  last_error: string | null;
  last_duration_ms: number | null;
  delivered_at: number | null;
  created_at: number;
  updated_at: number;
}

export interface AttemptRecord {
  id: string;
  delivery_id: string;
  attempt: number;
  started_at: number;
  duration_ms: number;
  request_url: string;
  /** JSON object. */
  request_headers: string;
  request_body: string;
  response_code: number | null;
  response_excerpt: string | null;
  error: string | null;
}

/** A delivery to queue; the queue fills in its bookkeeping. */
export type NewDelivery = Pick<
  DeliveryRecord,
  'id' | 'event_id' | 'event_type' | 'endpoint_id' | 'project_id' | 'invoice_id'
> &
  Partial<Pick<DeliveryRecord, 'test_data' | 'redelivery_of'>>;

export type DeliveryFilter = { invoiceId: string } | { endpointId: string } | { id: string };

/** Endpoints, the delivery log and who owns what. */
export interface WebhookStore {
  /** The account owning a project, if the project exists. */
  projectOwner(projectId: string): Promise<string | undefined>;
  /** An invoice by its id or bare short id, with its owner. */
  invoiceOwner(id: string, shortId: string): Promise<{ id: string; accountId: string } | undefined>;
  countEndpoints(projectId: string): Promise<number>;
  insertEndpoint(e: EndpointRecord): Promise<void>;
  endpoints(projectId: string): Promise<EndpointRecord[]>;
  endpoint(projectId: string, endpointId: string): Promise<EndpointRecord | undefined>;
  updateEndpoint(id: string, patch: Partial<EndpointRecord>): Promise<void>;
  /** A delivery with the account owning its project. */
  delivery(id: string): Promise<(DeliveryRecord & { accountId: string }) | undefined>;
  /** Newest first, each with its latest attempt. */
  deliveries(
    filter: DeliveryFilter,
    limit: number,
  ): Promise<{ delivery: DeliveryRecord; lastAttempt: AttemptRecord | null }[]>;
  attempts(deliveryId: string): Promise<AttemptRecord[]>;
}

/** A claimed delivery with everything needed to render and send it. */
export interface DueDelivery {
  id: string;
  event_id: string;
  event_type: string;
  invoice_id: string;
  attempts: number;
  test_data: string | null;
  event_data: string | null;
  event_created_at: number | null;
  created_at: number;
  endpoint_id: string;
  url: string;
  format: string;
  content_type: string;
  secret: string;
  previous_secret: string | null;
  previous_secret_expires_at: number | null;
  project_secret_key: string;
}

export interface AttemptReport {
  startedAt: number;
  durationMs: number;
  url: string;
  headers: Record<string, string>;
  body: string;
  responseCode: number | null;
  responseExcerpt: string | null;
  error: string | null;
}

export type AttemptOutcome =
  | { kind: 'delivered'; at: number }
  | { kind: 'retry'; at: number; nextAttemptAt: number }
  | { kind: 'failed'; at: number };

/** The outbox's queue: deliveries added outside events (redeliveries, tests), claimed and settled. */
export interface DeliveryQueue {
  /** Queues a delivery, due at `now`. */
  add(d: NewDelivery, now: number): Promise<void>;
  /**
   * Queues a redelivery, due at `now`. A still-pending original (`supersedes`)
   * is closed in the same transaction, so the receiver never gets the event from both.
   */
  redeliver(copy: NewDelivery, supersedes: string | null, now: number): Promise<void>;
  /**
   * Takes up to `limit` due deliveries for a lease; only the earliest pending
   * delivery per (endpoint, invoice) is eligible, keeping each invoice's callbacks in order.
   */
  claimDue(
    now: number,
    limit: number,
    leaseMs: number,
    /** Endpoints this dispatcher already has enough requests in flight to. */
    busyEndpoints?: readonly string[],
  ): Promise<DueDelivery[]>;
  /** Gives claimed deliveries back unsent, due again at `now`. */
  release(ids: readonly string[], now: number): Promise<void>;
  /** Logs one attempt and moves the delivery on; never reverts a delivery another dispatcher finished. */
  recordAttempt(
    d: Pick<DueDelivery, 'id' | 'attempts'>,
    a: AttemptReport,
    outcome: AttemptOutcome,
  ): Promise<void>;
  /** Deliveries waiting to be sent (the callback queue depth). */
  pendingCount(): Promise<number>;
}

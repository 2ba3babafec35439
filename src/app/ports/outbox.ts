/**
 * The callback outbox as the store sees it: which endpoint receives which of
 * the events a transaction appends. The store is handed this at wiring time,
 * so it writes deliveries without knowing any callback format.
 */

/** An appended event, its data parsed. */
export interface RoutableEvent {
  readonly type: string;
  readonly invoiceId: string;
  readonly data: unknown;
}

/** What routing needs to know of an endpoint. */
export interface EndpointRoute {
  readonly format: string;
  /** The event types the endpoint chose; null takes its format's defaults. */
  readonly events: readonly string[] | null;
}

export interface EventRouting {
  /** Of events written together (oldest first), those this endpoint receives; none for an unknown format. */
  select<E extends RoutableEvent>(endpoint: EndpointRoute, events: readonly E[]): E[];
  /**
   * At most one callback per invoice and endpoint: the store keeps only the
   * first event of an invoice whose endpoint never had one the format `wants`.
   */
  oncePerInvoice(format: string): boolean;
  /** Whether the format makes a callback of this event at all (earlier deliveries are judged by it). */
  wants(format: string, event: Pick<RoutableEvent, 'type' | 'data'>): boolean;
}

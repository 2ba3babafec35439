/** Which endpoint receives which event: pure, by the endpoint's format and chosen event types. */
import type { EndpointRoute, EventRouting, RoutableEvent } from '../app/ports/outbox.js';
import { isStateEvent } from '../domain/events.js';
import type { EventData } from '../app/event-data.js';
import { callbackFormat } from './formats.js';

/**
 * A status change, a cancel and a resolution written together describe one new
 * state; formats that only report "the status changed" send it once, from the last.
 */
function collapseStateEvents<E extends RoutableEvent>(chosen: E[]): E[] {
  const lastState = new Map<string, E>();
  for (const c of chosen) if (isStateEvent(c.type)) lastState.set(c.invoiceId, c);
  return chosen.filter((c) => !isStateEvent(c.type) || lastState.get(c.invoiceId) === c);
}

export const eventRouting: EventRouting = {
  select<E extends RoutableEvent>(endpoint: EndpointRoute, events: readonly E[]): E[] {
    const format = callbackFormat(endpoint.format);
    if (!format) return [];
    const wanted = new Set<string>(endpoint.events ?? format.defaultEvents);
    const chosen = events.filter(
      (e) => wanted.has(e.type) && format.wants({ type: e.type, data: e.data as EventData }),
    );
    return format.name === 'native' ? chosen : collapseStateEvents(chosen);
  },
  oncePerInvoice: (name) => callbackFormat(name)?.oncePerInvoice === true,
  wants(name, event) {
    const format = callbackFormat(name);
    return (
      format !== undefined && format.wants({ type: event.type, data: event.data as EventData })
    );
  },
};

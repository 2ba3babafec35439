/** In-process notifications that an invoice changed (live payment page, SSE). */
import { EventEmitter } from 'node:events';

export class InvoiceChanges {
  private readonly emitter = new EventEmitter();

  constructor() {
    this.emitter.setMaxListeners(0);
  }

  notify(invoiceId: string): void {
    this.emitter.emit(invoiceId, invoiceId);
  }

  /** Calls `fn` whenever the invoice changes; returns the unsubscribe function. */
  subscribe(invoiceId: string, fn: () => void): () => void {
    this.emitter.on(invoiceId, fn);
    return () => this.emitter.off(invoiceId, fn);
  }
}

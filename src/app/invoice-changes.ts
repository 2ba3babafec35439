/** In-process notifications that an invoice changed (live payment page, SSE). */
import { EventEmitter } from 'node:events';

const ANY = Symbol('any invoice');

export class InvoiceChanges {
  private readonly emitter = new EventEmitter();

  constructor() {
    this.emitter.setMaxListeners(0);
  }

  notify(invoiceId: string): void {
    this.emitter.emit(invoiceId, invoiceId);
    this.emitter.emit(ANY, invoiceId);
  }

  /** Calls `fn` with the id of every invoice that changes (the dashboard's live list). */
  subscribeAll(fn: (invoiceId: string) => void): () => void {
    this.emitter.on(ANY, fn);
    return () => this.emitter.off(ANY, fn);
  }

  /** Calls `fn` whenever the invoice changes; returns the unsubscribe function. */
  subscribe(invoiceId: string, fn: () => void): () => void {
    this.emitter.on(invoiceId, fn);
    return () => this.emitter.off(invoiceId, fn);
  }
}

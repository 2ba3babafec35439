/** In-process notifications that an invoice changed (live payment page, SSE). */
import { EventEmitter } from 'node:events';

const ANY = Symbol('any invoice');
const DELIVERY = Symbol('any delivery');

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

  /** A callback delivery was attempted or queued; the invoice itself may not have changed. */
  notifyDelivery(deliveryId: string): void {
    this.emitter.emit(DELIVERY, deliveryId);
  }

  subscribeDeliveries(fn: (deliveryId: string) => void): () => void {
    this.emitter.on(DELIVERY, fn);
    return () => this.emitter.off(DELIVERY, fn);
  }
}

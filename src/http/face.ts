import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../app/context.js';
import type { InvoiceChanges } from '../app/invoice-changes.js';

/** The settings faces read (a subset of the runtime's configuration). */
export interface FaceConfig {
  readonly PUBLIC_URL: string;
  readonly LIVE_STREAMS_MAX: number;
  readonly DASHBOARD_SIGN_INS_PER_MINUTE: number;
}

/** What every face and route family gets from the runtime. */
export interface FaceDeps {
  readonly ctx: AppContext;
  /** Live notifications of invoice changes made in this process. */
  readonly changes: InvoiceChanges;
  readonly config: FaceConfig;
}

/** A face: the native API, a provider-compatible API, the payment page or the dashboard. */
export type Face = (app: FastifyInstance, deps: FaceDeps) => Promise<void>;

/** A family of native API routes, mounted under /api/v1 behind the API key (invoices, webhooks, ...). */
export type RouteFamily = (api: FastifyInstance, deps: FaceDeps) => Promise<void>;

/** A route family from routes that need their own use cases, handed in by the runtime. */
export const routeFamily =
  <D>(routes: (api: FastifyInstance, deps: D) => Promise<void>) =>
  (deps: D): RouteFamily =>
  (api) =>
    routes(api, deps);

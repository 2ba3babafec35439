import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../app/context.js';
import type { InvoiceChanges } from '../app/invoice-changes.js';
import type { Config } from '../config.js';

/** What every face gets from the runtime. */
export interface FaceDeps {
  readonly ctx: AppContext;
  /** Live notifications of invoice changes made in this process. */
  readonly changes: InvoiceChanges;
  readonly config: Config;
}

export type Face = (app: FastifyInstance, deps: FaceDeps) => Promise<void>;

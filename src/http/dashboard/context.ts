/** What the dashboard's page modules get from the face. */
import type { FastifyRequest } from 'fastify';
import type { AccessStore } from '../../app/ports/access.js';
import type { WatcherHealth } from '../../app/ports/chain.js';
import type { DashboardQueries } from '../../app/ports/dashboard.js';
import type { WebhookUseCases } from '../../app/webhooks.js';
import type { FaceDeps } from '../face.js';

export interface DashboardHealth {
  readonly watchers: readonly WatcherHealth[];
  readonly rates: readonly {
    source: string;
    ok: boolean;
    lastSuccessAt: string | null;
    lastError: string | null;
  }[];
}

export interface DashboardDeps {
  readonly access: AccessStore;
  readonly queries: DashboardQueries;
  readonly webhooks: WebhookUseCases;
  readonly health: () => DashboardHealth;
}

/** Everything the page modules get. */
export interface DashContext extends FaceDeps, DashboardDeps {
  readonly sessionCookie: (req: FastifyRequest) => string;
  readonly secure: (req: FastifyRequest) => boolean;
}

import type { Kysely } from 'kysely';
import type { ChainCursorStore } from '../app/ports/chain.js';
import { systemClock, type Clock } from '../app/ports/clock.js';
import type { Database } from './schema.js';

/** Watchers' durable positions and recent block hashes for reorg detection. */
export function chainCursorStore(
  db: Kysely<Database>,
  clock: Clock = systemClock,
): ChainCursorStore {
  return {
    async load(chain) {
      const r = await db
        .selectFrom('chain_cursors')
        .selectAll()
        .where('chain', '=', chain)
        .executeTakeFirst();
      return r ? { height: Number(r.height), hash: r.hash } : null;
    },
    async advance(chain, block) {
      await db.transaction().execute(async (trx) => {
        await trx
          .insertInto('chain_blocks')
          .values({ chain, height: block.height, hash: block.hash, parent_hash: block.parentHash })
          .onConflict((oc) =>
            oc
              .columns(['chain', 'height'])
              .doUpdateSet({ hash: block.hash, parent_hash: block.parentHash }),
          )
          .execute();
        await trx
          .insertInto('chain_cursors')
          .values({ chain, height: block.height, hash: block.hash, updated_at: clock.now() })
          .onConflict((oc) =>
            oc
              .column('chain')
              .doUpdateSet({ height: block.height, hash: block.hash, updated_at: clock.now() }),
          )
          .execute();
      });
    },
    async hashAt(chain, height) {
      const r = await db
        .selectFrom('chain_blocks')
        .select('hash')
        .where('chain', '=', chain)
        .where('height', '=', height)
        .executeTakeFirst();
      return r?.hash ?? null;
    },
    async rewind(chain, fromHeight) {
      await db.transaction().execute(async (trx) => {
        await trx
          .deleteFrom('chain_blocks')
          .where('chain', '=', chain)
          .where('height', '>=', fromHeight)
          .execute();
        const below = await trx
          .selectFrom('chain_blocks')
          .selectAll()
          .where('chain', '=', chain)
          .where('height', '<', fromHeight)
          .orderBy('height', 'desc')
          .limit(1)
          .executeTakeFirst();
        if (below) {
          await trx
            .updateTable('chain_cursors')
            .set({ height: below.height, hash: below.hash, updated_at: clock.now() })
            .where('chain', '=', chain)
            .execute();
        } else {
          await trx.deleteFrom('chain_cursors').where('chain', '=', chain).execute();
        }
      });
    },
    async prune(chain, belowHeight) {
      await db
        .deleteFrom('chain_blocks')
        .where('chain', '=', chain)
        .where('height', '<', belowHeight)
        .execute();
    },
  };
}

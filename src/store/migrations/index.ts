import type { Migration } from 'kysely';
import * as m001 from './001_core.js';

/** Every migration, in order. Numbers are reserved per capability to avoid clashes. */
export const migrations: Record<string, Migration> = {
  '001_core': m001,
};

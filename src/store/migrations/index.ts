import type { Migration } from 'kysely';
import * as m001 from './001_core.js';
import * as m002 from './002_callbacks.js';
import * as m007 from './007_cryptocloud.js';
import * as m011 from './011_address_counters.js';
import * as m012 from './012_dashboard.js';
import * as m014 from './014_collections.js';
import * as m015 from './015_payment_valid_until.js';
import * as m016 from './016_unexpected_deposits.js';
import * as m017 from './017_api_key_scopes.js';
import * as m022 from './022_one_time_secrets.js';

/** Every migration, in order. Numbers are reserved per capability to avoid clashes. */
export const migrations: Record<string, Migration> = {
  '001_core': m001,
  '002_callbacks': m002,
  '007_cryptocloud': m007,
  '011_address_counters': m011,
  '012_dashboard': m012,
  '014_collections': m014,
  '015_payment_valid_until': m015,
  '016_unexpected_deposits': m016,
  '017_api_key_scopes': m017,
  '022_one_time_secrets': m022,
};

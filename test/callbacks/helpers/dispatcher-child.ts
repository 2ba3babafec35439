/** A dispatcher in its own process, so a test can SIGKILL it mid-delivery. */
import { pino } from 'pino';
import { Dispatcher } from '../../../src/callbacks/dispatcher.js';
import { DeliveriesRepository } from '../../../src/store/deliveries-repository.js';
import { openStore } from '../../../src/store/database.js';

const location = JSON.parse(process.argv[2] ?? '{}') as {
  databaseUrl?: string;
  sqlitePath?: string;
};
const store = openStore(location);
const dispatcher = new Dispatcher({
  queue: new DeliveriesRepository(store.db, store.engine),
  logger: pino({ level: 'silent' }),
  allowPrivate: true,
  pollMs: 20,
  timeoutMs: 1_000,
  leaseMs: 1_500,
  concurrency: 4,
  retrySchedule: [200, 200, 200, 200, 200],
  jitter: 0,
});
dispatcher.start();
process.stdout.write('ready\n');
process.on('SIGTERM', () => {
  void dispatcher.stop().then(() => store.close().then(() => process.exit(0)));
});

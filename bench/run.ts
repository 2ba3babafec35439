/** `npm run bench`: every benchmark in one run, figures printed. */
import { benchCore } from './core.js';
import { benchCreation } from './creation.js';
import { benchPayPage } from './pay-page.js';
import { benchEvm } from './evm-scan.js';
import { benchForwarderGas } from './forwarder-gas.js';
import { benchCallbacks } from './callbacks-deliver.js';
import { benchTron } from './tron-scan.js';
import { benchUtxo } from './utxo-match.js';
import { benchDashboard } from './dashboard-list.js';

const benches: [string, () => Promise<Record<string, string | number>>][] = [
  ['invoice core', benchCore],
  ['invoice creation, real xpub wallet, next to the reference server', benchCreation],
  ['UTXO matching (1,000,000 watched scripts)', benchUtxo],
  ['payment page', benchPayPage],
  ['dashboard invoice list (100,000 invoices, SQLite)', benchDashboard],
  ['EVM scan (anvil)', benchEvm],
  ['forwarder collection gas (anvil)', benchForwarderGas],
  ['callbacks', benchCallbacks],
  ['TRON scan (replay, 100k open addresses)', benchTron],
];

for (const [name, run] of benches) {
  const started = Date.now();
  try {
    const figures = await run();
    console.log(`\n== ${name} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
    for (const [k, v] of Object.entries(figures)) console.log(`  ${k}: ${v}`);
  } catch (e) {
    console.log(`\n== ${name}: FAILED ${(e as Error).message}`);
    process.exitCode = 1;
  }
}

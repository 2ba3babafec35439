/**
 * Invoice creations per second through HTTP on SQLite, next to a bare Fastify
 * route on the same machine (each server in its own process, loaded by
 * autocannon from this one), and the server's resident memory after 10,000 invoices.
 */
import { execSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import autocannon from 'autocannon';
import { startProcess } from '../test/support/process.js';

async function load(url: string, body: string, headers: Record<string, string>, amount?: number) {
  const r = await autocannon({
    url,
    connections: 16,
    ...(amount ? { amount } : { duration: 10 }),
    method: 'POST',
    body,
    headers: { 'content-type': 'application/json', ...headers },
  });
  if (r.non2xx > 0 || r.errors > 0)
    throw new Error(`load run had ${r.non2xx} non-2xx and ${r.errors} errors`);
  return r.requests.average;
}

export async function benchCore(): Promise<Record<string, string | number>> {
  const body = JSON.stringify({ amount: '100.00', currency: 'USD' });
  const bare = await startProcess('bench/bare-server.ts', [], {});
  const bareRps = await load(`${bare.url}/echo`, body, {});
  await bare.stop();

  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kassa-bench-'));
  const apiKey = 'kassa_bench_key_0123456789abcdef';
  const shopId = 'benchshop';
  // Measured as `npm start` runs it: the compiled build under plain node.
  execSync('npm run --silent build', { stdio: 'ignore' });
  const kassa = await startProcess('dist/cli/main.js', ['start'], {
    DATA_DIR: dataDir,
    LOG_LEVEL: 'silent',
    KASSA_DEMO_API_KEY: apiKey,
    KASSA_DEMO_SHOP_ID: shopId,
  });
  const auth = { authorization: `Bearer ${apiKey}` };
  const preselected = JSON.stringify({
    shop_id: shopId,
    amount: '100.00',
    payment_currency: 'USDT_TRC20',
  });
  const choiceLater = JSON.stringify({ shop_id: shopId, amount: '100.00' });
  const rps = await load(`${kassa.url}/api/v1/invoices`, preselected, auth);
  const rpsNoQuote = await load(`${kassa.url}/api/v1/invoices`, choiceLater, auth);
  // Top up to 10,000 invoices in all before reading memory.
  const sofar = Math.round(rps * 10 + rpsNoQuote * 10);
  if (sofar < 10_000) await load(`${kassa.url}/api/v1/invoices`, preselected, auth, 10_000 - sofar);
  const rss = kassa.rssMiB();
  await kassa.stop();
  fs.rmSync(dataDir, { recursive: true, force: true });
  return {
    'bare Fastify POST req/s': Math.round(bareRps),
    'invoice creations/s, preselected currency (quote + address)': Math.round(rps),
    'invoice creations/s, currency chosen later': Math.round(rpsNoQuote),
    'ratio Kassa / bare (preselected)': (rps / bareRps).toFixed(3),
    'resident memory of the Kassa process after >= 10,000 invoices (MiB)': rss.toFixed(1),
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.table(await benchCore());
}

/**
 * Automatic collection in a whole Kassa process configured only through its
 * environment, as in production: the collector key file, batch size, gas price
 * ceiling and interval. The scheduler collects by itself once gas is cheap
 * enough, the treasury receives exactly what was paid, and the transaction it
 * sent is the one `kassa collect --dry-run` printed for the merchant's wallet.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { getAddress, parseGwei, toHex, type Address, type Hex } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startProcess, type ServerProcess } from '../../support/process.js';
import {
  ethBalance,
  payEth,
  payToken,
  startForwarderChain,
  tokenBalance,
  type ForwarderChain,
} from '../../support/forwarder/chain.js';
import { waitFor } from './harness.js';

const run = promisify(execFile);
/** anvil's account #9 (test mnemonic): the gas-only collector key. */
const COLLECTOR_KEY = '0x2a871d0798f97d79848a013d4936a73bf4cc922c825d33c1cf7073dff6d409c6';
const TREASURY: Address = getAddress('0x00000000000000000000000000000000000c0113');
const API_KEY = 'kassa_forwarder_runtime_key_0123';
const SHOP = 'fwdshop';

let c: ForwarderChain;
let kassa: ServerProcess | null = null;
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kassa-fwd-runtime-'));
let env: Record<string, string>;

async function api(method: string, p: string, body?: unknown) {
  const r = await fetch(kassa!.url + p, {
    method,
    headers: {
      authorization: `Bearer ${API_KEY}`,
      ...(body ? { 'content-type': 'application/json' } : {}),
    },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  return { status: r.status, body: (await r.json()) as any };
}

/** Sets the base fee of the next block and mines it, so eth_gasPrice follows. */
async function baseFee(gwei: string) {
  await c.anvil.rpc('anvil_setNextBlockBaseFeePerGas', [toHex(parseGwei(gwei))]);
  await c.anvil.rpc('evm_mine');
}

beforeAll(async () => {
  c = await startForwarderChain();
  expect(privateKeyToAccount(COLLECTOR_KEY).address).toBe(c.accounts[9]);
  const keyFile = path.join(dataDir, 'collector.key');
  fs.writeFileSync(keyFile, `${COLLECTOR_KEY}\n`, { mode: 0o600 });
  env = {
    DATA_DIR: dataDir,
    LOG_LEVEL: 'warn',
    KASSA_DEMO_API_KEY: API_KEY,
    KASSA_DEMO_SHOP_ID: SHOP,
    ETH_RPC_URL: c.anvil.url,
    ETH_CHAIN_ID: String(c.anvil.chainId),
    ETH_TOKEN_CONTRACTS: JSON.stringify({ USDT_ERC20: c.usdt, TUSD_ERC20: c.tusd }),
    WATCH_POLL_MS: '100',
    EVM_COLLECTOR_KEY_FILE: keyFile,
    EVM_COLLECT_BATCH_SIZE: '3',
    EVM_COLLECT_MAX_GAS_PRICE_GWEI: '20',
    EVM_COLLECT_MIN_VALUE_RATIO: '0',
    EVM_COLLECT_INTERVAL_SECONDS: '1',
  };
  // Gas far above the ceiling until the dry run is printed: the scheduler must wait.
  await baseFee('500');
  kassa = await startProcess('src/cli/main.ts', ['start'], env);
}, 120_000);

afterAll(async () => {
  await kassa?.stop();
  await c?.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

describe('automatic collection in a Kassa process configured by environment', () => {
  it('collects by itself under the gas ceiling, sending the dry run transaction byte for byte', async () => {
    const patch = await api('PATCH', `/api/v1/projects/${SHOP}`, {
      enabled_currencies: ['ETH', 'USDT_ERC20', 'TUSD_ERC20'],
      wallets: { ETH: { key: `forwarder(${TREASURY})` } },
      confirmations: { ETH: 1, USDT_ERC20: 1, TUSD_ERC20: 1 },
      test_mode: false,
    });
    expect(patch.status, JSON.stringify(patch.body)).toBe(200);
    const sums: Record<string, bigint> = { ETH: 0n, USDT_ERC20: 0n, TUSD_ERC20: 0n };
    const ids: string[] = [];
    for (const currency of ['ETH', 'USDT_ERC20', 'TUSD_ERC20']) {
      const inv = await api('POST', '/api/v1/invoices', {
        shop_id: SHOP,
        amount: '12.34',
        currency: 'USD',
        payment_currency: currency,
        test_mode: false,
      });
      expect(inv.status, JSON.stringify(inv.body)).toBe(201);
      const { address, amount_due_units: due } = inv.body.quote;
      if (currency === 'ETH') await payEth(c, address, BigInt(due));
      else await payToken(c, currency === 'USDT_ERC20' ? c.usdt : c.tusd, address, BigInt(due));
      sums[currency] = BigInt(due);
      ids.push(inv.body.id);
    }
    await waitFor(
      'invoices paid',
      async () => {
        for (const id of ids)
          if ((await api('GET', `/api/v1/invoices/${id}`)).body.status !== 'paid') return false;
        return true;
      },
      180_000,
    );

    // The merchant's view of the same collection, from the CLI on the same data.
    const dry = await run(
      process.execPath,
      [
        '--import',
        'tsx',
        'src/cli/main.ts',
        'collect',
        '--chain',
        'ETH',
        '--dry-run',
        '--batch-size',
        '3',
      ],
      { env: { ...process.env, ...env } },
    );
    const plans = JSON.parse(dry.stdout) as {
      to: Address;
      data: Hex;
      value: string;
      addresses: number;
    }[];
    expect(plans).toHaveLength(1);
    expect(plans[0]).toMatchObject({ value: '0', addresses: 3 });
    expect((await api('GET', '/api/v1/collections')).body.data).toEqual([]);

    const before = {
      eth: await ethBalance(c, TREASURY),
      usdt: await tokenBalance(c, c.usdt, TREASURY),
      tusd: await tokenBalance(c, c.tusd, TREASURY),
    };
    await baseFee('1');
    const [collection] = await waitFor(
      'automatic collection recorded',
      async () => {
        const list = (await api('GET', '/api/v1/collections')).body.data as {
          txid: Hex;
          sender: string;
          items: unknown[];
        }[];
        return list.length > 0 ? list : undefined;
      },
      180_000,
    );
    expect(getAddress(collection!.sender)).toBe(c.accounts[9]);
    expect(collection!.items).toHaveLength(3);
    const tx = await c.client.getTransaction({ hash: collection!.txid });
    expect(getAddress(tx.from)).toBe(c.accounts[9]);
    expect(getAddress(tx.to!)).toBe(getAddress(plans[0]!.to));
    expect(tx.input).toBe(plans[0]!.data);
    expect(tx.value).toBe(0n);

    expect(await ethBalance(c, TREASURY)).toBe(before.eth + sums.ETH!);
    expect(await tokenBalance(c, c.usdt, TREASURY)).toBe(before.usdt + sums.USDT_ERC20!);
    expect(await tokenBalance(c, c.tusd, TREASURY)).toBe(before.tusd + sums.TUSD_ERC20!);
  }, 600_000);
});

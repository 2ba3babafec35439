/** The forwarder commands of the kassa CLI, checked against the factory deployed on anvil. */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  depositSalt,
  FORWARDER_FACTORY,
  FORWARDER_FACTORY_ABI,
} from '../../src/chains/evm/forwarder.js';
import {
  deployContract,
  quirkyToken,
  startForwarderChain,
  type ForwarderChain,
} from '../support/forwarder/chain.js';
import { builtCli } from '../support/built-cli.js';

/** Built once: a TypeScript loader per command made these tests slow. */
const CLI = builtCli();

const run = promisify(execFile);
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kassa-fwd-cli-'));
const TREASURY = '0x7E5F4552091A69125d5DfCb7b8C2659029395Bdf';

async function kassa(args: string[]) {
  try {
    const r = await run(process.execPath, [CLI, ...args], {
      env: { ...process.env, DATA_DIR: dataDir, LOG_LEVEL: 'warn' },
    });
    return { code: 0, out: r.stdout, err: r.stderr };
  } catch (e) {
    const x = e as { code: number; stdout: string; stderr: string };
    return { code: x.code, out: x.stdout, err: x.stderr };
  }
}

let c: ForwarderChain;
beforeAll(async () => {
  c = await startForwarderChain();
});
afterAll(async () => {
  await c?.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

describe('kassa forwarder commands', () => {
  it('computes offline the deposit address the deployed factory reports', async () => {
    const r = await kassa(['address', '--forwarder', TREASURY, '--index', '7']);
    expect(r.code, r.err).toBe(0);
    const onChain = await c.client.readContract({
      address: FORWARDER_FACTORY,
      abi: FORWARDER_FACTORY_ABI,
      functionName: 'depositAddress',
      args: [TREASURY, depositSalt(7)],
    });
    expect(r.out.trim()).toBe(onChain);
    const bad = await kassa(['address', '--forwarder', '0x1234', '--index', '0']);
    expect(bad.code).toBe(2);
  });

  it('verifies the deployed factory and refuses a look-alike', async () => {
    const ok = await kassa(['forwarder', '--rpc', c.anvil.url]);
    expect(ok.code, ok.err).toBe(0);
    expect(ok.out).toContain(FORWARDER_FACTORY);
    expect(ok.out).toContain('verified');
    const other = await deployContract(c, quirkyToken('HostileToken'), [0, 0n], c.payer);
    const no = await kassa(['forwarder', '--rpc', c.anvil.url, '--factory', other]);
    expect(no.code).toBe(1);
    expect(no.err).toContain('not Kassa');
  });

  it('prints the ready collect transactions as JSON, and refuses TRON', async () => {
    expect((await kassa(['migrate'])).code).toBe(0);
    expect((await kassa(['account', 'create', '--name', 'M'])).code).toBe(0);
    const dry = await kassa(['collect', '--chain', 'ETH', '--dry-run']);
    expect(dry.code, dry.err).toBe(0);
    expect(JSON.parse(dry.out)).toEqual([]);
    const tron = await kassa(['collect', '--chain', 'TRON', '--dry-run']);
    expect(tron.code).toBe(2);
    expect(tron.err).toContain('xpub');
  });
});

/** The kassa command, run as an operator would, against a fresh data directory. */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { builtCli } from '../support/built-cli.js';

/** Built once: a TypeScript loader per command made these tests slow. */
const CLI = builtCli();

const run = promisify(execFile);
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kassa-cli-'));

async function kassa(args: string[], env: Record<string, string> = {}) {
  try {
    const r = await run(process.execPath, [CLI, ...args], {
      env: { ...process.env, DATA_DIR: dataDir, LOG_LEVEL: 'warn', ...env },
    });
    return { code: 0, out: r.stdout, err: r.stderr };
  } catch (e) {
    const x = e as { code: number; stdout: string; stderr: string };
    return { code: x.code, out: x.stdout, err: x.stderr };
  }
}

describe('kassa CLI', () => {
  afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));

  it('migrates, creates an account, a key and a project, and revokes the key', async () => {
    const m = await kassa(['migrate']);
    expect(m.code).toBe(0);
    expect(m.out).toMatch(/001_core|up to date/);

    const acc = await kassa(['account', 'create', '--name', 'CLI merchant']);
    expect(acc.code).toBe(0);
    const accountId = acc.out.trim();
    expect(accountId).toMatch(/^acc_/);

    const key = await kassa(['key', 'create', '--account', accountId, '--label', 'ops']);
    expect(key.code).toBe(0);
    const keyId = /key id: (key_\S+)/.exec(key.out)?.[1];
    const secret = /API key \(shown once\): (\S+)/.exec(key.out)?.[1];
    expect(keyId).toBeTruthy();
    expect(secret).toMatch(/^kassa_/);
    // Stored hashed: the key itself is nowhere in the database file.
    const db = fs.readFileSync(path.join(dataDir, 'kassa.sqlite'));
    expect(db.includes(Buffer.from(secret!))).toBe(false);

    const proj = await kassa([
      'project',
      'create',
      '--account',
      accountId,
      '--name',
      'Shop',
      '--shop-id',
      'cli-shop',
      '--currencies',
      'USDT_TRC20,BTC',
    ]);
    expect(proj.code, proj.err).toBe(0);
    expect(proj.out).toContain('shop_id: cli-shop');

    const dup = await kassa([
      'project',
      'create',
      '--account',
      accountId,
      '--name',
      'Again',
      '--shop-id',
      'cli-shop',
    ]);
    expect(dup.code).not.toBe(0);
    expect(dup.err).toContain('cli-shop');

    expect((await kassa(['key', 'revoke', keyId!])).code).toBe(0);
    const again = await kassa(['key', 'revoke', keyId!]);
    expect(again.code).not.toBe(0);
    expect(again.err).toMatch(/not found/);
  });

  it('refuses a bad setting with a message naming it', async () => {
    const r = await kassa(['migrate'], { PORT: 'eighty' });
    expect(r.code).toBe(2);
    expect(r.err).toContain('PORT');
    const u = await kassa(['migrate'], { DATABASE_URL: 'mysql://x' });
    expect(u.code).toBe(2);
    expect(u.err).toContain('DATABASE_URL');
  });

  it('prints the address Kassa would hand out, for each chain family', async () => {
    const zpub =
      'zpub6rFR7y4Q2AijBEqTUquhVz398htDFrtymD9xYYfG1m4wAcvPhXNfE3EfH1r1ADqtfSdVCToUG868RvUUkgDKf31mGDtKsAYz2oz2AGutZYs';
    // Account xpub (m/44'/60'/0') of the well-known development mnemonic "test ... junk".
    const devXpub =
      'xpub6Ce9NcJvTk36xtLSrJLZqE7wtgA5deCeYs7rSQtreh4cj6ByPtrg9sD7V2FNFLPnf8heNP3FGkeV9qwfzvZNSd54JoNXVsXFYSYwHsnJxqP';
    const btc = await kassa(['address', '--currency', 'BTC', '--key', zpub, '--index', '0']);
    expect(btc.out.trim()).toBe('bc1qcr8te4kr609gcawutmrza0j4xv80jy8z306fyu');
    const eth = await kassa([
      'address',
      '--currency',
      'USDT_ERC20',
      '--key',
      devXpub,
      '--index',
      '0',
    ]);
    expect(eth.out.trim()).toBe('0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266');
    const tron = await kassa(['address', '--currency', 'TRX', '--key', devXpub, '--index', '0']);
    expect(tron.out.trim()).toMatch(/^T[1-9A-HJ-NP-Za-km-z]{33}$/);
    const bad = await kassa([
      'address',
      '--currency',
      'BTC',
      '--key',
      'not-a-key-at-all',
      '--index',
      '0',
    ]);
    expect(bad.code).toBe(2);
    expect(bad.err.length).toBeGreaterThan(0);
  });

  it('refuses an unknown currency and a bad index for address', async () => {
    const r = await kassa(['address', '--currency', 'DOGE', '--key', 'xpub', '--index', '0']);
    expect(r.code).toBe(2);
    expect(r.err).toContain('unknown currency');
    const i = await kassa(['address', '--currency', 'BTC', '--key', 'xpub', '--index', '-1']);
    expect(i.code).toBe(2);
    expect(i.err).toContain('--index');
  });

  it('creates accounts and keys from the store alone: no rate source is asked', async () => {
    let asked = 0;
    const source = http.createServer((_req, res) => {
      asked += 1;
      res.writeHead(503).end();
    });
    await new Promise<void>((resolve) => source.listen(0, '127.0.0.1', resolve));
    const env = {
      RATE_SOURCES: 'kraken',
      RATE_KRAKEN_URL: `http://127.0.0.1:${(source.address() as AddressInfo).port}`,
    };
    try {
      const acc = await kassa(['account', 'create', '--name', 'Quiet merchant'], env);
      expect(acc.code).toBe(0);
      const key = await kassa(['key', 'create', '--account', acc.out.trim()], env);
      expect(key.code).toBe(0);
      expect(key.out).toMatch(/API key \(shown once\): kassa_/);
      // Both processes have exited: nothing can ask later.
      expect(asked).toBe(0);
    } finally {
      source.close();
    }
  });
});

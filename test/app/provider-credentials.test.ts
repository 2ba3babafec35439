/** Cryptopay/CoinsPaid-style key pairs: derived from the operator's signing key, never stored, revocable. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAccount, createProject, revokeApiKey } from '../../src/app/accounts.js';
import { issueProviderCredentials, providerPrincipal } from '../../src/app/provider-credentials.js';
import { loadSigningKey } from '../../src/signing-key.js';
import { startTestKassa, type TestKassa } from '../support/kassa.js';

let k: TestKassa;
let accountId: string;

beforeAll(async () => {
  k = await startTestKassa();
  accountId = (await k.ctx.store.projects.get(k.shopId))!.accountId;
});
afterAll(async () => k?.stop());

describe('provider key pairs', () => {
  it('keeps no secret in the database, and recovers it only with the signing key', async () => {
    const key = loadSigningKey(k.config);
    const pair = await issueProviderCredentials(k.ctx, key, {
      accountId,
      shopId: k.shopId,
      provider: 'cryptopay',
    });
    expect(pair.apiKey).toBe(`${k.shopId}.${pair.keyId}`);
    const rows = [];
    for (const t of ['api_keys', 'projects', 'accounts'] as const)
      rows.push(...(await k.store.db.selectFrom(t).selectAll().execute()));
    expect(JSON.stringify(rows)).not.toContain(pair.apiSecret);
    const p = await providerPrincipal(k.ctx, key, 'cryptopay', pair.apiKey);
    expect(p).toEqual({ accountId, shopId: k.shopId, secret: pair.apiSecret, access: 'full' });
    // Another signing key, or the other provider, derives another secret.
    const other = await providerPrincipal(
      k.ctx,
      new Uint8Array(32).fill(7),
      'cryptopay',
      pair.apiKey,
    );
    expect(other?.secret).not.toBe(pair.apiSecret);
    expect((await providerPrincipal(k.ctx, key, 'coinspaid', pair.apiKey))?.secret).not.toBe(
      pair.apiSecret,
    );
  });

  it('ends the pair when its API key is revoked, and refuses a project of another account', async () => {
    const key = loadSigningKey(k.config);
    const pair = await issueProviderCredentials(k.ctx, key, {
      accountId,
      shopId: k.shopId,
      provider: 'coinspaid',
    });
    await revokeApiKey(k.ctx, pair.keyId);
    expect(await providerPrincipal(k.ctx, key, 'coinspaid', pair.apiKey)).toBeNull();

    const other = await createAccount(k.ctx, 'Other');
    const { project } = await createProject(k.ctx, other.id, { name: 'Other', testMode: true });
    await expect(
      issueProviderCredentials(k.ctx, key, {
        accountId,
        shopId: project.id,
        provider: 'cryptopay',
      }),
    ).rejects.toThrow(/not found/);
    const mine = await issueProviderCredentials(k.ctx, key, {
      accountId,
      shopId: k.shopId,
      provider: 'cryptopay',
    });
    // The same key id named with someone else's project does not pass.
    const forged = `${project.id}.${mine.keyId}`;
    expect(await providerPrincipal(k.ctx, key, 'cryptopay', forged)).toBeNull();
    expect(await providerPrincipal(k.ctx, key, 'cryptopay', 'not a key')).toBeNull();
  });
});

describe('the signing key', () => {
  it('is made once in DATA_DIR, owner-only, and read back the same', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kassa-signing-'));
    const first = loadSigningKey({ DATA_DIR: dir });
    const file = path.join(dir, 'signing.key');
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(Buffer.from(loadSigningKey({ DATA_DIR: dir }))).toEqual(Buffer.from(first));
    expect(first.length).toBe(32);
  });

  it('comes from KASSA_SIGNING_KEY when set, hex or base64, and refuses a short one', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kassa-signing-'));
    const hex = 'ab'.repeat(32);
    expect(Buffer.from(loadSigningKey({ DATA_DIR: dir, KASSA_SIGNING_KEY: hex }))).toEqual(
      Buffer.from(hex, 'hex'),
    );
    const b64 = Buffer.alloc(48, 3).toString('base64');
    expect(loadSigningKey({ DATA_DIR: dir, KASSA_SIGNING_KEY: b64 }).length).toBe(48);
    expect(fs.existsSync(path.join(dir, 'signing.key'))).toBe(false);
    expect(() => loadSigningKey({ DATA_DIR: dir, KASSA_SIGNING_KEY: 'c'.repeat(40) })).toThrow(
      /32 bytes/,
    );
  });
});

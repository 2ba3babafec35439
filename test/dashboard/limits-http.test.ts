/** Sign-in limits per client address, the Russian pages, and routes that must declare a permission. */
import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dashRouter, requireDeclaredAccess } from '../../src/http/dashboard/router.js';
import { derivationPath } from '../../src/app/wallet-preview.js';
import { startTestKassa, type TestKassa } from '../support/kassa.js';
import { addUser, DashClient, PASSWORD } from './helpers.js';

describe('dashboard limits and language', () => {
  let kassa: TestKassa;

  beforeAll(async () => {
    kassa = await startTestKassa({ KASSA_TEST_MODE: 'true', DASHBOARD_SIGN_INS_PER_MINUTE: '3' });
  });
  afterAll(async () => kassa?.stop());

  it('limits sign-in posts per client address, whatever the e-mail', async () => {
    const user = await addUser(kassa, 'viewer');
    const c = new DashClient(kassa.url);
    for (let i = 0; i < 3; i++)
      expect((await c.signIn(`someone${i}@shop.test`, 'guess')).status).toBe(401);
    const limited = await c.signIn(user.email, PASSWORD);
    expect(limited.status).toBe(429);
    expect(c.cookies.has('kassa_session')).toBe(false);
  });

  it('speaks Russian when asked, and remembers it', async () => {
    const c = new DashClient(kassa.url);
    const ru = await c.get('/dashboard/sign-in?locale=ru');
    expect(ru.text).toContain('<html lang="ru">');
    expect(ru.text).toContain('Вход');
    const again = await c.get('/dashboard/sign-in');
    expect(again.text).toContain('<html lang="ru">');
    const browserRu = await new DashClient(kassa.url).get('/dashboard/sign-in', {
      'accept-language': 'ru-RU,ru;q=0.9',
    });
    expect(browserRu.text).toContain('Войти');
  });
});

describe('dashboard routes', () => {
  it('cannot register a route that declares no permission', async () => {
    const app = Fastify();
    await app.register(async (scope) => {
      scope.addHook('onRoute', requireDeclaredAccess);
      dashRouter(scope, 10).get('/dashboard/x', 'read', async () => 'ok');
      expect(() => scope.get('/dashboard/y', async () => 'open')).toThrow('declares no permission');
    });
    await app.close();
  });

  it('names derivation paths from a descriptor origin, or below the pasted key', () => {
    expect(derivationPath("wpkh([d34db33f/84'/0'/0']xpub6ABC/0/*)", 7)).toBe("m/84'/0'/0'/0/7");
    expect(derivationPath('wpkh([d34db33f/84h/1h/0h]tpubXYZ/<0;1>/*)', 2)).toBe("m/84'/1'/0'/0/2");
    expect(
      derivationPath(
        'zpub6rFR7y4Q2AijBEqTUquhVz398htDFrtymD9xYYfG1m4wAcvPhXNfE3EfH1r1ADqtfSdVCToUG868RvUUkgDKf31mGDtKsAYz2oz2AGutZYs',
        3,
      ),
    ).toBe('(key)/0/3');
  });
});

/**
 * Dashboard sign-in, sessions, CSRF and roles over plain HTTP against a
 * running Kassa (SQLite): what is refused is refused on the server.
 */
import { base32nopad } from '@scure/base';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newTotpSecret, totp } from '../../src/app/totp.js';
import { MAX_FAILED_SIGN_INS } from '../../src/app/sessions.js';
import { startTestKassa, type TestKassa } from '../support/kassa.js';
import { addUser, DashClient, PASSWORD } from './helpers.js';

describe('dashboard access over HTTP', () => {
  let kassa: TestKassa;

  beforeAll(async () => {
    kassa = await startTestKassa({
      KASSA_TEST_MODE: 'true',
      DASHBOARD_SIGN_INS_PER_MINUTE: '1000',
    });
  });
  afterAll(async () => kassa?.stop());

  const invoiceCount = async () =>
    (await kassa.api('GET', '/api/v1/invoices?limit=100')).body.data.length as number;

  it('sends a visitor without a session to sign in, and signs in with the right password only', async () => {
    const user = await addUser(kassa, 'staff');
    const c = new DashClient(kassa.url);
    const first = await c.get('/dashboard/invoices');
    expect(first.status).toBe(303);
    expect(first.headers.get('location')).toBe('/dashboard/sign-in?next=%2Fdashboard%2Finvoices');

    const wrong = await c.signIn(user.email, 'not the password');
    expect(wrong.status).toBe(401);
    expect(wrong.text).toContain('Wrong e-mail, password or code.');
    const unknown = await c.signIn('nobody@shop.test', PASSWORD);
    expect(unknown.status).toBe(401);
    expect(unknown.text).toContain('Wrong e-mail, password or code.');

    const ok = await c.signIn(user.email, PASSWORD);
    expect(ok.status).toBe(303);
    const setCookie = ok.headers.getSetCookie().find((h) => h.startsWith('kassa_session='))!;
    expect(setCookie).toMatch(/HttpOnly/);
    expect(setCookie).toMatch(/SameSite=Lax/);
    expect(setCookie).toMatch(/Max-Age=\d+/);
    expect(setCookie).not.toMatch(/Secure/); // plain http here; see the https case below
    const page = await c.get('/dashboard/invoices');
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(page.headers.get('cache-control')).toBe('no-store');
  });

  it('gives a new session token at every sign-in and ends the old one', async () => {
    const user = await addUser(kassa, 'viewer');
    const c = new DashClient(kassa.url);
    await c.signIn(user.email, PASSWORD);
    const before = c.cookies.get('kassa_session')!;
    await c.signIn(user.email, PASSWORD);
    const after = c.cookies.get('kassa_session')!;
    expect(after).not.toBe(before);
    const stale = new DashClient(kassa.url);
    stale.cookies.set('kassa_session', before);
    expect((await stale.get('/dashboard')).status).toBe(303);
    expect((await c.get('/dashboard')).status).toBe(200);

    const token = await c.csrf();
    const out = await c.post('/dashboard/sign-out', { _csrf: token });
    expect(out.status).toBe(303);
    const ended = new DashClient(kassa.url);
    ended.cookies.set('kassa_session', after);
    expect((await ended.get('/dashboard')).status).toBe(303);
  });

  it('locks a user out after repeated wrong passwords, even for the right one', async () => {
    const user = await addUser(kassa, 'staff');
    const c = new DashClient(kassa.url);
    for (let i = 1; i < MAX_FAILED_SIGN_INS; i++)
      expect((await c.signIn(user.email, `wrong ${i}`)).status).toBe(401);
    const locking = await c.signIn(user.email, 'wrong again');
    expect(locking.status).toBe(429);
    expect(locking.text).toContain('Too many failed attempts');
    const right = await c.signIn(user.email, PASSWORD);
    expect(right.status).toBe(429);
    expect(c.cookies.has('kassa_session')).toBe(false);

    const log = await kassa.access.audit.list(user.accountId, 50);
    expect(log.filter((e) => e.target === user.id).map((e) => e.action)).toEqual(
      expect.arrayContaining(['sign_in.failed', 'sign_in.locked', 'sign_in.locked_out']),
    );
  });

  it('asks for the two-factor code once it is on, refuses a wrong one, and takes each code once', async () => {
    const user = await addUser(kassa, 'admin');
    const c = new DashClient(kassa.url);
    expect((await c.signIn(user.email, PASSWORD)).status).toBe(303);
    const account = await c.get('/dashboard/account');
    const secret = /id="totp-secret">([A-Z2-7]+)</.exec(account.text)![1]!;
    const key = base32nopad.decode(secret);
    const token = await c.csrf();
    const code = totp(key, Date.now());
    const wrongSetup = await c.post('/dashboard/account/totp/on', {
      _csrf: token,
      secret,
      code: code === '000000' ? '111111' : '000000',
    });
    expect(wrongSetup.status).toBe(400);
    const on = await c.post('/dashboard/account/totp/on', { _csrf: token, secret, code });
    expect(on.status).toBe(303);

    const fresh = new DashClient(kassa.url);
    // The code that turned two-factor on is spent: it cannot sign in.
    expect((await fresh.signIn(user.email, PASSWORD, code)).status).toBe(401);
    const noCode = await fresh.signIn(user.email, PASSWORD);
    expect(noCode.status).toBe(401);
    expect(fresh.cookies.has('kassa_session')).toBe(false);
    const current = totp(key, Date.now());
    const badCode = await fresh.signIn(
      user.email,
      PASSWORD,
      current === '123456' ? '654321' : '123456',
    );
    expect(badCode.status).toBe(401);
    // The next step's code (clock drift allowance) is one not used yet.
    const next = totp(key, Date.now() + 30_000);
    const good = await fresh.signIn(user.email, PASSWORD, next);
    expect(good.status).toBe(303);
    expect((await fresh.get('/dashboard')).status).toBe(200);
    // The same code again, even with the right password, is a replay.
    const replay = new DashClient(kassa.url);
    const again = await replay.signIn(user.email, PASSWORD, next);
    expect(again.status).toBe(401);
    expect(replay.cookies.has('kassa_session')).toBe(false);
    const log = await kassa.access.audit.list(user.accountId, 50);
    expect(log.filter((e) => e.target === user.id).map((e) => e.detail)).toEqual(
      expect.arrayContaining([
        'two-factor code used before',
        'missing two-factor code',
        'wrong two-factor code',
      ]),
    );
  });

  it('answers a right password without the code exactly as a wrong password, and counts it alike', async () => {
    const user = await addUser(kassa, 'staff');
    const secret = newTotpSecret();
    await kassa.access.users.update(user.id, { totpSecret: secret }, Date.now());
    const strip = (html: string) => html.replace(/value="[^"]*"/g, 'value=""');
    const right = await new DashClient(kassa.url).signIn(user.email, PASSWORD);
    const wrong = await new DashClient(kassa.url).signIn(user.email, 'not the password');
    expect(right.status).toBe(401);
    expect(wrong.status).toBe(right.status);
    expect(strip(right.text)).toBe(strip(wrong.text));
    expect(right.text).toContain('Wrong e-mail, password or code.');
    // Both count towards the lockout: a guesser cannot tell them apart by it either.
    const c = new DashClient(kassa.url);
    for (let i = 3; i < MAX_FAILED_SIGN_INS; i++)
      expect((await c.signIn(user.email, PASSWORD)).status).toBe(401);
    expect((await c.signIn(user.email, PASSWORD)).status).toBe(429);
    const code = totp(base32nopad.decode(secret), Date.now());
    expect((await c.signIn(user.email, PASSWORD, code)).status).toBe(429);
  });

  it('refuses a forged cross-site post and a post without the form token, and changes nothing', async () => {
    const user = await addUser(kassa, 'owner');
    const c = new DashClient(kassa.url);
    await c.signIn(user.email, PASSWORD);
    const token = await c.csrf();
    const before = await invoiceCount();
    const fields = {
      _csrf: token,
      project: kassa.shopId,
      amount: '10.00',
      currency: 'USD',
      expiry: 'timer',
      minutes: '30',
    };

    const forged = await c.post('/dashboard/invoices', fields, { origin: 'https://evil.example' });
    expect(forged.status).toBe(403);
    const forgedFetchSite = await c.post('/dashboard/invoices', fields, {
      'sec-fetch-site': 'cross-site',
    });
    expect(forgedFetchSite.status).toBe(403);
    const noToken = await c.post('/dashboard/invoices', { ...fields, _csrf: '' });
    expect(noToken.status).toBe(403);
    const otherToken = await c.post('/dashboard/invoices', {
      ...fields,
      _csrf: 'x'.repeat(token.length),
    });
    expect(otherToken.status).toBe(403);
    expect(await invoiceCount()).toBe(before);

    const signInForged = await new DashClient(kassa.url).post(
      '/dashboard/sign-in',
      { email: user.email, password: PASSWORD },
      { origin: 'https://evil.example' },
    );
    expect(signInForged.status).toBe(403);
    const signInNoToken = await new DashClient(kassa.url).post('/dashboard/sign-in', {
      email: user.email,
      password: PASSWORD,
    });
    expect(signInNoToken.status).toBe(403);

    const made = await c.post('/dashboard/invoices', fields);
    expect(made.status).toBe(303);
    expect(await invoiceCount()).toBe(before + 1);
  });

  it("enforces each role's limits on the server for hand-crafted requests", async () => {
    const signedIn = async (role: 'viewer' | 'staff' | 'admin' | 'owner') => {
      const u = await addUser(kassa, role);
      const c = new DashClient(kassa.url);
      expect((await c.signIn(u.email, PASSWORD)).status).toBe(303);
      return { c, token: await c.csrf() };
    };
    const created = await kassa.api('POST', '/api/v1/invoices', {
      shop_id: kassa.shopId,
      amount: '5.00',
      currency: 'USD',
    });
    const invoiceId = created.body.id as string;
    const newInvoice = { project: kassa.shopId, amount: '10.00', currency: 'USD', expiry: 'none' };
    const newUser = { email: `x${Date.now()}@shop.test`, role: 'owner', password: PASSWORD };
    const wallet = {
      project: kassa.shopId,
      currency: 'BTC',
      network: 'mainnet',
      key: 'xpub-whatever',
    };

    const viewer = await signedIn('viewer');
    const before = await invoiceCount();
    for (const [path, fields] of [
      ['/dashboard/invoices', newInvoice],
      [`/dashboard/invoices/${invoiceId}/cancel`, {}],
      ['/dashboard/users', newUser],
      ['/dashboard/wallets', wallet],
    ] as const) {
      const res = await viewer.c.post(path, { _csrf: viewer.token, ...fields });
      expect(res.status, path).toBe(403);
    }
    expect((await viewer.c.get('/dashboard/invoices/new')).status).toBe(403);
    expect((await viewer.c.get('/dashboard/audit')).status).toBe(403);
    expect((await viewer.c.get('/dashboard/users')).status).toBe(403);
    expect(await invoiceCount()).toBe(before);
    expect((await kassa.api('GET', `/api/v1/invoices/${invoiceId}`)).body.status).toBe('created');

    const staff = await signedIn('staff');
    expect(
      (await staff.c.post('/dashboard/users', { _csrf: staff.token, ...newUser })).status,
    ).toBe(403);
    expect(
      (await staff.c.post('/dashboard/wallets', { _csrf: staff.token, ...wallet })).status,
    ).toBe(403);
    expect(
      (await staff.c.post('/dashboard/invoices', { _csrf: staff.token, ...newInvoice })).status,
    ).toBe(303);

    const admin = await signedIn('admin');
    expect(
      (await admin.c.post('/dashboard/users', { _csrf: admin.token, ...newUser })).status,
    ).toBe(403);
    expect((await admin.c.get('/dashboard/audit')).status).toBe(403);

    const owner = await signedIn('owner');
    expect(
      (await owner.c.post('/dashboard/users', { _csrf: owner.token, ...newUser })).status,
    ).toBe(303);
    expect((await owner.c.get('/dashboard/audit')).text).toContain('user.created');
  });

  it('marks the session cookie Secure and __Host- when served over https', async () => {
    const user = await addUser(kassa, 'viewer');
    const c = new DashClient(kassa.url);
    // The public URL is https (a TLS proxy in front); the cookie must never travel over plain http.
    const settings = kassa.ctx.settings as { publicUrl: string };
    const prior = settings.publicUrl;
    settings.publicUrl = 'https://pay.shop.test';
    try {
      const res = await c.signIn(user.email, PASSWORD);
      expect(res.status).toBe(303);
      const cookie = res.headers.getSetCookie().find((h) => h.startsWith('__Host-kassa_session='));
      expect(cookie).toMatch(/; Secure/);
      expect(cookie).toMatch(/Path=\//);
    } finally {
      settings.publicUrl = prior;
    }
  });
});

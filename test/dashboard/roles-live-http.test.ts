/**
 * Over plain HTTP against a running Kassa: every dashboard route × every role
 * (refused on the server exactly when the role lacks the route's permission),
 * live events for delivery-only changes, and the per-user cap on live streams.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { can, ROLES } from '../../src/domain/roles.js';
import { DASHBOARD_ROUTES } from '../../src/http/dashboard/router.js';
import { startTestKassa, type TestKassa } from '../support/kassa.js';
import { startReceiver, type Receiver } from '../support/receiver.js';
import { addUser, DashClient, PASSWORD } from './helpers.js';

describe('dashboard roles and live streams over HTTP', () => {
  let kassa: TestKassa;
  let receiver: Receiver;

  beforeAll(async () => {
    kassa = await startTestKassa({
      KASSA_TEST_MODE: 'true',
      DASHBOARD_SIGN_INS_PER_MINUTE: '1000',
    });
    receiver = await startReceiver();
  });
  afterAll(async () => {
    await receiver?.close();
    await kassa?.stop();
  });

  it('refuses each role every route it lacks the permission for, and lets it reach the others', async () => {
    const routes = [...DASHBOARD_ROUTES.values()].filter((r) => r.access !== 'public');
    expect(routes.length).toBeGreaterThan(25);
    const inv = await kassa.api('POST', '/api/v1/invoices', {
      shop_id: kassa.shopId,
      amount: '1.00',
    });
    const fill = (url: string) =>
      url
        .replace(':id', inv.body.id)
        .replace(':shop', kassa.shopId)
        .replace(':endpoint', 'whep_none')
        .replace(':delivery', 'dlv_none')
        .replace(':action', 'cancel');
    const matrix: string[] = [];
    for (const role of ROLES) {
      const user = await addUser(kassa, role);
      const c = new DashClient(kassa.url);
      expect((await c.signIn(user.email, PASSWORD)).status).toBe(303);
      const csrf = await c.csrf();
      for (const r of routes) {
        // Signing out would end this client's session; it is covered elsewhere.
        if (r.url === '/dashboard/sign-out') continue;
        // The live stream stays open; its permission is "read", which every role has.
        if (r.url === '/dashboard/events') continue;
        const path = fill(r.url);
        const res = r.method === 'GET' ? await c.get(path) : await c.post(path, { _csrf: csrf });
        const allowed = can(role, r.access as Parameters<typeof can>[1]);
        matrix.push(`${role} ${r.method} ${r.url} ${res.status}`);
        if (allowed) expect(res.status, `${role} ${r.method} ${r.url}`).not.toBe(403);
        else {
          expect(res.status, `${role} ${r.method} ${r.url}`).toBe(403);
          expect(res.text).toContain('Your role does not allow this.');
        }
      }
    }
    expect(matrix.length).toBeGreaterThan(100);
  }, 180_000);

  it('streams an event when only a delivery changed', async () => {
    const admin = await addUser(kassa, 'admin');
    const c = new DashClient(kassa.url);
    await c.signIn(admin.email, PASSWORD);
    const ep = await kassa.api('POST', `/api/v1/projects/${kassa.shopId}/webhook-endpoints`, {
      url: `${receiver.url}/live`,
    });
    expect(ep.status).toBe(201);
    const abort = new AbortController();
    const res = await fetch(`${kassa.url}/dashboard/events`, {
      headers: { cookie: [...c.cookies].map(([k, v]) => `${k}=${v}`).join('; ') },
      signal: abort.signal,
    });
    expect(res.status).toBe(200);
    const reader = res.body!.getReader();
    let text = '';
    const test = await kassa.api(
      'POST',
      `/api/v1/projects/${kassa.shopId}/webhook-endpoints/${ep.body.id}/test`,
    );
    expect(test.status).toBe(202);
    const deadline = Date.now() + 20_000;
    while (!text.includes(`event: delivery\ndata: {"id":"${test.body.id}"}`)) {
      if (Date.now() > deadline) throw new Error(`no delivery event; got ${text}`);
      const step = await reader.read();
      if (step.done) throw new Error('stream ended');
      text += new TextDecoder().decode(step.value);
    }
    // A test callback changes no invoice: only the delivery event was sent.
    expect(text).not.toContain('event: invoice');
    abort.abort();
  }, 60_000);

  it('caps the live streams one user holds open', async () => {
    const user = await addUser(kassa, 'viewer');
    const c = new DashClient(kassa.url);
    await c.signIn(user.email, PASSWORD);
    const cookie = [...c.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    const open = async () => {
      const abort = new AbortController();
      const res = await fetch(`${kassa.url}/dashboard/events`, {
        headers: { cookie },
        signal: abort.signal,
      });
      return { res, abort };
    };
    const streams = [];
    for (let i = 0; i < 5; i++) {
      const s = await open();
      expect(s.res.status, `stream ${i + 1}`).toBe(200);
      streams.push(s);
    }
    const over = await open();
    expect(over.res.status).toBe(429);
    expect(await over.res.text()).toMatch(/too many live connections for this user \(at most 5\)/);
    // Another user is not affected.
    const other = new DashClient(kassa.url);
    await other.signIn((await addUser(kassa, 'viewer')).email, PASSWORD);
    const theirs = await fetch(`${kassa.url}/dashboard/events`, {
      headers: { cookie: [...other.cookies].map(([k, v]) => `${k}=${v}`).join('; ') },
      signal: AbortSignal.timeout(30_000),
    });
    expect(theirs.status).toBe(200);
    await theirs.body?.cancel();
    // Closing one frees a place.
    streams[0]!.abort.abort();
    const deadline = Date.now() + 20_000;
    let again = await open();
    while (again.res.status !== 200) {
      if (Date.now() > deadline) throw new Error('the closed stream was not released');
      await new Promise((r) => setTimeout(r, 50));
      again = await open();
    }
    for (const s of [...streams.slice(1), again]) s.abort.abort();
  }, 60_000);
});

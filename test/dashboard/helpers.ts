/** A cookie-keeping HTTP client for the dashboard, and users of each role for the demo account. */
import type { Role } from '../../src/domain/roles.js';
import { createUser } from '../../src/app/users.js';
import type { TestKassa } from '../support/kassa.js';

export const PASSWORD = 'correct horse battery staple';

let n = 0;
export async function addUser(kassa: TestKassa, role: Role, password = PASSWORD) {
  const accountId = (await kassa.ctx.store.accounts.list())[0]!.id;
  n += 1;
  return createUser(
    { access: kassa.access, clock: kassa.ctx.clock, store: kassa.ctx.store },
    { accountId, email: `${role}${n}-${Date.now()}@shop.test`, role, password },
    { accountId, userId: null, name: 'test', ip: null },
  );
}

export interface Answer {
  status: number;
  text: string;
  headers: Headers;
}

export class DashClient {
  readonly cookies = new Map<string, string>();

  constructor(readonly base: string) {}

  private keep(res: Response) {
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(';');
      const i = pair!.indexOf('=');
      const name = pair!.slice(0, i);
      const value = pair!.slice(i + 1);
      if (/Max-Age=0/.test(c)) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }

  private cookieHeader(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  async get(path: string, headers: Record<string, string> = {}): Promise<Answer> {
    const res = await fetch(this.base + path, {
      redirect: 'manual',
      headers: { cookie: this.cookieHeader(), ...headers },
    });
    this.keep(res);
    return { status: res.status, text: await res.text(), headers: res.headers };
  }

  async post(
    path: string,
    fields: Record<string, string>,
    headers: Record<string, string> = { origin: this.base },
  ): Promise<Answer> {
    const res = await fetch(this.base + path, {
      method: 'POST',
      redirect: 'manual',
      body: new URLSearchParams(fields),
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        cookie: this.cookieHeader(),
        ...headers,
      },
    });
    this.keep(res);
    return { status: res.status, text: await res.text(), headers: res.headers };
  }

  /** The session's form token, read from a page the way a browser would see it. */
  async csrf(): Promise<string> {
    const page = await this.get('/dashboard/account');
    const m = /name="_csrf" value="([^"]+)"/.exec(page.text);
    if (!m) throw new Error(`no form token on the page (${page.status})`);
    return m[1]!;
  }

  async signIn(email: string, password: string, code?: string): Promise<Answer> {
    const form = await this.get('/dashboard/sign-in');
    const token = /name="_login" value="([^"]+)"/.exec(form.text)?.[1] ?? '';
    return this.post('/dashboard/sign-in', {
      _login: token,
      email,
      password,
      ...(code ? { code } : {}),
    });
  }
}

/** Shared pieces of the payment page tests: invoices, screenshots, axe, request logs. */
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';
import { expect } from 'vitest';
import type { TestKassa } from '../support/kassa.js';

export const ARTIFACTS = path.resolve('test-artifacts/pay');

export async function shot(page: Page, name: string): Promise<string> {
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  const file = path.join(ARTIFACTS, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

const axeSource = fs.readFileSync(
  createRequire(import.meta.url).resolve('axe-core/axe.min.js'),
  'utf8',
);

interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: unknown }[];
}

/**
 * Runs axe-core in the page. It is evaluated through the DevTools protocol,
 * not as a <script>, so the page's strict CSP stays in force.
 */
export async function seriousA11yViolations(page: Page): Promise<string[]> {
  await page.evaluate(`${axeSource};0`);
  const violations = (await page.evaluate(
    'axe.run(document, { resultTypes: ["violations"] }).then(r => r.violations)',
  )) as AxeViolation[];
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map(
      (v) => `${v.id} (${v.impact}): ${v.help} at ${JSON.stringify(v.nodes.map((n) => n.target))}`,
    );
}

export async function expectAccessible(page: Page): Promise<void> {
  expect(await seriousA11yViolations(page)).toEqual([]);
}

/** Records every request and every CSP violation the page makes. */
export function watchPage(page: Page) {
  const requests: string[] = [];
  const cspViolations: string[] = [];
  page.on('request', (r) => requests.push(r.url()));
  page.on('console', (m) => {
    if (/Content.Security.Policy/i.test(m.text())) cspViolations.push(m.text());
  });
  return { requests, cspViolations };
}

export interface InvoiceBody {
  id: string;
  status: string;
  link: string;
  remaining: string;
  received: string;
  quote: {
    currency: string;
    address: string;
    amount_due: string;
    payment_uri: string | null;
  } | null;
  [k: string]: unknown;
}

export async function createInvoice(
  kassa: TestKassa,
  body: Record<string, unknown> = {},
): Promise<InvoiceBody> {
  const res = await kassa.api('POST', '/api/v1/invoices', {
    shop_id: kassa.shopId,
    amount: '100.00',
    currency: 'USD',
    ...body,
  });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body as InvoiceBody;
}

export async function getInvoice(kassa: TestKassa, id: string): Promise<InvoiceBody> {
  const res = await kassa.api('GET', `/api/v1/invoices/${id}`);
  expect(res.status).toBe(200);
  return res.body as InvoiceBody;
}

/** The merchant's shop: a real local server the paid page returns the customer to. */
export async function startShop(): Promise<{ url: string; close(): Promise<void> }> {
  const server = http.createServer((req, res) => {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(
      `<!doctype html><html lang="en"><title>Shop</title><h1>Thank you for your order</h1><p>${req.url}</p>`,
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** A clock the test can move forward, shared by the whole Kassa. */
export function movableClock() {
  let offset = 0;
  return {
    now: () => Date.now() + offset,
    advance(ms: number) {
      offset += ms;
    },
  };
}

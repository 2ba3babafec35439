/**
 * Payment page figures, measured in Debian's chromium against a whole Kassa:
 * - page weight: bytes of HTML + CSS + JS (uncompressed, and gzip for
 *   reference) of the heaviest screen, "waiting" (address, QR, countdown);
 * - time from navigation to first render: the browser's
 *   `first-contentful-paint`, on a cold profile and then warm (assets cached).
 */
import { gzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';
import { openBrowser } from '../test/support/browser.js';
import { startTestKassa } from '../test/support/kassa.js';

const WARM_RUNS = 7;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

async function firstContentfulPaint(
  page: import('playwright-core').Page,
  url: string,
): Promise<number> {
  await page.goto(url, { waitUntil: 'load' });
  const fcp = await page.evaluate(
    `new Promise((resolve) => {
      const hit = performance.getEntriesByName('first-contentful-paint')[0];
      if (hit) return resolve(hit.startTime);
      new PerformanceObserver((list) => {
        const e = list.getEntriesByName('first-contentful-paint')[0];
        if (e) resolve(e.startTime);
      }).observe({ type: 'paint', buffered: true });
    })`,
  );
  return Math.round(Number(fcp) * 10) / 10;
}

export async function benchPayPage(): Promise<Record<string, string | number>> {
  const kassa = await startTestKassa();
  const browser = await openBrowser({ viewport: { width: 375, height: 812 }, isMobile: true });
  try {
    const res = await kassa.api('POST', '/api/v1/invoices', {
      shop_id: kassa.shopId,
      amount: '100.00',
      currency: 'USD',
      payment_currency: 'USDT_ERC20',
      order_id: 'BENCH-1',
    });
    if (res.status !== 201) throw new Error(`invoice not created: ${JSON.stringify(res.body)}`);
    const link = res.body.link as string;

    const html = await (await fetch(link)).text();
    const assets = [...html.matchAll(/(?:src|href)="(\/assets\/pay\.[^"]+\.(css|js))"/g)];
    const bodies: Record<string, Buffer> = { html: Buffer.from(html) };
    for (const [, path, ext] of assets) {
      bodies[ext!] = Buffer.from(await (await fetch(kassa.url + path)).arrayBuffer());
    }
    const total = Object.values(bodies).reduce((n, b) => n + b.length, 0);
    const gzip = Object.values(bodies).reduce((n, b) => n + gzipSync(b).length, 0);

    const { page } = browser;
    const cold = await firstContentfulPaint(page, link);
    const warm: number[] = [];
    for (let i = 0; i < WARM_RUNS; i++) warm.push(await firstContentfulPaint(page, link));

    return {
      screen: 'waiting (USDT ERC-20, 375 px)',
      page_weight_bytes: total,
      html_bytes: bodies.html!.length,
      css_bytes: bodies.css?.length ?? 0,
      js_bytes: bodies.js?.length ?? 0,
      page_weight_gzip_bytes: gzip,
      fcp_cold_ms: cold,
      fcp_warm_median_ms: median(warm),
    };
  } finally {
    await browser.close();
    await kassa.stop();
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const figures = await benchPayPage();
  for (const [k, v] of Object.entries(figures)) console.log(`${k}: ${v}`);
}

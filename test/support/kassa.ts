/**
 * Boots a whole Kassa for end-to-end tests: HTTP on port 0 (read back), a fresh
 * SQLite file (or the PostgreSQL given), a demo account, project and API key.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../src/config.js';
import { ensureDemo, startKassa, type Kassa, type KassaOverrides } from '../../src/runtime.js';

export interface TestKassa extends Kassa {
  readonly apiKey: string;
  readonly shopId: string;
  readonly secretKey: string;
  readonly dataDir: string;
  /** fetch against the native API with the demo key. */
  api(
    method: string,
    path: string,
    body?: unknown,
    headers?: Record<string, string>,
  ): Promise<{ status: number; body: any }>;
  stop(): Promise<void>;
}

export async function startTestKassa(
  env: Record<string, string> = {},
  overrides: Pick<KassaOverrides, 'rates' | 'clock' | 'logger' | 'loopIntervalsMs'> = {},
): Promise<TestKassa> {
  const dataDir = env.DATA_DIR ?? fs.mkdtempSync(path.join(os.tmpdir(), 'kassa-test-'));
  const config = loadConfig({
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'warn',
    ALLOW_PRIVATE_CALLBACKS: 'true',
    ...env,
    DATA_DIR: dataDir,
  });
  const kassa = await startKassa({ ...config, PUBLIC_URL: env.PUBLIC_URL ?? '' }, overrides);
  const url = kassa.url;
  (kassa.ctx.settings as { publicUrl: string }).publicUrl = env.PUBLIC_URL ?? url;
  const demo = await ensureDemo(kassa);
  // On a restart over the same data the demo key is not shown again: reuse the preset one.
  const apiKey = demo.apiKey ?? env.KASSA_DEMO_API_KEY ?? '';
  return {
    ...kassa,
    url,
    apiKey,
    shopId: demo.shopId,
    secretKey: demo.secretKey ?? '',
    dataDir,
    async api(method, p, body, headers = {}) {
      const res = await fetch(url + p, {
        method,
        headers: {
          authorization: `Bearer ${apiKey}`,
          ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
          ...headers,
        },
        ...(body !== undefined
          ? { body: typeof body === 'string' ? body : JSON.stringify(body) }
          : {}),
      });
      const text = await res.text();
      let parsed: unknown = text;
      try {
        parsed = JSON.parse(text);
      } catch {
        /* not JSON */
      }
      return { status: res.status, body: parsed };
    },
    async stop() {
      await kassa.close();
      if (!env.DATA_DIR) fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

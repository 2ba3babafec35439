/**
 * The demo credentials made at first start go to a file only this user can
 * read, not to the terminal: stdout usually ends up in a log collector.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { DemoCredentials } from '../runtime.js';

export const DEMO_CREDENTIALS_FILE = 'demo-credentials.txt';

/** Writes the credentials (mode 0600) into the data directory and returns the file's path. */
export function writeDemoCredentials(dataDir: string, demo: DemoCredentials, url: string): string {
  const file = path.join(dataDir, DEMO_CREDENTIALS_FILE);
  const text = [
    'Kassa demo credentials (keep them somewhere safe, then delete this file):',
    `API key:     ${demo.apiKey}`,
    `shop_id:     ${demo.shopId}`,
    `secret key:  ${demo.secretKey}`,
    `account:     ${demo.accountId}`,
    `dashboard:   ${url}/dashboard  (${demo.dashboardEmail} / ${demo.dashboardPassword})`,
    '',
  ].join('\n');
  fs.mkdirSync(dataDir, { recursive: true });
  // Replace, never append to, a file someone else may have created with wider permissions.
  fs.rmSync(file, { force: true });
  fs.writeFileSync(file, text, { mode: 0o600, flag: 'wx' });
  fs.chmodSync(file, 0o600);
  return file;
}

/**
 * Static files of the payment page, all served by Kassa itself (no CDN, no
 * third-party request). Names carry a content hash so they can be cached forever.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { KASSA_LOGO_SVG } from './logo.js';
import { PAY_JS } from './pay-script.js';
import { PAY_CSS } from './pay-style.js';
import { DASH_CSS } from './dash-style.js';
import { DASH_JS } from './dash-script.js';

export interface Asset {
  /** URL path, e.g. `/assets/pay.3f2a1c9b0d.css`. */
  readonly path: string;
  readonly type: string;
  readonly body: string;
}

function hashed(name: string, ext: string, type: string, body: string): Asset {
  const hash = createHash('sha256').update(body).digest('hex').slice(0, 10);
  return { path: `/assets/${name}.${hash}.${ext}`, type, body };
}

export const PAGE_ASSETS = {
  css: hashed('pay', 'css', 'text/css; charset=utf-8', PAY_CSS),
  js: hashed('pay', 'js', 'text/javascript; charset=utf-8', PAY_JS),
  logo: hashed('kassa', 'svg', 'image/svg+xml', KASSA_LOGO_SVG),
} as const;

export const DASH_ASSETS = {
  css: hashed('dash', 'css', 'text/css; charset=utf-8', DASH_CSS),
  js: hashed('dash', 'js', 'text/javascript; charset=utf-8', DASH_JS),
} as const;

/**
 * The currency icons live as .svg files beside this module; when running from
 * a build that did not copy them, the page simply shows no icons.
 */
function iconDir(): string | null {
  for (const rel of ['./icons/', '../../../src/http/assets/icons/']) {
    const dir = fileURLToPath(new URL(rel, import.meta.url));
    if (existsSync(dir)) return dir;
  }
  return null;
}

function loadIcons(): Map<string, Asset> {
  const icons = new Map<string, Asset>();
  const dir = iconDir();
  if (!dir) return icons;
  for (const file of readdirSync(dir)) {
    const m = /^([a-z0-9-]+)\.svg$/.exec(file);
    if (!m) continue;
    const asset = hashed(`icons/${m[1]}`, 'svg', 'image/svg+xml', readFileSync(dir + file, 'utf8'));
    icons.set(m[1]!, asset);
  }
  return icons;
}

export const ICONS: ReadonlyMap<string, Asset> = loadIcons();

const BY_PATH = new Map<string, Asset>([
  ...[...Object.values(PAGE_ASSETS), ...Object.values(DASH_ASSETS), ...ICONS.values()].map(
    (a): [string, Asset] => [a.path, a],
  ),
  // Stable icon URLs for API clients (the CryptoCloud currency objects link to these).
  ...[...ICONS].map(([name, a]): [string, Asset] => [`/assets/icons/${name}.svg`, a]),
]);

export function assetAt(path: string): Asset | undefined {
  return BY_PATH.get(path);
}

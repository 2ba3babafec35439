/**
 * Response headers of the payment page: a strict Content-Security-Policy (only
 * Kassa's own files; no inline script or style), no framing, and the link
 * itself never sent to another site as a referrer (same-origin only).
 */

export const STRICT_HEADERS: Readonly<Record<string, string>> = {
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'same-origin',
  'x-frame-options': 'DENY',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
  'permissions-policy': 'camera=(), microphone=(), geolocation=(), payment=()',
};

/**
 * The merchant's own logo is the one image from elsewhere: its exact origin is
 * allowed for images, nothing else is.
 */
export function contentSecurityPolicy(logoUrl: string | null = null): string {
  let img = "'self'";
  if (logoUrl) {
    const origin = new URL(logoUrl).origin;
    if (/^https?:\/\/[a-zA-Z0-9.:[\]-]+$/.test(origin)) img += ` ${origin}`;
  }
  return [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    `img-src ${img}`,
    "connect-src 'self'",
    "form-action 'self'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/** Refuses form posts made from other sites (the browser names the page that posted). */
export function isSameOrigin(origin: string | undefined, host: string | undefined): boolean {
  if (origin === undefined) return true;
  if (origin === 'null' || !host) return false;
  try {
    return new URL(origin).host === host;
  } catch {
    return false;
  }
}

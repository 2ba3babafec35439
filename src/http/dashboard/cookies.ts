/** Cookie reading and writing for the dashboard (sessions, sign-in CSRF, language). */
import type { FastifyReply, FastifyRequest } from 'fastify';

export function readCookie(req: FastifyRequest, name: string): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const i = part.indexOf('=');
    if (i > 0 && part.slice(0, i).trim() === name) {
      try {
        return decodeURIComponent(part.slice(i + 1).trim());
      } catch {
        return undefined;
      }
    }
  }
  return undefined;
}

/** HTTPS as the browser sees it: the request itself (behind a trusted proxy) or the public URL. */
export function isSecure(req: FastifyRequest, publicUrl: string): boolean {
  return req.protocol === 'https' || publicUrl.startsWith('https://');
}

/** `__Host-` pins the cookie to this exact origin; browsers accept it only with Secure. */
export function cookieName(base: string, secure: boolean): string {
  return secure ? `__Host-${base}` : base;
}

export interface CookieOptions {
  readonly secure: boolean;
  readonly httpOnly?: boolean;
  readonly maxAgeSeconds?: number;
  readonly sameSite?: 'Strict' | 'Lax';
}

export function setCookie(reply: FastifyReply, name: string, value: string, o: CookieOptions) {
  const parts = [
    `${name}=${encodeURIComponent(value)}`,
    'Path=/',
    `SameSite=${o.sameSite ?? 'Lax'}`,
    ...(o.httpOnly === false ? [] : ['HttpOnly']),
    ...(o.secure ? ['Secure'] : []),
    ...(o.maxAgeSeconds !== undefined ? [`Max-Age=${o.maxAgeSeconds}`] : []),
  ];
  const prior = reply.getHeader('set-cookie');
  const list = Array.isArray(prior) ? prior : prior ? [String(prior)] : [];
  reply.header('set-cookie', [...list, parts.join('; ')]);
}

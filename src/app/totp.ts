/** Time-based one-time passwords (RFC 6238 over RFC 4226 HOTP), for optional two-factor sign-in. */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { base32nopad } from '@scure/base';

export type TotpAlgorithm = 'sha1' | 'sha256' | 'sha512';

export function hotp(
  key: Uint8Array,
  counter: bigint,
  digits = 6,
  algorithm: TotpAlgorithm = 'sha1',
) {
  const msg = Buffer.alloc(8);
  msg.writeBigUInt64BE(counter);
  const mac = createHmac(algorithm, key).update(msg).digest();
  const offset = mac[mac.length - 1]! & 0x0f;
  const binary = mac.readUInt32BE(offset) & 0x7fffffff;
  return String(binary % 10 ** digits).padStart(digits, '0');
}

export const TOTP_STEP_SECONDS = 30;

export function totp(
  key: Uint8Array,
  timeMs: number,
  digits = 6,
  algorithm: TotpAlgorithm = 'sha1',
): string {
  return hotp(key, BigInt(Math.floor(timeMs / 1000 / TOTP_STEP_SECONDS)), digits, algorithm);
}

export function newTotpSecret(): string {
  return base32nopad.encode(randomBytes(20));
}

/** Accepts the current code and one step either side, for clocks that drift a little. */
export function verifyTotp(secret: string, code: string, nowMs: number): boolean {
  return matchTotpStep(secret, code, nowMs) !== null;
}

/**
 * The time step whose code this is (current or one either side), or null.
 * The caller records it so the same code cannot be used twice.
 */
export function matchTotpStep(secret: string, code: string, nowMs: number): number | null {
  if (!/^\d{6}$/.test(code)) return null;
  const key = base32nopad.decode(secret);
  const given = Buffer.from(code);
  const now = Math.floor(nowMs / 1000 / TOTP_STEP_SECONDS);
  let found: number | null = null;
  // Every step is compared, so the time taken does not tell which one matched.
  for (const step of [now - 1, now, now + 1]) {
    const expected = Buffer.from(hotp(key, BigInt(step)));
    if (timingSafeEqual(expected, given)) found = step;
  }
  return found;
}

/** The link authenticator apps read from a QR code. */
export function otpauthUri(secret: string, account: string, issuer = 'Kassa'): string {
  const label = encodeURIComponent(`${issuer}:${account}`);
  return `otpauth://totp/${label}?secret=${secret}&issuer=${encodeURIComponent(issuer)}&algorithm=SHA1&digits=6&period=${TOTP_STEP_SECONDS}`;
}

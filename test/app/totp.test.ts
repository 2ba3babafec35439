/** TOTP against the published test vectors of RFC 6238 (appendix B) and RFC 4226 (appendix D). */
import { describe, expect, it } from 'vitest';
import { base32nopad } from '@scure/base';
import { hotp, matchTotpStep, totp, verifyTotp, type TotpAlgorithm } from '../../src/app/totp.js';

const SEEDS: Record<TotpAlgorithm, Buffer> = {
  sha1: Buffer.from('12345678901234567890'),
  sha256: Buffer.from('12345678901234567890123456789012'),
  sha512: Buffer.from('1234567890123456789012345678901234567890123456789012345678901234'),
};

const VECTORS: [number, string, string, string][] = [
  [59, '94287082', '46119246', '90693936'],
  [1111111109, '07081804', '68084774', '25091201'],
  [1111111111, '14050471', '67062674', '99943326'],
  [1234567890, '89005924', '91819424', '93441116'],
  [2000000000, '69279037', '90698825', '38618901'],
  [20000000000, '65353130', '77737706', '47863826'],
];

describe('TOTP (RFC 6238)', () => {
  it.each(VECTORS)(
    'at %i s gives the published SHA-1, SHA-256 and SHA-512 codes',
    (t, s1, s256, s512) => {
      expect(totp(SEEDS.sha1, t * 1000, 8, 'sha1')).toBe(s1);
      expect(totp(SEEDS.sha256, t * 1000, 8, 'sha256')).toBe(s256);
      expect(totp(SEEDS.sha512, t * 1000, 8, 'sha512')).toBe(s512);
    },
  );

  it('gives the RFC 4226 HOTP values for counters 0-9', () => {
    const expected = [
      '755224',
      '287082',
      '359152',
      '969429',
      '338314',
      '254676',
      '287922',
      '162583',
      '399871',
      '520489',
    ];
    expect(expected.map((_, i) => hotp(SEEDS.sha1, BigInt(i)))).toEqual(expected);
  });

  it('accepts the current code and one step of drift, and nothing further or malformed', () => {
    const secret = base32nopad.encode(SEEDS.sha1);
    const now = 1_700_000_000_000;
    const code = (ms: number) => totp(SEEDS.sha1, ms);
    expect(verifyTotp(secret, code(now), now)).toBe(true);
    expect(verifyTotp(secret, code(now - 30_000), now)).toBe(true);
    expect(verifyTotp(secret, code(now + 30_000), now)).toBe(true);
    expect(verifyTotp(secret, code(now - 90_000), now)).toBe(false);
    expect(verifyTotp(secret, '12345', now)).toBe(false);
    expect(verifyTotp(secret, 'abcdef', now)).toBe(false);
  });

  it('names the time step a code belongs to, so it can be spent once', () => {
    const secret = base32nopad.encode(SEEDS.sha1);
    const now = 1_700_000_000_000;
    const step = Math.floor(now / 30_000);
    const code = (ms: number) => totp(SEEDS.sha1, ms);
    expect(matchTotpStep(secret, code(now), now)).toBe(step);
    expect(matchTotpStep(secret, code(now - 30_000), now)).toBe(step - 1);
    expect(matchTotpStep(secret, code(now + 30_000), now)).toBe(step + 1);
    expect(matchTotpStep(secret, code(now + 90_000), now)).toBeNull();
  });
});

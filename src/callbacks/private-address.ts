/**
 * Which IP addresses a callback must never reach unless the operator allows it:
 * private, loopback, link-local (cloud metadata lives at 169.254.169.254),
 * unspecified, carrier-grade NAT, multicast and reserved ranges, and every
 * IPv6 range that reaches IPv4 space.
 */
import { isIP } from 'node:net';

const V4_BLOCKED: ReadonlyArray<readonly [string, number]> = [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.0.2.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
];

function v4ToInt(ip: string): number {
  return ip.split('.').reduce((n, part) => n * 256 + Number(part), 0);
}

function v4Blocked(ip: string): boolean {
  const n = v4ToInt(ip);
  return V4_BLOCKED.some(([base, bits]) => {
    const size = 2 ** (32 - bits);
    const start = v4ToInt(base);
    return n >= start && n < start + size;
  });
}

/** Expands an IPv6 address into its eight 16-bit groups. */
function v6Groups(ip: string): number[] {
  let s = ip.toLowerCase();
  const zone = s.indexOf('%');
  if (zone >= 0) s = s.slice(0, zone);
  const lastColon = s.lastIndexOf(':');
  const last = s.slice(lastColon + 1);
  if (last.includes('.')) {
    // Dotted IPv4 tail (::ffff:1.2.3.4): rewrite it as two hex groups.
    const n = v4ToInt(last);
    s = `${s.slice(0, lastColon + 1)}${Math.floor(n / 65536).toString(16)}:${(n % 65536).toString(16)}`;
  }
  const [head, rest] = s.includes('::') ? s.split('::') : [s, undefined];
  const parse = (part: string | undefined) =>
    part
      ? part
          .split(':')
          .filter((x) => x !== '')
          .map((x) => parseInt(x, 16))
      : [];
  const h = parse(head);
  const r = parse(rest);
  const fill = rest === undefined ? 0 : Math.max(8 - h.length - r.length, 0);
  return [...h, ...Array<number>(fill).fill(0), ...r];
}

/**
 * IPv6 ranges that carry an IPv4 address or tunnel to one (mapped, compatible,
 * translated, NAT64, 6to4, Teredo): a callback to them may land anywhere in
 * IPv4 space, including the operator's network, so all of each is refused.
 */
function v6Blocked(ip: string): boolean {
  const g = v6Groups(ip);
  if (g.length !== 8 || g.some((x) => !Number.isInteger(x) || x < 0 || x > 0xffff)) return true;
  const [a = 0, b = 0, c = 0, d = 0, e = 0, f = 0] = g;
  const zeroHead = a === 0 && b === 0 && c === 0 && d === 0;
  if (zeroHead && e === 0 && (f === 0 || f === 0xffff)) return true; // ::/96 (::, ::1, compatible), ::ffff:0:0/96 mapped
  if (zeroHead && e === 0xffff && f === 0) return true; // ::ffff:0:0:0/96 IPv4-translated
  if (a === 0x64 && b === 0xff9b && c === 0 && d === 0 && e === 0 && f === 0) return true; // NAT64 64:ff9b::/96
  if (a === 0x64 && b === 0xff9b && c === 1) return true; // local-use NAT64 64:ff9b:1::/48
  if (a === 0x0100 && b === 0 && c === 0 && d === 0) return true; // discard-only 100::/64
  if (a === 0x2002) return true; // 6to4 2002::/16
  if (a === 0x2001 && b === 0x0000) return true; // Teredo 2001::/32
  if (a === 0x2001 && b === 0x0db8) return true; // documentation
  if ((a & 0xfe00) === 0xfc00) return true; // unique local fc00::/7
  if ((a & 0xffc0) === 0xfe80) return true; // link-local fe80::/10
  if ((a & 0xffc0) === 0xfec0) return true; // site-local fec0::/10 (deprecated)
  if ((a & 0xff00) === 0xff00) return true; // multicast
  return false;
}

/** True for any address a callback must not reach by default; non-IPs count as blocked. */
export function isPrivateAddress(ip: string): boolean {
  const v = isIP(ip);
  if (v === 4) return v4Blocked(ip);
  if (v === 6) return v6Blocked(ip);
  return true;
}

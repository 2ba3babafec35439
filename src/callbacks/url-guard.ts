/**
 * Keeps callbacks off the operator's own network (SSRF): endpoint URLs are
 * checked when they are saved, and every connection is checked again after DNS
 * resolution, so a name that later resolves to a private address is refused too.
 */
import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { isIP } from 'node:net';
import { invalid } from '../domain/errors.js';
import { isPrivateAddress } from './private-address.js';

export class BlockedAddressError extends Error {
  constructor(host: string, address: string) {
    super(
      `callback host ${host} resolves to a private address (${address}); set ALLOW_PRIVATE_CALLBACKS to allow it`,
    );
    this.name = 'BlockedAddressError';
  }
}

/** The URL's hostname without IPv6 brackets. */
function bareHost(url: URL): string {
  return url.hostname.replace(/^\[|\]$/g, '');
}

export function parseCallbackUrl(raw: string): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw invalid('url', 'url must be an absolute http(s) URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw invalid('url', 'url must use http or https');
  if (!url.hostname) throw invalid('url', 'url must name a host');
  if (raw.length > 2000) throw invalid('url', 'url is longer than 2000 characters');
  return url;
}

/** Refuses a URL whose host is, or resolves to, a private address (when not allowed). */
export async function assertCallbackUrlAllowed(raw: string, allowPrivate: boolean): Promise<URL> {
  const url = parseCallbackUrl(raw);
  if (allowPrivate) return url;
  const host = bareHost(url);
  let addresses: string[];
  if (isIP(host)) addresses = [host];
  else {
    try {
      const found = await new Promise<LookupAddress[]>((resolve, reject) =>
        dnsLookup(host, { all: true }, (err, list) => (err ? reject(err) : resolve(list))),
      );
      addresses = found.map((a) => a.address);
    } catch {
      throw invalid('url', `url host ${host} does not resolve`);
    }
  }
  const blocked = addresses.find(isPrivateAddress);
  if (blocked !== undefined || addresses.length === 0)
    throw invalid('url', new BlockedAddressError(host, blocked ?? 'none').message);
  return url;
}

/** Literal IP hosts skip DNS, so the sender checks them before connecting. */
export function assertLiteralHostAllowed(url: URL, allowPrivate: boolean): void {
  const host = bareHost(url);
  if (!allowPrivate && isIP(host) && isPrivateAddress(host))
    throw new BlockedAddressError(host, host);
}

type LookupCallback = (
  err: NodeJS.ErrnoException | null,
  address: string | LookupAddress[],
  family?: number,
) => void;

/** A `lookup` for http.request that refuses private addresses after resolution. */
export function guardedLookup(allowPrivate: boolean) {
  return (
    hostname: string,
    options: { all?: boolean; family?: number },
    callback: LookupCallback,
  ) => {
    dnsLookup(hostname, { ...options, all: true }, (err, list) => {
      if (err) return callback(err, []);
      const blocked = allowPrivate ? undefined : list.find((a) => isPrivateAddress(a.address));
      if (blocked) return callback(new BlockedAddressError(hostname, blocked.address), []);
      if (options.all) return callback(null, list);
      const first = list[0];
      if (!first) return callback(new Error(`${hostname} does not resolve`), []);
      callback(null, first.address, first.family);
    });
  };
}

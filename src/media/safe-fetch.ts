import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import http, { type IncomingMessage } from 'node:http';
import https from 'node:https';
import { BlockList, isIP, type LookupFunction } from 'node:net';

/** Addresses an inbound download may never reach: loopback, private, link-local, CGNAT, multicast, unspecified. */
const BLOCKED = new BlockList();
for (const [network, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['224.0.0.0', 3],
] as const) {
  BLOCKED.addSubnet(network, prefix, 'ipv4');
}
for (const [network, prefix] of [
  ['::', 128],
  ['::1', 128],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
  ['64:ff9b::', 96],
] as const) {
  BLOCKED.addSubnet(network, prefix, 'ipv6');
}

export function isBlockedAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 0) return true;
  if (family === 6 && address.toLowerCase().startsWith('::ffff:')) return isBlockedAddress(address.slice(7));
  return BLOCKED.check(address, family === 4 ? 'ipv4' : 'ipv6');
}

/** A download that will not succeed however often it is retried. */
export class PermanentFetchError extends Error {}

export interface SafeFetchOptions {
  maxRedirects: number;
  timeoutMs: number;
  /** `host:port` entries allowed although they resolve to blocked addresses (local fakes in tests). */
  allowHosts: readonly string[];
  /** Extra request headers (a platform's token), sent only to the first URL's origin, never after a redirect away. */
  headers?: Record<string, string>;
}

function hostKey(url: URL): string {
  const port = url.port || (url.protocol === 'https:' ? '443' : '80');
  return `${url.hostname.toLowerCase()}:${port}`;
}

/** Resolves like dns.lookup, then refuses blocked addresses: the check is on the address actually connected to. */
function guardedLookup(allowed: boolean): LookupFunction {
  return (hostname, options, callback) => {
    dnsLookup(hostname, { ...options, all: true }, (error, addresses: LookupAddress[]) => {
      if (error) return callback(error, '', 0);
      const usable = allowed ? addresses : addresses.filter((entry) => !isBlockedAddress(entry.address));
      if (usable.length === 0) return callback(new PermanentFetchError(`${hostname} resolves to a blocked address`), '', 0);
      if (options.all) return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, usable);
      return callback(null, usable[0].address, usable[0].family);
    });
  };
}

function requestOnce(
  url: URL,
  options: SafeFetchOptions,
  headers: Record<string, string>,
  signal: AbortSignal,
): Promise<IncomingMessage> {
  const allowed = options.allowHosts.includes(hostKey(url));
  // A literal IP never goes through lookup: check it here.
  const literal = url.hostname.replace(/^\[|\]$/g, '');
  if (isIP(literal) !== 0 && !allowed && isBlockedAddress(literal)) {
    return Promise.reject(new PermanentFetchError(`${url.hostname} is a blocked address`));
  }
  const client = url.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    const request = client.get(url, {
      lookup: guardedLookup(allowed),
      signal,
      headers: { ...headers, 'user-agent': 'crm-inbox-media' },
    });
    request.once('response', resolve);
    request.once('error', reject);
  });
}

/**
 * GET `rawUrl` with SSRF protection: only http(s), at most `maxRedirects` redirects, every hop's resolved address
 * checked; the whole exchange (including reading the body) bounded by `timeoutMs` through the returned signal.
 */
export async function safeFetch(rawUrl: string, options: SafeFetchOptions): Promise<{ response: IncomingMessage; done: () => void }> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(new Error('download timed out')), options.timeoutMs);
  const done = () => clearTimeout(timer);
  try {
    let url = new URL(rawUrl);
    const origin = url.origin;
    for (let redirects = 0; ; redirects++) {
      if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new PermanentFetchError(`unsupported protocol ${url.protocol}`);
      // A token meant for the platform must not follow a redirect to some other host.
      const headers = url.origin === origin ? (options.headers ?? {}) : {};
      const response = await requestOnce(url, options, headers, controller.signal);
      const status = response.statusCode ?? 0;
      if (status >= 300 && status < 400 && response.headers.location) {
        response.resume();
        if (redirects >= options.maxRedirects) throw new PermanentFetchError('too many redirects');
        url = new URL(response.headers.location, url);
        continue;
      }
      if (status !== 200) {
        response.resume();
        const message = `answered ${status}`;
        throw status >= 400 && status < 500 && status !== 408 && status !== 429 ? new PermanentFetchError(message) : new Error(message);
      }
      return { response, done };
    }
  } catch (error) {
    done();
    throw error;
  }
}

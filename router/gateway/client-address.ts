/**
 * The client's address, decided here, at the one trusted hop, and vouched for
 * upstream in headers that the subgraphs verify (shared/net.py).
 *
 * The address is the TCP peer's, unless that peer is a proxy listed in
 * MINISHOP_TRUSTED_PROXIES (comma-separated CIDRs, none by default): then
 * `X-Forwarded-For` is read from the right, each listed proxy giving way to
 * the address it forwarded for, and the first address not listed is the
 * client's. Entries further left were written by the client and are never
 * believed.
 *
 * Headers are signed with HMAC-SHA256 under a key derived from
 * MINISHOP_INTERNAL_SECRET, so only the gateway can make them:
 *   x-minishop-client-address: <address>; t=<unix seconds>; sig=<base64url>
 *   x-minishop-operation: <manifest id>; t=<unix seconds>; sig=<base64url>
 * The operation's signature also covers the SHA-256 of the document sent to
 * that subgraph, so it cannot be replayed with another document.
 */
import { createHash, createHmac } from 'node:crypto';
import { BlockList, isIP } from 'node:net';

export const CLIENT_ADDRESS_HEADER = 'x-minishop-client-address';
export const OPERATION_HEADER = 'x-minishop-operation';
const KEY_LABEL = 'minishop gateway headers v1';
const MAPPED_IPV4 = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i;
export const UNKNOWN_ADDRESS = 'unknown';

/** An IPv4 address the socket reports as IPv4-mapped IPv6 is the IPv4 address. */
export function normaliseAddress(address: string): string {
  return MAPPED_IPV4.exec(address)?.[1] ?? address;
}

export function trustedProxies(raw: string | undefined): BlockList {
  const list = new BlockList();
  for (const entry of (raw ?? '').split(',').map((item) => item.trim()).filter(Boolean)) {
    const [network, prefixText] = entry.split('/');
    const family = isIP(network);
    const prefix = prefixText === undefined ? (family === 6 ? 128 : 32) : Number(prefixText);
    const limit = family === 6 ? 128 : 32;
    if (!family || !Number.isInteger(prefix) || prefix < 0 || prefix > limit) {
      throw new Error(`MINISHOP_TRUSTED_PROXIES: ${JSON.stringify(entry)} is not a CIDR`);
    }
    list.addSubnet(network, prefix, family === 6 ? 'ipv6' : 'ipv4');
  }
  return list;
}

function isTrusted(list: BlockList, address: string): boolean {
  const family = isIP(address);
  return family !== 0 && list.check(address, family === 6 ? 'ipv6' : 'ipv4');
}

export function clientAddress(peer: string | undefined, forwardedFor: string | null, proxies: BlockList): string {
  if (!peer) return UNKNOWN_ADDRESS;
  let address = normaliseAddress(peer);
  if (!forwardedFor || !isTrusted(proxies, address)) return address;
  const hops = forwardedFor.split(',').map((hop) => normaliseAddress(hop.trim()));
  while (hops.length > 0 && isTrusted(proxies, address)) {
    const next = hops.pop() as string;
    // A malformed hop was not written by a proxy we trust: keep the last good one.
    if (!isIP(next)) break;
    address = next;
  }
  return address;
}

export function gatewayKey(internalSecret: string): Buffer {
  return createHmac('sha256', internalSecret).update(KEY_LABEL).digest();
}

function signature(key: Buffer, parts: string[]): string {
  return createHmac('sha256', key).update(parts.join('\n')).digest('base64url');
}

export function signClientAddress(key: Buffer, address: string, now: number): string {
  const issued = String(now);
  return `${address}; t=${issued}; sig=${signature(key, ['client-address', issued, address])}`;
}

export function signOperation(key: Buffer, operationId: string, document: string, now: number): string {
  const issued = String(now);
  const digest = createHash('sha256').update(document).digest('hex');
  return `${operationId}; t=${issued}; sig=${signature(key, ['operation', issued, operationId, digest])}`;
}

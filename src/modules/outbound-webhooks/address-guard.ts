import { BlockList, isIP } from 'node:net';

/**
 * Addresses a tenant's webhook URL may never reach: loopback, private networks, link-local (which
 * holds the cloud metadata service at 169.254.169.254), carrier-grade NAT, multicast and reserved
 * ranges, and their IPv6 counterparts. IPv4-mapped and NAT64 IPv6 addresses are refused whole:
 * they would smuggle an IPv4 address past the IPv4 rules, and no webhook receiver needs them.
 */
// Two lists: Node's BlockList matches an IPv4 address against IPv4-mapped IPv6 rules too, so the
// "refuse every mapped address" rule would otherwise refuse every IPv4 address.
const forbiddenV4 = new BlockList();
const forbiddenV6 = new BlockList();
for (const [network, prefix] of [
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
] as const) {
  forbiddenV4.addSubnet(network, prefix, 'ipv4');
}
for (const [network, prefix] of [
  ['::', 128],
  ['::1', 128],
  ['::ffff:0:0', 96],
  ['64:ff9b::', 96],
  ['64:ff9b:1::', 48],
  ['100::', 64],
  ['2001:db8::', 32],
  ['fc00::', 7],
  ['fe80::', 10],
  ['fec0::', 10],
  ['ff00::', 8],
] as const) {
  forbiddenV6.addSubnet(network, prefix, 'ipv6');
}

/** True for an address a webhook must not be sent to (or for text that is not an IP address at all). */
export function isForbiddenAddress(address: string): boolean {
  const bare = address.replace(/^\[|\]$/g, '');
  const family = isIP(bare);
  if (family === 0) return true;
  return family === 4 ? forbiddenV4.check(bare, 'ipv4') : forbiddenV6.check(bare, 'ipv6');
}

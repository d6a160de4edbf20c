// Which addresses Pulse may connect to on someone's behalf (a user's check, an admin's
// webhook). The connection is made from inside our network, so without this a URL could reach
// the database, the cloud metadata service or anything else listening privately (SSRF).
// Addresses that embed an IPv4 address (IPv4-mapped, IPv4-compatible, NAT64, 6to4) are judged
// by that address, so ::ffff:127.0.0.1 is as loopback as 127.0.0.1. Public addresses are
// always allowed; EGRESS_ALLOW opens the rest, entry by entry (./allowList.ts).
import { BlockList, isIPv4, isIPv6 } from 'node:net';
import { parseAllowList, type AllowEntry } from './allowList.js';

export type ForbiddenRange =
  | 'loopback'
  | 'private'
  | 'link-local'
  | 'unspecified'
  | 'carrier-grade NAT'
  | 'multicast'
  | 'broadcast'
  | 'reserved'
  | 'not an IP address';

type Range = [network: string, prefix: number, range: ForbiddenRange];

const v4Ranges: Range[] = [
  ['255.255.255.255', 32, 'broadcast'], // before 240/4, which contains it
  ['0.0.0.0', 8, 'unspecified'], // "this network": 0.0.0.0 reaches the local host on Linux
  ['10.0.0.0', 8, 'private'],
  ['100.64.0.0', 10, 'carrier-grade NAT'],
  ['127.0.0.0', 8, 'loopback'],
  ['169.254.0.0', 16, 'link-local'], // includes the cloud metadata service 169.254.169.254
  ['172.16.0.0', 12, 'private'],
  ['192.0.0.0', 24, 'reserved'], // IETF protocol assignments
  ['192.168.0.0', 16, 'private'],
  ['198.18.0.0', 15, 'reserved'], // benchmarking, often used inside networks
  ['224.0.0.0', 4, 'multicast'],
  ['240.0.0.0', 4, 'reserved'],
];

const v6Ranges: Range[] = [
  ['::', 128, 'unspecified'],
  ['::1', 128, 'loopback'],
  ['fc00::', 7, 'private'], // unique local
  ['fec0::', 10, 'private'], // site-local, deprecated but still routed by some stacks
  ['fe80::', 10, 'link-local'],
  ['ff00::', 8, 'multicast'],
  ['100::', 64, 'reserved'], // discard-only
  ['2001::', 32, 'reserved'], // Teredo: the IPv4 server and client inside are obfuscated, so not judged
  ['64:ff9b:1::', 48, 'reserved'], // local-use NAT64: translates into whatever the local network decides
];

const rangeLists = (ranges: Range[], family: 'ipv4' | 'ipv6') =>
  ranges.map(([network, prefix, range]) => {
    const list = new BlockList();
    list.addSubnet(network, prefix, family);
    return { list, range };
  });

const v4Lists = rangeLists(v4Ranges, 'ipv4');
const v6Lists = rangeLists(v6Ranges, 'ipv6');

/** Brackets and a zone index (`fe80::1%eth0`) are not part of the address. */
export function bareAddress(host: string): string {
  const unbracketed = host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
  const zone = unbracketed.indexOf('%');
  return zone >= 0 ? unbracketed.slice(0, zone) : unbracketed;
}

function v4Bytes(ip: string): number[] {
  return ip.split('.').map(Number);
}

/** The 16 bytes of a valid IPv6 address, including the dotted-quad tail form. */
export function v6Bytes(ip: string): number[] {
  let text = ip;
  const tail = text.slice(text.lastIndexOf(':') + 1);
  if (tail.includes('.')) {
    const [a = 0, b = 0, c = 0, d = 0] = v4Bytes(tail);
    text = `${text.slice(0, text.length - tail.length)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head = '', rest] = text.split('::');
  const headGroups = head ? head.split(':') : [];
  const restGroups = rest ? rest.split(':') : [];
  const zeros = rest === undefined ? [] : Array<string>(8 - headGroups.length - restGroups.length).fill('0');
  return [...headGroups, ...zeros, ...restGroups].flatMap((g) => {
    const n = parseInt(g, 16);
    return [n >> 8, n & 0xff];
  });
}

const startsWith = (bytes: number[], prefix: number[]) => prefix.every((b, i) => bytes[i] === b);

/** The IPv4 address a packet to this IPv6 address ends up at, if it embeds one. */
export function embeddedV4(ip: string): string | null {
  const b = v6Bytes(ip);
  const quad = (from: number) => b.slice(from, from + 4).join('.');
  const zero10 = Array<number>(10).fill(0);
  if (startsWith(b, [...zero10, 0xff, 0xff])) return quad(12); // IPv4-mapped ::ffff:a.b.c.d
  if (startsWith(b, [0, 0x64, 0xff, 0x9b, ...zero10.slice(0, 8)])) return quad(12); // NAT64 64:ff9b::/96
  if (startsWith(b, [0x20, 0x02])) return quad(2); // 6to4 2002:aabb:ccdd::/48
  // IPv4-compatible ::a.b.c.d (deprecated); :: and ::1 are IPv6's own and judged as such.
  if (startsWith(b, [...zero10, 0, 0]) && b.slice(12).some((x, i) => (i < 3 ? x !== 0 : x > 1))) return quad(12);
  return null;
}

/** Why an address must not be reached, or null when it is an ordinary public address. */
export function forbiddenRange(address: string): ForbiddenRange | null {
  const ip = bareAddress(address);
  if (isIPv4(ip)) return v4Lists.find(({ list }) => list.check(ip, 'ipv4'))?.range ?? null;
  if (!isIPv6(ip)) return 'not an IP address';
  const v4 = embeddedV4(ip);
  if (v4 !== null) return forbiddenRange(v4);
  return v6Lists.find(({ list }) => list.check(ip, 'ipv6'))?.range ?? null;
}

export interface EgressPolicy {
  /**
   * Why `address` (what `host` resolved to, or `host` itself when it is an IP) must not be
   * reached on `port`; null = go ahead.
   */
  forbids(host: string, address: string, port: number): ForbiddenRange | null;
}

const portMatches = (entry: AllowEntry, port: number) => entry.port === null || entry.port === port;

/**
 * The forbidden ranges minus what the operator allowed: host names (any address they resolve
 * to is then accepted), IP addresses or CIDRs, each for every port or for one. Throws on an
 * entry that is none of these, so a typo fails at start instead of silently allowing nothing.
 */
export function egressPolicy(allow: readonly string[]): EgressPolicy {
  const entries = parseAllowList(allow);
  const nets = entries.flatMap((entry) => {
    if (entry.kind === 'host') return [];
    const list = new BlockList();
    list.addSubnet(entry.network, entry.prefix, entry.family);
    return [{ entry, list }];
  });
  const inNet = (ip: string, port: number) => {
    const v4 = isIPv4(ip) ? ip : embeddedV4(ip);
    return nets.some(({ entry, list }) => portMatches(entry, port)
      && ((isIPv6(ip) && list.check(ip, 'ipv6')) || (v4 !== null && list.check(v4, 'ipv4'))));
  };

  return {
    forbids(host, address, port) {
      const range = forbiddenRange(address);
      if (range === null || range === 'not an IP address') return range;
      const name = bareAddress(host).toLowerCase().replace(/\.$/, '');
      const namedAllowed = entries.some((e) => e.kind === 'host' && e.name === name && portMatches(e, port));
      return namedAllowed || inNet(bareAddress(address), port) ? null : range;
    },
  };
}

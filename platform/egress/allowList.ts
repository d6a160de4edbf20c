// EGRESS_ALLOW entries: what an operator opens beyond public addresses. Each entry is a CIDR,
// an IP address or a host name, optionally with a port that then is the only one opened:
//   10.20.0.0/16   hooks.internal   127.0.0.1:4010   [::1]:8080   localhost:4010   10.0.0.0/8:443
// An IPv6 address with a port needs brackets ([fd00::]/8:443 or [fd00::/8]:443); without
// brackets every colon belongs to the address.
import { isIPv4, isIPv6 } from 'node:net';

export type AllowEntry =
  | { kind: 'net'; network: string; prefix: number; family: 'ipv4' | 'ipv6'; port: number | null }
  | { kind: 'host'; name: string; port: number | null };

export class AllowEntryError extends Error {}

const hostName = /^[a-z0-9_]([a-z0-9_-]*[a-z0-9_])?(\.[a-z0-9_]([a-z0-9_-]*[a-z0-9_])?)*\.?$/;

function parsePort(text: string, raw: string): number {
  const port = Number(text);
  if (!/^\d{1,5}$/.test(text) || port < 1 || port > 65535) throw new AllowEntryError(`not a port (1-65535) in: ${raw}`);
  return port;
}

/** Splits `[v6]…`, `v6`, `host:port` or `a.b.c.d/n:port` into address part and port. */
function splitPort(entry: string, raw: string): { address: string; port: number | null } {
  if (entry.startsWith('[')) {
    const close = entry.indexOf(']');
    if (close < 0) throw new AllowEntryError(`unclosed [ in: ${raw}`);
    const inside = entry.slice(1, close);
    let rest = entry.slice(close + 1);
    let prefix = '';
    const slash = /^\/\d+/.exec(rest);
    if (slash) {
      prefix = slash[0];
      rest = rest.slice(prefix.length);
    }
    if (rest !== '' && !rest.startsWith(':')) throw new AllowEntryError(`unexpected text after ] in: ${raw}`);
    return { address: inside + prefix, port: rest === '' ? null : parsePort(rest.slice(1), raw) };
  }
  const colons = entry.split(':').length - 1;
  if (colons !== 1) return { address: entry, port: null }; // none, or a bare IPv6 address
  const at = entry.lastIndexOf(':');
  return { address: entry.slice(0, at), port: parsePort(entry.slice(at + 1), raw) };
}

export function parseAllowEntry(raw: string): AllowEntry {
  const entry = raw.trim().toLowerCase();
  const { address, port } = splitPort(entry, raw);
  const [network = '', prefix, extra] = address.split('/');
  const family = isIPv4(network) ? 'ipv4' : isIPv6(network) ? 'ipv6' : null;
  if (prefix !== undefined) {
    const bits = Number(prefix);
    if (family === null || extra !== undefined || !/^\d{1,3}$/.test(prefix) || bits > (family === 'ipv4' ? 32 : 128)) throw new AllowEntryError(`not a CIDR: ${raw}`);
    return { kind: 'net', network, prefix: bits, family, port };
  }
  if (family !== null) return { kind: 'net', network, prefix: family === 'ipv4' ? 32 : 128, family, port };
  if (hostName.test(address) && !/^[\d.]+$/.test(address)) return { kind: 'host', name: address.replace(/\.$/, ''), port };
  throw new AllowEntryError(`not a host name, IP address or CIDR: ${raw}`);
}

/** Every entry, or an AllowEntryError naming the first bad one. */
export function parseAllowList(entries: readonly string[]): AllowEntry[] {
  return entries.map(parseAllowEntry);
}

/** The `host:port` entry that opens exactly the origin of `url` (what the demo and tests use). */
export function originEntry(url: string): string {
  const u = new URL(url);
  const port = u.port || (u.protocol === 'https:' || u.protocol === 'wss:' ? '443' : '80');
  return `${u.hostname}:${port}`;
}

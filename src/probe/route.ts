/**
 * The route to a destination, chosen as the kernel chooses it for a socket (main table only):
 * read the routing tables from /proc/net/route and /proc/net/ipv6_route (no `ip` spawned), keep the
 * routes that are up, take the longest prefix that matches (then the lowest metric), and say why in
 * words (`--explain`): the subnet mask applied to source and destination, direct or via a gateway,
 * the outgoing interface and the source address.
 *
 * Addresses are held as bigints (32 bits for IPv4, 128 for IPv6), so one match serves both.
 */
import { readFileSync } from 'node:fs';
import { networkInterfaces } from 'node:os';
import { formatIPv4, formatIPv6, parseIPv4, parseIPv6 } from '../dissectors/bytes.js';

export type Family = 4 | 6;

/** Route flags as the kernel's route.h numbers them. */
export const RTF = { UP: 0x1, GATEWAY: 0x2, HOST: 0x4, REJECT: 0x200 } as const;

export interface Route {
  family: Family;
  /** Network address and prefix length. */
  dest: bigint;
  prefix: number;
  /** The next hop, or undefined for a directly connected network. */
  gateway?: bigint;
  iface: string;
  metric: number;
  flags: number;
  /** The route's MTU (0: the interface's). */
  mtu: number;
}

export interface InterfaceAddress {
  iface: string;
  family: Family;
  address: bigint;
  prefix: number;
  mac: string;
  /** IPv6 link-local (fe80::/10). */
  linkLocal: boolean;
}

export interface RouteChoice {
  route: Route;
  /** The address the probes go to at layer 2 (the gateway, or the destination itself). */
  nextHop: bigint;
  source: InterfaceAddress;
  /** The decision in words, one line per step. */
  explain: string[];
}

export class RouteError extends Error {
  override readonly name = 'RouteError';
}

const bits = (f: Family) => (f === 4 ? 32 : 128);

/** `10.0.1.3` / `2001:db8::1` -> bigint; undefined when the text is not an address of that family. */
export function parseAddress(text: string, family: Family): bigint | undefined {
  if (family === 4) {
    if (!/^\d{1,3}(\.\d{1,3}){3}$/.test(text) || text.split('.').some((p) => Number(p) > 255)) return undefined;
    return BigInt(parseIPv4(text) >>> 0);
  }
  if (!text.includes(':') || !/^[0-9a-fA-F:.]+$/.test(text)) return undefined;
  try {
    const b = parseIPv6(text);
    let v = 0n;
    for (const x of b) v = (v << 8n) | BigInt(x);
    return v;
  } catch {
    return undefined;
  }
}

export function formatAddress(v: bigint, family: Family): string {
  if (family === 4) return formatIPv4(Number(v));
  return formatIPv6(addressBytes(v, 6), 0);
}

/** The address in network order (4 or 16 bytes). */
export function addressBytes(v: bigint, family: Family): Uint8Array {
  const n = family === 4 ? 4 : 16;
  const out = new Uint8Array(n);
  for (let i = n - 1; i >= 0; i--) {
    out[i] = Number(v & 0xffn);
    v >>= 8n;
  }
  return out;
}

export function maskOf(prefix: number, family: Family): bigint {
  const b = bits(family);
  return prefix === 0 ? 0n : ((1n << BigInt(prefix)) - 1n) << BigInt(b - prefix);
}

export function inPrefix(addr: bigint, net: bigint, prefix: number, family: Family): boolean {
  const m = maskOf(prefix, family);
  return (addr & m) === (net & m);
}

/** 255.255.255.0 for /24; ffff:ffff:ffff:ffff:: for /64. */
export function maskText(prefix: number, family: Family): string {
  return formatAddress(maskOf(prefix, family), family);
}

function hexLE32(h: string): bigint {
  // /proc/net/route prints the address as the host's (little-endian) u32 in hex.
  const n = parseInt(h, 16) >>> 0;
  return BigInt(((n & 0xff) << 24 | ((n >>> 8) & 0xff) << 16 | ((n >>> 16) & 0xff) << 8 | (n >>> 24)) >>> 0);
}

function prefixOfMask(m: bigint, family: Family): number {
  let p = 0;
  for (let i = bits(family) - 1; i >= 0 && (m >> BigInt(i)) & 1n; i--) p++;
  return p;
}

/** The routes of /proc/net/route's text. */
export function parseRoute4(text: string): Route[] {
  const out: Route[] = [];
  for (const line of text.split('\n').slice(1)) {
    const f = line.trim().split(/\s+/);
    if (f.length < 11) continue;
    const flags = parseInt(f[3]!, 16);
    const gw = hexLE32(f[2]!);
    const mask = hexLE32(f[7]!);
    out.push({
      family: 4,
      iface: f[0]!,
      dest: hexLE32(f[1]!),
      prefix: prefixOfMask(mask, 4),
      ...(flags & RTF.GATEWAY ? { gateway: gw } : {}),
      flags,
      metric: Number(f[6]),
      mtu: Number(f[8]),
    });
  }
  return out;
}

/** The routes of /proc/net/ipv6_route's text (dest, prefix, src, src prefix, next hop, metric, refcnt, use, flags, device). */
export function parseRoute6(text: string): Route[] {
  const out: Route[] = [];
  for (const line of text.split('\n')) {
    const f = line.trim().split(/\s+/);
    if (f.length < 10) continue;
    const flags = parseInt(f[8]!, 16);
    const gw = BigInt('0x' + f[4]!);
    out.push({
      family: 6,
      dest: BigInt('0x' + f[0]!),
      prefix: parseInt(f[1]!, 16),
      ...(flags & RTF.GATEWAY && gw !== 0n ? { gateway: gw } : {}),
      metric: parseInt(f[5]!, 16),
      flags,
      iface: f[9]!,
      mtu: 0,
    });
  }
  return out;
}

/** Longest prefix first, then the lowest metric; only routes that are up. `iface` restricts the choice (-I). */
export function lookupRoute(routes: readonly Route[], dst: bigint, family: Family, iface?: string): Route | undefined {
  let best: Route | undefined;
  for (const r of routes) {
    if (r.family !== family || !(r.flags & RTF.UP)) continue;
    if (iface !== undefined && r.iface !== iface) continue;
    if (!inPrefix(dst, r.dest, r.prefix, family)) continue;
    // IPv6's table holds the local and multicast routes too: they do not lead anywhere.
    if (family === 6 && r.iface === 'lo' && !(r.flags & RTF.REJECT) && r.prefix < 128) continue;
    if (!best || r.prefix > best.prefix || (r.prefix === best.prefix && r.metric < best.metric)) best = r;
  }
  return best;
}

/**
 * The source address for a route, as the kernel picks it when the route names none: an address of
 * the outgoing interface in the same subnet as the next hop, else the interface's first (IPv6: a
 * global address unless the destination is link-local).
 */
export function chooseSource(addrs: readonly InterfaceAddress[], route: Route, nextHop: bigint, dst: bigint): InterfaceAddress | undefined {
  const family = route.family;
  const mine = addrs.filter((a) => a.iface === route.iface && a.family === family);
  const dstLinkLocal = family === 6 && inPrefix(dst, 0xfe80n << 112n, 10, 6);
  const usable = family === 6 ? mine.filter((a) => a.linkLocal === dstLinkLocal) : mine;
  const pool = usable.length ? usable : mine;
  return pool.find((a) => inPrefix(nextHop, a.address, a.prefix, family)) ?? pool[0];
}

/** The interfaces' addresses (os.networkInterfaces: the network namespace this process runs in). */
export function interfaceAddresses(): InterfaceAddress[] {
  const out: InterfaceAddress[] = [];
  for (const [iface, list] of Object.entries(networkInterfaces())) {
    for (const a of list ?? []) {
      const family: Family = a.family === 'IPv6' ? 6 : 4;
      const address = parseAddress(a.address.split('%')[0]!, family);
      if (address === undefined) continue;
      const prefix = Number(a.cidr?.split('/')[1] ?? bits(family));
      out.push({ iface, family, address, prefix, mac: a.mac, linkLocal: family === 6 && inPrefix(address, 0xfe80n << 112n, 10, 6) });
    }
  }
  return out;
}

/** Reads the kernel's routing table of one family. */
export function kernelRoutes(family: Family): Route[] {
  try {
    return family === 4 ? parseRoute4(readFileSync('/proc/net/route', 'utf8')) : parseRoute6(readFileSync('/proc/net/ipv6_route', 'utf8'));
  } catch {
    return [];
  }
}

/**
 * The whole decision: route, next hop, source, and the explanation. Throws RouteError when there
 * is no route, the route rejects, or the interface has no address of the family.
 */
export function chooseRoute(dst: bigint, family: Family, routes: readonly Route[], addrs: readonly InterfaceAddress[], iface?: string): RouteChoice {
  const d = formatAddress(dst, family);
  const route = lookupRoute(routes, dst, family, iface);
  if (!route) throw new RouteError(`no route to host ${d}${iface ? ` through ${iface}` : ''}`);
  if (route.flags & RTF.REJECT) throw new RouteError(`no route to host ${d} (the route ${formatAddress(route.dest, family)}/${route.prefix} rejects it)`);
  const nextHop = route.gateway ?? dst;
  const source = chooseSource(addrs, route, nextHop, dst);
  if (!source) throw new RouteError(`interface ${route.iface} has no IPv${family} address to send from`);
  const explain: string[] = [];
  const net = `${formatAddress(route.dest, family)}/${route.prefix}`;
  explain.push(`route: ${d} matches ${net}${route.gateway !== undefined ? ` via ${formatAddress(route.gateway, family)}` : ''} dev ${route.iface} (the longest prefix that matches${route.prefix === 0 ? ': the default route' : ''})`);
  const m = maskOf(source.prefix, family);
  const mask = maskText(source.prefix, family);
  const srcNet = formatAddress(source.address & m, family);
  const dstNet = formatAddress(dst & m, family);
  const same = (source.address & m) === (dst & m);
  const s = formatAddress(source.address, family);
  explain.push(`subnet: ${s} & ${mask} = ${srcNet}; ${d} & ${mask} = ${dstNet}: ${same ? 'same subnet, send directly' : route.gateway !== undefined ? `another subnet, send to the gateway ${formatAddress(route.gateway, family)}` : 'another subnet, but the route says it is on the link: send directly'}`);
  explain.push(`source: ${s} on ${route.iface}`);
  return { route, nextHop, source, explain };
}

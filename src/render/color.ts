/**
 * Packet colouring as Wireshark's default colouring rules (`/usr/share/wireshark/colorfilters` of
 * Wireshark 4.0, in its order: the first rule that matches colours the packet), and the escape
 * codes tshark's `--color` writes around a summary line.
 *
 * The rules are data, for every output that colours packets (the one-line summary today, a
 * terminal UI later). Each keeps Wireshark's display-filter text beside a small predicate over the
 * packet's fields that evaluates it; once wirelite has a display filter (src/filter/), `filter` can
 * be compiled instead and `match` dropped. Rules on protocols wirelite does not dissect (HSRP, STP,
 * OSPF, SCTP, SMB, DCERPC, routing protocols, system events) have no predicate and never match, as
 * in Wireshark when the protocol is absent; where such a rule also names a field wirelite has
 * (HTTP's `tcp.port == 80`), the predicate evaluates that part.
 *
 * Filter semantics, as Wireshark 4.0: `a == b`, `a < b` hold when any occurrence does; `a != b`
 * holds when no occurrence equals b; a bare field holds when it is present.
 */
import { fieldByName } from '../dissectors/fields.js';
import type { Packet } from '../dissectors/packet.js';

/** A colour as Wireshark stores it: 16-bit red, green, blue. */
export type Rgb16 = readonly [r: number, g: number, b: number];

export interface ColorRule {
  /** Wireshark's name for the rule. */
  name: string;
  /** The rule's display filter, as in Wireshark's colorfilters file. */
  filter: string;
  background: Rgb16;
  foreground: Rgb16;
  /** Evaluates `filter` on a dissected packet; absent when no protocol it names is dissected. */
  match?: (pkt: Packet) => boolean;
}

/** The fields the predicates read: a printer that colours keeps them in the tree. */
export const COLOR_FIELDS = [
  'tcp.analysis.flags', 'tcp.analysis.window_update', 'tcp.analysis.keep_alive', 'tcp.analysis.keep_alive_ack',
  'icmp.type', 'icmpv6.type', 'arp', 'icmp', 'icmpv6', 'tcp', 'udp', 'tcp.flags', 'tcp.flags.reset', 'tcp.flags.fin',
  'tcp.port', 'http', 'ip.dst', 'ip.ttl', 'eth.dst', 'eth.fcs.status', 'ip.checksum.status', 'tcp.checksum.status', 'udp.checksum.status',
] as const;

type ColorField = (typeof COLOR_FIELDS)[number];

const ids = new Map<string, number>();
function fid(name: ColorField): number {
  let id = ids.get(name);
  if (id === undefined) {
    // A field no dissector defines (eth.fcs.status today) never occurs.
    id = fieldByName(name)?.id ?? -1;
    ids.set(name, id);
  }
  return id;
}

/** Ids of COLOR_FIELDS that wirelite defines (for Packet.selectFields). */
export function colorFieldIds(): number[] {
  return COLOR_FIELDS.map(fid).filter((id) => id >= 0);
}

function has(pkt: Packet, name: ColorField): boolean {
  const id = fid(name);
  return id >= 0 && pkt.find(id) >= 0;
}

/** Whether any occurrence of `name` satisfies `test`. */
function any(pkt: Packet, name: ColorField, test: (v: number) => boolean): boolean {
  const id = fid(name);
  if (id < 0) return false;
  for (let i = pkt.find(id); i >= 0; i = pkt.find(id, i + 1)) if (test(pkt.num[i]!)) return true;
  return false;
}

/** An IPv4 address (as the tree stores it, an unsigned 32-bit number) inside `net/bits`. */
function inNet(v: number, net: number, bits: number): boolean {
  const mask = bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0;
  return ((v >>> 0) & mask) >>> 0 === (net & mask) >>> 0;
}
const MCAST = 0xe0000000; // 224.0.0.0
const MDNS4 = 0xe00000fb; // 224.0.0.251
const BAD = 0; // the value of "Bad" in every *.checksum.status / fcs.status field

/** Wireshark 4.0's default colouring rules, in order. */
export const COLOR_RULES: readonly ColorRule[] = [
  {
    name: 'Bad TCP', filter: 'tcp.analysis.flags && !tcp.analysis.window_update && !tcp.analysis.keep_alive && !tcp.analysis.keep_alive_ack',
    background: [4718, 10030, 11796], foreground: [63479, 34695, 34695],
    match: (p) => has(p, 'tcp.analysis.flags') && !has(p, 'tcp.analysis.window_update') && !has(p, 'tcp.analysis.keep_alive') && !has(p, 'tcp.analysis.keep_alive_ack'),
  },
  { name: 'HSRP State Change', filter: 'hsrp.state != 8 && hsrp.state != 16', background: [4718, 10030, 11796], foreground: [65535, 64764, 40092] },
  { name: 'Spanning Tree Topology  Change', filter: 'stp.type == 0x80', background: [4718, 10030, 11796], foreground: [65535, 64764, 40092] },
  { name: 'OSPF State Change', filter: 'ospf.msg != 1', background: [4718, 10030, 11796], foreground: [65535, 64764, 40092] },
  {
    name: 'ICMP errors', filter: 'icmp.type in { 3..5, 11 } || icmpv6.type in { 1..4 }',
    background: [4718, 10030, 11796], foreground: [47031, 63479, 29812],
    match: (p) => any(p, 'icmp.type', (t) => (t >= 3 && t <= 5) || t === 11) || any(p, 'icmpv6.type', (t) => t >= 1 && t <= 4),
  },
  { name: 'ARP', filter: 'arp', background: [64250, 61680, 55255], foreground: [4718, 10030, 11796], match: (p) => has(p, 'arp') },
  { name: 'ICMP', filter: 'icmp || icmpv6', background: [64764, 57568, 65535], foreground: [4718, 10030, 11796], match: (p) => has(p, 'icmp') || has(p, 'icmpv6') },
  { name: 'TCP RST', filter: 'tcp.flags.reset eq 1', background: [42148, 0, 0], foreground: [65535, 64764, 40092], match: (p) => any(p, 'tcp.flags.reset', (v) => v === 1) },
  { name: 'SCTP ABORT', filter: 'sctp.chunk_type eq ABORT', background: [42148, 0, 0], foreground: [65535, 64764, 40092] },
  {
    name: 'TTL low or unexpected',
    filter: '(ip.dst != 224.0.0.0/4 && ip.ttl < 5 && !pim && !ospf) || (ip.dst == 224.0.0.0/24 && ip.dst != 224.0.0.251 && ip.ttl != 1 && !(vrrp || carp))',
    background: [42148, 0, 0], foreground: [60652, 61680, 60395],
    // pim, ospf, vrrp and carp are not dissected by wirelite: their negations hold.
    match: (p) =>
      (has(p, 'ip.dst') && !any(p, 'ip.dst', (d) => inNet(d, MCAST, 4)) && any(p, 'ip.ttl', (t) => t < 5))
      || (any(p, 'ip.dst', (d) => inNet(d, MCAST, 24)) && !any(p, 'ip.dst', (d) => d === MDNS4) && has(p, 'ip.ttl') && !any(p, 'ip.ttl', (t) => t === 1)),
  },
  {
    name: 'Checksum Errors',
    filter: 'eth.fcs.status=="Bad" || ip.checksum.status=="Bad" || tcp.checksum.status=="Bad" || udp.checksum.status=="Bad" || sctp.checksum.status=="Bad" || mstp.checksum.status=="Bad" || cdp.checksum.status=="Bad" || edp.checksum.status=="Bad" || wlan.fcs.status=="Bad" || stt.checksum.status=="Bad"',
    background: [4718, 10030, 11796], foreground: [63479, 34695, 34695],
    match: (p) => (['eth.fcs.status', 'ip.checksum.status', 'tcp.checksum.status', 'udp.checksum.status'] as const).some((f) => any(p, f, (v) => v === BAD)),
  },
  { name: 'SMB', filter: 'smb || nbss || nbns || netbios', background: [65278, 65535, 53456], foreground: [4718, 10030, 11796] },
  {
    name: 'HTTP', filter: 'http || tcp.port == 80 || http2', background: [58596, 65535, 51143], foreground: [4718, 10030, 11796],
    match: (p) => has(p, 'http') || any(p, 'tcp.port', (v) => v === 80),
  },
  { name: 'DCERPC', filter: 'dcerpc', background: [51199, 38706, 65533], foreground: [4718, 10030, 11796] },
  { name: 'Routing', filter: 'hsrp || eigrp || ospf || bgp || cdp || vrrp || carp || gvrp || igmp || ismp', background: [65534, 62325, 54808], foreground: [4718, 10030, 11796] },
  {
    name: 'TCP SYN/FIN', filter: 'tcp.flags & 0x02 || tcp.flags.fin == 1', background: [41026, 41026, 41026], foreground: [4718, 10030, 11796],
    match: (p) => any(p, 'tcp.flags', (v) => (v & 0x02) !== 0) || any(p, 'tcp.flags.fin', (v) => v === 1),
  },
  { name: 'TCP', filter: 'tcp', background: [59345, 58980, 65535], foreground: [4718, 10030, 11796], match: (p) => has(p, 'tcp') },
  { name: 'UDP', filter: 'udp', background: [56026, 61166, 65535], foreground: [4718, 10030, 11796], match: (p) => has(p, 'udp') },
  {
    name: 'Broadcast', filter: 'eth[0] & 1', background: [65535, 65535, 65535], foreground: [47802, 48573, 46774],
    match: (p) => {
      const i = fid('eth.dst') < 0 ? -1 : p.find(fid('eth.dst'));
      return i >= 0 && p.len[i]! > 0 && (p.bytesOf(i)[0]! & 1) === 1;
    },
  },
  { name: 'System Event', filter: 'systemd_journal || sysdig', background: [59110, 59110, 59110], foreground: [11565, 28527, 39578] },
];

/** The first rule that matches the packet, as Wireshark colours it. */
export function colorRuleFor(pkt: Packet, rules: readonly ColorRule[] = COLOR_RULES): ColorRule | undefined {
  for (const r of rules) if (r.match?.(pkt)) return r;
  return undefined;
}

/** 16-bit to 8-bit channels as tshark converts them (the high byte: 58980 -> 230). */
const to8 = (c: Rgb16) => c.map((v) => v >> 8).join(';');

/**
 * A summary line coloured as tshark 4.0 prints it with `--color` on a 24-bit colour terminal:
 * foreground and background escapes, the text, erase-to-end-of-line (so the background fills the
 * line), the newline, then the reset (tshark resets after the newline, and once more at the end of
 * its output: COLOR_RESET). `line` has no newline.
 */
export function colorLine(line: string, rule: ColorRule | undefined): string {
  if (!rule) return `${line}\n`;
  return `\x1b[38;2;${to8(rule.foreground)}m\x1b[48;2;${to8(rule.background)}m${line}\x1b[K\n\x1b[0m`;
}

/** What tshark writes after the last coloured line. */
export const COLOR_RESET = '\x1b[0m';

/**
 * Whether packets are coloured: `--color` forces it and `--no-color` turns it off; otherwise on
 * when standard output is a terminal and NO_COLOR (https://no-color.org) is unset or empty.
 */
export function colorWanted(flag: boolean | undefined, isTTY: boolean, env: NodeJS.ProcessEnv = process.env): boolean {
  if (flag !== undefined) return flag;
  return isTTY && !env.NO_COLOR;
}

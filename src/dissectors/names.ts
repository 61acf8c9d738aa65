/**
 * Name resolution, as tshark's `-N` letters: `m` MAC vendor names from the IEEE registry (Debian's
 * ieee-data files, read at run time), `n` network names from hosts files, `d` names learned from
 * the DNS answers inside the capture, `t` transport names from services files (Wireshark's, then
 * /etc/services). Never a network lookup.
 *
 * One NameResolver per read, passed through the dissect options to the session (`Session.names`):
 * dissectors ask it for names and DNS teaches it; nothing lives in a module. Files are read once,
 * on first use. With no resolver (`-n`, the default) dissectors print addresses and numbers.
 */
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { Packet } from './packet.js';

/** What to resolve (tshark's -N letters). */
export interface NameFlags {
  mac: boolean;
  network: boolean;
  dns: boolean;
  transport: boolean;
}

/** tshark 4.0's -N letters; `N` (external resolvers) and `v` (VLAN names) are accepted, see parseNameFlags. */
const LETTERS = 'dmnNtv';

/**
 * Parses `-N` letters. `N` asks tshark for external resolvers (a DNS lookup): wirelite never looks
 * a name up on the network, so it resolves from the hosts files only; `v` (VLAN names from a
 * `vlans` file wirelite does not read) changes nothing. Throws tshark's message on another letter.
 */
export function parseNameFlags(text: string): NameFlags {
  for (const c of text) {
    if (!LETTERS.includes(c)) throw new Error(`-N specifies unknown resolving option '${c}'; valid options are: d (names from captured DNS packets), m (MAC addresses), n (network addresses), N (external resolvers), t (transport-layer ports), v (VLAN IDs)`);
  }
  return { mac: text.includes('m'), network: text.includes('n'), dns: text.includes('d'), transport: text.includes('t') };
}

/** Where the files are (tests point them elsewhere). */
export interface NameFiles {
  /** IEEE registry CSV files: MA-L (24-bit), MA-M (28-bit), MA-S (36-bit), IAB. */
  ieee: string[];
  /** hosts files, in order of precedence (the first name given for an address wins). */
  hosts: string[];
  /** services files, in order of precedence. */
  services: string[];
}

/**
 * The default files: the IEEE registry of Debian's ieee-data package; Wireshark's personal hosts file
 * (`$XDG_CONFIG_HOME/wireshark/hosts`, which tshark -N n reads) and then the system's /etc/hosts;
 * for ports, Wireshark's services files when it is installed (tshark's names, from IANA's registry:
 * `terabase(4000)`), then /etc/services.
 */
export function defaultNameFiles(env: NodeJS.ProcessEnv = process.env): NameFiles {
  const ieee = '/usr/share/ieee-data';
  const config = env.XDG_CONFIG_HOME || join(homedir(), '.config');
  return {
    ieee: ['oui.csv', 'mam.csv', 'oui36.csv', 'iab.csv'].map((f) => join(ieee, f)),
    hosts: [join(config, 'wireshark', 'hosts'), '/etc/hosts'],
    services: [join(config, 'wireshark', 'services'), '/usr/share/wireshark/services', '/etc/services'],
  };
}

function readText(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}

/** Splits one CSV line (the IEEE files quote fields holding commas; "" is a quote). */
function csvFields(line: string): string[] {
  const out: string[] = [];
  let i = 0;
  while (i <= line.length) {
    if (line[i] === '"') {
      let v = '';
      i++;
      while (i < line.length) {
        if (line[i] === '"') {
          if (line[i + 1] === '"') {
            v += '"';
            i += 2;
            continue;
          }
          i++;
          break;
        }
        v += line[i++];
      }
      out.push(v);
      if (line[i] === ',') i++;
      else break;
    } else {
      const j = line.indexOf(',', i);
      if (j < 0) {
        out.push(line.slice(i));
        break;
      }
      out.push(line.slice(i, j));
      i = j + 1;
    }
  }
  return out;
}

/**
 * Business words Wireshark's manuf generator drops from a vendor's name (tools/make-manuf.py's
 * general terms, matched as whole words after punctuation became spaces, ignoring case).
 */
const GENERAL_TERMS = [
  'a +s', 'ab', 'ag', 'b ?v', 'closed joint stock company', 'co', 'company', 'corp', 'corporation', 'de c ?v',
  'gmbh', 'holding', 'inc', 'incorporated', 'jsc', 'kg', 'k k', 'limited', 'llc', 'ltd', 'n ?v', 'oao', 'of',
  'open joint stock company', 'ooo', 'oü', 'oy', 'oyj', 'plc', 'pty', 'pvt', 's ?a ?r ?l', 's ?a', 's ?p ?a',
  'sp ?k', 's ?r ?l', 'systems', 'the', 'zao', 'z ?o ?o',
];
const GENERAL_RE = new RegExp(`[^\\p{L}\\p{N}_](?:${GENERAL_TERMS.join('|')})(?= )`, 'giu');

/**
 * The short vendor name Wireshark shows (`Cisco` for "Cisco Systems, Inc"), made the way its manuf
 * file is made from the same IEEE registry: an all-capitals name in title case, punctuation and
 * business words dropped, spaces removed, 8 characters kept.
 */
export function shortVendorName(name: string): string {
  let m = ` ${name.split(/\s+/).filter(Boolean).join(' ')} `;
  if (m === m.toUpperCase() && m !== m.toLowerCase()) m = titleCase(m);
  m = m.replace(/["',./:()]/g, ' ').replaceAll(' & ', ' ');
  const plain = m.replace(GENERAL_RE, '');
  if (plain.trim()) m = plain;
  m = m.replace(/\s+/g, '');
  return [...m].slice(0, 8).join('');
}

/** Python's str.title(): a letter after a non-letter is upper case, the others lower case. */
function titleCase(s: string): string {
  let out = '';
  let prevLetter = false;
  for (const c of s) {
    const letter = c.toLowerCase() !== c.toUpperCase();
    out += letter ? (prevLetter ? c.toLowerCase() : c.toUpperCase()) : c;
    prevLetter = letter;
  }
  return out;
}

/** Well-known addresses Wireshark names whatever the registry says (its manuf's own entries). */
const WELL_KNOWN: Record<string, string> = { 'ff:ff:ff:ff:ff:ff': 'Broadcast' };

/** One resolver for one read: the flags, the files (read on first use) and what DNS taught it. */
export class NameResolver {
  readonly flags: NameFlags;
  private readonly files: NameFiles;
  /** Vendor prefixes by length in hex digits (6, 7, 9): prefix -> short name. */
  private vendors: Map<string, string>[] | undefined;
  private hosts: Map<string, string> | undefined;
  private services: Map<string, string> | undefined;
  /** Names from the capture's DNS answers (`d`): address text -> name (the last answer wins, as tshark). */
  private readonly learned = new Map<string, string>();

  constructor(flags: NameFlags, files: NameFiles = defaultNameFiles()) {
    this.flags = flags;
    this.files = files;
  }

  /** Whether DNS answers are taught: `d`, which (as in tshark) names addresses only with `n`. */
  get learnsDns(): boolean {
    return this.flags.dns && this.flags.network;
  }

  /** A MAC address's name (`Cisco_dc:80:c0`, `Broadcast`), or undefined (no `m`, or no vendor). */
  mac(b: Uint8Array, off: number): string | undefined {
    if (!this.flags.mac) return undefined;
    const hex: string[] = [];
    for (let i = 0; i < 6; i++) hex.push(b[off + i]!.toString(16).padStart(2, '0'));
    const text = hex.join(':');
    const known = WELL_KNOWN[text];
    if (known) return known;
    const digits = hex.join('').toUpperCase();
    const v = (this.vendors ??= this.loadVendors());
    // The longest registered prefix wins (an MA-S block inside an MA-L); the name is followed by
    // the last three bytes, as Wireshark prints a 24-bit prefix (`Vendor_xx:xx:xx`; longer
    // prefixes are not checked against tshark).
    for (const [len, table] of [[9, v[2]!], [7, v[1]!], [6, v[0]!]] as const) {
      const name = table.get(digits.slice(0, len));
      if (name) return `${name}_${hex.slice(3).join(':')}`;
    }
    return undefined;
  }

  private loadVendors(): Map<string, string>[] {
    const by = [new Map<string, string>(), new Map<string, string>(), new Map<string, string>()];
    for (const path of this.files.ieee) {
      const lines = readText(path).split('\n');
      for (let i = 1; i < lines.length; i++) {
        const f = csvFields(lines[i]!.replace(/\r$/, ''));
        const prefix = f[1]?.toUpperCase();
        const org = f[2]?.trim();
        if (!prefix || !org || !/^[0-9A-F]+$/.test(prefix)) continue;
        const t = prefix.length === 6 ? by[0]! : prefix.length === 7 ? by[1]! : prefix.length === 9 ? by[2]! : undefined;
        // As make-manuf: the first registry that assigns a prefix keeps it.
        if (t && !t.has(prefix)) t.set(prefix, shortVendorName(decodeEntities(org)));
      }
    }
    return by;
  }

  /** A network address's name (`n`: hosts files; with `d` the capture's DNS answers first), or undefined. */
  host(addr: string): string | undefined {
    if (!this.flags.network) return undefined;
    if (this.flags.dns) {
      const n = this.learned.get(addr);
      if (n !== undefined) return n;
    }
    return (this.hosts ??= this.loadHosts()).get(addr);
  }

  private loadHosts(): Map<string, string> {
    const m = new Map<string, string>();
    for (const path of this.files.hosts) {
      for (const raw of readText(path).split('\n')) {
        const line = raw.replace(/#.*/, '').trim();
        const [addr, name] = line.split(/\s+/);
        if (addr && name && !m.has(addr)) m.set(addr, name);
      }
    }
    return m;
  }

  /** Teaches a DNS answer (an A or AAAA record) to the resolver (`d`). */
  learn(addr: string, name: string): void {
    if (this.flags.dns && name) this.learned.set(addr, name);
  }

  /** A port's service name (`t`), or undefined. */
  port(transport: 'tcp' | 'udp', port: number): string | undefined {
    if (!this.flags.transport) return undefined;
    return (this.services ??= this.loadServices()).get(`${port}/${transport}`);
  }

  private loadServices(): Map<string, string> {
    const m = new Map<string, string>();
    for (const path of this.files.services) {
      for (const raw of readText(path).split('\n')) {
        const line = raw.replace(/#.*/, '').trim();
        // /etc/services: `http 80/tcp`; Wireshark's: `tcpmux 1/tcp/udp` (several transports) and
        // `x11 6000-6063/tcp/udp` (a range).
        const [name, spec] = line.split(/\s+/);
        const [ports, ...transports] = (spec ?? '').split('/');
        const r = /^(\d+)(?:-(\d+))?$/.exec(ports ?? '');
        if (!name || !r) continue;
        const last = Math.min(65535, Number(r[2] ?? r[1]));
        for (let port = Number(r[1]); port <= last; port++) {
          for (const t of transports) if (!m.has(`${port}/${t}`)) m.set(`${port}/${t}`, name);
        }
      }
    }
    return m;
  }

  /**
   * A port as tshark's tree shows it with `t`: `http (80)`, and `58418 (58418)` for a port with no
   * name; the number alone without `t`.
   */
  portLabel(transport: 'tcp' | 'udp', port: number): string {
    if (!this.flags.transport) return String(port);
    return `${this.port(transport, port) ?? port} (${port})`;
  }

  /** A port as tshark's Info column shows it with `t`: `http(80)`, or the number. */
  portText(transport: 'tcp' | 'udp', port: number): string {
    const n = this.port(transport, port);
    return n === undefined ? String(port) : `${n}(${port})`;
  }
}

/** The few HTML entities the IEEE's organisation names hold. */
function decodeEntities(s: string): string {
  return s.replace(/&(amp|quot|apos|lt|gt|#\d+);/g, (_, e: string) =>
    e === 'amp' ? '&' : e === 'quot' ? '"' : e === 'apos' ? "'" : e === 'lt' ? '<' : e === 'gt' ? '>' : String.fromCodePoint(Number(e.slice(1))));
}

/**
 * Relabels a transport header's port items with their names (`Source Port: http (80)`), when the
 * tree's labels are built and `t` is on: the items are the first of each field after `from`.
 */
export function labelPortItems(pkt: Packet, names: NameResolver, transport: 'tcp' | 'udp', srcFid: number, dstFid: number, from: number, sp: number, dp: number): void {
  if (!names.flags.transport || !pkt.wantLabels) return;
  const si = pkt.find(srcFid, from);
  if (si >= 0) pkt.setLabel(si, `Source Port: ${names.portLabel(transport, sp)}`);
  const di = pkt.find(dstFid, from);
  if (di >= 0) pkt.setLabel(di, `Destination Port: ${names.portLabel(transport, dp)}`);
}

/**
 * An address as tshark's tree shows it: with its kind of resolution on (`on`), `name (address)`,
 * or `address (address)` when it has no name; the address alone when resolution is off.
 */
export function namedAddress(name: string | undefined, addr: string, on = name !== undefined): string {
  return on ? `${name ?? addr} (${addr})` : addr;
}

/**
 * Relabels the first item of `fid` after `from` as `Label: name (address)` (tshark's tree with
 * name resolution), and its first child of `childFid` (the hidden either-direction item) likewise.
 */
export function labelAddressItem(pkt: Packet, fid: number, from: number, label: string, text: string, childFid = -1, childLabel = ''): void {
  const i = pkt.find(fid, from);
  if (i < 0) return;
  pkt.setLabel(i, `${label}: ${text}`);
  if (childFid < 0) return;
  const c = pkt.find(childFid, i);
  if (c >= 0 && pkt.parent[c] === i) pkt.setLabel(c, `${childLabel}: ${text}`);
}

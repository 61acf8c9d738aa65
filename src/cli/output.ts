import { writeSync } from 'node:fs';
/**
 * Output formats for dissected packets: tshark's one-line summary, the detail tree (-V), the hex
 * dump (-x), `-T fields` and JSON lines. Each is a thin function over a dissected Packet; none of
 * them decodes anything.
 */
import { asciiOf } from '../dissectors/bytes.js';
import { fieldById, fieldByName, FT } from '../dissectors/fields.js';
import { absoluteTimeText, epochText, fieldJson, fieldText, itemLabel, rfc3339 } from '../dissectors/format.js';
import { SEVERITY_NAMES, type Packet } from '../dissectors/packet.js';

/**
 * A buffered stdout writer: text is encoded straight into a 1 MiB buffer (no big intermediate
 * strings to collect) and written with one system call when it fills.
 */
export class OutBuffer {
  private readonly buf: Buffer;
  private pos = 0;
  constructor(
    private readonly fd: number = 1,
    size = 1 << 20,
  ) {
    this.buf = Buffer.allocUnsafe(size);
  }
  write(s: string): void {
    // A UTF-16 unit takes at most 3 bytes in UTF-8.
    if (this.pos + s.length * 3 > this.buf.length) {
      this.flush();
      if (s.length * 3 > this.buf.length) {
        writeAllSync(this.fd, Buffer.from(s, 'utf8'));
        return;
      }
    }
    this.pos += this.buf.write(s, this.pos, 'utf8');
  }
  flush(): void {
    if (this.pos === 0) return;
    writeAllSync(this.fd, this.buf.subarray(0, this.pos));
    this.pos = 0;
  }
}

const PAUSE = new Int32Array(new SharedArrayBuffer(4));

/** Writes all of `buf` to `fd` synchronously: waits on a full pipe, exits quietly when the reader left. */
export function writeAllSync(fd: number, buf: Uint8Array): void {
  let off = 0;
  while (off < buf.length) {
    try {
      off += writeSync(fd, buf, off);
    } catch (e) {
      const err = e as NodeJS.ErrnoException;
      if (err.code === 'EAGAIN') {
        // A full non-blocking pipe: wait a moment for the reader instead of spinning.
        Atomics.wait(PAUSE, 0, 0, 2);
        continue;
      }
      // The reader went away (`| head`): stop quietly, as tshark does.
      if (err.code === 'EPIPE') process.exit(0);
      throw e;
    }
  }
}

// ---------------------------------------------------------------- time column (-t)

export type TimeFormat = 'r' | 'a' | 'ad' | 'd' | 'dd' | 'e' | 'u' | 'ud';

export interface TimeContext {
  format: TimeFormat;
  /** Decimal places (6 for µs captures, 9 for ns), as tshark chooses from the file. */
  digits: number;
  firstSec: number;
  firstNsec: number;
  prevSec: number;
  prevNsec: number;
  started: boolean;
}

export function newTimeContext(format: TimeFormat, digits: number): TimeContext {
  return { format, digits, firstSec: 0, firstNsec: 0, prevSec: 0, prevNsec: 0, started: false };
}

/** Signed difference a - b printed with `digits` decimals, exactly (no float rounding). */
function diffText(aSec: number, aNsec: number, bSec: number, bNsec: number, digits: number): string {
  let s = aSec - bSec;
  let n = aNsec - bNsec;
  let neg = false;
  if (s < 0 || (s === 0 && n < 0)) {
    neg = true;
    s = -s;
    n = -n;
  }
  if (n < 0) {
    s -= 1;
    n += 1e9;
  }
  return `${neg ? '-' : ''}${fracText(s, n, digits)}`;
}

function fracText(sec: number, nsec: number, digits: number): string {
  const div = 10 ** (9 - digits);
  const frac = Math.floor(nsec / div);
  return digits ? `${sec}.${String(frac).padStart(digits, '0')}` : String(sec);
}

function pad2(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

export function timeColumn(pkt: Packet, t: TimeContext): string {
  const f = pkt.frame;
  if (!f.hasTime) return '';
  if (!t.started) {
    t.firstSec = t.prevSec = f.tsSec;
    t.firstNsec = t.prevNsec = f.tsNsec;
    t.started = true;
  }
  let out: string;
  switch (t.format) {
    case 'r':
      out = diffText(f.tsSec, f.tsNsec, t.firstSec, t.firstNsec, t.digits);
      break;
    case 'd':
    case 'dd':
      out = diffText(f.tsSec, f.tsNsec, t.prevSec, t.prevNsec, t.digits);
      break;
    case 'e':
      out = fracText(f.tsSec, f.tsNsec, t.digits);
      break;
    case 'a':
    case 'ad':
    case 'u':
    case 'ud': {
      const d = new Date(f.tsSec * 1000);
      const utc = t.format === 'u' || t.format === 'ud';
      const h = utc ? d.getUTCHours() : d.getHours();
      const m = utc ? d.getUTCMinutes() : d.getMinutes();
      const s = utc ? d.getUTCSeconds() : d.getSeconds();
      const frac = t.digits ? `.${String(Math.floor(f.tsNsec / 10 ** (9 - t.digits))).padStart(t.digits, '0')}` : '';
      let day = '';
      if (t.format === 'ad' || t.format === 'ud') {
        const y = utc ? d.getUTCFullYear() : d.getFullYear();
        const mo = (utc ? d.getUTCMonth() : d.getMonth()) + 1;
        const dd = utc ? d.getUTCDate() : d.getDate();
        day = `${y}-${pad2(mo)}-${pad2(dd)} `;
      }
      out = `${day}${pad2(h)}:${pad2(m)}:${pad2(s)}${frac}`;
      break;
    }
  }
  t.prevSec = f.tsSec;
  t.prevNsec = f.tsNsec;
  return out;
}

// ---------------------------------------------------------------- one line per packet

function padLeft(s: string, w: number): string {
  return s.length >= w ? s : ' '.repeat(w - s.length) + s;
}
function padRight(s: string, w: number): string {
  return s.length >= w ? s : s + ' '.repeat(w - s.length);
}

/** tshark's default line: `    1   0.000000    127.0.0.1 → 127.0.0.1    TCP 74 Info`. */
export function summaryLine(pkt: Packet, t: TimeContext): string {
  const f = pkt.frame;
  const proto = pkt.colProtocol || protocolFallback(pkt);
  let line = `${padLeft(String(f.number), 5)} ${padLeft(timeColumn(pkt, t), 10)} `;
  if (pkt.colSrc || pkt.colDst) line += `${padLeft(pkt.colSrc, 12)} → ${padRight(pkt.colDst, 12)} `;
  line += `${proto} ${f.origLen} ${pkt.colInfo}`;
  return line;
}

function protocolFallback(pkt: Packet): string {
  const last = pkt.protocols.last();
  return last ? last.toUpperCase() : 'UNKNOWN';
}

// ---------------------------------------------------------------- detail tree (-V)

/** Children lists of the tree, built once per packet for printing. */
function children(pkt: Packet): number[][] {
  const kids: number[][] = [];
  for (let i = 0; i < pkt.n; i++) kids.push([]);
  return kids;
}

export function treeText(pkt: Packet): string {
  const kids = children(pkt);
  const roots: number[] = [];
  for (let i = 0; i < pkt.n; i++) {
    if (pkt.hidden[i]) continue;
    const p = pkt.parent[i]!;
    if (p < 0) roots.push(i);
    else kids[p]!.push(i);
  }
  const lines: string[] = [];
  const walk = (i: number, depth: number) => {
    lines.push(`${'    '.repeat(depth)}${topLabel(pkt, i)}`);
    for (const c of kids[i]!) walk(c, depth + 1);
    for (const e of pkt.expert) {
      if (e.item !== i) continue;
      const ind = '    '.repeat(depth + 1);
      lines.push(`${ind}[Expert Info (${SEVERITY_NAMES[e.severity]}/${e.group}): ${e.message}]`);
      lines.push(`${ind}    [${e.message}]`);
      lines.push(`${ind}    [Severity level: ${SEVERITY_NAMES[e.severity]}]`);
      lines.push(`${ind}    [Group: ${e.group}]`);
    }
  };
  for (const r of roots) walk(r, 0);
  return lines.join('\n') + '\n';
}

function topLabel(pkt: Packet, i: number): string {
  const def = fieldById(pkt.fid[i]!);
  if (def.abbrev === 'frame' && pkt.label[i] === undefined) {
    const f = pkt.frame;
    return `Frame ${f.number}: ${f.origLen} bytes on wire (${f.origLen * 8} bits), ${f.capLen} bytes captured (${f.capLen * 8} bits)`;
  }
  return itemLabel(pkt, i);
}

// ---------------------------------------------------------------- hex dump (-x)

export function hexDump(pkt: Packet): string {
  let out = '';
  for (let s = 0; s < pkt.sources.length; s++) {
    const b = pkt.sources[s]!;
    if (pkt.sources.length > 1) out += `${s === 0 ? 'Frame' : pkt.sourceNames[s]} (${b.length} bytes):\n`;
    for (let off = 0; off < b.length; off += 16) {
      const n = Math.min(16, b.length - off);
      let hex = '';
      for (let k = 0; k < 16; k++) hex += k < n ? `${b[off + k]!.toString(16).padStart(2, '0')} ` : '   ';
      out += `${off.toString(16).padStart(4, '0')}  ${hex}  ${asciiOf(b, off, n)}\n`;
    }
  }
  return out;
}

// ---------------------------------------------------------------- -T fields

export interface FieldsOptions {
  fields: string[];
  header: boolean;
  separator: string;
  occurrence: 'f' | 'l' | 'a';
  aggregator: string;
  quote: 'd' | 's' | 'n';
}

/** Special column pseudo-fields tshark accepts in -e. */
const COLUMN_FIELDS = new Set(['_ws.col.Protocol', '_ws.col.Info', '_ws.col.Source', '_ws.col.Destination', '_ws.col.No.', '_ws.col.Length', '_ws.col.Time', '_ws.expert.message', '_ws.expert.severity', '_ws.expert.group']);

export function validateFields(names: string[]): string | undefined {
  for (const n of names) {
    if (!fieldByName(n) && !COLUMN_FIELDS.has(n)) return n;
  }
  return undefined;
}

export function fieldsLine(pkt: Packet, o: FieldsOptions, ids: (number | string)[], t?: TimeContext): string {
  const cols: string[] = [];
  for (const id of ids) {
    let vals: string[];
    if (typeof id === 'string') vals = columnValues(pkt, id, t);
    else {
      vals = [];
      const fid = pkt.fid;
      for (let i = 0; i < pkt.n; i++) if (fid[i] === id) vals.push(fieldText(pkt, i));
    }
    if (o.occurrence === 'f') vals = vals.slice(0, 1);
    else if (o.occurrence === 'l') vals = vals.slice(-1);
    let v = vals.join(o.aggregator);
    if (o.quote === 'd') v = `"${v}"`;
    else if (o.quote === 's') v = `'${v}'`;
    cols.push(v);
  }
  return cols.join(o.separator);
}

function columnValues(pkt: Packet, name: string, t?: TimeContext): string[] {
  switch (name) {
    case '_ws.col.Protocol':
      return [pkt.colProtocol || protocolFallback(pkt)];
    case '_ws.col.Info':
      return [pkt.colInfo];
    case '_ws.col.Source':
      return [pkt.colSrc];
    case '_ws.col.Destination':
      return [pkt.colDst];
    case '_ws.col.No.':
      return [String(pkt.frame.number)];
    case '_ws.col.Length':
      return [String(pkt.frame.origLen)];
    case '_ws.col.Time':
      return [t ? timeColumn(pkt, t) : epochText(pkt.frame.tsSec, pkt.frame.tsNsec)];
    case '_ws.expert.message':
      return pkt.expert.map((e) => e.message);
    case '_ws.expert.severity':
      return pkt.expert.map((e) => SEVERITY_NAMES[e.severity]!);
    case '_ws.expert.group':
      return pkt.expert.map((e) => e.group);
  }
  return [];
}

// ---------------------------------------------------------------- JSON lines

/** Version of the JSON-lines schema (README "JSON schema"). Bump on incompatible changes. */
export const JSON_SCHEMA_VERSION = 1;

/**
 * One JSON object per packet:
 * { schema, number, time, time_epoch, len, caplen, interface_id, protocols, protocol, src, dst,
 *   info, layers: { <proto>: { <field>: value | value[] } }, expert: [...] , malformed }
 */
/** Notes a later frame leaves on an earlier one (`annotate` keys) and the field each revises. */
const REVISIONS: Record<string, [layer: string, field: string]> = {
  'ip.reassembled_in': ['ip', 'ip.reassembled_in'],
  'ipv6.reassembled.in': ['ipv6', 'ipv6.reassembled.in'],
  'tcp.reassembled_in': ['tcp', 'tcp.reassembled_in'],
  'icmp.resp_in': ['icmp', 'icmp.resp_in'],
  'icmpv6.resp_in': ['icmpv6', 'icmpv6.resp_in'],
  'dns.rep': ['dns', 'dns.response_in'],
  'tcp.analysis.initial_rtt': ['tcp', 'tcp.analysis.initial_rtt'],
};

/**
 * A JSON line revising an already printed frame (single-pass reads): the packet schema's shape,
 * with `update: true` and only the fields that changed, so a consumer can merge it into the
 * object with the same `number`. Undefined for a note no output field shows.
 */
export function updateLine(frame: number, key: string, value: number): string | undefined {
  const r = REVISIONS[key];
  if (!r) return undefined;
  return JSON.stringify({ schema: JSON_SCHEMA_VERSION, number: frame, update: true, layers: { [r[0]]: { [r[1]]: value } } });
}

export function jsonLine(pkt: Packet): string {
  const f = pkt.frame;
  const layers: Record<string, Record<string, unknown>> = {};
  // Each item belongs to the nearest protocol item above it (or to "frame").
  const owner = new Int32Array(pkt.n);
  for (let i = 0; i < pkt.n; i++) {
    const def = fieldById(pkt.fid[i]!);
    if (def.type === FT.PROTOCOL) {
      owner[i] = i;
      continue;
    }
    const p = pkt.parent[i]!;
    owner[i] = p < 0 ? -1 : owner[p]!;
  }
  for (let i = 0; i < pkt.n; i++) {
    const def = fieldById(pkt.fid[i]!);
    if (def.type === FT.PROTOCOL) {
      if (!layers[def.abbrev]) layers[def.abbrev] = {};
      continue;
    }
    if (def.type === FT.NONE && pkt.label[i] !== undefined && pkt.len[i] === 0 && pkt.ref[i] === undefined && !def.abbrev.includes('analysis')) continue;
    const o = owner[i]!;
    const proto = o < 0 ? 'frame' : fieldById(pkt.fid[o]!).abbrev;
    const layer = (layers[proto] ??= {});
    const v = fieldJson(pkt, i);
    const prev = layer[def.abbrev];
    if (prev === undefined) layer[def.abbrev] = v;
    else if (Array.isArray(prev)) prev.push(v);
    else layer[def.abbrev] = [prev, v];
  }
  const obj: Record<string, unknown> = {
    schema: JSON_SCHEMA_VERSION,
    number: f.number,
    time: f.hasTime ? rfc3339(f.tsSec, f.tsNsec) : null,
    time_epoch: f.hasTime ? epochText(f.tsSec, f.tsNsec) : null,
    len: f.origLen,
    caplen: f.capLen,
    interface_id: f.interfaceId,
    protocols: pkt.protocols.join(':'),
    protocol: pkt.colProtocol || protocolFallback(pkt),
    src: pkt.colSrc,
    dst: pkt.colDst,
    info: pkt.colInfo,
    layers,
  };
  if (pkt.expert.length) {
    obj.expert = pkt.expert.map((e) => ({ severity: SEVERITY_NAMES[e.severity]!.toLowerCase(), group: e.group.toLowerCase(), message: e.message }));
  }
  if (pkt.malformed) obj.malformed = true;
  if (f.comments?.length) obj.comments = f.comments;
  return JSON.stringify(obj);
}

export { absoluteTimeText };

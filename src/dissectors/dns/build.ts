/** Builds DNS messages (tests, `buildPacket`'s `emit`). */
import { parseIPv4, parseIPv6, u16, u32 } from '../bytes.js';
import { type LayerSpec } from '../registry.js';
import { TYPE_BY_NAME } from './values.js';
// --- building

export interface DnsQuestionSpec {
  name: string;
  type?: number | string;
  class?: number;
  /** mDNS: ask for a unicast response (the top bit of the class). */
  qu?: boolean;
}

export interface DnsRecordSpec {
  name: string;
  type: number | string;
  class?: number;
  ttl?: number;
  /** mDNS: the cache-flush bit (the top bit of the class). */
  cacheFlush?: boolean;
  /**
   * The data: an address (A/AAAA), a name (NS/CNAME/PTR/DNAME), strings (TXT), an object per type
   * (MX {preference, exchange}, SOA {mname, rname, serial, refresh, retry, expire, minimum}, SRV
   * {priority, weight, port, target}, CAA {flags, tag, value}, SVCB/HTTPS {priority, target,
   * params: [[key, bytes]], alpn, port}), or raw bytes for anything.
   */
  data?: unknown;
}

export interface EdnsSpec {
  udpSize?: number;
  extRcode?: number;
  version?: number;
  do?: boolean;
  /** Client subnet (RFC 7871): `10.1.2.0/24` or an IPv6 prefix. */
  clientSubnet?: string;
  /** Client cookie (8 bytes) and optional server cookie. */
  cookie?: { client: Uint8Array; server?: Uint8Array };
  options?: Array<{ code: number; data: Uint8Array }>;
}

export interface DnsMessageSpec {
  id?: number;
  response?: boolean;
  opcode?: number;
  rcode?: number;
  aa?: boolean;
  tc?: boolean;
  /** Recursion desired (default true for DNS queries and their responses). */
  rd?: boolean;
  ra?: boolean;
  ad?: boolean;
  cd?: boolean;
  /** The whole flags word (overrides the bits above). */
  flags?: number;
  questions?: DnsQuestionSpec[];
  answers?: DnsRecordSpec[];
  authority?: DnsRecordSpec[];
  additional?: DnsRecordSpec[];
  /** An OPT record appended to the additional section. */
  edns?: EdnsSpec;
  /** Compress names (default true). */
  compress?: boolean;
  /** Section counts to write instead of the real ones (crafting broken messages). */
  counts?: [number, number, number, number];
  /** Prefix the two-byte TCP length (RFC 7766 8). */
  tcp?: boolean;
}

function typeNumber(t: number | string | undefined, dflt: number): number {
  if (t === undefined) return dflt;
  if (typeof t === 'number') return t;
  const n = TYPE_BY_NAME[t.toUpperCase()];
  if (n === undefined) throw new Error(`unknown DNS type "${t}"`);
  return n;
}

class Writer {
  buf: number[] = [];
  names = new Map<string, number>();
  constructor(private compress: boolean) {}
  u8(v: number): void {
    this.buf.push(v & 0xff);
  }
  u16(v: number): void {
    this.buf.push((v >> 8) & 0xff, v & 0xff);
  }
  u32(v: number): void {
    this.buf.push((v >>> 24) & 0xff, (v >>> 16) & 0xff, (v >>> 8) & 0xff, v & 0xff);
  }
  bytes(b: ArrayLike<number>): void {
    for (let i = 0; i < b.length; i++) this.buf.push(b[i]!);
  }
  name(n: string, compress = this.compress): void {
    const labels = n === '' || n === '.' || n === '<Root>' ? [] : n.replace(/\.$/, '').split('.');
    for (let i = 0; i < labels.length; i++) {
      const suffix = labels.slice(i).join('.').toLowerCase();
      const at = this.names.get(suffix);
      if (compress && at !== undefined) {
        this.u16(0xc000 | at);
        return;
      }
      if (this.buf.length < 0x3fff) this.names.set(suffix, this.buf.length);
      const b = new TextEncoder().encode(labels[i]!);
      if (b.length > 63) throw new Error(`DNS label longer than 63 bytes: ${labels[i]}`);
      this.u8(b.length);
      this.bytes(b);
    }
    this.u8(0);
  }
}

function rdata(w: Writer, type: number, data: unknown): void {
  if (data instanceof Uint8Array) {
    w.bytes(data);
    return;
  }
  const o = data as Record<string, unknown>;
  switch (type) {
    case 1:
      w.u32(parseIPv4(String(data)));
      return;
    case 28:
      w.bytes(parseIPv6(String(data)));
      return;
    case 2: case 5: case 12: case 39:
      w.name(String(data));
      return;
    case 15:
      w.u16(Number(o.preference ?? 10));
      w.name(String(o.exchange));
      return;
    case 16: case 99:
      for (const s of Array.isArray(data) ? data : [data]) {
        const b = new TextEncoder().encode(String(s));
        w.u8(b.length);
        w.bytes(b);
      }
      return;
    case 6:
      w.name(String(o.mname));
      w.name(String(o.rname));
      for (const k of ['serial', 'refresh', 'retry', 'expire', 'minimum']) w.u32(Number(o[k] ?? 0));
      return;
    case 33:
      w.u16(Number(o.priority ?? 0));
      w.u16(Number(o.weight ?? 0));
      w.u16(Number(o.port ?? 0));
      w.name(String(o.target), false);
      return;
    case 257: {
      const tag = new TextEncoder().encode(String(o.tag));
      w.u8(Number(o.flags ?? 0));
      w.u8(tag.length);
      w.bytes(tag);
      w.bytes(new TextEncoder().encode(String(o.value)));
      return;
    }
    case 64: case 65: {
      w.u16(Number(o.priority ?? 1));
      w.name(String(o.target ?? '.'), false);
      const params: Array<[number, Uint8Array]> = [...((o.params as Array<[number, Uint8Array]> | undefined) ?? [])];
      if (o.alpn) {
        const parts = (o.alpn as string[]).map((s) => new TextEncoder().encode(s));
        const b = new Uint8Array(parts.reduce((n, x) => n + 1 + x.length, 0));
        let k = 0;
        for (const x of parts) {
          b[k++] = x.length;
          b.set(x, k);
          k += x.length;
        }
        params.push([1, b]);
      }
      if (o.port !== undefined) params.push([3, Uint8Array.of(Number(o.port) >> 8, Number(o.port) & 0xff)]);
      params.sort((a, b) => a[0] - b[0]);
      for (const [k, v] of params) {
        w.u16(k);
        w.u16(v.length);
        w.bytes(v);
      }
      return;
    }
    default:
      if (data === undefined) return;
      throw new Error(`DNS type ${type}: give the data as bytes`);
  }
}

/** Builds a DNS message (with the TCP length prefix when `spec.tcp`). */
export function buildDnsMessage(spec: DnsMessageSpec): Uint8Array {
  const w = new Writer(spec.compress ?? true);
  const qs = spec.questions ?? [];
  const an = spec.answers ?? [];
  const ns = spec.authority ?? [];
  const ar = [...(spec.additional ?? [])];
  let flags = spec.flags;
  if (flags === undefined) {
    flags = (spec.response ? 0x8000 : 0) | ((spec.opcode ?? 0) << 11) | (spec.rcode ?? 0) & 0xf;
    if (spec.aa) flags |= 0x0400;
    if (spec.tc) flags |= 0x0200;
    if (spec.rd ?? true) flags |= 0x0100;
    if (spec.ra) flags |= 0x0080;
    if (spec.ad) flags |= 0x0020;
    if (spec.cd) flags |= 0x0010;
  }
  w.u16(spec.id ?? 0);
  w.u16(flags);
  const counts = spec.counts ?? [qs.length, an.length, ns.length, ar.length + (spec.edns ? 1 : 0)];
  for (const c of counts) w.u16(c);
  for (const q of qs) {
    w.name(q.name);
    w.u16(typeNumber(q.type, 1));
    w.u16((q.class ?? 1) | (q.qu ? 0x8000 : 0));
  }
  const rr = (r: DnsRecordSpec): void => {
    const type = typeNumber(r.type, 1);
    w.name(r.name);
    w.u16(type);
    w.u16((r.class ?? 1) | (r.cacheFlush ? 0x8000 : 0));
    w.u32(r.ttl ?? 300);
    const lenAt = w.buf.length;
    w.u16(0);
    rdata(w, type, r.data);
    const len = w.buf.length - lenAt - 2;
    w.buf[lenAt] = len >> 8;
    w.buf[lenAt + 1] = len & 0xff;
  };
  for (const r of an) rr(r);
  for (const r of ns) rr(r);
  for (const r of ar) rr(r);
  if (spec.edns) {
    const e = spec.edns;
    w.u8(0);
    w.u16(41);
    w.u16(e.udpSize ?? 1232);
    w.u8(e.extRcode ?? 0);
    w.u8(e.version ?? 0);
    w.u16(e.do ? 0x8000 : 0);
    const opts: Array<{ code: number; data: Uint8Array }> = [...(e.options ?? [])];
    if (e.clientSubnet) {
      const [addr, bitsText] = e.clientSubnet.split('/');
      const v6 = addr!.includes(':');
      const bits = Number(bitsText ?? (v6 ? 128 : 32));
      const full = v6 ? parseIPv6(addr!) : (() => {
        const v = parseIPv4(addr!);
        return Uint8Array.of(v >>> 24, (v >>> 16) & 0xff, (v >>> 8) & 0xff, v & 0xff);
      })();
      const n = Math.ceil(bits / 8);
      const b = new Uint8Array(4 + n);
      b[1] = v6 ? 2 : 1;
      b[2] = bits;
      b.set(full.subarray(0, n), 4);
      opts.push({ code: 8, data: b });
    }
    if (e.cookie) {
      const b = new Uint8Array(e.cookie.client.length + (e.cookie.server?.length ?? 0));
      b.set(e.cookie.client);
      if (e.cookie.server) b.set(e.cookie.server, e.cookie.client.length);
      opts.push({ code: 10, data: b });
    }
    const len = opts.reduce((n, o) => n + 4 + o.data.length, 0);
    w.u16(len);
    for (const o of opts) {
      w.u16(o.code);
      w.u16(o.data.length);
      w.bytes(o.data);
    }
  }
  const body = Uint8Array.from(w.buf);
  if (!spec.tcp) return body;
  const out = new Uint8Array(body.length + 2);
  out[0] = body.length >> 8;
  out[1] = body.length & 0xff;
  out.set(body, 2);
  return out;
}

/** `emit` for `buildPacket`: `{ proto: 'dns', id, response, questions, answers, ... }`. */
export function emit(spec: LayerSpec, payload: Uint8Array): Uint8Array {
  const msg = buildDnsMessage(spec as unknown as DnsMessageSpec);
  if (!payload.length) return msg;
  const out = new Uint8Array(msg.length + payload.length);
  out.set(msg);
  out.set(payload, msg.length);
  return out;
}

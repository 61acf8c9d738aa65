/**
 * Literals typed by what they are compared with, as tshark 4.0 reads them (epan/ftypes/*.c):
 * integers in decimal, octal (`012`), hex (`0x0a`), binary (`0b1010`), character constants and
 * the field's value names; booleans `True`/`False`/numbers; IPv4/IPv6 with CIDR; MAC addresses
 * and byte strings (`aa:bb:cc`, `aa-bb-cc`, `aa.bb.cc`, `aabbcc`); times; absolute times.
 * A bad literal is an error at its place that says what the field wants, in tshark's words.
 */
import { FT } from '../dissectors/fields.js';
import type { Value } from './ast.js';
import { FilterError } from './errors.js';
import { Cidr4, Cidr6, typeName, type FieldInfo, type Kind, type Val } from './types.js';
import type { HostResolver } from './hosts.js';

type LiteralNode = Extract<Value, { k: 'word' | 'string' | 'char' }>;

const enc = new TextEncoder();

/** A host name's syntax (RFC 1123 labels): what may be looked up when it is not an address. */
const HOST_NAME = /^[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*\.?$/;

/**
 * An address literal that is a host name, resolved (`-N nN`): the address's text, or the literal
 * as it is (then it fails as an address, in tshark's words). A name with a netmask is tshark's
 * error: it reads `/` as division once a name is not an address.
 */
function hostAddress(text: string, family: 4 | 6, resolve: HostResolver | undefined, fail: (msg: string) => never): string {
  if (!resolve) return text;
  const slash = text.indexOf('/');
  const name = slash < 0 ? text : text.slice(0, slash);
  if (!HOST_NAME.test(name) || (family === 4 ? /^[\d.]+$/.test(name) : name.includes(':'))) return text;
  const addr = resolve(name, family);
  if (addr === undefined) return text;
  if (slash >= 0) fail(`FT_IPv${family} cannot /.`);
  return addr;
}

export function literalFor(kind: Kind, field: FieldInfo | undefined, node: LiteralNode, resolve?: HostResolver): Val {
  const fail = (msg: string): never => {
    throw new FilterError(msg, node.start, node.end);
  };
  const text = node.k === 'word' ? node.text : node.k === 'string' ? node.value : node.raw;
  const fieldName = field?.abbrev ?? 'this value';
  if (node.k === 'string' && kind !== 'string' && kind !== 'bytes' && kind !== 'abstime' && kind !== 'ether') {
    fail(`${field ? typeName(field) : kind} cannot be converted from a string (${node.raw}).`);
  }
  if (node.k === 'char' && kind !== 'int' && kind !== 'bool' && kind !== 'bytes') fail(`${node.raw} is not a valid ${field ? typeName(field) : kind}.`);
  switch (kind) {
    case 'int': {
      if (node.k === 'char') return node.value;
      const v = parseInteger(text);
      if (v === undefined) {
        const named = valueByName(field, text);
        if (named !== undefined) return named;
        fail(field?.strings ? `"${text}" cannot be found among the possible values for ${fieldName}.` : `"${text}" is not a valid number.`);
      }
      if (v === null) fail(`"${text}" causes an integer overflow.`);
      const bits = field?.bits ?? 64;
      if (bits && bits < 53 && field && field.type !== FT.INT32) {
        const max = 2 ** bits - 1;
        if (v! > max) fail(`"${text}" too big for this field, maximum ${max}.`);
      }
      return v!;
    }
    case 'bool': {
      if (node.k === 'char') return node.value ? 1 : 0;
      if (text === 'True' || text === 'TRUE') return 1;
      if (text === 'False' || text === 'FALSE') return 0;
      const v = parseInteger(text);
      if (v === undefined) fail(`"${text}" cannot be found among the possible values for ${fieldName}.`);
      if (v === null) fail(`"${text}" causes an integer overflow.`);
      return v ? 1 : 0;
    }
    case 'ipv4': {
      const r = parseIPv4Cidr(node.k === 'word' ? hostAddress(text, 4, resolve, fail) : text);
      if (typeof r === 'string') fail(r);
      return r as number | Cidr4;
    }
    case 'ipv6': {
      const t6 = node.k === 'word' ? hostAddress(text, 6, resolve, fail) : text;
      const slash = t6.indexOf('/');
      const addr = parseIPv6(slash < 0 ? t6 : t6.slice(0, slash));
      if (!addr) fail(`"${slash < 0 ? t6 : t6.slice(0, slash)}" is not a valid hostname or IPv6 address.`);
      if (slash < 0) return addr!;
      const bits = /^\d+$/.test(text.slice(slash + 1)) ? Number(text.slice(slash + 1)) : NaN;
      if (!(bits <= 128)) fail(`Netmask bits in a CIDR IPv6 address should be <= 128, not ${text.slice(slash + 1)}`);
      return new Cidr6(addr!, bits);
    }
    case 'ether': {
      // Also Cisco's xxxx.xxxx.xxxx.
      const cisco = /^([0-9a-fA-F]{4})\.([0-9a-fA-F]{4})\.([0-9a-fA-F]{4})$/.exec(text);
      const b = node.k === 'string' ? undefined : cisco ? parseByteString(cisco.slice(1).join('')) : parseByteString(text);
      if (!b) fail(`"${text}" is not a valid Ethernet address.`);
      if (b!.length < 6) fail(`"${text}" contains too few bytes to be a valid Ethernet address.`);
      if (b!.length > 6) fail(`"${text}" contains too many bytes to be a valid Ethernet address.`);
      return b!;
    }
    case 'bytes': {
      if (node.k === 'string') return enc.encode(node.value);
      if (node.k === 'char') return Uint8Array.of(node.value & 0xff);
      // A hex integer of one byte is that byte (`frame[4] == 0xff`).
      if (/^0x[0-9a-fA-F]{1,2}$/.test(text)) return Uint8Array.of(parseInt(text.slice(2), 16));
      const b = parseByteString(text);
      if (!b) fail(`"${text}" is not a valid byte string.`);
      return b!;
    }
    case 'string':
      if (node.k === 'char') fail(`${node.raw} is not a valid string.`);
      return text;
    case 'time': {
      if (!/^-?(\d+(\.\d*)?|\.\d+)$/.test(text)) fail(`"${text}" is not a valid time.`);
      return Number(text);
    }
    case 'float': {
      const v = /^[-+]?(\d+\.?\d*([eE][-+]?\d+)?|\.\d+([eE][-+]?\d+)?|0x[0-9a-fA-F]+)$/.test(text) ? Number(text) : NaN;
      if (!Number.isFinite(v)) fail(`"${text}" is not a valid number.`);
      return v;
    }
    case 'abstime': {
      // A field shown as seconds since the epoch (frame.time_epoch) takes such a number too.
      if (node.k === 'word' && field?.abbrev.includes('epoch') && /^\d+(\.\d{1,9})?$/.test(text)) {
        const [s, f = ''] = text.split('.');
        return BigInt(s!) * 1000000000n + BigInt(f.padEnd(9, '0') || '0');
      }
      const v = parseAbsoluteTime(text);
      if (v === undefined) fail(`"${text}" is not a valid absolute time. Example: "Nov 12, 1999 08:55:44.123" or "2011-07-04 12:34:56"`);
      return v!;
    }
    case 'none':
      return fail(`${fieldName} (type=Label) cannot be compared with a value.`);
  }
}

/** Decimal, octal (leading 0), hex (0x) or binary (0b) integers, as tshark's strtoull. */
/** The largest integer a literal may be (tshark reads them as 64-bit: more "causes an integer overflow"). */
const MAX_U64 = 2n ** 64n - 1n;

/**
 * An integer literal's value: a number, or a bigint beyond 2^53 (64-bit fields compare exactly;
 * a number would round 9007199254740993 to ...992); null when it does not fit 64 bits.
 */
export function parseInteger(text: string): number | bigint | null | undefined {
  let digits: string;
  if (/^0[xX][0-9a-fA-F]+$/.test(text) || /^0[bB][01]+$/.test(text)) digits = text;
  else if (/^0[0-7]+$/.test(text)) digits = `0o${text.slice(1)}`;
  else if (/^\d+$/.test(text)) digits = text;
  else return undefined;
  const big = BigInt(digits);
  if (big > MAX_U64) return null;
  return big <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(big) : big;
}

/** A value name of the field (`TCP` for ip.proto 6), compared without case as tshark does. */
function valueByName(field: FieldInfo | undefined, text: string): number | undefined {
  if (field?.strings) {
    const want = text.toLowerCase();
    for (const [k, v] of Object.entries(field.strings)) if (v.toLowerCase() === want) return Number(k);
  }
  return undefined;
}

function parseIPv4(text: string): number | undefined {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(text);
  if (!m) return undefined;
  let v = 0;
  for (let i = 1; i <= 4; i++) {
    const o = Number(m[i]);
    if (o > 255) return undefined;
    v = v * 256 + o;
  }
  return v;
}

function parseIPv4Cidr(text: string): number | Cidr4 | string {
  const slash = text.indexOf('/');
  const addrText = slash < 0 ? text : text.slice(0, slash);
  const addr = parseIPv4(addrText);
  if (addr === undefined) return `"${addrText}" is not a valid hostname or IPv4 address.`;
  if (slash < 0) return addr;
  const bitsText = text.slice(slash + 1);
  const bits = /^\d+$/.test(bitsText) ? Number(bitsText) : NaN;
  if (Number.isNaN(bits)) return `"${bitsText}" is not a valid number of netmask bits.`;
  if (bits > 32) return `Netmask bits in a CIDR IPv4 address should be <= 32, not ${bitsText}`;
  const mask = bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0;
  return new Cidr4((addr & mask) >>> 0, mask);
}

export function parseIPv6(text: string): Uint8Array | undefined {
  if (!/^[0-9a-fA-F:.]+$/.test(text) || !text.includes(':')) return undefined;
  let tail: number[] = [];
  let s = text;
  const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(s);
  if (v4) {
    const a = parseIPv4(v4[1]!);
    if (a === undefined) return undefined;
    tail = [(a >>> 16) & 0xffff, a & 0xffff];
    s = s.slice(0, -v4[1]!.length);
    if (s.endsWith(':') && !s.endsWith('::')) s = s.slice(0, -1);
  }
  const parts = s.split('::');
  if (parts.length > 2) return undefined;
  const group = (p: string): number[] | undefined => {
    if (p === '') return [];
    const out: number[] = [];
    for (const g of p.split(':')) {
      if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return undefined;
      out.push(parseInt(g, 16));
    }
    return out;
  };
  const head = group(parts[0]!);
  const rest = parts.length === 2 ? group(parts[1]!) : [];
  if (!head || !rest) return undefined;
  const words = parts.length === 2 ? [...head, ...new Array<number>(8 - head.length - rest.length - tail.length).fill(0), ...rest, ...tail] : [...head, ...tail];
  if (words.length !== 8 || (parts.length === 2 && head.length + rest.length + tail.length > 7)) return undefined;
  const b = new Uint8Array(16);
  words.forEach((w, i) => {
    b[2 * i] = w >> 8;
    b[2 * i + 1] = w & 0xff;
  });
  return b;
}

/** `aa:bb:cc`, `aa-bb-cc`, `aa.bb.cc` (one or two hex digits a byte) or `aabbcc`. */
export function parseByteString(text: string): Uint8Array | undefined {
  if (/^[0-9a-fA-F]{1,2}([:.-][0-9a-fA-F]{1,2})*$/.test(text)) {
    return Uint8Array.from(text.split(/[:.-]/), (h) => parseInt(h, 16));
  }
  if (/^([0-9a-fA-F]{2})+$/.test(text)) {
    const b = new Uint8Array(text.length / 2);
    for (let i = 0; i < b.length; i++) b[i] = parseInt(text.slice(2 * i, 2 * i + 2), 16);
    return b;
  }
  return undefined;
}

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];

/**
 * ISO 8601 (`2020-07-04T12:34:56`, the T optional, with a zone `Z` or `+02:00`) or the legacy
 * `Sep 26, 2004 23:18:04.954975` (optionally ` UTC`); local time without a zone. Nanoseconds since
 * the epoch.
 */
export function parseAbsoluteTime(text: string): bigint | undefined {
  const t = text.trim();
  let y: number, mo: number, d: number, h: number, mi: number, s: number, frac: string | undefined, zone: string | undefined;
  let m = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)?\s*(Z|UTC|[+-]\d{2}:?\d{2})?$/.exec(t);
  if (m) {
    [y, mo, d, h, mi, s] = [m[1], m[2], m[3], m[4] ?? '0', m[5] ?? '0', m[6] ?? '0'].map(Number) as [number, number, number, number, number, number];
    frac = m[7];
    zone = m[8];
  } else {
    m = /^([A-Za-z]{3})\s+(\d{1,2}),\s*(\d{4})\s+(\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(?:\s+(UTC))?$/.exec(t);
    if (!m) return undefined;
    const month = MONTHS.indexOf(m[1]!.toLowerCase());
    if (month < 0) return undefined;
    [y, mo, d, h, mi, s] = [Number(m[3]), month + 1, Number(m[2]), Number(m[4]), Number(m[5]), Number(m[6] ?? '0')];
    frac = m[7];
    zone = m[8];
  }
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 60) return undefined;
  let ms: number;
  if (zone === undefined) ms = new Date(y, mo - 1, d, h, mi, s).getTime();
  else {
    ms = Date.UTC(y, mo - 1, d, h, mi, s);
    if (zone !== 'Z' && zone !== 'UTC') {
      const z = /([+-])(\d{2}):?(\d{2})/.exec(zone)!;
      ms -= (z[1] === '-' ? -1 : 1) * (Number(z[2]) * 60 + Number(z[3])) * 60000;
    }
  }
  if (!Number.isFinite(ms)) return undefined;
  const nsec = frac ? Number(frac.padEnd(9, '0')) : 0;
  return BigInt(ms / 1000) * 1000000000n + BigInt(nsec);
}

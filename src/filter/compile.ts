/**
 * The typed tree (check.ts) as closures over a dissected packet: compiled once, run per packet.
 * A value is the list of its occurrences (a field can occur several times); comparisons follow
 * tshark's rules for lists (`==` some pair equal, `!=` no pair equal, `===` every pair, `!==`
 * some pair not equal), and every test on an absent field is false. The common shape
 * `field OP constant` reads the tree directly, without a list.
 */
import type { HostResolver } from './hosts.js';
import type { Packet } from '../dissectors/packet.js';
import { concatBytes } from '../dissectors/bytes.js';
import type { ENode, Rel, VNode } from './check.js';
import { Cidr4, Cidr6, type Kind, type Val } from './types.js';
import { fieldLengths, fieldValues, itemValue, valueText } from './values.js';

export type Predicate = (pkt: Packet) => boolean;
type Getter = (pkt: Packet) => Val[];

export interface CompileContext {
  /** The packet `${field}` references read (the terminal UI's selected packet); none by default. */
  reference?: () => Packet | undefined;
  /** Resolves host names in address literals (`ip.addr == localhost`; tshark does with `-N nN`): ./hosts.ts. */
  resolveHost?: HostResolver;
}

const enc = new TextEncoder();
const NONE: Val[] = [];

function bytesCmp(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return a.length - b.length;
}

function eqVal(a: Val, b: Val): boolean {
  if (b instanceof Cidr4) return ((a as number) & b.mask) >>> 0 === b.net;
  if (b instanceof Cidr6) return prefixEq(a as Uint8Array, b.net, b.bits);
  if (a instanceof Uint8Array) return b instanceof Uint8Array && a.length === b.length && bytesCmp(a, b) === 0;
  // A 64-bit integer beyond 2^53 is a bigint: `==` between a number and a bigint is exact.
  if (typeof a === 'bigint' || typeof b === 'bigint') return typeof a !== 'object' && typeof b !== 'object' && a == b;
  return a === b;
}

/** A 64-bit integer's result as the filter keeps it: a number while exact, else a bigint. */
function intResult(x: bigint): number | bigint {
  return x >= -BigInt(Number.MAX_SAFE_INTEGER) && x <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(x) : x;
}

/** Integer arithmetic with a bigint operand, exactly (a fraction in a float operand is dropped). */
function bigArith(op: string, a: Val, b: Val): Val | undefined {
  const x = typeof a === 'bigint' ? a : BigInt(Math.trunc(a as number));
  const y = typeof b === 'bigint' ? b : BigInt(Math.trunc(b as number));
  switch (op) {
    case '+':
      return intResult(x + y);
    case '-':
      return intResult(x - y);
    case '*':
      return intResult(x * y);
    case '/':
      return y === 0n ? undefined : intResult(x / y);
    case '%':
      return y === 0n ? undefined : intResult(x % y);
    default:
      return intResult(x & y);
  }
}

function prefixEq(a: Uint8Array, net: Uint8Array, bits: number): boolean {
  if (a.length !== net.length) return false;
  let i = 0;
  for (; bits >= 8; bits -= 8, i++) if (a[i] !== net[i]) return false;
  if (bits === 0) return true;
  const m = (0xff << (8 - bits)) & 0xff;
  return (a[i]! & m) === (net[i]! & m);
}

function order(a: Val, b: Val): number {
  if (b instanceof Cidr4) b = b.net;
  if (b instanceof Cidr6) b = b.net;
  if (a instanceof Uint8Array) return bytesCmp(a, b as Uint8Array);
  if (typeof a === 'string') return a < (b as string) ? -1 : a > (b as string) ? 1 : 0;
  return (a as number) < (b as number) ? -1 : (a as number) > (b as number) ? 1 : 0;
}

function indexOfBytes(h: Uint8Array, n: Uint8Array): number {
  if (n.length === 0) return 0;
  const first = n[0]!;
  outer: for (let i = h.indexOf(first); i >= 0 && i + n.length <= h.length; i = h.indexOf(first, i + 1)) {
    for (let k = 1; k < n.length; k++) if (h[i + k] !== n[k]) continue outer;
    return i;
  }
  return -1;
}

function latin1(b: Uint8Array): string {
  let s = '';
  for (let i = 0; i < b.length; i += 4096) s += String.fromCharCode(...b.subarray(i, i + 4096));
  return s;
}

function relation(rel: Rel, re?: RegExp): (a: Val, b: Val) => boolean {
  switch (rel) {
    case 'eq':
      return eqVal;
    case 'ne':
      return (a, b) => !eqVal(a, b);
    case 'lt':
      return (a, b) => order(a, b) < 0;
    case 'gt':
      return (a, b) => order(a, b) > 0;
    case 'le':
      return (a, b) => order(a, b) <= 0;
    case 'ge':
      return (a, b) => order(a, b) >= 0;
    case 'contains':
      return (a, b) => (typeof a === 'string' ? a.includes(b as string) : indexOfBytes(a as Uint8Array, b as Uint8Array) >= 0);
    case 'matches': {
      const r = re!;
      return (a) => {
        r.lastIndex = 0;
        return r.test(typeof a === 'string' ? a : latin1(a as Uint8Array));
      };
    }
  }
}

function toBytes(v: Val, kind: Kind): Uint8Array {
  if (v instanceof Uint8Array) return v;
  if (typeof v === 'string') return enc.encode(v);
  if (kind === 'ipv4') {
    const n = v as number;
    return Uint8Array.of(n >>> 24, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff);
  }
  return new Uint8Array(0);
}

export function compileExpr(e: ENode, ctx: CompileContext = {}): Predicate {
  return new Compiler(ctx).expr(e);
}

class Compiler {
  constructor(private readonly ctx: CompileContext) {}

  expr(e: ENode): Predicate {
    switch (e.t) {
      case 'and': {
        const l = this.expr(e.l);
        const r = this.expr(e.r);
        return (p) => l(p) && r(p);
      }
      case 'or': {
        const l = this.expr(e.l);
        const r = this.expr(e.r);
        return (p) => l(p) || r(p);
      }
      case 'not': {
        const o = this.expr(e.of);
        return (p) => !o(p);
      }
      case 'exists':
        return this.exists(e.v);
      case 'cmp':
        return this.cmp(e);
      case 'in':
        return this.inSet(e);
    }
  }

  private exists(v: VNode): Predicate {
    if (v.t === 'field' && v.info.id >= 0 && !v.layer) {
      const id = v.info.id;
      return (p) => {
        const f = p.fid;
        for (let i = 0, n = p.n; i < n; i++) if (f[i] === id) return true;
        return false;
      };
    }
    const g = this.value(v);
    if (v.t === 'arith' || v.t === 'neg') {
      return (p) => g(p).some((x) => (x instanceof Uint8Array ? x.some((b) => b !== 0) : x !== 0 && x !== 0n && x !== ''));
    }
    return (p) => g(p).length > 0;
  }

  private cmp(e: Extract<ENode, { t: 'cmp' }>): Predicate {
    const rel = relation(e.rel, e.re);
    const l = e.l;
    // field OP constant: straight over the tree.
    if (l.t === 'field' && l.info.id >= 0 && !l.layer && e.r.t === 'const') {
      const id = l.info.id;
      const kind = l.kind;
      const c = e.r.val;
      if (e.all) {
        return (p) => {
          const f = p.fid;
          let seen = false;
          for (let i = 0, n = p.n; i < n; i++) {
            if (f[i] !== id) continue;
            if (!rel(itemValue(p, i, kind), c)) return false;
            seen = true;
          }
          return seen;
        };
      }
      return (p) => {
        const f = p.fid;
        for (let i = 0, n = p.n; i < n; i++) if (f[i] === id && rel(itemValue(p, i, kind), c)) return true;
        return false;
      };
    }
    const L = this.value(l);
    const R = this.value(e.r);
    if (e.all) {
      return (p) => {
        const a = L(p);
        if (!a.length) return false;
        const b = R(p);
        if (!b.length) return false;
        for (const x of a) for (const y of b) if (!rel(x, y)) return false;
        return true;
      };
    }
    return (p) => {
      const a = L(p);
      if (!a.length) return false;
      const b = R(p);
      for (const x of a) for (const y of b) if (rel(x, y)) return true;
      return false;
    };
  }

  private inSet(e: Extract<ENode, { t: 'in' }>): Predicate {
    const L = this.value(e.l);
    // Plain numbers (ports, protocol numbers): one hash lookup, however large the set.
    const consts = new Set<number | string>();
    const others: ((x: Val, p: Packet) => boolean)[] = [];
    for (const it of e.items) {
      if ('lo' in it) {
        const lo = this.value(it.lo);
        const hi = this.value(it.hi);
        others.push((x, p) => lo(p).some((a) => order(x, a) >= 0) && hi(p).some((b) => order(x, b) <= 0));
      } else if (it.t === 'const' && (typeof it.val === 'number' || typeof it.val === 'string')) consts.add(it.val);
      else {
        const g = this.value(it);
        others.push((x, p) => g(p).some((y) => eqVal(x, y)));
      }
    }
    const member = (x: Val, p: Packet) => ((typeof x === 'number' || typeof x === 'string') && consts.has(x)) || others.some((o) => o(x, p));
    return e.all ? (p) => {
      const a = L(p);
      return a.length > 0 && a.every((x) => member(x, p));
    } : (p) => L(p).some((x) => member(x, p));
  }

  value(v: VNode): Getter {
    switch (v.t) {
      case 'field': {
        const info = v.info;
        const kind = v.kind;
        const layer = v.layer;
        if (layer) return (p) => layerValues(p, info.id, kind, layer.proto, layer.ranges);
        return (p) => fieldValues(p, info, kind);
      }
      case 'const': {
        const one = [v.val];
        return () => one;
      }
      case 'ref': {
        const info = v.info;
        const kind = v.kind;
        const ref = this.ctx.reference;
        return () => {
          const r = ref?.();
          return r ? fieldValues(r, info, kind) : NONE;
        };
      }
      case 'slice': {
        const of = this.value(v.of);
        const kind = v.of.kind;
        const ranges = v.ranges;
        return (p) => {
          const out: Val[] = [];
          for (const x of of(p)) {
            const s = sliceBytes(toBytes(x, kind), ranges);
            if (s) out.push(s);
          }
          return out;
        };
      }
      case 'neg': {
        const of = this.value(v.of);
        return (p) => of(p).map((x) => -(x as number));
      }
      case 'arith':
        return this.arith(v);
      case 'call':
        return this.call(v);
    }
  }

  private arith(v: Extract<VNode, { t: 'arith' }>): Getter {
    const L = this.value(v.l);
    const R = this.value(v.r);
    const int = v.kind === 'int' || v.kind === 'bool';
    let f: (a: Val, b: Val) => Val | undefined;
    switch (v.op) {
      case '+':
        f = (a, b) => (a as number) + (b as number);
        break;
      case '-':
        f = (a, b) => (a as number) - (b as number);
        break;
      case '*':
        f = (a, b) => (a as number) * (b as number);
        break;
      case '/':
        f = (a, b) => ((b as number) === 0 ? undefined : int ? Math.trunc((a as number) / (b as number)) : (a as number) / (b as number));
        break;
      case '%':
        f = (a, b) => ((b as number) === 0 ? undefined : (a as number) % (b as number));
        break;
      case '&':
        f = (a, b) => {
          if (a instanceof Uint8Array) {
            const bb = b as Uint8Array;
            if (bb.length !== a.length) return undefined;
            return a.map((x, i) => x & bb[i]!);
          }
          const x = a as number;
          const y = b as number;
          // Beyond 32 bits JavaScript's & would truncate.
          return x <= 0xffffffff && y <= 0xffffffff ? (x & y) >>> 0 : intResult(BigInt(x) & BigInt(y));
        };
        break;
    }
    const op = v.op;
    return (p) => {
      const a = L(p);
      if (!a.length) return NONE;
      const b = R(p);
      const out: Val[] = [];
      for (const x of a) for (const y of b) {
        const r = typeof x === 'bigint' || typeof y === 'bigint' ? bigArith(op, x, y) : f(x, y);
        if (r !== undefined) out.push(r);
      }
      return out;
    };
  }

  private call(v: Extract<VNode, { t: 'call' }>): Getter {
    const arg = v.args[0]!;
    switch (v.fn) {
      case 'len': {
        if (arg.t === 'field' && !arg.layer) {
          const info = arg.info;
          const kind = arg.kind;
          return (p) => fieldLengths(p, info, kind);
        }
        const g = this.value(arg);
        return (p) => g(p).map((x) => (x as Uint8Array).length);
      }
      case 'count': {
        const g = this.value(arg);
        return (p) => {
          const n = g(p).length;
          return n ? [n] : NONE;
        };
      }
      case 'upper': {
        const g = this.value(arg);
        return (p) => g(p).map((x) => (x as string).toUpperCase());
      }
      case 'lower': {
        const g = this.value(arg);
        return (p) => g(p).map((x) => (x as string).toLowerCase());
      }
      case 'string': {
        const g = this.value(arg);
        const kind = arg.kind;
        return (p) => g(p).map((x) => valueText(x, kind));
      }
      case 'abs': {
        const g = this.value(arg);
        return (p) => g(p).map((x) => (typeof x === 'bigint' ? (x < 0n ? -x : x) : Math.abs(x as number)));
      }
      default: {
        const gs = v.args.map((a) => this.value(a));
        const max = v.fn === 'max';
        return (p) => {
          let best: Val | undefined;
          for (const g of gs) for (const x of g(p)) if (best === undefined || (max ? order(x, best) > 0 : order(x, best) < 0)) best = x;
          return best === undefined ? NONE : [best];
        };
      }
    }
  }
}

function inLayers(n: number, ranges: readonly import('./ast.js').SliceRange[]): boolean {
  for (const r of ranges) {
    switch (r.kind) {
      case 'one':
        if (n === r.from) return true;
        break;
      case 'to':
        if (n >= r.from && n <= r.to) return true;
        break;
      case 'len':
        if (n >= r.from && n < r.from + r.len) return true;
        break;
      case 'open':
        if (n >= r.from) return true;
        break;
    }
  }
  return false;
}

/**
 * The values of field `id` inside the given layers of protocol item `proto` (`ip.src#2`: the
 * second IP header's): an item's layer is that of the protocol item above it in the tree, else
 * of the last one before it.
 */
function layerValues(p: Packet, id: number, kind: Kind, proto: number, ranges: readonly import('./ast.js').SliceRange[]): Val[] {
  const out: Val[] = [];
  const layerOf = new Map<number, number>();
  let seen = 0;
  for (let i = 0; i < p.n; i++) {
    const f = p.fid[i];
    if (f === proto) layerOf.set(i, ++seen);
    if (f !== id) continue;
    let n = seen;
    for (let a = p.parent[i]!; a >= 0; a = p.parent[a]!) {
      const l = layerOf.get(a);
      if (l !== undefined) {
        n = l;
        break;
      }
    }
    if (inLayers(n, ranges)) out.push(itemValue(p, i, kind));
  }
  return out;
}

/** tshark's slice ranges over a value's bytes; undefined when a range reaches outside them. */
export function sliceBytes(b: Uint8Array, ranges: readonly import('./ast.js').SliceRange[]): Uint8Array | undefined {
  const parts: Uint8Array[] = [];
  const L = b.length;
  for (const r of ranges) {
    let from = r.from < 0 ? L + r.from : r.from;
    if (from < 0) return undefined;
    let end: number;
    switch (r.kind) {
      case 'len':
        end = from + r.len;
        break;
      case 'to': {
        const to = r.to < 0 ? L + r.to : r.to;
        end = to + 1;
        if (end <= from) return undefined;
        break;
      }
      case 'one':
        end = from + 1;
        break;
      case 'open':
        end = L;
        if (from >= L) return undefined;
        break;
    }
    if (end > L) return undefined;
    parts.push(b.subarray(from, end));
    from = end;
  }
  if (parts.length === 1) return parts[0];
  return concatBytes(...parts);
}

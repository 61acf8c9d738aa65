/**
 * The semantic check (tshark's semcheck.c): names are resolved against the field registry, each
 * value gets a kind, literals are parsed for the kind they meet, operators are checked against
 * what the types allow. The result is a typed tree the compiler turns into closures; every error
 * is found here, at compile time, with its place.
 */
import { classifyFieldName } from '../dissectors/field-names.js';
import type { ArithOp, Expr, SliceRange, Value } from './ast.js';
import { FilterError } from './errors.js';
import { literalFor } from './literals.js';
import type { HostResolver } from './hosts.js';
import { printValue } from './print.js';
import { translateRegex } from './regex.js';
import { suggest } from './suggest.js';
import { bytesLike, kindOf, numeric, typeName, type FieldInfo, type Kind, type Val } from './types.js';
import { filterField } from './values.js';
import { FT } from '../dissectors/fields.js';

export type Rel = 'eq' | 'ne' | 'lt' | 'gt' | 'le' | 'ge' | 'contains' | 'matches';

export type VNode =
  /** `layer`: only the occurrences inside those layers (1-based) of protocol item `proto`. */
  | { t: 'field'; kind: Kind; info: FieldInfo; layer?: { proto: number; ranges: SliceRange[] } }
  | { t: 'const'; kind: Kind; val: Val }
  /** `${field}`: the field's value in the reference frame (none in a file read, as in tshark). */
  | { t: 'ref'; kind: Kind; info: FieldInfo }
  | { t: 'slice'; kind: 'bytes'; of: VNode; ranges: SliceRange[] }
  | { t: 'call'; kind: Kind; fn: string; args: VNode[] }
  | { t: 'arith'; kind: Kind; op: ArithOp; l: VNode; r: VNode }
  | { t: 'neg'; kind: Kind; of: VNode };

export type ENode =
  | { t: 'or' | 'and'; l: ENode; r: ENode }
  | { t: 'not'; of: ENode }
  /** `all`: every pair of values satisfies rel; else some pair does. */
  | { t: 'cmp'; rel: Rel; all: boolean; l: VNode; r: VNode; re?: RegExp }
  | { t: 'in'; all: boolean; l: VNode; items: (VNode | { lo: VNode; hi: VNode })[] }
  /** A field's presence; for computed values, that one is non-zero (or non-empty). */
  | { t: 'exists'; v: VNode };

export interface Checked {
  root: ENode;
  /** The registered fields the expression reads (the tree must keep them). */
  fields: FieldInfo[];
}

const FUNCTIONS = new Set(['len', 'count', 'upper', 'lower', 'string', 'max', 'min', 'abs']);

type Lit = Extract<Value, { k: 'word' | 'string' | 'char' }>;

/** What checking may use: a host name resolver for address literals (`-N nN`, ./hosts.ts). */
export interface CheckOptions {
  resolveHost?: HostResolver;
}

export function check(e: Expr, opts: CheckOptions = {}): Checked {
  const c = new Checker(opts.resolveHost);
  const root = c.expr(e);
  return { root, fields: [...c.fields.values()] };
}

class Checker {
  fields = new Map<string, FieldInfo>();

  constructor(private readonly resolveHost: HostResolver | undefined) {}

  expr(e: Expr): ENode {
    switch (e.k) {
      case 'or':
      case 'and':
        return { t: e.k, l: this.expr(e.left), r: this.expr(e.right) };
      case 'not':
        return { t: 'not', of: this.expr(e.of) };
      case 'test':
        return this.test(e.of);
      case 'cmp':
        return this.cmp(e);
      case 'in':
        return this.inSet(e);
    }
  }

  private notAField(v: Lit): never {
    const text = v.k === 'string' ? v.raw : v.k === 'char' ? v.raw : v.text;
    // A Wireshark protocol wirelite does not dissect (http, quic): tshark would take the name.
    const c = v.k === 'word' ? classifyFieldName(v.text) : undefined;
    if (c?.kind === 'undissected') throw new FilterError(`${text} is neither a field nor a protocol name.`, v.start, v.end, `(${c.protocol} is a Wireshark protocol that wirelite does not dissect)`);
    const s = v.k === 'word' ? suggest(v.text) : undefined;
    throw new FilterError(`${text} is neither a field nor a protocol name.`, v.start, v.end, s ? `did you mean ${s}?` : undefined);
  }

  private test(v: Value): ENode {
    if (v.k === 'call') {
      // Checked first, so that a bad argument is reported as such.
      this.value(v);
      throw new FilterError('You cannot test whether a function is present.', v.start, v.nameEnd);
    }
    const r = this.value(v);
    if (!r) this.notAField(v as Lit);
    return { t: 'exists', v: r };
  }

  /** A value's typed node, or undefined for a literal (typed later by what it meets). */
  value(v: Value): VNode | undefined {
    switch (v.k) {
      case 'word': {
        const f = filterField(v.text);
        if (!f) return undefined;
        if (f.id >= 0) this.fields.set(f.abbrev, f);
        return { t: 'field', kind: kindOf(f.type), info: f };
      }
      case 'string':
      case 'char':
        return undefined;
      case 'layer': {
        const f = filterField(v.of.text);
        if (!f) this.notAField(v.of);
        const protoName = f!.abbrev.split('.')[0]!;
        const proto = filterField(protoName);
        if (f!.id < 0 || !proto || proto.id < 0 || proto.type !== FT.PROTOCOL) throw new FilterError(`The layer operator "#" needs a field of a protocol, not ${v.of.text}.`, v.start, v.end);
        this.fields.set(f!.abbrev, f!);
        this.fields.set(proto.abbrev, proto);
        return { t: 'field', kind: kindOf(f!.type), info: f!, layer: { proto: proto.id, ranges: v.ranges } };
      }
      case 'ref': {
        const f = filterField(v.name);
        if (!f) {
          const s = suggest(v.name);
          throw new FilterError(`${v.name} is neither a field nor a protocol name.`, v.start, v.end, s ? `did you mean ${s}?` : undefined);
        }
        return { t: 'ref', kind: kindOf(f.type), info: f };
      }
      case 'slice': {
        const of = this.value(v.of);
        if (!of) throw new FilterError(`Range is not supported for entity ${printValue(v.of)}.`, v.of.start, v.of.end);
        if (!(bytesLike(of.kind) || of.kind === 'string' || of.kind === 'ipv4')) {
          throw new FilterError(`"${printValue(v.of)}" is a ${this.typeText(of)} and cannot be sliced into a sequence of bytes.`, v.of.start, v.of.end);
        }
        return { t: 'slice', kind: 'bytes', of, ranges: v.ranges };
      }
      case 'call':
        return this.call(v);
      case 'neg': {
        const of = this.value(v.of);
        if (!of) return undefined;
        if (!numeric(of.kind)) throw new FilterError(`Unary minus cannot be applied to ${printValue(v.of)} (a ${this.typeText(of)}).`, v.start, v.end);
        return { t: 'neg', kind: of.kind, of };
      }
      case 'arith': {
        const l = this.value(v.left);
        const r = this.value(v.right);
        if (!l && !r) return undefined;
        const kind = (l ?? r)!.kind;
        const info = this.infoOf((l ?? r)!);
        const L = l ?? this.literal(v.left, kind, info);
        const R = r ?? this.literal(v.right, kind, info);
        const opText = this.src(v);
        if (v.op === '&') {
          if (kind !== 'int' && kind !== 'bool' && kind !== 'bytes') throw new FilterError(`${printValue(v.left)} (type=${this.typeText(L)}) cannot participate in a bitwise and.`, v.left.start, v.left.end);
        } else if (!numeric(kind)) {
          throw new FilterError(`${printValue(l ? v.left : v.right)} (type=${this.typeText(L)}) cannot participate in arithmetic ("${v.op}").`, (l ? v.left : v.right).start, (l ? v.left : v.right).end);
        }
        void opText;
        this.compatible(L, R, v.left, v.right);
        return { t: 'arith', kind, op: v.op, l: L, r: R };
      }
    }
  }

  private src(v: Value): string {
    return printValue(v);
  }

  /** The field behind a value, whose value names and width type a literal it meets. */
  private infoOf(v: VNode): FieldInfo | undefined {
    switch (v.t) {
      case 'field':
      case 'ref':
        return v.info;
      case 'arith':
        return this.infoOf(v.l) ?? this.infoOf(v.r);
      case 'neg':
        return this.infoOf(v.of);
      case 'call':
        return v.fn === 'abs' || v.fn === 'max' || v.fn === 'min' ? v.args.map((a) => this.infoOf(a)).find(Boolean) : undefined;
      default:
        return undefined;
    }
  }

  private typeText(v: VNode): string {
    const info = v.t === 'field' || v.t === 'ref' ? v.info : undefined;
    if (info) return typeName(info);
    return KIND_NAMES[v.kind];
  }

  /** A literal (word, string, character, or their negation) typed as `kind`. */
  literal(v: Value, kind: Kind, info: FieldInfo | undefined): VNode {
    if (v.k === 'neg') {
      const of = this.literal(v.of, kind, info);
      if (!numeric(kind) || of.t !== 'const') throw new FilterError(`${printValue(v)} is not a valid ${info ? typeName(info) : KIND_NAMES[kind]}.`, v.start, v.end);
      return { t: 'const', kind, val: -(of.val as number) };
    }
    if (v.k === 'arith') {
      const l = this.literal(v.left, kind, info);
      const r = this.literal(v.right, kind, info);
      return { t: 'arith', kind, op: v.op, l, r };
    }
    if (v.k !== 'word' && v.k !== 'string' && v.k !== 'char') {
      const r = this.value(v);
      if (r) return r;
      throw new FilterError(`${printValue(v)} is not a valid value here.`, v.start, v.end);
    }
    try {
      return { t: 'const', kind, val: literalFor(kind, info, v, this.resolveHost) };
    } catch (e) {
      // An unknown name where a value is expected: perhaps a misspelt field.
      if (e instanceof FilterError && v.k === 'word' && /[a-z]\w*\.\w/i.test(v.text)) {
        const s = suggest(v.text);
        if (s) throw new FilterError(e.message, e.start, e.end, `did you mean ${s}?`);
      }
      throw e;
    }
  }

  private compatible(l: VNode, r: VNode, ln: Value, rn: Value): void {
    if (l.kind === r.kind) return;
    if (bytesLike(l.kind) && bytesLike(r.kind)) return;
    throw new FilterError(`${printValue(ln)} and ${printValue(rn)} are not of compatible types.`, rn.start, rn.end);
  }

  /** The left side of a comparison: a field, function, slice or arithmetic on them. */
  private lhs(v: Value, opText: string): VNode {
    const l = this.value(v);
    if (l) return l;
    if (v.k === 'word' && filterField(v.text) === undefined && /^[a-z_][\w-]*\.[\w.-]*$/i.test(v.text) && !/^[\d.]+$/.test(v.text)) this.notAField(v);
    if (v.k === 'arith' || v.k === 'neg') throw new FilterError('Constant arithmetic expression on the LHS is invalid.', v.start, v.end);
    throw new FilterError(`Left side of "${opText}" expression must be a field or function, not ${printValue(v)}.`, v.start, v.end);
  }

  private cmp(e: Extract<Expr, { k: 'cmp' }>): ENode {
    const l = this.lhs(e.left, e.opText);
    let r = this.value(e.right);
    const info = this.infoOf(l);
    if (e.op === 'matches') {
      if (e.right.k !== 'string') throw new FilterError('Matches requires a double quoted string on the right side.', e.right.start, e.right.end);
      if (!(l.kind === 'string' || bytesLike(l.kind))) this.cannot(l, e.left, e.opText);
      const re = translateRegex(e.right.value);
      if (!re.ok) throw new FilterError(re.message, e.right.start, e.right.end);
      return { t: 'cmp', rel: 'matches', all: e.quant === 'all', l, r: { t: 'const', kind: 'string', val: e.right.value }, re: re.re };
    }
    if (l.kind === 'none') this.cannot(l, e.left, e.opText);
    if (e.op === 'contains') {
      if (!(l.kind === 'string' || bytesLike(l.kind))) this.cannot(l, e.left, e.opText);
      // A byte sequence contains bytes; a string literal is its UTF-8 bytes.
      r ??= this.literal(e.right, l.kind === 'string' ? 'string' : 'bytes', info);
      if (l.kind === 'string' && r.kind !== 'string') this.compatible(l, r, e.left, e.right);
      if (l.kind !== 'string' && !bytesLike(r.kind)) this.compatible(l, r, e.left, e.right);
      return { t: 'cmp', rel: 'contains', all: e.quant === 'all', l, r };
    }
    r ??= this.literal(e.right, l.kind, info);
    if (r.kind === 'none') this.cannot(r, e.right, e.opText);
    this.compatible(l, r, e.left, e.right);
    const base: Record<string, [Rel, boolean]> = {
      '==': ['eq', false], '===': ['eq', true], '!=': ['ne', true], '!==': ['ne', false],
      '<': ['lt', false], '>': ['gt', false], '<=': ['le', false], '>=': ['ge', false],
    };
    const [rel, all] = base[e.op]!;
    return { t: 'cmp', rel, all: e.quant ? e.quant === 'all' : all, l, r };
  }

  private cannot(v: VNode, n: Value, opText: string): never {
    throw new FilterError(`${printValue(n)} (type=${this.typeText(v)}) cannot participate in ${opText} comparison.`, n.start, n.end);
  }

  private inSet(e: Extract<Expr, { k: 'in' }>): ENode {
    const l = this.lhs(e.left, 'in');
    if (l.kind === 'none') this.cannot(l, e.left, 'in');
    const info = this.infoOf(l);
    const one = (v: Value): VNode => {
      const r = this.value(v) ?? this.literal(v, l.kind, info);
      this.compatible(l, r, e.left, v);
      return r;
    };
    const items = e.items.map((i) => (i.k === 'range' ? { lo: one(i.lo), hi: one(i.hi) } : one(i)));
    return { t: 'in', all: e.quant === 'all', l, items };
  }

  private call(v: Extract<Value, { k: 'call' }>): VNode {
    if (!FUNCTIONS.has(v.name)) throw new FilterError(`Function '${v.name}' does not exist`, v.start, v.nameEnd);
    const args = v.args;
    const exactlyOne = () => {
      if (args.length !== 1) throw new FilterError(`Function ${v.name}() takes exactly one argument, not ${args.length}.`, v.start, v.end);
      return args[0]!;
    };
    switch (v.name) {
      case 'len':
      case 'count': {
        const a = exactlyOne();
        const r = this.value(a);
        if (!r || (r.t !== 'field' && !(v.name === 'len' && r.t === 'slice'))) throw new FilterError(`Only fields can be used as parameter for ${v.name}()`, a.start, a.end);
        return { t: 'call', kind: 'int', fn: v.name, args: [r] };
      }
      case 'upper':
      case 'lower': {
        const a = exactlyOne();
        const r = this.value(a);
        if (!r || r.t !== 'field' || r.kind !== 'string') throw new FilterError(`Only string type fields can be used as parameter for ${v.name}()`, a.start, a.end);
        return { t: 'call', kind: 'string', fn: v.name, args: [r] };
      }
      case 'string': {
        const a = exactlyOne();
        const r = this.value(a);
        if (!r || r.t !== 'field') throw new FilterError('Only fields can be used as parameter for string()', a.start, a.end);
        if (!(r.kind === 'int' || r.kind === 'ipv4' || r.kind === 'ipv6' || r.kind === 'ether')) {
          throw new FilterError(`String conversion for field "${r.info.abbrev}" is not supported`, a.start, a.end);
        }
        return { t: 'call', kind: 'string', fn: 'string', args: [r] };
      }
      case 'abs': {
        const a = exactlyOne();
        const r = this.value(a);
        if (!r) throw new FilterError('Constant arithmetic expression on the LHS is invalid.', v.start, v.end);
        if (!numeric(r.kind)) throw new FilterError(`Only numeric fields can be used as parameter for abs()`, a.start, a.end);
        return { t: 'call', kind: r.kind, fn: 'abs', args: [r] };
      }
      default: {
        // max, min
        if (!args.length) throw new FilterError(`Function ${v.name}() needs at least one argument.`, v.start, v.end);
        const typed = args.map((a) => this.value(a));
        const first = typed.find(Boolean);
        if (!first) throw new FilterError('Constant arithmetic expression on the LHS is invalid.', v.start, v.end);
        const info = this.infoOf(first);
        const out = typed.map((t, i) => t ?? this.literal(args[i]!, first.kind, info));
        out.forEach((t, i) => {
          if (t.kind !== first.kind) {
            throw new FilterError(`Arguments to '${v.name}' must have the same type (expected ${this.typeText(first)}, got ${this.typeText(t)})`, args[i]!.start, args[i]!.end);
          }
        });
        if (!numeric(first.kind) && first.kind !== 'ipv4' && first.kind !== 'string') throw new FilterError(`Arguments to '${v.name}' must be numbers, addresses or strings.`, v.start, v.end);
        return { t: 'call', kind: first.kind, fn: v.name, args: out };
      }
    }
  }
}

const KIND_NAMES: Record<Kind, string> = {
  int: 'integer', bool: 'Boolean', ipv4: 'IPv4 address', ipv6: 'IPv6 address', ether: 'Ethernet or other MAC address',
  bytes: 'Byte sequence', string: 'Character string', time: 'Time offset', float: 'Floating point (double-precision)',
  abstime: 'Date and time', none: 'Label',
};

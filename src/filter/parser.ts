/**
 * The display filter's grammar, with tshark 4.0's precedence (epan/dfilter/grammar.lemon), lowest
 * first: `or ||`, `and &&`, `not !` (right-associative), the comparisons (non-associative:
 * `a == b == c` is an error), then in the values `&`, `+ -`, `* / %`, unary minus, slices.
 * Parentheses group logical expressions, braces `{ }` group arithmetic. A recursive descent
 * parser with a depth limit: a hostile nesting gets an error, not a stack overflow.
 */
import type { ArithOp, CmpOp, Expr, SetItem, SliceRange, Value } from './ast.js';
import { FilterError } from './errors.js';
import { KEYWORDS, tokenize, type Token } from './lexer.js';

/** Nesting deeper than this (parentheses, braces, `not`s, operands) is refused. */
export const MAX_DEPTH = 200;

const CMP: Record<string, CmpOp> = {
  '==': '==', eq: '==', any_eq: '==',
  '!=': '!=', ne: '!=', all_ne: '!=',
  '===': '===', all_eq: '===',
  '!==': '!==', any_ne: '!==',
  '<': '<', lt: '<', '>': '>', gt: '>', '<=': '<=', le: '<=', '>=': '>=', ge: '>=',
  contains: 'contains', matches: 'matches', '~': 'matches',
};

export function parse(src: string): Expr {
  return new Parser(src).parseAll();
}

class Parser {
  private toks: Token[];
  private p = 0;
  private depth = 0;

  constructor(private readonly src: string) {
    this.toks = tokenize(src);
  }

  parseAll(): Expr {
    if (this.peek().kind === 'eof') throw new FilterError('The filter expression is empty.', 0, this.src.length);
    const e = this.parseOr();
    const t = this.peek();
    if (t.kind !== 'eof') this.unexpected(t);
    return e;
  }

  private peek(): Token {
    return this.toks[this.p]!;
  }
  private next(): Token {
    return this.toks[this.p++]!;
  }
  /** Whether the next token is this operator or keyword. */
  private is(...texts: string[]): boolean {
    const t = this.peek();
    return (t.kind === 'op' || t.kind === 'word') && texts.includes(t.text);
  }

  private unexpected(t: Token): never {
    if (t.kind === 'eof') throw new FilterError('Unexpected end of filter expression.', this.src.length, this.src.length);
    throw new FilterError(`"${this.src.slice(t.start, t.end)}" was unexpected in this context.`, t.start, t.end);
  }

  private enter(t: Token): void {
    if (++this.depth > MAX_DEPTH) throw new FilterError(`The expression is nested too deeply (more than ${MAX_DEPTH} levels).`, t.start, t.end);
  }

  private parseOr(): Expr {
    this.enter(this.peek());
    let left = this.parseAnd();
    while (this.is('or', '||')) {
      this.next();
      const right = this.parseAnd();
      left = { k: 'or', left, right, start: left.start, end: right.end };
    }
    this.depth--;
    return left;
  }

  private parseAnd(): Expr {
    let left = this.parseNot();
    while (this.is('and', '&&')) {
      this.next();
      const right = this.parseNot();
      left = { k: 'and', left, right, start: left.start, end: right.end };
    }
    return left;
  }

  private parseNot(): Expr {
    if (this.is('not', '!')) {
      const t = this.next();
      this.enter(t);
      const of = this.parseNot();
      this.depth--;
      return { k: 'not', of, start: t.start, end: of.end };
    }
    return this.parseTest();
  }

  private parseTest(): Expr {
    const t = this.peek();
    if (t.kind === 'op' && t.text === '(') {
      this.next();
      const e = this.parseOr();
      const c = this.peek();
      if (!(c.kind === 'op' && c.text === ')')) this.unexpected(c);
      this.next();
      // The parentheses are not a node: the printer puts them back where precedence needs them.
      return e;
    }
    let quant: 'any' | 'all' | undefined;
    if (this.is('any', 'all')) quant = this.next().text as 'any' | 'all';
    const left = this.parseValue();
    const op = this.peek();
    if ((op.kind === 'op' || op.kind === 'word') && CMP[op.text] !== undefined) {
      this.next();
      const right = this.parseValue();
      const after = this.peek();
      if ((after.kind === 'op' || after.kind === 'word') && CMP[after.text] !== undefined) this.unexpected(after);
      return { k: 'cmp', op: CMP[op.text]!, opText: op.text, opStart: op.start, opEnd: op.end, quant, left, right, start: quant ? t.start : left.start, end: right.end };
    }
    if (op.kind === 'word' && op.text === 'in') {
      this.next();
      return this.parseSet(left, quant, t.start);
    }
    if (quant) this.unexpected(op);
    return { k: 'test', of: left, start: left.start, end: left.end };
  }

  private parseSet(left: Value, quant: 'any' | 'all' | undefined, start: number): Expr {
    const open = this.peek();
    if (!(open.kind === 'op' && open.text === '{')) this.unexpected(open);
    this.next();
    const items: SetItem[] = [];
    for (;;) {
      const lo = this.parseValue();
      if (this.is('..')) {
        this.next();
        const hi = this.parseValue();
        items.push({ k: 'range', lo, hi, start: lo.start, end: hi.end });
      } else items.push(lo);
      const t = this.peek();
      if (t.kind === 'op' && t.text === ',') {
        this.next();
        continue;
      }
      if (t.kind === 'op' && t.text === '}') {
        this.next();
        return { k: 'in', left, items, quant, start: quant ? start : left.start, end: t.end };
      }
      this.unexpected(t);
    }
  }

  // ------------------------------------------------------------------ values

  private parseValue(): Value {
    return this.parseBitAnd();
  }

  private binary(next: () => Value, ops: Record<string, ArithOp>): Value {
    let left = next();
    for (;;) {
      const t = this.peek();
      const op = (t.kind === 'op' || t.kind === 'word') ? ops[t.text] : undefined;
      if (!op) return left;
      this.next();
      const right = next();
      left = { k: 'arith', op, left, right, opStart: t.start, start: left.start, end: right.end };
    }
  }

  private parseBitAnd(): Value {
    return this.binary(() => this.parseAdd(), { '&': '&', bitwise_and: '&' });
  }
  private parseAdd(): Value {
    return this.binary(() => this.parseMul(), { '+': '+', '-': '-' });
  }
  private parseMul(): Value {
    return this.binary(() => this.parseUnary(), { '*': '*', '/': '/', '%': '%' });
  }

  private parseUnary(): Value {
    const t = this.peek();
    if (t.kind === 'op' && (t.text === '-' || t.text === '+')) {
      this.next();
      this.enter(t);
      const of = this.parseUnary();
      this.depth--;
      return t.text === '-' ? { k: 'neg', of, start: t.start, end: of.end } : of;
    }
    let v = this.parsePrimary();
    if (this.is('#')) {
      const h = this.next();
      const t = this.peek();
      let ranges: SliceRange[];
      if (t.kind === 'word' && /^\d+$/.test(t.text)) {
        this.next();
        ranges = [{ kind: 'one', from: Number(t.text) }];
      } else if (t.kind === 'slice') {
        this.next();
        ranges = this.sliceRanges(t);
      } else return this.unexpected(t);
      if (v.k !== 'word') throw new FilterError('The layer operator "#" applies to a field name.', h.start, t.end);
      v = { k: 'layer', of: v, ranges, start: v.start, end: t.end };
    }
    while (this.peek().kind === 'slice') {
      const s = this.next();
      v = { k: 'slice', of: v, ranges: this.sliceRanges(s), text: s.text, start: v.start, end: s.end };
    }
    return v;
  }

  private parsePrimary(): Value {
    const t = this.peek();
    switch (t.kind) {
      case 'word': {
        if (KEYWORDS.has(t.text)) this.unexpected(t);
        this.next();
        const open = this.peek();
        if (open.kind === 'op' && open.text === '(' && open.start === t.end) return this.parseCall(t);
        return { k: 'word', text: t.text, start: t.start, end: t.end };
      }
      case 'string':
        this.next();
        return { k: 'string', value: t.text, raw: t.raw!, start: t.start, end: t.end };
      case 'char':
        this.next();
        return { k: 'char', value: t.value!, raw: t.text, start: t.start, end: t.end };
      case 'ref':
        this.next();
        return { k: 'ref', name: t.text, start: t.start, end: t.end };
      case 'op':
        if (t.text === '{') {
          this.next();
          this.enter(t);
          const v = this.parseValue();
          this.depth--;
          const c = this.peek();
          if (!(c.kind === 'op' && c.text === '}')) this.unexpected(c);
          this.next();
          return v;
        }
        return this.unexpected(t);
      default:
        return this.unexpected(t);
    }
  }

  private parseCall(name: Token): Value {
    this.next(); // (
    const args: Value[] = [];
    if (!this.is(')')) {
      for (;;) {
        args.push(this.parseValue());
        if (this.is(',')) {
          this.next();
          continue;
        }
        break;
      }
    }
    const c = this.peek();
    if (!(c.kind === 'op' && c.text === ')')) this.unexpected(c);
    this.next();
    return { k: 'call', name: name.text, nameEnd: name.end, args, start: name.start, end: c.end };
  }

  /** `[1,3-5,9:]`: the ranges of a slice, as tshark's drange syntax writes them. */
  private sliceRanges(t: Token): SliceRange[] {
    const out: SliceRange[] = [];
    const int = /^\s*(-?\d+)\s*$/;
    const bad = (why: string): never => {
      throw new FilterError(`"${t.text}" is not a valid slice: ${why}.`, t.start, t.end);
    };
    if (!t.text.trim()) bad('it is empty');
    for (const part of t.text.split(',')) {
      let m: RegExpMatchArray | null;
      const p = part.trim();
      if ((m = /^(-?\d+)?\s*:\s*(-?\d+)?$/.exec(p))) {
        const from = m[1] === undefined ? 0 : Number(m[1]);
        if (m[2] === undefined) out.push({ kind: 'open', from });
        else {
          const len = Number(m[2]);
          if (len <= 0) bad('a length must be positive');
          out.push({ kind: 'len', from, len });
        }
      } else if ((m = /^(-?\d+)\s*-\s*(-?\d+)$/.exec(p))) out.push({ kind: 'to', from: Number(m[1]), to: Number(m[2]) });
      else if ((m = int.exec(p))) out.push({ kind: 'one', from: Number(m[1]) });
      else bad(`"${p}" is not a range (i:j, i-j, i, :j or i:)`);
    }
    return out;
  }
}

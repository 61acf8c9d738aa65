/**
 * Prints a parsed filter back as text that parses to the same tree: the C-like operators, one
 * space around each, parentheses and braces only where the precedence needs them.
 */
import type { Expr, SliceRange, Value } from './ast.js';

const LOGIC_RANK: Record<Expr['k'], number> = { or: 1, and: 2, not: 3, cmp: 4, in: 4, test: 4 };
const ARITH_RANK: Record<string, number> = { '&': 1, '+': 2, '-': 2, '*': 3, '/': 3, '%': 3 };

export function printExpr(e: Expr): string {
  switch (e.k) {
    case 'or':
    case 'and': {
      const r = LOGIC_RANK[e.k];
      const op = e.k === 'or' ? '||' : '&&';
      // Left-associative: a right operand of the same rank needs parentheses.
      return `${wrap(e.left, LOGIC_RANK[e.left.k] < r)} ${op} ${wrap(e.right, LOGIC_RANK[e.right.k] <= r)}`;
    }
    case 'not':
      return `!${wrap(e.of, LOGIC_RANK[e.of.k] < 3)}`;
    case 'cmp':
      return `${e.quant ? e.quant + ' ' : ''}${printValue(e.left)} ${e.op} ${printValue(e.right)}`;
    case 'in':
      return `${e.quant ? e.quant + ' ' : ''}${printValue(e.left)} in {${e.items.map((i) => (i.k === 'range' ? `${printValue(i.lo)}..${printValue(i.hi)}` : printValue(i))).join(', ')}}`;
    case 'test':
      return printValue(e.of);
  }
}

function wrap(e: Expr, paren: boolean): string {
  return paren ? `(${printExpr(e)})` : printExpr(e);
}

export function printValue(v: Value): string {
  switch (v.k) {
    case 'word':
      return v.text;
    case 'string':
      return v.raw;
    case 'char':
      return v.raw;
    case 'ref':
      return `\${${v.name}}`;
    case 'slice':
      return `${atom(v.of)}[${v.ranges.map(printRange).join(',')}]`;
    case 'call':
      return `${v.name}(${v.args.map(printValue).join(', ')})`;
    case 'neg':
      return `-${atom(v.of)}`;
    case 'layer':
      return v.ranges.length === 1 && v.ranges[0]!.kind === 'one' ? `${v.of.text}#${v.ranges[0]!.from}` : `${v.of.text}#[${v.ranges.map(printRange).join(',')}]`;
    case 'arith': {
      const r = ARITH_RANK[v.op]!;
      const l = v.left.k === 'arith' && ARITH_RANK[v.left.op]! < r ? `{${printValue(v.left)}}` : printValue(v.left);
      const rt = v.right.k === 'arith' && ARITH_RANK[v.right.op]! <= r ? `{${printValue(v.right)}}` : printValue(v.right);
      return `${l} ${v.op} ${rt}`;
    }
  }
}

/** A value as an operand of a slice or unary minus: anything compound goes in braces. */
function atom(v: Value): string {
  return v.k === 'arith' || v.k === 'neg' ? `{${printValue(v)}}` : printValue(v);
}

function printRange(r: SliceRange): string {
  switch (r.kind) {
    case 'len':
      return `${r.from}:${r.len}`;
    case 'to':
      return `${r.from}-${r.to}`;
    case 'one':
      return String(r.from);
    case 'open':
      return `${r.from}:`;
  }
}

/**
 * The parsed form of a display filter: logical nodes over tests, tests over value expressions.
 * Every node keeps its place in the source (`start`, `end`: end exclusive) for error messages.
 */

export type CmpOp = '==' | '!=' | '===' | '!==' | '<' | '>' | '<=' | '>=' | 'contains' | 'matches';
export type ArithOp = '+' | '-' | '*' | '/' | '%' | '&';

interface At {
  start: number;
  end: number;
}

/** A slice's ranges as written: `[i:j]` start and length, `[i-j]` start and end, `[i]`, `[:j]`, `[i:]`. */
export type SliceRange =
  | { kind: 'len'; from: number; len: number }
  | { kind: 'to'; from: number; to: number }
  | { kind: 'one'; from: number }
  | { kind: 'open'; from: number };

export type Value =
  /** An unquoted word: a field or protocol name when it is one, else a literal typed by the other side. */
  | (At & { k: 'word'; text: string })
  | (At & { k: 'string'; value: string; raw: string })
  | (At & { k: 'char'; value: number; raw: string })
  | (At & { k: 'ref'; name: string })
  | (At & { k: 'slice'; of: Value; ranges: SliceRange[]; text: string })
  | (At & { k: 'call'; name: string; nameEnd: number; args: Value[] })
  | (At & { k: 'arith'; op: ArithOp; left: Value; right: Value; opStart: number })
  | (At & { k: 'neg'; of: Value })
  /** `ip.addr#2`, `tcp.port#[2-4]`: the field's values in those layers of its protocol. */
  | (At & { k: 'layer'; of: Extract<Value, { k: 'word' }>; ranges: SliceRange[] });

export type SetItem = Value | (At & { k: 'range'; lo: Value; hi: Value });

export type Expr =
  | (At & { k: 'or' | 'and'; left: Expr; right: Expr })
  | (At & { k: 'not'; of: Expr })
  | (At & { k: 'cmp'; op: CmpOp; opText: string; opStart: number; opEnd: number; quant?: 'any' | 'all'; left: Value; right: Value })
  | (At & { k: 'in'; left: Value; items: SetItem[]; quant?: 'any' | 'all' })
  | (At & { k: 'test'; of: Value });

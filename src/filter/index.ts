/**
 * Display filters: tshark 4.0's language (wireshark-filter(4)) compiled once into a predicate over
 * a dissected packet. `compile` is the entry point for every command and the terminal UI's filter
 * bar (an error has a place to underline); `complete` feeds its completion.
 *
 * lexer -> parser (AST with places) -> check (names, types, literals) -> compile (closures).
 */
import type { Packet } from '../dissectors/packet.js';
import { check } from './check.js';
import { compileExpr, type CompileContext } from './compile.js';
import { FilterError, formatFilterError } from './errors.js';
import { parse } from './parser.js';

export { complete, type Completion } from './complete.js';
export { hostsResolver, resolvesHosts, type HostResolver } from './hosts.js';
export { parse } from './parser.js';
export { printExpr } from './print.js';
export { FilterError, formatFilterError };
export type { CompileContext };

/** A compiled filter: true when the packet matches. */
export type DisplayFilter = (pkt: Packet) => boolean;

export interface FilterErrorInfo {
  message: string;
  /** The place the message is about: start and end (exclusive) offsets in the expression. */
  start: number;
  end: number;
  /** A suggestion (`did you mean tcp.port?`), when there is one. */
  hint?: string;
}

export type CompileResult =
  | {
      ok: true;
      filter: DisplayFilter;
      /** Ids of the registered fields the filter reads: the tree must keep them (Packet.selectFields). */
      fields: number[];
      /** Their names. */
      fieldNames: string[];
    }
  | { ok: false; error: FilterErrorInfo };

export function compile(expr: string, ctx: CompileContext = {}): CompileResult {
  try {
    const checked = check(parse(expr), { resolveHost: ctx.resolveHost });
    const filter = compileExpr(checked.root, ctx);
    return { ok: true, filter, fields: checked.fields.map((f) => f.id), fieldNames: checked.fields.map((f) => f.abbrev) };
  } catch (e) {
    if (e instanceof FilterError) return { ok: false, error: { message: e.message, start: e.start, end: e.end, hint: e.hint } };
    if (e instanceof RangeError && /call stack/i.test(e.message)) return { ok: false, error: { message: 'The expression is nested too deeply.', start: 0, end: expr.length } };
    throw e;
  }
}

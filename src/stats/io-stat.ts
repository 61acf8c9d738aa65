/**
 * tshark's `-z io,stat,INTERVAL,COLUMN,...` columns (ui/cli/tap-iostat.c): per interval of the
 * capture, for each column, FRAMES, BYTES, both (a plain filter or an empty column),
 * COUNT(field), SUM(field), MIN(field), MAX(field) or AVG(field), each over the frames that match
 * the column's display filter (the text after the closing parenthesis; none: every frame).
 *
 * Wireshark's arithmetic is kept, so the numbers are tshark's: relative times in nanoseconds,
 * AVG an integer division for integer fields, MIN taken from the first value of an interval's
 * first matching frame onwards (a frame without the field leaves it at 0), a frame stamped before
 * the first one counted at the time of the frame before it.
 *
 * A consumer: `add(pkt)` per dissected packet (its tree keeping `fields`), `result()` the typed
 * rows. It reads no file and formats nothing (the text is in src/cli/io-columns-stats.ts).
 */
import { fieldByName, FT, isInteger, type FieldDef } from '../dissectors/fields.js';
import type { Packet } from '../dissectors/packet.js';
import { compile, formatFilterError, type DisplayFilter } from '../filter/index.js';
import { IO_LIMITS } from './io.js';

export type CalcType = 'FRAMES' | 'BYTES' | 'FRAMES BYTES' | 'COUNT' | 'SUM' | 'MIN' | 'MAX' | 'AVG';

/** How a field's values add up: tshark's integer, floating-point and relative-time paths. */
export type ValueKind = 'int' | 'float' | 'time' | 'none';

export interface IoColumn {
  /** The column as given (`COUNT(tcp.analysis.retransmission)tcp.analysis.retransmission`); null for an empty one. */
  spec: string | null;
  calc: CalcType;
  field: FieldDef | null;
  kind: ValueKind;
  /** The display filter's text ('' for none). */
  filterText: string;
  filter: DisplayFilter | null;
}

/** A bad column: the message says what tshark would refuse and why. */
export class IoColumnError extends Error {}

const FUNCS: CalcType[] = ['FRAMES', 'BYTES', 'COUNT', 'SUM', 'MIN', 'MAX', 'AVG'];

function kindOf(f: FieldDef): ValueKind {
  if (isInteger(f.type)) return 'int';
  if (f.type === FT.DOUBLE) return 'float';
  if (f.type === FT.RELATIVE_TIME) return 'time';
  return 'none';
}

/** Parses one column as tshark does (a function name, its field in parentheses, then a filter). */
export function parseColumn(spec: string | null): IoColumn {
  if (spec === null || spec === '') return { spec: null, calc: 'FRAMES BYTES', field: null, kind: 'none', filterText: '', filter: null };
  let calc: CalcType = 'FRAMES BYTES';
  let field: FieldDef | null = null;
  let filterText = spec;
  for (const name of FUNCS) {
    if (!spec.startsWith(name)) continue;
    calc = name;
    if (spec[name.length] !== '(') {
      if (name === 'FRAMES' || name === 'BYTES') filterText = '';
      else throw new IoColumnError(`io column "${spec}": ${name} takes a field in parentheses, e.g. ${name}(tcp.len)`);
      break;
    }
    const close = spec.indexOf(')', name.length + 1);
    if (close < 0) throw new IoColumnError(`io column "${spec}": the closing parenthesis is missing`);
    const inner = spec.slice(name.length + 1, close);
    filterText = spec.slice(close + 1);
    if (name === 'FRAMES' || name === 'BYTES') {
      if (inner) throw new IoColumnError(`io column "${spec}": ${name} takes no field within the parentheses`);
      break;
    }
    if (!inner) throw new IoColumnError(`io column "${spec}": no field given for ${name}()`);
    field = fieldByName(inner) ?? null;
    if (!field) throw new IoColumnError(`io column "${spec}": there is no field named "${inner}"`);
    const kind = kindOf(field);
    if (name !== 'COUNT' && kind === 'none') throw new IoColumnError(`io column "${spec}": ${inner} does not have integral values, so ${name}() cannot be calculated on it`);
    break;
  }
  let filter: DisplayFilter | null = null;
  if (filterText) {
    const r = compile(filterText);
    if (!r.ok) throw new IoColumnError(`io column "${spec}": ${formatFilterError(filterText, r.error)}`);
    filter = r.filter;
  }
  return { spec, calc, field, kind: field ? kindOf(field) : 'none', filterText, filter };
}

/** Splits the command line's columns at commas, as tshark splits its `-z` argument. */
export function splitColumns(args: readonly string[]): (string | null)[] {
  return args.flatMap((a) => a.split(',')).map((s) => (s === '' ? null : s));
}

function compiledFields(expr: string): number[] {
  const r = compile(expr);
  return r.ok ? r.fields : [];
}

/** One column's cell in one interval. */
export interface IoCell {
  /** Frames of the interval that matched the column's filter. */
  frames: number;
  /** BYTES / FRAMES BYTES: frame bytes; COUNT: occurrences; SUM/MIN/MAX: the value; AVG: the sum (see `num`). */
  counter: number;
  /** AVG: values added. */
  num: number;
}

export interface IoStatRow {
  /** Interval index (its start is index × interval). */
  index: number;
  cells: IoCell[];
}

interface Item extends IoCell {
  /** The interval's start (µs). */
  start: number;
}

export class IoStatTable {
  readonly columns: IoColumn[];
  /** Interval length in microseconds. */
  readonly intervalUs: number;
  /** Per column, the intervals from the first to the last that a matching frame reached. */
  private items: Item[][];
  private lastRel = 0;
  /** Largest relative time seen (µs, rounded as tshark): the capture's duration. */
  durationUs = 0;
  private firstSec = 0;
  private firstNsec = 0;
  private haveFirst = false;
  /**
   * Per column, the largest running value (tshark's max_vals, which sizes the column: MIN's running
   * value may pass through larger values than any interval ends with): counters, AVG's quotient,
   * times in nanoseconds (AVG of times: in whole seconds, rounded).
   */
  readonly maxVals: number[];
  /** Per column, the most matching frames in one interval. */
  readonly maxFrames: number[];
  /** Frames (and their bytes) later than IO_LIMITS.maxIntervals intervals: in no row. */
  beyondFrames = 0;
  beyondBytes = 0;

  constructor(columns: IoColumn[], intervalUs: number) {
    this.columns = columns;
    this.intervalUs = intervalUs;
    this.items = columns.map(() => [{ start: 0, frames: 0, counter: 0, num: 0 }]);
    this.maxVals = columns.map(() => 0);
    this.maxFrames = columns.map(() => 0);
    const referenced = new Set<number>();
    for (const c of columns) if (c.filterText) for (const id of compiledFields(c.filterText)) referenced.add(id);
    this.blind = columns.map((c) => c.field !== null && !referenced.has(c.field.id));
  }

  /**
   * Per column: its field is read by no column's filter, so tshark finds no value of it (a tap sees
   * only the fields its filters prime: `COUNT(tcp.len)` counts nothing, `COUNT(tcp.len)tcp.len` counts).
   */
  private readonly blind: boolean[];

  /** The field ids the tree must keep: the columns' fields and what their filters read. */
  static fieldsOf(columns: readonly IoColumn[]): number[] {
    const ids = new Set<number>();
    for (const c of columns) {
      if (c.field) ids.add(c.field.id);
      if (c.filterText) for (const id of compiledFields(c.filterText)) ids.add(id);
    }
    return [...ids];
  }

  add(pkt: Packet): void {
    const f = pkt.frame;
    if (!this.haveFirst) {
      this.haveFirst = true;
      this.firstSec = f.tsSec;
      this.firstNsec = f.tsNsec;
    }
    let ds = f.tsSec - this.firstSec;
    let dn = f.tsNsec - this.firstNsec;
    if (dn < 0 && ds > 0) {
      ds--;
      dn += 1e9;
    }
    let rel: number;
    if (ds >= 0 && dn >= 0) {
      rel = ds * 1e6 + Math.floor((dn + 500) / 1000);
      this.lastRel = rel;
    } else rel = this.lastRel;
    if (rel > this.durationUs) this.durationUs = rel;
    // At most IO_LIMITS.maxIntervals rows, as stats io: a capture that spans years in 1 s
    // intervals (many-protocols.pcap: 142,449,834 s) ran out of memory making them all.
    if (Math.floor(rel / this.intervalUs) >= IO_LIMITS.maxIntervals) {
      this.beyondFrames++;
      this.beyondBytes += f.origLen;
      return;
    }
    for (let c = 0; c < this.columns.length; c++) {
      const col = this.columns[c]!;
      if (col.filter && !col.filter(pkt)) continue;
      const list = this.items[c]!;
      let it = list[list.length - 1]!;
      while (rel >= it.start + this.intervalUs) {
        it = { start: it.start + this.intervalUs, frames: 0, counter: 0, num: 0 };
        list.push(it);
      }
      it.frames++;
      this.count(col, it, pkt);
      if (it.frames > this.maxFrames[c]!) this.maxFrames[c] = it.frames;
      let v = it.counter;
      if (col.calc === 'AVG') {
        if (!it.num) continue;
        v = col.kind === 'time' ? Math.floor((Math.floor(it.counter / it.num) + 5e8) / 1e9) : Math.floor(it.counter / it.num);
      } else if (col.kind === 'float' && col.calc !== 'COUNT') v = Math.floor(it.counter + 0.5);
      if (v > this.maxVals[c]!) this.maxVals[c] = v;
    }
  }

  private count(col: IoColumn, it: Item, pkt: Packet): void {
    if (col.calc === 'FRAMES' || col.calc === 'BYTES' || col.calc === 'FRAMES BYTES') {
      it.counter += pkt.frame.origLen;
      return;
    }
    if (this.blind[this.columns.indexOf(col)]) return;
    const id = col.field!.id;
    let k = 0;
    for (let i = 0; i < pkt.n; i++) {
      if (pkt.fid[i] !== id) continue;
      if (col.calc === 'COUNT') {
        it.counter++;
        continue;
      }
      const raw = pkt.num[i]!;
      const v = col.kind === 'time' ? Math.round(raw * 1e9) : raw;
      switch (col.calc) {
        case 'SUM':
          it.counter += v;
          break;
        case 'MIN':
          if ((it.frames === 1 && k === 0) || v < it.counter) it.counter = v;
          break;
        case 'MAX':
          if (v > it.counter) it.counter = v;
          break;
        case 'AVG':
          it.num++;
          it.counter += v;
          break;
      }
      k++;
    }
  }

  /** One row per interval up to the one holding the latest frame (empty intervals as zeros). */
  result(): IoStatRow[] {
    const n = Math.max(...this.items.map((l) => l.length));
    const rows: IoStatRow[] = [];
    for (let i = 0; i < n; i++) rows.push({ index: i, cells: this.items.map((l) => (l[i] ? { frames: l[i]!.frames, counter: l[i]!.counter, num: l[i]!.num } : { frames: 0, counter: 0, num: 0 })) });
    return rows;
  }
}

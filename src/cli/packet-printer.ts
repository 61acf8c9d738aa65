/**
 * The per-packet output options shared by `read` and `capture` (`-V`, `-x`, `-T text|fields|json`,
 * `-e`, `-E`, `-t`, `-o`) and the printer that applies them to each dissected packet. The
 * formatting itself lives in output.ts; this module only declares the options and wires them.
 */
import { Command, Option, type OptionValues } from '@commander-js/extra-typings';
import type { Frame, InterfaceInfo } from '../capture/frame.js';
import { fieldByName } from '../dissectors/fields.js';
import type { Packet } from '../dissectors/packet.js';
import { MARK, type PatchLog } from '../dissectors/patch.js';
import { newSession } from '../dissectors/session.js';
import { setCommandSessionOptions } from '../pipeline/session-options.js';
import { collect, UsageError } from './errors.js';
import { COLOR_RESET, colorFieldIds, colorLine, colorRuleFor, colorWanted } from '../render/color.js';
import { classifyFieldName, unknownFieldMessage } from '../dissectors/field-names.js';
import {
  COLUMN_FIELDS,
  directFields,
  ekLines,
  fieldsLine,
  hexDump,
  jsonFieldsLine,
  jsonLine,
  jsonRawLine,
  pdmlHeader,
  pdmlPacket,
  PDML_FOOTER,
  psmlHeader,
  psmlPacket,
  PSML_FOOTER,
  updateLine,
  newTimeContext,
  OutBuffer,
  timePassed,
  summaryLine,
  treeText,
  writeFieldsLine,
  writeSummaryLine,
  type FieldsOptions,
  type TimeFormat,
} from '../render/output.js';

export const TIME_FORMATS: TimeFormat[] = ['r', 'a', 'ad', 'd', 'dd', 'e', 'u', 'ud'];
export const OUTPUT_FORMATS = ['text', 'fields', 'json', 'ek', 'psml', 'pdml'] as const;

/** Formats that print `-e` fields, and formats that can carry `-x`'s bytes (tshark 4.0's rules). */
const TAKES_FIELDS = new Set(['fields', 'json', 'ek', 'pdml']);
const TAKES_HEX = new Set(['text', 'json', 'ek']);

/** Adds the output options to a command (typed: the options appear in its action's `o`). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function addPrintOptions<A extends any[], O extends OptionValues, G extends OptionValues>(cmd: Command<A, O, G>) {
  return cmd
    .option('-V', 'print the full detail tree of each packet')
    .option('-x', 'print a hex and ASCII dump of each packet (alone: without the summary line, as tshark); with -T json or ek, add *_raw fields')
    .addOption(new Option('-T <format>', 'output format: text, fields, json (JSON lines), ek (Elasticsearch bulk), psml, pdml').choices(OUTPUT_FORMATS).default('text'))
    .option('-e <field>', 'field to print with -T fields, json, ek or pdml (repeatable)', collect, [] as string[])
    .option('-E <opt>', 'fields option: header=y|n, separator=/t|/s|C, occurrence=f|l|a, aggregator=C, quote=d|s|n, bom=y|n', collect, [] as string[])
    .addOption(new Option('-t <format>', 'time column format: r relative to the first packet, a absolute, ad absolute with date, d delta, dd delta displayed, e epoch, u UTC, ud UTC with date').choices(TIME_FORMATS).default('r'))
    .option('-o <pref>', 'set a preference name:value, e.g. ip.check_checksum:FALSE (repeatable)', collect, [] as string[])
    .option('-l', 'flush standard output after each packet')
    .option('--color', 'colour packets as Wireshark\'s default colouring rules (the default on a terminal, unless NO_COLOR is set)')
    .option('--no-color', 'do not colour packets');
}

/** The parsed values of those options (plus `-q`, which each command declares itself). */
export interface PrintFlags {
  V?: boolean;
  x?: boolean;
  q?: boolean;
  /** Print the summary line also with -V/-x, or when writing a file (tshark's -P). */
  P?: boolean;
  l?: boolean;
  color?: boolean;
  T: string;
  e: string[];
  E: string[];
  t: string;
  o: string[];
}

export interface PacketPrinter {
  /** Whether anything is printed per packet (false for `-q` without `-V`/`-x`). */
  readonly printing: boolean;
  /** Whether the output needs the column texts (Info, addresses). */
  readonly columns: boolean;
  /** The fields the output reads from the tree: null for all (-V, JSON), ids for -e, [] for none. */
  readonly fields: readonly number[] | null;
  /**
   * Each packet's text depends only on its own dissection and the time column, and nothing is
   * written before or after the packets: a parallel read may print shards of the frames in other
   * threads (the summary line alone, or `-T fields` without a header or BOM, of no field numbered
   * across the whole capture such as tcp.stream; no colour, no -l).
   */
  readonly orderFree: boolean;
  /**
   * The output is the one-line summary only (no colour, no -l): a two-pass read of a file may run as
   * one patched pass instead (../dissectors/patch.ts), its output spooled.
   */
  readonly patchable: boolean;
  /** Prints one dissected packet (buffered). */
  print(pkt: Packet, frame: Frame): void;
  /** A frame the display filter hides: the time column still counts it (`-t r` and `-t d`, as tshark). */
  skip(frame: Frame): void;
  /** A frame another thread of a parallel read prints: the time column moves past it as if printed here. */
  passOver(tsSec: number, tsNsec: number, hasTime: boolean, interfaceId: number): void;
  /** Writes out what is buffered. */
  flush(): void;
  /** Writes what closes the output (the XML formats' end tag) and flushes. */
  finish(): void;
  /**
   * For a single-pass read (live capture, stdin): prints that a later frame revised an earlier,
   * already printed one (JSON lines only; other formats, like tshark's, do not revise). Undefined
   * when the output cannot revise.
   */
  readonly revise: ((frame: number, key: string, value: number) => void) | undefined;
}

/** Where the printer writes, and what it knows of it. */
export interface PrinterContext {
  out?: OutBuffer;
  /** Whether standard output is a terminal (colours by default). */
  isTTY?: boolean;
  /** The capture file's name (PDML's capture_file). */
  file?: string;
  /** Warnings (a -e field of a protocol wirelite does not dissect): one line each. */
  warn?: (line: string) => void;
}

/** The `creator` of PSML and PDML output. */
const CREATOR = 'wirelite/0.1.0';

/**
 * Takes `-o` preferences into the command's session options (src/pipeline/session-options.ts) and checks the output options as tshark 4.0 does (`-e` only with
 * fields, json, ek or pdml; `-x` only with text, json or ek; every field known): call before
 * dissecting anything (throws UsageError on a bad value or combination).
 */
export function createPacketPrinter(flags: PrintFlags, tsDigits: (frame: Pick<Frame, 'interfaceId'>) => number, ctx: PrinterContext | OutBuffer = {}): PacketPrinter {
  const c: PrinterContext = ctx instanceof OutBuffer ? { out: ctx } : ctx;
  const out = c.out ?? new OutBuffer(1);
  const warn = c.warn ?? ((line: string) => process.stderr.write(`wirelite: warning: ${line}\n`));
  if (flags.o.length) {
    // The preferences are the command's session options: checked here, applied by each session made.
    try {
      newSession({ prefs: flags.o });
    } catch (e) {
      throw new UsageError((e as Error).message);
    }
    setCommandSessionOptions({ prefs: flags.o });
  }
  const mode = flags.T;
  // Read per packet: booleans of the closure (flags is the command's options object, and -T's text
  // may be a string from argv, compared again for each packet in a switch).
  const textMode = mode === 'text';
  const tree = !!flags.V;
  const hex = !!flags.x;
  const flushEach = !!flags.l;
  if (flags.e.length && !TAKES_FIELDS.has(mode)) {
    throw new UsageError(`-e FIELD needs -T fields, json, ek or pdml (${mode === 'psml' ? '-T psml prints only the summary columns' : 'as tshark 4.0'})`);
  }
  if (flags.x && !TAKES_HEX.has(mode)) {
    throw new UsageError(`-x (hex dump) can be printed only with -T text, json or ek, not with -T ${mode} (as tshark 4.0)`);
  }
  const format = flags.t as TimeFormat;
  const fieldsOpts = mode === 'fields' ? parseFieldsOptions(flags.e, flags.E) : undefined;
  const names = fieldsOpts?.fields ?? (flags.e.length ? checkFieldNames(flags.e) : undefined);
  const ids = names?.map((n) => fieldByName(n)?.id ?? n) ?? [];
  // -T fields of numbers and IPv4 addresses: each line written as bytes, without strings.
  const direct = fieldsOpts && directFields(fieldsOpts, ids);
  for (const n of names ?? []) {
    const v = classifyFieldName(n, COLUMN_FIELDS);
    if (v.kind === 'undissected') warn(`-e ${n}: ${v.protocol} is not dissected by wirelite; its column stays empty`);
  }
  // As tshark: the summary line unless -V or -x (or -q) replaces it, and always with -P.
  const summary = mode === 'text' && (flags.P || (!flags.V && !flags.x && !flags.q));
  const printing = !flags.q || !!flags.V || !!flags.x || !!flags.P;
  const colored = mode === 'text' && colorWanted(flags.color, c.isTTY ?? process.stdout.isTTY === true);
  let time = newTimeContext(format, 6);
  let timeReady = false;
  let headerDone = !fieldsOpts?.header;
  let started = false;

  // Build only what the output reads, as tshark does: the one-line summary needs the columns
  // and no tree; -e needs its fields (and colouring the few its rules read); -V, JSON, EK and
  // PDML need everything.
  const wanted = ids.filter((x): x is number => typeof x === 'number');
  const fields: readonly number[] | null =
    (mode === 'json' || mode === 'ek' || mode === 'pdml') && !names ? null
      : flags.V && mode === 'text' ? null
        : names ? wanted
          : colored ? colorFieldIds() : [];
  const columns = printing && (mode === 'text' || mode === 'psml' || ids.some((x) => typeof x === 'string' && x.startsWith('_ws.col.')));
  const start = () => {
    if (started) return;
    started = true;
    if (fieldsOpts?.bom) out.write('\ufeff');
    if (mode === 'psml') out.write(psmlHeader(CREATOR));
    else if (mode === 'pdml') out.write(pdmlHeader(CREATOR, c.file ?? '', new Date()));
  };
  const orderFree = printing && !colored && !flags.l && (mode === 'text' ? summary && !flags.V && !flags.x
    : mode === 'fields' && !fieldsOpts!.header && !fieldsOpts!.bom && !fieldsOpts!.fields.includes('tcp.stream'));
  return {
    printing,
    columns,
    orderFree,
    patchable: printing && !colored && !flags.l && mode === 'text' && summary && !flags.V && !flags.x,
    revise: mode === 'json' && printing && !names ? (frame, key, value) => {
      const line = updateLine(frame, key, value);
      if (line) out.write(line + '\n');
    } : undefined,
    fields,
    flush: () => out.flush(),
    finish() {
      if (printing) {
        start();
        if (mode === 'psml') out.write(PSML_FOOTER);
        else if (mode === 'pdml') out.write(PDML_FOOTER);
        else if (colored && summary) out.write(COLOR_RESET);
      }
      out.flush();
    },
    skip(frame: Frame): void {
      if (!printing || !frame.hasTime || format === 'dd') return;
      if (!timeReady) {
        time = newTimeContext(format, tsDigits(frame));
        timeReady = true;
      }
      if (!time.started) {
        time.firstSec = time.prevSec = frame.tsSec;
        time.firstNsec = time.prevNsec = frame.tsNsec;
        time.started = true;
      } else if (format === 'd') {
        time.prevSec = frame.tsSec;
        time.prevNsec = frame.tsNsec;
      }
    },
    passOver(tsSec: number, tsNsec: number, hasTime: boolean, interfaceId: number): void {
      if (!printing || !hasTime) return;
      if (!timeReady) {
        time = newTimeContext(format, tsDigits({ interfaceId }));
        timeReady = true;
      }
      timePassed(time, tsSec, tsNsec);
    },
    print(pkt: Packet, frame: Frame): void {
      if (!printing) return;
      start();
      if (!timeReady) {
        time = newTimeContext(format, tsDigits(frame));
        timeReady = true;
      }
      if (textMode) printText(pkt);
      else printOther(pkt);
      if (flushEach) out.flush();
    },
  };

  function printOther(pkt: Packet): void {
    switch (mode) {
      case 'fields':
        if (!headerDone) {
          out.write(fieldsOpts!.fields.join(fieldsOpts!.separator) + '\n');
          headerDone = true;
        }
        if (direct) writeFieldsLine(out, pkt, direct);
        else out.write(fieldsLine(pkt, fieldsOpts!, ids, time) + '\n');
        return;
      case 'json':
        out.write((names ? jsonFieldsLine(pkt, names, ids, time) : hex ? jsonRawLine(pkt) : jsonLine(pkt)) + '\n');
        return;
      case 'ek':
        out.write(ekLines(pkt, { ...(names ? { names, ids } : {}), raw: hex, time }) + '\n');
        return;
      case 'psml':
        out.write(psmlPacket(pkt, time));
        return;
      case 'pdml':
        out.write(pdmlPacket(pkt, { ...(names ? { names, ids } : {}), time }));
        return;
    }
  }

  function printText(pkt: Packet): void {
    // Text, as tshark 4.0 lays it out: the summary line; the tree; a blank line and the hex dump
    // (the blank only when something came before it); a blank line after each packet that has a
    // tree or a dump.
    if (summary) {
      // A line with holes (a patched read) is cut at its marks; every other is written as bytes.
      if (pkt.session.patch?.packetMarked) writeHoled(summaryLine(pkt, time), pkt.session.patch);
      else if (colored) out.write(colorLine(summaryLine(pkt, time), colorRuleFor(pkt)));
      else writeSummaryLine(out, pkt, time);
    }
    if (tree) out.write(treeText(pkt, !hex));
    if (hex) out.write((tree || summary ? '\n' : '') + hexDump(pkt));
    if (tree || hex) out.write('\n');
  }

  /**
   * A line of a patched read (../dissectors/patch.ts): its text cut at each hole's MARK, the holes
   * marked in the output between the pieces. A MARK that is not a hole's (or a hole without its
   * MARK) sends the read back to two passes.
   */
  function writeHoled(line: string, patch: PatchLog): void {
    const holes = patch.packetHoles();
    const marker = out as OutBuffer & { mark?: (id: number) => void };
    const pieces = line.split(MARK);
    if (pieces.length !== holes.length + 1 || !marker.mark || colored) patch.fail('a line\'s holes are not where its marks are');
    for (let i = 0; i < pieces.length; i++) {
      out.write(pieces[i]!);
      if (i < holes.length) marker.mark?.(holes[i]!);
    }
    out.write('\n');
  }
}

/** Decimal places of the time column for a frame of interface `id` (6 for µs, 9 for ns captures). */
export function tsDigitsOf(interfaces: readonly (InterfaceInfo | undefined)[], id: number): number {
  const r = interfaces[id]?.tsResol ?? 6;
  const d = r & 0x80 ? Math.ceil((r & 0x7f) * Math.log10(2)) : r;
  return Math.max(0, Math.min(9, d));
}

/** Checks `-e` names (any format): unknown ones are a usage error with the nearest known field. */
function checkFieldNames(names: string[]): string[] {
  for (const n of names) {
    const v = classifyFieldName(n, COLUMN_FIELDS);
    if (v.kind === 'unknown') throw new UsageError(unknownFieldMessage(n, v.suggestion));
  }
  return names;
}

export function parseFieldsOptions(fields: string[], eopts: string[]): FieldsOptions {
  if (!fields.length) throw new UsageError('-T fields needs at least one -e FIELD');
  checkFieldNames(fields);
  const o: FieldsOptions = { fields, header: false, separator: '\t', occurrence: 'a', aggregator: ',', quote: 'n', bom: false };
  for (const e of eopts) {
    const i = e.indexOf('=');
    if (i < 0) throw new UsageError(`bad -E option "${e}": expected name=value`);
    const k = e.slice(0, i);
    const v = e.slice(i + 1);
    switch (k) {
      case 'header':
        if (v !== 'y' && v !== 'n') throw new UsageError(`-E header takes y or n, not "${v}"`);
        o.header = v === 'y';
        break;
      case 'separator':
        o.separator = v === '/t' ? '\t' : v === '/s' ? ' ' : v;
        break;
      case 'occurrence':
        if (v !== 'f' && v !== 'l' && v !== 'a') throw new UsageError(`-E occurrence takes f, l or a, not "${v}"`);
        o.occurrence = v;
        break;
      case 'aggregator':
        o.aggregator = v === '/s' ? ' ' : v === '/t' ? '\t' : v;
        break;
      case 'quote':
        if (v !== 'd' && v !== 's' && v !== 'n') throw new UsageError(`-E quote takes d, s or n, not "${v}"`);
        o.quote = v;
        break;
      case 'bom':
        if (v !== 'y' && v !== 'n') throw new UsageError(`-E bom takes y or n, not "${v}"`);
        o.bom = v === 'y';
        break;
      default:
        throw new UsageError(`unknown -E option "${k}" (header, separator, occurrence, aggregator, quote, bom)`);
    }
  }
  return o;
}

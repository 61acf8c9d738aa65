/**
 * The per-packet output options shared by `read` and `capture` (`-V`, `-x`, `-T text|fields|json`,
 * `-e`, `-E`, `-t`, `-o`) and the printer that applies them to each dissected packet. The
 * formatting itself lives in output.ts; this module only declares the options and wires them.
 */
import { Command, Option, type OptionValues } from '@commander-js/extra-typings';
import type { Frame } from '../capture/frame.js';
import { fieldByName } from '../dissectors/fields.js';
import type { Packet } from '../dissectors/packet.js';
import { setPref } from '../dissectors/prefs.js';
import { collect, UsageError } from './errors.js';
import {
  fieldsLine,
  hexDump,
  jsonLine,
  updateLine,
  newTimeContext,
  OutBuffer,
  summaryLine,
  treeText,
  validateFields,
  type FieldsOptions,
  type TimeFormat,
} from './output.js';

export const TIME_FORMATS: TimeFormat[] = ['r', 'a', 'ad', 'd', 'dd', 'e', 'u', 'ud'];

/** Adds the output options to a command (typed: the options appear in its action's `o`). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function addPrintOptions<A extends any[], O extends OptionValues, G extends OptionValues>(cmd: Command<A, O, G>) {
  return cmd
    .option('-V', 'print the full detail tree of each packet')
    .option('-x', 'print a hex and ASCII dump of each packet')
    .addOption(new Option('-T <format>', 'output format').choices(['text', 'fields', 'json']).default('text'))
    .option('-e <field>', 'field to print with -T fields (repeatable)', collect, [] as string[])
    .option('-E <opt>', 'fields option: header=y|n, separator=/t|/s|C, occurrence=f|l|a, aggregator=C, quote=d|s|n', collect, [] as string[])
    .addOption(new Option('-t <format>', 'time column format: r (relative), a, ad, d, dd, e, u, ud').choices(TIME_FORMATS).default('r'))
    .option('-o <pref>', 'set a preference name:value, e.g. ip.check_checksum:FALSE (repeatable)', collect, [] as string[]);
}

/** The parsed values of those options (plus `-q`, which each command declares itself). */
export interface PrintFlags {
  V?: boolean;
  x?: boolean;
  q?: boolean;
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
  /** Prints one dissected packet (buffered). */
  print(pkt: Packet, frame: Frame): void;
  /** Writes out what is buffered. */
  flush(): void;
  /**
   * For a single-pass read (live capture, stdin): prints that a later frame revised an earlier,
   * already printed one (JSON lines only; other formats, like tshark's, do not revise). Undefined
   * when the output cannot revise.
   */
  readonly revise: ((frame: number, key: string, value: number) => void) | undefined;
}

/**
 * Applies `-o` preferences and checks the `-T fields` options: call before dissecting anything
 * (throws UsageError on a bad value).
 */
export function createPacketPrinter(flags: PrintFlags, tsDigits: (frame: Frame) => number, out = new OutBuffer(1)): PacketPrinter {
  for (const p of flags.o) {
    try {
      setPref(p);
    } catch (e) {
      throw new UsageError((e as Error).message);
    }
  }
  const mode = flags.T;
  const format = flags.t as TimeFormat;
  const fieldsOpts = mode === 'fields' ? parseFieldsOptions(flags.e, flags.E) : undefined;
  const ids = fieldsOpts?.fields.map((n) => fieldByName(n)?.id ?? n) ?? [];
  const printing = !flags.q || !!flags.V || !!flags.x;
  let time = newTimeContext(format, 6);
  let timeReady = false;
  let headerDone = !fieldsOpts?.header;
  let firstPacket = true;

  // Build only what the output reads, as tshark does: the one-line summary needs the columns
  // and no tree; -T fields needs its fields; -V and JSON need everything.
  const fields: readonly number[] | null =
    mode === 'json' || flags.V ? null : fieldsOpts ? ids.filter((x): x is number => typeof x === 'number') : [];
  const columns = printing && (!fieldsOpts || ids.some((x) => typeof x === 'string' && x.startsWith('_ws.col.')));
  return {
    printing,
    columns,
    revise: mode === 'json' && printing ? (frame, key, value) => {
      const line = updateLine(frame, key, value);
      if (line) out.write(line + '\n');
    } : undefined,
    fields,
    flush: () => out.flush(),
    print(pkt: Packet, frame: Frame): void {
      if (!printing) return;
      if (!timeReady) {
        time = newTimeContext(format, tsDigits(frame));
        timeReady = true;
      }
      if (fieldsOpts) {
        if (!headerDone) {
          out.write(fieldsOpts.fields.join(fieldsOpts.separator) + '\n');
          headerDone = true;
        }
        out.write(fieldsLine(pkt, fieldsOpts, ids, time) + '\n');
        return;
      }
      if (mode === 'json') {
        out.write(jsonLine(pkt) + '\n');
        return;
      }
      if (flags.V || flags.x) {
        if (!firstPacket) out.write('\n');
        firstPacket = false;
      }
      if (flags.V) out.write(treeText(pkt));
      else if (!flags.q) out.write(summaryLine(pkt, time) + '\n');
      if (flags.x) out.write((flags.V ? '\n' : '') + hexDump(pkt));
    },
  };
}

export function parseFieldsOptions(fields: string[], eopts: string[]): FieldsOptions {
  if (!fields.length) throw new UsageError('-T fields needs at least one -e FIELD');
  const bad = validateFields(fields);
  if (bad) throw new UsageError(`unknown field "${bad}" (field names follow Wireshark's: ip.src, tcp.srcport, ...)`);
  const o: FieldsOptions = { fields, header: false, separator: '\t', occurrence: 'a', aggregator: ',', quote: 'n' };
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
      default:
        throw new UsageError(`unknown -E option "${k}" (header, separator, occurrence, aggregator, quote)`);
    }
  }
  return o;
}

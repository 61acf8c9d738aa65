/**
 * `wirelite read FILE`: tshark's `-r` in the shape tshark users know.
 */
import { Command, Option } from '@commander-js/extra-typings';
import type { Frame, InterfaceInfo } from '../../capture/frame.js';
import { CaptureFileError } from '../../capture/capture-error.js';
import { createCaptureWriter, formatForPath } from '../../capture/writer.js';
import { fieldByName } from '../../dissectors/fields.js';
import { setPref } from '../../dissectors/prefs.js';
import { dissectFile } from '../dissect-file.js';
import {
  fieldsLine,
  hexDump,
  jsonLine,
  newTimeContext,
  OutBuffer,
  summaryLine,
  treeText,
  validateFields,
  type FieldsOptions,
  type TimeFormat,
} from '../output.js';
import { UsageError, collect } from '../errors.js';

const TIME_FORMATS: TimeFormat[] = ['r', 'a', 'ad', 'd', 'dd', 'e', 'u', 'ud'];

export function readCommand() {
  return new Command('read')
    .description('read a capture file (pcap, pcapng, optionally gzip-compressed; - for stdin) and print its packets')
    .argument('[file]', 'capture file to read (or use -r)')
    .option('-r <file>', 'capture file to read (- for stdin)')
    .option('-V', 'print the full detail tree of each packet')
    .option('-x', 'print a hex and ASCII dump of each packet')
    .option('-c <count>', 'stop after this many packets', (v) => positiveInt(v, '-c'))
    .option('-n', 'no name resolution (the default; accepted for compatibility)')
    .option('-q', 'quiet: dissect every packet but print nothing per packet')
    .option('-2', 'two-pass analysis (the default for files; accepted for compatibility)')
    .option('-w <file>', 'write the packets read to this file (pcap or pcapng, by extension or -F)')
    .option('-F <format>', 'output file format for -w: pcap, nsecpcap, pcapng')
    .addOption(new Option('-T <format>', 'output format').choices(['text', 'fields', 'json']).default('text'))
    .option('-e <field>', 'field to print with -T fields (repeatable)', collect, [] as string[])
    .option('-E <opt>', 'fields option: header=y|n, separator=/t|/s|C, occurrence=f|l|a, aggregator=C, quote=d|s|n', collect, [] as string[])
    .addOption(new Option('-t <format>', 'time column format: r (relative), a, ad, d, dd, e, u, ud').choices(TIME_FORMATS).default('r'))
    .option('-o <pref>', 'set a preference name:value, e.g. ip.check_checksum:FALSE (repeatable)', collect, [] as string[])
    .action(async (fileArg, o) => {
      const file = o.r ?? fileArg;
      if (!file) throw new UsageError('no capture file given (wirelite read FILE, or -r FILE)');
      for (const p of o.o) {
        try {
          setPref(p);
        } catch (e) {
          throw new UsageError((e as Error).message);
        }
      }
      const mode = o.T;
      const fieldsOpts = mode === 'fields' ? parseFieldsOptions(o.e, o.E) : undefined;
      const ids = fieldsOpts?.fields.map((n) => fieldByName(n)?.id ?? n) ?? [];
      const out = new OutBuffer(1);
      const printing = !o.q || !!o.V || !!o.x;
      let writer: ReturnType<typeof createCaptureWriter> | undefined;
      const interfaces: InterfaceInfo[] = [];
      let time = newTimeContext(o.t as TimeFormat, 6);
      let timeReady = false;
      let headerDone = !fieldsOpts?.header;
      let firstPacket = true;

      const sink = (pkt: import('../../dissectors/packet.js').Packet, frame: Frame) => {
        if (o.w) {
          writer ??= createCaptureWriter(o.w, formatForPath(o.w, o.F), { interfaces: interfaces.filter(Boolean) });
          writer.write(frame);
        }
        if (!printing) return;
        if (!timeReady) {
          time = newTimeContext(o.t as TimeFormat, tsDigitsOf(interfaces, frame.interfaceId));
          timeReady = true;
        }
        if (mode === 'fields') {
          if (!headerDone) {
            out.write(fieldsOpts!.fields.join(fieldsOpts!.separator) + '\n');
            headerDone = true;
          }
          out.write(fieldsLine(pkt, fieldsOpts!, ids, time) + '\n');
          return;
        }
        if (mode === 'json') {
          out.write(jsonLine(pkt) + '\n');
          return;
        }
        if (o.V || o.x) {
          if (!firstPacket) out.write('\n');
          firstPacket = false;
        }
        if (o.V) out.write(treeText(pkt));
        else if (!o.q) out.write(summaryLine(pkt, time) + '\n');
        if (o.x) out.write((o.V ? '\n' : '') + hexDump(pkt));
      };

      let failure: unknown;
      try {
        await dissectFile(
          file,
          {
            columns: printing,
            twoPass: printing,
            count: o.c ?? 0,
            onInterface: (info) => {
              interfaces[info.id] = info;
              // An interface described after packets were written (pcapng allows it).
              writer?.addInterface(info);
            },
          },
          sink,
        );
      } catch (e) {
        failure = e;
      }
      out.flush();
      if (writer) await writer.close();
      if (failure) {
        if (failure instanceof CaptureFileError) {
          process.stderr.write(`wirelite: ${failure.message}\n`);
          process.exitCode = 2;
          return;
        }
        throw failure;
      }
    });
}

function tsDigitsOf(interfaces: InterfaceInfo[], id: number): number {
  const r = interfaces[id]?.tsResol ?? 6;
  const d = r & 0x80 ? Math.ceil((r & 0x7f) * Math.log10(2)) : r;
  return Math.max(0, Math.min(9, d));
}

function positiveInt(v: string, flag: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n <= 0) throw new UsageError(`${flag} takes a positive integer, not "${v}"`);
  return n;
}

function parseFieldsOptions(fields: string[], eopts: string[]): FieldsOptions {
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

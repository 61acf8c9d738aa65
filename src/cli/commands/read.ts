/**
 * `wirelite read FILE`: tshark's `-r` in the shape tshark users know.
 */
import { Command } from '@commander-js/extra-typings';
import type { Frame, InterfaceInfo } from '../../capture/frame.js';
import { createCaptureWriter, formatForPath } from '../../capture/writer.js';
import { dissectFile } from '../dissect-file.js';
import { addPrintOptions, createPacketPrinter } from '../packet-printer.js';
import { collect, UsageError } from '../errors.js';
import { protocolKnown } from '../../dissectors/registry.js';

export function readCommand() {
  const cmd = new Command('read')
    .description('read a capture file (pcap, pcapng, optionally gzip-compressed; - for stdin) and print its packets')
    .argument('[file]', 'capture file to read (or use -r)')
    .option('-r <file>', 'capture file to read (- for stdin)')
    .option('-c <count>', 'stop after this many packets', (v) => positiveInt(v, '-c'))
    .option('-n', 'no name resolution (the default; accepted for compatibility)')
    .option('-q', 'quiet: dissect every packet but print nothing per packet')
    .option('-2', 'two-pass analysis (the default for files; accepted for compatibility)')
    .option('-w <file>', 'write the packets read to this file (pcap or pcapng, by extension or -F)')
    .option('-F <format>', 'output file format for -w: pcap, nsecpcap, pcapng')
    .option('--disable-protocol <names>', 'do not dissect these protocols (comma-separated, repeatable, as tshark): their bytes show as data', collect, [] as string[]);
  return addPrintOptions(cmd)
    .action(async (fileArg, o) => {
      const file = o.r ?? fileArg;
      if (!file) throw new UsageError('no capture file given (wirelite read FILE, or -r FILE)');
      // As in tshark, `data` cannot be disabled (what no dissector takes is always shown as data).
      const disabledProtocols = o.disableProtocol.flatMap((v) => v.split(',')).map((v) => v.trim()).filter((v) => v && v !== 'data');
      for (const p of disabledProtocols) if (!protocolKnown(p)) throw new UsageError(`--disable-protocol: unknown protocol "${p}" (wirelite fields lists them)`);
      const interfaces: InterfaceInfo[] = [];
      const printer = createPacketPrinter(o, (frame) => tsDigitsOf(interfaces, frame.interfaceId));
      const printing = printer.printing;
      let writer: ReturnType<typeof createCaptureWriter> | undefined;

      const sink = (pkt: import('../../dissectors/packet.js').Packet, frame: Frame) => {
        if (o.w) {
          writer ??= createCaptureWriter(o.w, formatForPath(o.w, o.F), { interfaces: interfaces.filter(Boolean) });
          writer.write(frame);
        }
        printer.print(pkt, frame);
      };

      let failure: unknown;
      try {
        await dissectFile(
          file,
          {
            columns: printer.columns,
            fields: printer.fields,
            twoPass: printing,
            count: o.c ?? 0,
            onRevise: printer.revise,
            disabledProtocols,
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
      printer.flush();
      if (writer) await writer.close();
      // A damaged file: main() says why and exits 2, after everything read was written.
      if (failure) throw failure;
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

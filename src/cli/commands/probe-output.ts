/**
 * What every probe command (ping, traceroute, pmtud) does with its packets: `--show-packets`
 * prints each packet sent and received, dissected by wirelite's own dissectors (one summary line,
 * or the tree with -V), and `--write FILE` saves them as pcapng (`-w` is already ping's deadline
 * and traceroute's wait). The probe engines only hand over frames (their `tap`).
 */
import { writeSync } from 'node:fs';
import type { Frame, InterfaceInfo } from '../../capture/frame.js';
import { createCaptureWriter, formatForPath, OutputFileError, type CaptureWriter } from '../../capture/writer.js';
import { dissectFrame, newSession, Packet } from '../../dissectors/index.js';
import { ProbeError } from '../../probe/errors.js';
import { OutBuffer } from '../../render/output.js';
import { createPacketPrinter } from '../packet-printer.js';

export interface PacketOutputFlags {
  showPackets?: boolean;
  V?: boolean;
  write?: string;
  json?: boolean;
}

/** Lines on standard output written at once (so they keep their order with the printer's). */
export const stdoutLine = (l: string) => {
  writeSync(1, l + '\n');
};

export interface PacketOutput {
  tap?: (frame: Frame) => void;
  close(): Promise<void>;
}

/**
 * The frame tap for --show-packets and --write (undefined when neither is asked). Packets are
 * printed on standard output, or on standard error with --json (which keeps stdout JSON).
 */
export function packetOutput(o: PacketOutputFlags): PacketOutput {
  if (!o.showPackets && o.write === undefined) return { close: async () => {} };
  const session = newSession();
  const out = new OutBuffer(o.json ? 2 : 1);
  const printer = o.showPackets ? createPacketPrinter({ V: !!o.V, T: 'text', e: [], E: [], t: 'r', o: [], l: true, color: false }, () => 9, { out }) : undefined;
  const pkt = printer ? new Packet(session, printer.columns) : undefined;
  if (pkt && printer) pkt.selectFields(printer.fields);
  let writer: CaptureWriter | undefined;
  let writeError: unknown;
  const tap = (frame: Frame) => {
    if (o.write !== undefined && !writer && writeError === undefined) {
      const info: InterfaceInfo = { id: 0, linkType: frame.linkType, snapLen: 65535, fcsLen: 0, tsResol: 9 };
      try {
        writer = createCaptureWriter(o.write, formatForPath(o.write), { interfaces: [info] });
      } catch (e) {
        writeError = e;
      }
    }
    writer?.write(frame);
    if (pkt && printer) {
      pkt.reset(frame);
      dissectFrame(pkt);
      printer.print(pkt, frame);
      printer.flush();
    }
  };
  return {
    tap,
    async close() {
      printer?.finish();
      await writer?.close();
      if (writeError !== undefined) {
        const e = writeError as Error;
        throw new ProbeError(e instanceof OutputFileError ? e.message : `cannot write ${o.write}: ${e.message}`);
      }
    },
  };
}

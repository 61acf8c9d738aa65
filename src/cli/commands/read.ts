/**
 * `wirelite read FILE`: tshark's `-r` in the shape tshark users know.
 *
 * Every option is checked before anything is read, and the `-w` file is created up front (so a
 * bad path is reported at once, as `capture` does): bad usage exits 1, a file that cannot be
 * created or written exits 2 with `wirelite: cannot create PATH: REASON`.
 */
import { closeSync, statSync, unlinkSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { Command } from '@commander-js/extra-typings';
import type { Frame, InterfaceInfo } from '../../capture/frame.js';
import { linkTypeText } from '../../capture/live/binding.js';
import { createCaptureWriter, formatForPath, openOutputFile, OutputFileError, type WriteFormat } from '../../capture/writer.js';
import { applicationProtocols, dispatchTable, protocolKnown } from '../../dissectors/registry.js';
import { CaptureFileError, type CaptureErrorKind } from '../../capture/capture-error.js';
import { dissectFile, runShards, type Shard } from '../../pipeline/index.js';
import { runOrderedShards, type LocalShard, type SerializedError } from '../../pipeline/ordered-shards.js';
import { writeAllSync } from '../../render/output.js';
import { addPrintOptions, createPacketPrinter, tsDigitsOf, type PrintFlags } from '../packet-printer.js';
import { printShard, SpoolOut, type PatchedResult, type ReadTask } from '../read-shard.js';
import type { PatchLog } from '../../dissectors/patch.js';
import { Spool, SpoolError } from '../../pipeline/spool.js';
import type { PipelineOptions } from '../../pipeline/driver.js';
import { addDissectOptions, applyDissectOptions } from '../dissect-options.js';
import { collect, EXIT, UsageError } from '../errors.js';
import { compileOption, withFilterFields } from '../../filter/cli.js';

export function readCommand() {
  const cmd = new Command('read')
    .description('read a capture file (pcap, pcapng, optionally gzip-compressed; - for stdin) and print its packets')
    .argument('[file]', 'capture file to read (or use -r)')
    .option('-r <file>', 'capture file to read (- for stdin)')
    .option('-c <count>', 'stop after this many packets', (v) => positiveInt(v, '-c'))
    .option('-n', 'no name resolution (the default; accepted for compatibility)')
    .option('-q', 'quiet: dissect every packet but print nothing per packet')
    .option('-2', 'two-pass analysis (the default for files; accepted for compatibility)')
    .option('-w <file>', 'write the packets read to this file (pcap or pcapng, by extension or -F; - for stdout); prints nothing unless -P')
    .option('-F <format>', 'output file format for -w: pcap, nsecpcap, pcapng')
    .option('-P', 'print the summary line also with -w, -V or -x (as tshark)')
    .option('-R <filter>', 'read filter (as tshark -2 -R): only the packets that match are analysed in the second pass and printed, numbered 1, 2, ...')
    .option('-Y <filter>', 'display filter: print (and with -w write) only the packets that match; every packet is still dissected (as tshark -2 -Y)')
    .option('--threads <n>', 'threads of a one-line, -T fields or -q read of a file (default: 2 for a file of 512 MiB or more on 2 or more cores, else 1): each dissects the frames of a share of the hosts (as stats --threads); the output is the same, in frame order', (v) => positiveInt(v, '--threads'))
    .option('--disable-protocol <names>', 'do not dissect these protocols (comma-separated, repeatable, as tshark): their bytes show as data (data itself cannot be disabled)', collect, [] as string[]);
  return addDissectOptions(addPrintOptions(cmd))
    .action(async (fileArg, o) => {
      // ---------------------------------------------------------------- options, before reading
      const file = o.r ?? fileArg;
      if (!file) throw new UsageError('no capture file given (wirelite read FILE, or -r FILE)');
      // As in tshark, `data` cannot be disabled (what no dissector takes is always shown as data).
      const disabledProtocols = o.disableProtocol.flatMap((v) => v.split(',')).map((v) => v.trim()).filter((v) => v && v !== 'data');
      for (const p of disabledProtocols) if (!protocolKnown(p)) throw new UsageError(`--disable-protocol: unknown protocol "${p}" (wirelite fields lists them)`);
      const dissecting = applyDissectOptions(o);
      const display = compileOption('-Y', o.Y, o.N);
      const readFilter = compileOption('-R', o.R, o.N);
      let format: WriteFormat | undefined;
      if (o.w !== undefined) {
        try {
          format = formatForPath(o.w, o.F);
        } catch (e) {
          throw new UsageError((e as Error).message);
        }
      } else if (o.F !== undefined) throw new UsageError('-F needs -w FILE');
      const interfaces: InterfaceInfo[] = [];
      // As tshark: writing a file prints nothing per packet unless -P asks for it.
      const printFlags = { ...o, q: o.q || (o.w !== undefined && !o.P) };
      const printer = createPacketPrinter(printFlags, (frame) => tsDigitsOf(interfaces, frame.interfaceId), { file });
      const printing = printer.printing;
      if (o.w === '-' && printing) throw new UsageError('-w - writes the capture to standard output: packets cannot be printed there too (drop -P, -V, -x)');
      let outFd: number | undefined;
      if (o.w !== undefined) {
        if (o.w !== '-' && file !== '-' && sameFile(file, o.w)) throw new UsageError(`-w ${o.w} is the file being read: write to another file`);
        // A missing input is reported by the read below (exit 2) without creating the output.
        if (file === '-' || exists(file)) {
          try {
            outFd = openOutputFile(o.w);
          } catch (e) {
            if (e instanceof OutputFileError) return fail(e.message, EXIT.FILE);
            throw e;
          }
        }
      }

      // ---------------------------------------------------------------- read
      let writer: ReturnType<typeof createCaptureWriter> | undefined;
      const warned = new Set<number>();
      const sink = (pkt: import('../../dissectors/packet.js').Packet, frame: Frame) => {
        if (outFd !== undefined && format) {
          writer ??= createCaptureWriter(o.w!, format, { interfaces: interfaces.filter(Boolean) }, outFd);
          writer.write(frame);
        }
        printer.print(pkt, frame);
      };

      let failure: unknown;
      // Two cores: shards of the hosts in worker threads, their text merged in frame order, where the
      // output allows it (each packet's text its own, see PacketPrinter.orderFree, or none: -q) and
      // nothing needs the frames in one thread (a filter, -w, -c, names learnt from the capture's DNS).
      // -T fields of header fields only: one pass, without the application protocols (see HEADER_FIELDS).
      const headerOnly = o.T === 'fields' && printing && !printer.columns && !display && !readFilter && !dissecting.names && o.e.length > 0 && o.e.every((f) => HEADER_FIELDS.has(f));
      // -T fields of fields of the layers below the application protocols only: two passes (relative
      // sequence numbers, tcp.stream, analysis, ICMP replies, "reassembled in" need the first), with
      // DNS, TLS and HTTP dissected in neither (see lowerLayerField).
      const lowerOnly = !headerOnly && o.T === 'fields' && printing && !printer.columns && !display && !readFilter && !dissecting.names && o.e.length > 0 && o.e.every(lowerLayerField);
      const twoPass = printing && !headerOnly;
      // Nothing printed reads an expert item (the summary line, -T psml and -q read no field of the
      // tree; -V and JSON keep them, -e may name one, _ws.expert, and a filter may test one): the
      // work that only feeds them is skipped.
      const experts = printer.fields?.length !== 0 || o.e.length > 0 || display !== undefined || readFilter !== undefined;
      if (headerOnly || lowerOnly) for (const p of applicationProtocols()) if (!disabledProtocols.includes(p)) disabledProtocols.push(p);
      // The one-line summary of a file: one patched pass instead of two (see patchedRead).
      const patchable = printer.patchable && twoPass && o.w === undefined && !display && !readFilter && o.c === undefined && !dissecting.names && file !== '-' && process.env.WIRELITE_PATCH !== '0';
      const threads = o.threads ?? defaultThreads(file);
      const parallel = threads > 1 && (printer.orderFree || !printing) && o.w === undefined && !display && !readFilter && o.c === undefined && !dissecting.names && file !== '-';
      if (parallel) {
        const flags: PrintFlags = { V: o.V, x: o.x, q: o.q, P: o.P, l: o.l, color: false, T: o.T, e: o.e, E: o.E, t: o.t, o: o.o };
        const task: ReadTask = { file, flags, disabledProtocols, quiet: !printing, twoPass, headerOnly, patched: false, experts };
        const worker = new URL('../read-worker.js', import.meta.url);
        try {
          if (printing) {
            if (!patchable || !(await patchedShards(threads, worker, task))) {
              await runOrderedShards(threads, worker, task, (bytes) => writeAllSync(1, bytes), reviveError, undefined, localShard(task, threads));
            }
          }
          else {
            // -q: this thread reads shard 0 itself (nothing to merge), the others run in workers;
            // a damaged file fails in every shard, and this thread's error is the one raised.
            const local = (shard: Shard) => dissectFile(file, { columns: false, fields: [], twoPass: false, count: 0, disabledProtocols, experts, shard, reuseFrames: true, onInterface: (info) => warnLinkType(warned, info) })
              .then(() => undefined, (e: unknown) => e);
            const [own, ...others] = await runShards<unknown>(threads, worker, task, local);
            const err = own ?? others.find((e) => e !== undefined);
            if (err) throw err instanceof Error ? err : reviveError(err as SerializedError);
          }
        } catch (e) {
          failure = e;
        }
      } else try {
        const opts: PipelineOptions = {
          columns: printer.columns,
          fields: withFilterFields(printer.fields, display, readFilter),
          twoPass: twoPass || display !== undefined || readFilter !== undefined,
          readFilter: readFilter && { test: readFilter.filter, onDropped: (frame) => printer.skip(frame) },
          // In front of the file writer and the printer (as tshark -2 -Y: every frame is still dissected).
          displayFilter: display && { test: display.filter, onDropped: (frame) => printer.skip(frame) },
          count: o.c ?? 0,
          onRevise: printer.revise,
          // The printer and the filters keep nothing of a frame after its call (the -w writer may).
          reuseFrames: outFd === undefined,
          disabledProtocols,
          experts,
          ...(headerOnly ? HEADER_ONLY_PIPELINE : {}),
          names: dissecting.names,
          onInterface: (info) => {
            interfaces[info.id] = info;
            warnLinkType(warned, info);
            // An interface described after packets were written (pcapng allows it).
            writer?.addInterface(info);
          },
        };
        const patched = patchable ? await patchedRead(file, opts, printFlags, (frame) => tsDigitsOf(interfaces, frame.interfaceId)) : { done: false };
        if (patched.error !== undefined) throw patched.error;
        if (!patched.done) await dissectFile(file, opts, sink);
      } catch (e) {
        failure = e;
      }
      printer.finish();
      try {
        if (writer) await writer.close();
      } catch (e) {
        failure ??= e;
      }
      // Nothing to write (an empty file, or not a capture): no header was written either, so the
      // zero-byte file would not be a capture file. It goes, rather than left looking like one.
      if (!writer && outFd !== undefined && outFd !== 1) {
        closeQuietly(outFd);
        if (failure) removeQuietly(o.w!);
      }
      if (failure instanceof OutputFileError) return fail(failure.message, EXIT.FILE);
      // A damaged file: main() says why and exits 2, after everything read was written.
      if (failure) throw failure;
    });
}

/**
 * Fields read from a frame's own headers below the application protocols (frame, Ethernet, IP,
 * IPv6, TCP, UDP), whose values no later frame and no protocol above TCP or UDP changes: a
 * `-T fields` read of only these (and no filter, no -N) is one pass, with DNS, TLS, HTTP and data
 * not dissected, and prints what the two passes with everything dissected print (byte for byte on
 * the corpus, test/cli/read-header-fields.test.ts). Not here: relative sequence numbers and the
 * scaled window (the second pass takes a stream's final base and scale from the first), tcp.stream,
 * analysis, reassembly and expert fields, frame.protocols, anything of ICMP (replies are found later):
 * most of these are two passes, still without the application protocols (see lowerLayerField).
 */
/**
 * What a read of HEADER_FIELDS only leaves out besides the application protocols: no header field
 * reads a TCP conversation (tcp.stream, relative numbers, the scaled window), its sequence analysis
 * or an expert item.
 */
export const HEADER_ONLY_PIPELINE = { tcpAnalysis: false, tcpConversations: false, experts: false } as const;

const HEADER_FIELDS = new Set([
  'frame.number', 'frame.time', 'frame.time_epoch', 'frame.time_relative', 'frame.time_delta', 'frame.len', 'frame.cap_len',
  'eth.src', 'eth.dst', 'eth.addr', 'eth.type',
  'ip.src', 'ip.dst', 'ip.addr', 'ip.proto', 'ip.ttl', 'ip.len', 'ip.id', 'ip.version', 'ip.hdr_len',
  'ipv6.src', 'ipv6.dst', 'ipv6.addr', 'ipv6.nxt', 'ipv6.plen', 'ipv6.hlim',
  'tcp.srcport', 'tcp.dstport', 'tcp.port', 'tcp.len', 'tcp.flags', 'tcp.seq_raw', 'tcp.ack_raw', 'tcp.hdr_len', 'tcp.window_size_value',
  'udp.srcport', 'udp.dstport', 'udp.port', 'udp.length',
]);

/**
 * Fields of the link, network and transport layers, ICMP and ICMPv6 included: their values come
 * from the frame's own headers and from what earlier and later frames of the same layers tell (the
 * first pass: a stream's base sequence number and window scale, tcp.stream, the analysis verdicts
 * and times, an echo's reply, the frame that completed a fragmented datagram), never from DNS, TLS
 * or HTTP, which run after them on each frame and change nothing they keep. A `-T fields` read of
 * only these (and HEADER_FIELDS) is two passes with the application protocols dissected in neither,
 * and prints what the full two passes print (test/cli/read-lower-fields.test.ts). Not here: TCP
 * reassembly (tcp.reassembled_in, which a stream protocol decides), the payload fields,
 * frame.protocols and colouring.
 */
const LOWER_PREFIXES = ['eth.', 'vlan.', 'arp.', 'sll.', 'ip.', 'ipv6.', 'tcp.', 'udp.', 'icmp.', 'icmpv6.'];
const NOT_LOWER = new Set(['tcp.reassembled_in', 'tcp.payload', 'udp.payload']);

function lowerLayerField(name: string): boolean {
  return HEADER_FIELDS.has(name) || (!NOT_LOWER.has(name) && LOWER_PREFIXES.some((p) => name.startsWith(p)));
}

/** Says once per link type that wirelite cannot dissect it (its frames show as data). */
export function warnLinkType(warned: Set<number>, info: InterfaceInfo): void {
  if (dispatchTable('linktype').byValue.has(info.linkType) || warned.has(info.linkType)) return;
  warned.add(info.linkType);
  process.stderr.write(`wirelite: warning: link type ${linkTypeName(info.linkType)} is not dissected by wirelite: its frames show as data\n`);
}

/**
 * Threads of a read that may run in parallel: two for a file of 512 MiB or more, on two or more
 * cores. Each thread loads and compiles the code (about 1 s of CPU) and reads the file itself: on a
 * 173 MB capture two threads cost 27-60% more CPU (and no wall time was won on a busy machine), on a
 * 1.65 GB one 11% more CPU for 27% less wall time.
 */
function defaultThreads(file: string): number {
  if (file === '-' || availableParallelism() < 2) return 1;
  try {
    return statSync(file).size >= 512 * 2 ** 20 ? 2 : 1;
  } catch {
    return 1;
  }
}

/**
 * The one-line summary of a file in one patched pass (../../dissectors/patch.ts) instead of two:
 * the lines are spooled (../../pipeline/spool.ts) with holes where a later frame decides a column,
 * and written when the pass ends with the holes filled, as the second pass would have printed
 * them. `done` false: nothing was written and the read must run in two passes (the pass found a
 * line that might differ from the second pass's, or could not spool). A damaged file: the frames
 * before the damage are written, then `error` is the file's error.
 */
async function patchedRead(
  file: string,
  opts: PipelineOptions,
  flags: PrintFlags & { q?: boolean },
  tsDigits: (frame: Pick<Frame, 'interfaceId'>) => number,
): Promise<{ done: boolean; error?: unknown }> {
  const spool = new Spool();
  const out = new SpoolOut(spool);
  const printer = createPacketPrinter(flags, tsDigits, { file, out, warn: () => {} });
  let log: PatchLog | undefined;
  let error: unknown;
  try {
    await dissectFile(file, { ...opts, twoPass: true, patched: true, onPatched: (l) => (log = l) }, (pkt, frame) => printer.print(pkt, frame));
  } catch (e) {
    error = e;
  }
  try {
    printer.finish();
  } catch (e) {
    error ??= e;
  }
  if (error instanceof SpoolError || !log || log.unsafe !== null) {
    log?.discard();
    spool.discard();
    return { done: false };
  }
  const l = log;
  spool.finish((_, id) => l.text(id), (b) => writeAllSync(1, b));
  return { done: true, error };
}

/**
 * A parallel read of the one-line summary in one patched pass per worker (see patchedRead): the
 * merged text is spooled, each worker's holes filled from its texts at the end. False: nothing
 * was written, read in two passes.
 */
async function patchedShards(threads: number, worker: URL, task: ReadTask): Promise<boolean> {
  const spool = new Spool();
  let spoolFailed = false;
  const write = (b: Uint8Array): void => {
    if (spoolFailed) return;
    try {
      spool.append(b);
    } catch (e) {
      if (!(e instanceof SpoolError)) throw e;
      spoolFailed = true;
    }
  };
  let results: PatchedResult[];
  try {
    const patched = { ...task, patched: true };
    results = await runOrderedShards<PatchedResult>(threads, worker, patched, write, reviveError, (at, shard, id) => spool.hole(at, shard, id), localShard(patched, threads) as LocalShard<PatchedResult>);
  } catch (e) {
    spool.discard();
    throw e;
  }
  if (spoolFailed || results.some((r) => r.unsafe !== null)) {
    spool.discard();
    return false;
  }
  spool.finish((shard, id) => results[shard]!.texts[id] ?? '', (b) => writeAllSync(1, b));
  const err = results.find((r) => r.error !== undefined)?.error;
  if (err) throw reviveError(err);
  return true;
}

/**
 * Shard 0 of a parallel read in this thread (one worker fewer: its heap and its copy of the code
 * are not made), between blocks of the file letting the merge take the workers' text.
 */
function localShard(task: ReadTask, count: number): LocalShard<number | PatchedResult> {
  return (sender, pause) => printShard({ ...task, index: 0, count }, sender, pause);
}

/** A worker's error as the main thread would have raised it (a damaged file: main() says why, exit 2). */
function reviveError(e: SerializedError): Error {
  const f = e.fields;
  if (e.name === 'CaptureFileError') return new CaptureFileError(f.kind as CaptureErrorKind, String(f.detail), Number(f.framesRead), Number(f.offset));
  return new Error(e.message);
}

function fail(message: string, code: number): void {
  process.stderr.write(`wirelite: ${message}\n`);
  process.exitCode = code;
}

function exists(path: string): boolean {
  try {
    statSync(path);
    return true;
  } catch {
    return false;
  }
}

function sameFile(a: string, b: string): boolean {
  try {
    const x = statSync(a);
    const y = statSync(b);
    return x.dev === y.dev && x.ino === y.ino;
  } catch {
    return false;
  }
}

function removeQuietly(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    /* already gone */
  }
}

function closeQuietly(fd: number): void {
  try {
    closeSync(fd);
  } catch {
    /* already closed */
  }
}

/**
 * Names of common pcap link types (https://www.tcpdump.org/linktypes.html), for the warning when
 * libpcap (which knows them all) is not loaded.
 */
const LINKTYPE_NAMES: Record<number, string> = {
  0: 'NULL', 1: 'ETHERNET', 6: 'IEEE802_5', 8: 'SLIP', 9: 'PPP', 10: 'FDDI', 50: 'PPP_HDLC', 51: 'PPP_ETHER',
  100: 'ATM_RFC1483', 101: 'RAW', 104: 'C_HDLC', 105: 'IEEE802_11', 107: 'FRELAY', 108: 'LOOP', 113: 'LINUX_SLL',
  119: 'IEEE802_11_PRISM', 127: 'IEEE802_11_RADIOTAP', 187: 'BLUETOOTH_HCI_H4', 189: 'USB_LINUX',
  195: 'IEEE802_15_4_WITHFCS', 201: 'BLUETOOTH_HCI_H4_WITH_PHDR', 220: 'USB_LINUX_MMAPPED', 228: 'IPV4', 229: 'IPV6',
  251: 'BLUETOOTH_LE_LL', 252: 'WIRESHARK_UPPER_PDU', 253: 'NETLINK', 256: 'BLUETOOTH_LE_LL_WITH_PHDR', 276: 'LINUX_SLL2',
};

/** `253 (NETLINK)`: the number and libpcap's name (or the table's). */
function linkTypeName(v: number): string {
  const lib = linkTypeText(v);
  if (lib !== String(v)) {
    const m = /^(\S+) \((.*)\)$/.exec(lib);
    return m ? `${v} (${m[1]}: ${m[2]})` : `${v} (${lib})`;
  }
  if (v >= 147 && v <= 162) return `${v} (USER${v - 147})`;
  const n = LINKTYPE_NAMES[v];
  return n ? `${v} (${n})` : String(v);
}

function positiveInt(v: string, flag: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n <= 0) throw new UsageError(`${flag} takes a positive integer, not "${v}"`);
  return n;
}

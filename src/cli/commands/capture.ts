/**
 * `wirelite capture`: live capture with libpcap, as tcpdump/tshark users know it. Packets are
 * read by a worker thread and printed with `read`'s output options, or written to a file or a ring
 * of files. On Ctrl-C, SIGTERM or a stop condition every file is closed valid and tcpdump's
 * summary is printed on stderr.
 *
 * Exit codes: 0 success (also when stopped by a signal); 1 bad usage (including a filter libpcap
 * cannot compile); 2 an output file could not be created or written (disk full: the file is
 * valid up to the packets counted as saved); 3 internal error; 4 the device cannot be captured on
 * (no permission, no such interface, the interface is or went down); 5 live capture is not
 * available (the libpcap addon was not built: the message says what to install).
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { Command } from '@commander-js/extra-typings';
import type { Frame, InterfaceInfo } from '../../capture/frame.js';
import type { Packet } from '../../dissectors/packet.js';
import { loadBinding, linkTypeText } from '../../capture/live/binding.js';
import { CaptureFiles, CaptureWriteError, type RingOptions } from '../../capture/live/capture-files.js';
import { LiveCapture, type LiveCaptureEnd } from '../../capture/live/capture-session.js';
import { defaultInterface, interfaceNames } from '../../capture/live/devices.js';
import { LiveCaptureError } from '../../capture/live/live-error.js';
import { formatForPath, type WriteFormat } from '../../capture/writer.js';
import { collect, UsageError } from '../errors.js';
import { interfaceByNumber, tsharkInterfaceList } from '../interface-list.js';
import { addPrintOptions, createPacketPrinter } from '../packet-printer.js';
import { compileOption, withFilterFields } from '../../filter/cli.js';
import { addDissectOptions, applyDissectOptions } from '../dissect-options.js';
import { LiveSource, runPipeline } from '../../pipeline/index.js';

export const CAPTURE_EXIT = { OK: 0, USAGE: 1, FILE: 2, INTERNAL: 3, DEVICE: 4, UNAVAILABLE: 5 } as const;

/** Snapshot length for -s 0 and the default, as tcpdump. */
const MAX_SNAPLEN = 262144;
/** Kernel block timeout when packets are not printed live (tcpdump uses 1000 ms). */
const BLOCK_TIMEOUT_MS = 100;
/**
 * Kernel buffer in immediate mode (TPACKET_V2: one slot per packet, each as large as the link's
 * biggest frame, 64 KiB on loopback), unless -B says otherwise: libpcap's 2 MiB would hold only
 * 32 packets on loopback.
 */
const IMMEDIATE_BUFFER_BYTES = 32 << 20;

interface StopConditions {
  packets?: number;
  durationMs?: number;
  fileSizeBytes?: number;
}

export function captureCommand() {
  const cmd = new Command('capture')
    .description('capture packets live from a network interface and print them, or write pcap/pcapng files')
    .argument('[filter...]', 'capture filter in libpcap syntax (as tcpdump), instead of -f')
    .option('-i <interface>', 'interface to capture on, by name or by the number capture -D prints (as tshark -i 1); "any" for all (default: the first that is up and not loopback)')
    .option('-D', 'print the interfaces, numbered, as tshark -D, and exit')
    .option('-f <filter>', 'capture filter in libpcap (BPF) syntax, e.g. "udp port 53"')
    .option('-s <snaplen>', 'bytes kept of each packet (0: 262144, the default)', (v) => nonNegativeInt(v, '-s'))
    .option('-p', 'do not put the interface into promiscuous mode')
    .option('-B <MiB>', 'kernel capture buffer size in MiB (default: libpcap\'s 2; 32 in immediate mode)', (v) => positiveInt(v, '-B'))
    .option('-c <count>', 'stop after this many packets', (v) => positiveInt(v, '-c'))
    .option('-a <condition>', 'stop after duration:S, filesize:KB (written, in kB of 1000 bytes) or packets:N (repeatable)', collect, [] as string[])
    .option('-b <option>', 'ring buffer with -w: switch files at filesize:KB or duration:S, keep the newest files:N (repeatable); files are named as dumpcap\'s, out_00001_20261127120000.pcapng', collect, [] as string[])
    .option('-w <file>', 'write packets to this file (pcap or pcapng, by extension or -F; - for stdout)')
    .option('-F <format>', 'file format for -w: pcap, nsecpcap, pcapng')
    .option('-P', 'print packets also when writing a file with -w')
    .option('-Y <filter>', 'display filter: print (and with -w write) only the packets that match (one pass; -f filters in the kernel)')
    .option('-q', 'print nothing per packet (only the summary)')
    .option('-n', 'no name resolution (the default; accepted for compatibility)')
    .option('-y <linktype>', 'link-layer type to capture with, e.g. LINUX_SLL2 with -i any')
    .option('-Z <user>', 'after opening the device, drop privileges to this user (as tcpdump); files are created as this user')
    .option('--immediate-mode', 'deliver every packet at once (the default when packets are printed to a terminal)')
    .option('--time-stamp-type <type>', 'libpcap time stamp type: host, adapter, adapter_unsynced, ...');
  return addDissectOptions(addPrintOptions(cmd)).action(async (filterWords, o) => {
    if (o.D) return printInterfaceList();
    const dissecting = applyDissectOptions(o);
    const display = compileOption('-Y', o.Y, o.N);
    // ---------------------------------------------------------------- options
    const filterText = [o.f, filterWords.length ? filterWords.join(' ') : undefined].filter((x) => x !== undefined);
    if (filterText.length > 1) throw new UsageError('give the capture filter either with -f or as arguments, not both');
    const filter = filterText[0];
    const stops = parseStops(o.a, o.c);
    const ring = parseRing(o.b);
    if (ring && !o.w) throw new UsageError('-b (ring buffer) needs -w FILE');
    if (ring && o.w === '-') throw new UsageError('-b (ring buffer) needs a file name, not standard output');
    if (ring && ring.fileSizeBytes === undefined && ring.durationMs === undefined) {
      throw new UsageError('-b needs a switching condition: filesize:KB or duration:S');
    }
    if (stops.fileSizeBytes !== undefined && !o.w) throw new UsageError('-a filesize needs -w FILE');
    let format: WriteFormat | undefined;
    if (o.w) {
      try {
        format = formatForPath(o.w, o.F);
      } catch (e) {
        throw new UsageError((e as Error).message);
      }
    } else if (o.F) throw new UsageError('-F needs -w FILE');
    const snaplen = o.s === undefined || o.s === 0 ? MAX_SNAPLEN : o.s;
    const printer = createPacketPrinter({ ...o, q: o.q || (!!o.w && !o.P) }, () => (nanoseconds ? 9 : 6));
    const printing = printer.printing;
    if (o.w === '-' && printing) throw new UsageError('-w - writes the capture to standard output: packets cannot be printed there too (drop -P)');
    const dropTo = o.Z !== undefined ? lookupUser(o.Z) : undefined;

    // ---------------------------------------------------------------- the addon
    let binding: ReturnType<typeof loadBinding>;
    try {
      binding = loadBinding();
    } catch (e) {
      return fail(LiveCaptureError.from(e).message, CAPTURE_EXIT.UNAVAILABLE);
    }
    let linkType: number | undefined;
    if (o.y !== undefined) {
      linkType = /^\d+$/.test(o.y) ? Number(o.y) : binding.datalinkValue(o.y.toUpperCase());
      if (linkType < 0) throw new UsageError(`unknown link-layer type "${o.y}" (names as libpcap's: EN10MB, LINUX_SLL, LINUX_SLL2, ...)`);
    }
    const device = o.i !== undefined ? interfaceByNumber(o.i, binding.findAllDevs()) : defaultInterface();
    if (device === undefined) return fail('no interface to capture on is up: choose one with -i (wirelite interfaces lists them)', CAPTURE_EXIT.DEVICE);

    // ---------------------------------------------------------------- open, then drop root, then files
    let nanoseconds = true;
    let files: CaptureFiles | undefined;
    let captured = 0;
    // The capture is the pipeline's frame source: one pass, as tshark live.
    const source = new LiveSource();
    // Packets are dissected only to be printed or filtered (writing files needs no dissection).
    const dissect = printing || display !== undefined;
    const sink = (pkt: Packet, frame: Frame): void => {
      if (files) files.write(frame);
      if (dissect) printer.print(pkt, frame);
    };
    const afterFrame = (): boolean => {
      captured++;
      if (stops.packets !== undefined && captured >= stops.packets) {
        return false;
      }
      if (stops.fileSizeBytes !== undefined && files && files.bytes >= stops.fileSizeBytes) {
        return false;
      }
      return true;
    };

    // As tcpdump: immediate delivery when packets are printed to a terminal (the user is watching);
    // kernel blocks otherwise, which costs less per packet.
    const immediate = o.immediateMode ?? (printing && process.stdout.isTTY === true);
    const bufferSize = o.B !== undefined ? o.B * 1024 * 1024 : immediate ? IMMEDIATE_BUFFER_BYTES : undefined;
    let capture: LiveCapture;
    try {
      capture = await LiveCapture.open(
        {
          device,
          ...(filter !== undefined ? { filter } : {}),
          snaplen,
          promisc: !o.p,
          immediate,
          timeoutMs: BLOCK_TIMEOUT_MS,
          nanoseconds: true,
          ...(bufferSize !== undefined ? { bufferSize } : {}),
          ...(o.timeStampType !== undefined ? { tstampType: o.timeStampType } : {}),
          ...(linkType !== undefined ? { linkType } : {}),
        },
        source.deliver,
        {
          onBatchEnd: () => printer.flush(),
          onLinkDown: () => process.stderr.write(`wirelite: warning: interface ${device} went down; still listening (packets resume when it is up again)\n`),
        },
      );
    } catch (e) {
      const err = LiveCaptureError.from(e);
      const [message, code] = explainOpenError(err, device, filter);
      return fail(message, code);
    }
    nanoseconds = capture.info.nanoseconds;
    process.stderr.write(`wirelite: listening on ${device}, link-type ${linkTypeText(capture.info.dlt)}, snapshot length ${capture.info.snaplen} bytes\n`);
    if (capture.info.warning) process.stderr.write(`wirelite: warning: ${capture.info.warning}\n`);

    let setupError: [string, number] | undefined;
    if (dropTo) {
      try {
        // As tcpdump's droproot: supplementary groups, then group, then user (root's capabilities go).
        const initgroups = (process as unknown as { initgroups?: (user: string, group: number) => void }).initgroups;
        if (!initgroups || !process.setgid || !process.setuid) throw new Error('not supported on this platform');
        initgroups(dropTo.name, dropTo.gid);
        process.setgid(dropTo.gid);
        process.setuid(dropTo.uid);
      } catch (e) {
        setupError = [`cannot drop privileges to ${dropTo.name}: ${(e as Error).message}`, CAPTURE_EXIT.USAGE];
      }
    }
    if (o.w && format && !setupError) {
      const iface: InterfaceInfo = {
        id: 0, linkType: capture.info.linkType, snapLen: capture.info.snaplen, name: device, fcsLen: 0, tsResol: 9,
        ...(filter !== undefined ? { filter } : {}),
      };
      try {
        files = new CaptureFiles({ path: o.w, format, interfaces: [iface], ...(ring ? { ring } : {}) });
      } catch (e) {
        setupError = [(e as Error).message, e instanceof CaptureWriteError ? CAPTURE_EXIT.FILE : CAPTURE_EXIT.USAGE];
      }
    }
    if (setupError) {
      capture.stop('now');
      capture.start();
      await capture.ended;
      return fail(setupError[0], setupError[1]);
    }

    // ---------------------------------------------------------------- run until a stop
    let signals = 0;
    const onSignal = () => {
      signals++;
      capture.stop(signals > 1 ? 'now' : 'drain');
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
    const timer = stops.durationMs !== undefined ? setTimeout(() => capture.stop('drain'), stops.durationMs) : undefined;
    source.attach(capture, { id: 0, linkType: capture.info.linkType, snapLen: capture.info.snaplen, name: device, fcsLen: 0, tsResol: 9 });
    await runPipeline(
      source,
      {
        // Build only what the output reads, as read does (columns for one-line, -e fields, all for -V/JSON).
        columns: printer.columns,
        fields: withFilterFields(printer.fields, display),
        twoPass: false,
        count: 0,
        dissect,
        onRevise: printer.revise,
        names: dissecting.names,
        // Every packet is dissected; only the matching ones are written and printed.
        displayFilter: display && { test: display.filter, onDropped: (frame) => printer.skip(frame) },
        afterFrame,
      },
      sink,
    );
    const end: LiveCaptureEnd = source.end!;
    if (timer) clearTimeout(timer);
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);

    // ---------------------------------------------------------------- close, summarize
    printer.finish();
    let writeError = end.consumerError;
    try {
      files?.close();
    } catch (e) {
      writeError ??= e;
    }
    if (writeError !== undefined && !(writeError instanceof CaptureWriteError)) throw writeError;
    process.stderr.write(summary(captured, end));
    if (writeError instanceof CaptureWriteError) {
      const lost = captured + (end.consumerError ? 1 : 0) - writeError.savedFrames;
      return fail(`${writeError.message}; stopped. ${writeError.file} is complete with ${writeError.savedFrames} packet${writeError.savedFrames === 1 ? '' : 's'}${lost > 0 ? ` (${lost} captured packet${lost === 1 ? '' : 's'} could not be written)` : ''}`, CAPTURE_EXIT.FILE);
    }
    if (end.error) {
      const e = end.error;
      const why = e.code === 'ENETDOWN' ? `interface ${device} went down` : e.code === 'ENODEV' ? `interface ${device} disappeared` : `capture on ${device} failed`;
      return fail(`${why} (${e.message}); every packet captured before was ${files ? 'saved' : 'printed'}`, CAPTURE_EXIT.DEVICE);
    }
  });
}

/** `capture -D`: tshark -D's list (exit 5 without the addon, as `interfaces`). */
function printInterfaceList(): void {
  try {
    process.stdout.write(tsharkInterfaceList(loadBinding().findAllDevs()));
  } catch (e) {
    return fail(LiveCaptureError.from(e).message, CAPTURE_EXIT.UNAVAILABLE);
  }
}

function fail(message: string, code: number): void {
  process.stderr.write(`wirelite: ${message}\n`);
  process.exitCode = code;
}

/** tcpdump's closing lines. */
function summary(captured: number, end: LiveCaptureEnd): string {
  const n = (v: number, what: string) => `${v} packet${v === 1 ? '' : 's'} ${what}\n`;
  let s = n(captured, 'captured');
  if (end.stats) {
    s += n(end.stats.received, 'received by filter');
    s += n(end.stats.dropped, 'dropped by kernel');
    if (end.stats.ifDropped !== 0) s += n(end.stats.ifDropped, 'dropped by interface');
  }
  return s;
}

/** The message and exit code for a device that cannot be opened. */
export function explainOpenError(err: LiveCaptureError, device: string, filter: string | undefined): [string, number] {
  switch (err.code) {
    case 'EPERM': {
      const caps = effectiveCapabilities();
      const missing = [!caps.netRaw && 'CAP_NET_RAW', !caps.netAdmin && 'CAP_NET_ADMIN'].filter(Boolean).join(' and ');
      return [
        `you don't have permission to capture on ${device} (${err.message}).\n`
          + `Capturing needs the CAP_NET_RAW capability (and CAP_NET_ADMIN for promiscuous mode and hardware time stamps); `
          + `this process is missing ${missing || 'neither (a security policy refused it)'}.\n`
          + `Run as root (sudo), or grant them to node: setcap cap_net_raw,cap_net_admin=eip ${process.execPath}`,
        CAPTURE_EXIT.DEVICE,
      ];
    }
    case 'ENODEV': {
      const names = interfaceNames();
      return [`no such interface "${device}"${names.length ? `; interfaces: ${names.join(', ')}` : ''} (wirelite interfaces describes them)`, CAPTURE_EXIT.DEVICE];
    }
    case 'ENETDOWN':
      return [`interface ${device} is down (${err.message}); bring it up first (ip link set ${device} up)`, CAPTURE_EXIT.DEVICE];
    case 'EBADFILTER':
      return [`bad capture filter "${filter ?? ''}": ${err.message}`, CAPTURE_EXIT.USAGE];
    case 'ETSTAMP':
    case 'ELINKTYPE':
      return [`${err.message}`, CAPTURE_EXIT.USAGE];
    case 'EUNAVAILABLE':
      return [err.message, CAPTURE_EXIT.UNAVAILABLE];
    default:
      return [`cannot capture on ${device}: ${err.message}`, CAPTURE_EXIT.DEVICE];
  }
}

/** CAP_NET_ADMIN (12) and CAP_NET_RAW (13) in this process's effective set. */
export function effectiveCapabilities(): { netAdmin: boolean; netRaw: boolean } {
  try {
    const m = /^CapEff:\s*([0-9a-f]+)/m.exec(readFileSync('/proc/self/status', 'utf8'));
    const eff = BigInt(`0x${m?.[1] ?? '0'}`);
    return { netAdmin: (eff & (1n << 12n)) !== 0n, netRaw: (eff & (1n << 13n)) !== 0n };
  } catch {
    return { netAdmin: false, netRaw: false };
  }
}

function lookupUser(name: string): { name: string; uid: number; gid: number } {
  try {
    const uid = Number(execFileSync('id', ['-u', name], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim());
    const gid = Number(execFileSync('id', ['-g', name], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim());
    if (!Number.isInteger(uid) || !Number.isInteger(gid)) throw new Error('bad id output');
    return { name, uid, gid };
  } catch {
    throw new UsageError(`-Z: no such user "${name}"`);
  }
}

function parseStops(conds: string[], count: number | undefined): StopConditions {
  const s: StopConditions = {};
  if (count !== undefined) s.packets = count;
  for (const c of conds) {
    const [k, v] = splitKV(c, '-a');
    switch (k) {
      case 'duration':
        s.durationMs = positiveNumber(v, '-a duration') * 1000;
        break;
      case 'filesize':
        s.fileSizeBytes = positiveInt(v, '-a filesize') * 1000;
        break;
      case 'packets':
        s.packets = Math.min(s.packets ?? Infinity, positiveInt(v, '-a packets'));
        break;
      default:
        throw new UsageError(`unknown -a condition "${k}" (duration:S, filesize:KB, packets:N)`);
    }
  }
  return s;
}

function parseRing(opts: string[]): RingOptions | undefined {
  if (!opts.length) return undefined;
  const r: RingOptions = {};
  for (const c of opts) {
    const [k, v] = splitKV(c, '-b');
    switch (k) {
      case 'filesize':
        r.fileSizeBytes = positiveInt(v, '-b filesize') * 1000;
        break;
      case 'files':
        r.files = positiveInt(v, '-b files');
        break;
      case 'duration':
        r.durationMs = positiveNumber(v, '-b duration') * 1000;
        break;
      default:
        throw new UsageError(`unknown -b option "${k}" (filesize:KB, files:N, duration:S)`);
    }
  }
  return r;
}

function splitKV(s: string, flag: string): [string, string] {
  const i = s.indexOf(':');
  if (i < 0) throw new UsageError(`bad ${flag} value "${s}": expected name:value`);
  return [s.slice(0, i), s.slice(i + 1)];
}

function positiveInt(v: string, flag: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n <= 0) throw new UsageError(`${flag} takes a positive integer, not "${v}"`);
  return n;
}

function nonNegativeInt(v: string, flag: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new UsageError(`${flag} takes an integer >= 0, not "${v}"`);
  return n;
}

function positiveNumber(v: string, flag: string): number {
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0) throw new UsageError(`${flag} takes a positive number, not "${v}"`);
  return n;
}

/**
 * The pipeline driver: frames from a source (./source.ts) -> the dissectors of a session -> the
 * consumers a command registered. For each frame: the `onFrame` hook (every frame, before any
 * filter), dissection, the read filter (`-R`), the display filter (`-Y`: in front of the taps and
 * the packet sink), then the packet's tap records (../dissectors/taps.ts) and the sink.
 *
 * A rereadable source in a mode that prints packets runs two passes, as `tshark -2`: the first only
 * dissects (no column text, no taps, no sink) so that facts known later (a fragment's "reassembled
 * in", TCP analysis verdicts, a DNS query's response) are final when the second pass delivers.
 * Standard input and a live capture are read once. The GC policy (./gc.ts) and parallel shards
 * (./shards.ts) are the driver's too.
 */
import type { Frame, InterfaceInfo } from '../capture/frame.js';
import type { DecryptionSecrets } from '../capture/capture-parser.js';
import { dissectFrame, newSession, Packet, secondPass } from '../dissectors/index.js';
import type { Session } from '../dissectors/packet.js';
import type { SessionOptions } from '../dissectors/session.js';
import { commandSessionOptions } from './session-options.js';
import { PatchLog } from '../dissectors/patch.js';
import { addTlsSecretsBlock } from '../dissectors/tls/keylog.js';
import type { NameResolver } from '../dissectors/names.js';
import type { TapKind, TapListener } from '../dissectors/taps.js';
import { capacityFor, grown } from '../dissectors/grow.js';
import { collectGarbage, GC_EVERY_MASK } from './gc.js';
import { shardSelector, type Shard } from './shards.js';
import { fileSource, type FrameSource } from './source.js';

export interface DissectOptions {
  /** Build column text (Info, addresses): needed by every output but `-q`. */
  columns: boolean;
  /** Run a first pass (only for rereadable sources; ignored for stdin and live captures). */
  twoPass: boolean;
  /** Stop after this many frames (0 = all). */
  count: number;
  /** Fields the tree keeps: null for all (default), a list of field ids (`-e`), [] for none. */
  fields?: readonly number[] | null;
  onInterface?: (info: InterfaceInfo) => void;
  /**
   * Force a full GC every 2^18 frames (default true): printed reads make garbage (column texts)
   * that V8 would let grow the heap. Statistics that print nothing per packet pass false: V8's own
   * collections keep their heap near the live data, and the forced ones cost about 5% of the time.
   */
  periodicGc?: boolean;
  /** A pcapng Decryption Secrets Block (given once, in the first pass of a two-pass read). */
  onDecryptionSecrets?: (secrets: DecryptionSecrets) => void;
  /** A single pass (stdin) revised an already passed frame (see Session.revise). */
  onRevise?: (frame: number, key: string, value: number) => void;
  /**
   * Protocols not dissected during this read (`--disable-protocol`; statistics that need only the
   * lower layers pass `applicationProtocols()`): their bytes go to `data`, or nowhere if `data` is one.
   */
  disabledProtocols?: readonly string[];
  /**
   * The options of the session this read makes (`newSession(options)`: -o, -d, heuristics, limits);
   * default: the command's (./session-options.ts). `disabledProtocols` are added to them.
   */
  sessionOptions?: SessionOptions;
  /**
   * Dissect only the frames of shard `index` of `count` (./shards.ts): one worker's part of a
   * parallel read. The others are skipped unread; frame numbers stay the file's.
   */
  shard?: Shard;
  /**
   * With `shard`: each frame of the other shards, by its time stamp, moves the session's first and
   * previous frame times, and in the pass that delivers goes to `passOver` (a parallel read's
   * printer keeps its time column with it).
   */
  passOver?: (tsSec: number, tsNsec: number, hasTime: boolean, interfaceId: number) => void;
  /**
   * Collect expert items (default true). Statistics that read only a tap pass false, with the
   * application protocols disabled (see Packet.wantExperts).
   */
  experts?: boolean;
  /**
   * The sink keeps nothing of a frame (nor of its packet) after it returns: the reader may give
   * every frame in one reused object (statistics that only add numbers up).
   */
  reuseFrames?: boolean;
  /** Name resolution (`-N`, src/cli/dissect-options.ts): none when undefined (`-n`, the default). */
  names?: NameResolver;
  /** `read -R` (see ReadFilter). */
  readFilter?: ReadFilter;
  /**
   * False: no TCP sequence analysis (SessionOptions.tcpAnalysis), for a statistic that reads none
   * of it, with the application protocols disabled (nothing reassembled).
   */
  tcpAnalysis?: boolean;
  /** False: no TCP conversations (SessionOptions.tcpConversations), for a read of header fields only. */
  tcpConversations?: boolean;
  /**
   * With `twoPass` and a rereadable source: one patched pass instead (../dissectors/patch.ts), which
   * dissects as a first pass and delivers each packet, holes in its columns; `onPatched` gets the
   * log when the pass ends (also when it ends in an error), to fill the holes or go back to two passes.
   */
  patched?: boolean;
  onPatched?: (log: PatchLog) => void;
  /** Between blocks of the file: a promise to wait for (the main thread reading a shard lets the merge run). */
  pause?: () => Promise<void> | undefined;
}

export interface PipelineOptions extends DissectOptions {
  /**
   * A display filter (`-Y`, as tshark -2 -Y): every frame is dissected (the analysis sees them
   * all); the packets it rejects reach neither the taps' listeners nor the sink, only `onDropped`.
   * Not applied in the first pass of two.
   */
  displayFilter?: DisplayFilterStage;
  /** Tap listeners of this read (a session's own: see ../dissectors/taps.ts), behind the display filter. */
  taps?: readonly TapRegistration[];
  /** Every frame read, before any filter and before it is dissected (a time reference, a count). */
  onFrame?: (frame: Frame) => void;
  /** After every frame (passed or dropped): false stops the read (a capture's stop conditions). */
  afterFrame?: (frame: Frame) => boolean;
  /**
   * Dissect the frames (default true). False: the sink gets each frame with a packet that was not
   * dissected (a capture that only writes files); taps and filters need true.
   */
  dissect?: boolean;
  /** The session to dissect in (default: a new one). */
  session?: Session;
  /**
   * A two-pass read whose first pass is shown too (the terminal UI lists packets while the second
   * pass is still to come): the first pass builds column text and hands each packet to this sink,
   * without filters. The second pass delivers as usual.
   */
  firstPassSink?: PacketSink;
}

/**
 * A read filter (`read -R`, tshark's `-2 -R`): the first pass dissects every frame, numbering it
 * among the frames passed so far; the second dissects only the frames that passed, numbered
 * 1, 2, ... (so the analysis sees only them, as in tshark). A single pass (stdin) drops the others.
 */
export interface ReadFilter {
  test(pkt: Packet): boolean;
  /** A frame the filter dropped (in the pass that prints). */
  onDropped?: (frame: Frame) => void;
}

/** The display filter in front of the taps and the sink. */
export interface DisplayFilterStage {
  test(pkt: Packet): boolean;
  /** A frame the filter dropped (in the pass that delivers). */
  onDropped?: (frame: Frame) => void;
}

/** A listener of one kind of tap record, for one read. */
export interface TapRegistration {
  kind: TapKind<object>;
  fn: TapListener<object>;
}

/** `{ kind, fn }` typed by the kind. */
export function tap<R extends object>(kind: TapKind<R>, fn: TapListener<R>): TapRegistration {
  return { kind: kind as unknown as TapKind<object>, fn: fn as TapListener<object> };
}

interface ReadFilterState {
  filter: ReadFilter;
  /** File positions (1-based) of the frames that passed the first pass. */
  kept: FrameBits;
  passed: number;
}

/** A set of frame positions, one bit each (a Set of a long capture's numbers took about 20 bytes each). */
class FrameBits {
  private bits = new Uint8Array(1024);
  add(at: number): void {
    const i = at >>> 3;
    if (i >= this.bits.length) this.bits = grown(this.bits, capacityFor(this.bits.length, i));
    this.bits[i]! |= 1 << (at & 7);
  }
  has(at: number): boolean {
    const i = at >>> 3;
    return i < this.bits.length && (this.bits[i]! & (1 << (at & 7))) !== 0;
  }
}

export interface DissectSummary {
  frames: number;
  /** Time-stamp precision of the file (6 for µs, 9 for ns), for the time column. */
  tsDigits: number;
  interfaces: InterfaceInfo[];
}

export type PacketSink = (pkt: Packet, frame: Frame) => void;

const NO_SINK: PacketSink = () => {};

/** Reads and dissects every frame of `source`, handing each packet to the consumers of `opts` and to `sink`. */
export async function runPipeline(source: FrameSource, opts: PipelineOptions, sink: PacketSink = NO_SINK): Promise<DissectSummary> {
  if (opts.session && (opts.disabledProtocols?.length || opts.tcpAnalysis === false || opts.tcpConversations === false)) throw new Error('runPipeline: disabledProtocols, tcpAnalysis and tcpConversations are session options: make the session with them');
  const made = withDisabled(opts.sessionOptions ?? commandSessionOptions(), opts.disabledProtocols);
  const off = { ...(opts.tcpAnalysis === false ? { tcpAnalysis: false } : {}), ...(opts.tcpConversations === false ? { tcpConversations: false } : {}) };
  const session = opts.session ?? newSession(Object.keys(off).length ? { ...made, ...off } : made);
  session.revise = opts.onRevise;
  session.names = opts.names;
  const taps = session.taps;
  taps.hold = true;
  const removals: (() => void)[] = [];
  for (const t of opts.taps ?? []) removals.push(taps.add(t.kind, t.fn));
  const rf: ReadFilterState | undefined = opts.readFilter ? { filter: opts.readFilter, kept: new FrameBits(), passed: 0 } : undefined;
  try {
    if (opts.twoPass && opts.patched && source.rereadable) {
      session.pass = 1;
      const log = new PatchLog();
      session.patch = log;
      try {
        return await runPass(source, session, opts.columns, opts, sink, rf);
      } finally {
        for (const t of session.notes.values()) t.settle();
        log.finish();
        opts.onPatched?.(log);
      }
    }
    if (opts.twoPass && source.rereadable) {
      session.pass = 1;
      // A damaged file fails again, after the same frames, in the second pass: report it there.
      await runPass(source, session, opts.firstPassSink !== undefined && opts.columns, opts, opts.firstPassSink ?? NO_SINK, rf).catch(() => undefined);
      secondPass(session);
      // The first pass's tables are garbage now: collect them before the second pass builds its own,
      // so the two never add up in the peak memory.
      collectGarbage();
    }
    if (rf) rf.passed = 0;
    return await runPass(source, session, opts.columns, opts, sink, rf);
  } finally {
    for (const r of removals) r();
    taps.discard();
    taps.hold = false;
  }
}

/** A compiled display filter (src/filter/cli.ts compileOption): the test and the fields it reads. */
export interface CompiledFilter {
  filter: (pkt: Packet) => boolean;
  fields: readonly number[];
}

/**
 * A statistic's read with a display filter in front of it (`stats ... -Y`, as tshark -2 with the
 * filter in -z conv,tcp,FILTER): two passes (the filter sees final analysis and pairing values),
 * every protocol dissected, TCP analysed and expert items collected (the filter may name any field), the tree
 * widened by the fields the filter reads. Without a filter the options are returned as they are.
 */
export function withDisplayFilter(opts: PipelineOptions, f: CompiledFilter | undefined): PipelineOptions {
  if (!f) return opts;
  const fields = opts.fields === null || opts.fields === undefined ? null : [...new Set([...opts.fields, ...f.fields])];
  return { ...opts, twoPass: true, fields, disabledProtocols: undefined, experts: true, tcpAnalysis: undefined, tcpConversations: undefined, displayFilter: { test: f.filter, onDropped: opts.displayFilter?.onDropped } };
}

/** Session options with more protocols disabled. */
function withDisabled(o: SessionOptions, disabled: readonly string[] | undefined): SessionOptions {
  if (!disabled?.length) return o;
  return { ...o, disabledProtocols: [...(o.disabledProtocols ?? []), ...disabled] };
}

/** Reads and dissects every frame of `path` (`-` for standard input). */
export function dissectFile(path: string, opts: PipelineOptions, sink: PacketSink = NO_SINK): Promise<DissectSummary> {
  return runPipeline(fileSource(path), opts, sink);
}

async function runPass(
  source: FrameSource,
  session: Session,
  columns: boolean,
  opts: PipelineOptions,
  sink: PacketSink,
  rf?: ReadFilterState,
): Promise<DissectSummary> {
  const pkt = new Packet(session, columns);
  pkt.selectFields(opts.fields ?? null);
  pkt.wantExperts = opts.experts !== false;
  const interfaces: InterfaceInfo[] = [];
  let frames = 0;
  let tsDigits = 6;
  // (A patched pass dissects as a first pass does and delivers as a second.)
  const patch = session.patch;
  const first = session.pass === 1 && patch === undefined;
  const taps = session.taps;
  const df = first ? undefined : opts.displayFilter;
  const onFrame = first ? undefined : opts.onFrame;
  const afterFrame = opts.afterFrame;
  const dissect = opts.dissect !== false;
  const gc = opts.periodicGc !== false;
  const count = opts.count;
  const shard = opts.shard;
  const passOver = opts.passOver;
  /** Another shard's frame: only its time counts here (as dissectFrame keeps it). */
  const skipped = passOver && shard && shard.count > 1 ? (sec: number, nsec: number, hasTime: boolean, interfaceId: number): void => {
    if (!hasTime) return;
    const ts = session.time;
    if (!ts.seen) {
      ts.firstSec = sec;
      ts.firstNsec = nsec;
      ts.seen = true;
    }
    ts.prevSec = sec;
    ts.prevNsec = nsec;
    if (!first) passOver(sec, nsec, hasTime, interfaceId);
  } : undefined;
  /** The packet is dissected: through the display filter to the taps and the sink. */
  const deliver = (frame: Frame): void => {
    if (df && !df.test(pkt)) {
      taps.discard();
      df.onDropped?.(frame);
      return;
    }
    taps.deliver();
    sink(pkt, frame);
  };
  await source.read(
    {
      onFormat(format) {
        session.interfaceIds = format.name === 'pcapng';
      },
      onInterface(info: InterfaceInfo) {
        interfaces[info.id] = info;
        session.fcsLen[info.id] = info.fcsLen;
        session.ifNames[info.id] = info.name;
        const r = info.tsResol ?? 6;
        const digits = r & 0x80 ? Math.ceil((r & 0x7f) * Math.log10(2)) : r;
        if (interfaces.length === 1 || digits > tsDigits) tsDigits = Math.min(9, digits);
        if (!first) opts.onInterface?.(info);
      },
      onDecryptionSecrets(secrets: DecryptionSecrets) {
        if (session.pass !== 2) {
          // A TLS key log in the capture (a pcapng DSB) decrypts as tshark's would, with no option.
          addTlsSecretsBlock(session, secrets);
          opts.onDecryptionSecrets?.(secrets);
        }
      },
      onFrame(frame: Frame): boolean {
        frames++;
        // Collect now and then, so that garbage (column texts, per-packet strings) does not grow
        // the heap between V8's own, lazier, full collections: peak memory stays near the live data.
        if ((frames & GC_EVERY_MASK) === 0 && gc) collectGarbage();
        onFrame?.(frame);
        if (rf) {
          const at = frame.number;
          if (session.pass === 2) {
            if (!rf.kept.has(at)) {
              // Times stay relative to the file's first frame, as tshark's.
              const ts = session.time;
              if (frame.hasTime && !ts.seen) {
                ts.firstSec = ts.prevSec = frame.tsSec;
                ts.firstNsec = ts.prevNsec = frame.tsNsec;
                ts.seen = true;
              }
              rf.filter.onDropped?.(frame);
              return afterFrame ? afterFrame(frame) : true;
            }
            frame.number = ++rf.passed;
          } else {
            frame.number = rf.passed + 1;
            pkt.reset(frame);
            dissectFrame(pkt);
            if (!rf.filter.test(pkt)) {
              taps.discard();
              if (session.pass === 0) rf.filter.onDropped?.(frame);
              return afterFrame ? afterFrame(frame) : true;
            }
            rf.passed++;
            rf.kept.add(at);
            deliver(frame);
            if (count && rf.passed >= count) return false;
            return afterFrame ? afterFrame(frame) : true;
          }
        }
        if (dissect) {
          pkt.reset(frame);
          patch?.begin();
          dissectFrame(pkt);
          deliver(frame);
        } else sink(pkt, frame);
        if (count && frames >= count) return false;
        return afterFrame ? afterFrame(frame) : true;
      },
    },
    { reuseFrames: opts.reuseFrames, pause: opts.pause, select: shard && shard.count > 1 ? shardSelector(shard.index, shard.count) : undefined, onSkipped: skipped },
  );
  return { frames, tsDigits, interfaces };
}

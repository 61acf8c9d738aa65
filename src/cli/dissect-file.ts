/**
 * The read pipeline: capture file -> frames -> dissection -> a sink per packet.
 *
 * Reading a file (not stdin) in a mode that prints packets runs two passes, as `tshark -2`: the
 * first only dissects (no column text) so that facts known later (a fragment's "reassembled in",
 * TCP analysis verdicts) are final when the second pass prints. Stdin is read once.
 */
import v8 from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { Frame, InterfaceInfo } from '../capture/frame.js';
import type { DecryptionSecrets } from '../capture/capture-parser.js';
import { readCapture } from '../capture/reader.js';
import { flowShard } from '../capture/flow-hash.js';
import { dissectFrame, newSession, Packet, secondPass } from '../dissectors/index.js';
import type { Session } from '../dissectors/packet.js';
import { disableProtocols } from '../dissectors/registry.js';
import type { NameResolver } from '../dissectors/names.js';

export interface DissectOptions {
  /** Build column text (Info, addresses): needed by every output but `-q`. */
  columns: boolean;
  /** Run a first pass (only for files; ignored for stdin). */
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
   * Dissect only the frames of shard `index` of `count` (src/capture/flow-hash.ts): one worker's
   * part of a parallel read. The others are skipped unread; frame numbers stay the file's.
   */
  shard?: { index: number; count: number };
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

interface ReadFilterState {
  filter: ReadFilter;
  /** File positions (1-based) of the frames that passed the first pass. */
  kept: Set<number>;
  passed: number;
}

export interface DissectSummary {
  frames: number;
  /** Time-stamp precision of the file (6 for µs, 9 for ns), for the time column. */
  tsDigits: number;
  interfaces: InterfaceInfo[];
}

class StopReading extends Error {}

/** A full GC every 2^18 frames (a few tens of ms each; under 1% of the time of a read). */
const GC_EVERY_MASK = (1 << 18) - 1;

/** V8's full GC, reached without a command-line flag (a no-op if it cannot be). */
let gcFn: (() => void) | undefined;
export function collectGarbage(): void {
  try {
    if (!gcFn) {
      v8.setFlagsFromString('--expose-gc');
      gcFn = runInNewContext('gc') as () => void;
    }
    gcFn();
  } catch {
    /* no GC hook: the memory is still reclaimed, later */
  }
}

/** Hash buckets a parallel read's traffic is split in (src/capture/flow-hash.ts). */
const SHARD_BUCKETS = 1024;
/**
 * Shard 0 of a parallel read runs in the calling thread, which starts at once, while each worker
 * first loads its modules (about 0.2 s of a 2 s read): shard 0 takes this much more than an even
 * share, the others split the rest evenly.
 */
const SHARD0_EXTRA = 0.1;

/** The frames of shard `index` of `count`: a symmetric hash of the IP address pair, in buckets. */
function shardSelector(index: number, count: number): (d: Uint8Array, off: number, len: number, linkType: number) => boolean {
  const cut = Math.round(Math.min(1, (1 + SHARD0_EXTRA) / count) * SHARD_BUCKETS);
  return (d, off, len, linkType) => {
    const b = flowShard(d, off, len, linkType, SHARD_BUCKETS);
    const s = b < cut ? 0 : 1 + Math.floor(((b - cut) * (count - 1)) / (SHARD_BUCKETS - cut));
    return s === index;
  };
}

/**
 * A full GC when the heap holds at least `minBytes` (live or not): the point is the peak memory of
 * large reads (a flood's dissection state let go before the output's tables are built); a small
 * heap is not worth the tens of milliseconds.
 */
export function collectGarbageIfLarge(minBytes = 128 * 2 ** 20): void {
  if (v8.getHeapStatistics().used_heap_size >= minBytes) collectGarbage();
}

/** Reads and dissects every frame of `path`, calling `sink` with each dissected packet. */
export async function dissectFile(
  path: string,
  opts: DissectOptions,
  sink: (pkt: Packet, frame: Frame) => void,
): Promise<DissectSummary> {
  const session = newSession();
  session.revise = opts.onRevise;
  session.names = opts.names;
  const restore = opts.disabledProtocols?.length ? disableProtocols(opts.disabledProtocols) : undefined;
  const rf: ReadFilterState | undefined = opts.readFilter ? { filter: opts.readFilter, kept: new Set(), passed: 0 } : undefined;
  try {
    if (opts.twoPass && path !== '-') {
      session.pass = 1;
      // A damaged file fails again, after the same frames, in the second pass: report it there.
      await runPass(path, session, false, opts, () => {}, rf).catch(() => undefined);
      secondPass(session);
      // The first pass's tables are garbage now: collect them before the second pass builds its own,
      // so the two never add up in the peak memory.
      collectGarbage();
    }
    if (rf) rf.passed = 0;
    return await runPass(path, session, opts.columns, opts, sink, rf);
  } finally {
    restore?.();
  }
}

async function runPass(
  path: string,
  session: Session,
  columns: boolean,
  opts: DissectOptions,
  sink: (pkt: Packet, frame: Frame) => void,
  rf?: ReadFilterState,
): Promise<DissectSummary> {
  const pkt = new Packet(session, columns);
  pkt.selectFields(opts.fields ?? null);
  pkt.wantExperts = opts.experts !== false;
  const interfaces: InterfaceInfo[] = [];
  let frames = 0;
  let tsDigits = 6;
  try {
    const shard = opts.shard;
    await readCapture(path, {
      reuseFrames: opts.reuseFrames,
      select: shard && shard.count > 1 ? shardSelector(shard.index, shard.count) : undefined,
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
        if (session.pass !== 1) opts.onInterface?.(info);
      },
      onDecryptionSecrets(secrets: DecryptionSecrets) {
        if (session.pass !== 2) opts.onDecryptionSecrets?.(secrets);
      },
      onFrame(frame: Frame) {
        frames++;
        // Collect now and then, so that garbage (column texts, per-packet strings) does not grow
        // the heap between V8's own, lazier, full collections: peak memory stays near the live data.
        if ((frames & GC_EVERY_MASK) === 0 && opts.periodicGc !== false) collectGarbage();
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
              return;
            }
            frame.number = ++rf.passed;
          } else {
            frame.number = rf.passed + 1;
            pkt.reset(frame);
            dissectFrame(pkt);
            if (!rf.filter.test(pkt)) {
              if (session.pass === 0) rf.filter.onDropped?.(frame);
              return;
            }
            rf.passed++;
            rf.kept.add(at);
            sink(pkt, frame);
            if (opts.count && rf.passed >= opts.count) throw new StopReading();
            return;
          }
        }
        pkt.reset(frame);
        dissectFrame(pkt);
        sink(pkt, frame);
        if (opts.count && frames >= opts.count) throw new StopReading();
      },
    });
  } catch (e) {
    if (!(e instanceof StopReading)) throw e;
  }
  return { frames, tsDigits, interfaces };
}

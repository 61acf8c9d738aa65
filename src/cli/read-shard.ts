/**
 * One shard of a parallel `read` (src/pipeline/ordered-shards.ts), in a worker (./read-worker.ts)
 * or in the main thread (shard 0): reads the whole file, dissects the frames of its shard of the
 * hosts (two passes, or one patched pass), prints them with the command's printer and sends the
 * text in chunks to the merge, which writes every shard's text in frame order.
 */
import type { InterfaceInfo } from '../capture/frame.js';
import { dissectFile, type Shard } from '../pipeline/index.js';
import { CHUNK_BYTES, serializeError, type ChunkSink, type SerializedError } from '../pipeline/ordered-shards.js';
import { OutBuffer } from '../render/output.js';
import { grown } from '../dissectors/grow.js';
import type { Spool } from '../pipeline/spool.js';
import type { PatchLog } from '../dissectors/patch.js';
import { HEADER_ONLY_PIPELINE, warnLinkType } from './commands/read.js';
import { createPacketPrinter, tsDigitsOf, type PrintFlags } from './packet-printer.js';

/** What `read` gives each worker (see the parallel read in commands/read.ts). */
export interface ReadTask {
  file: string;
  flags: PrintFlags;
  disabledProtocols: string[];
  /** -q: nothing printed, one pass (see quietShard). */
  quiet: boolean;
  /** Two passes (printing, but not -T fields of header fields only: see read's HEADER_FIELDS). */
  twoPass: boolean;
  /** -T fields of header fields only: no TCP sequence analysis, no expert items (see read's HEADER_FIELDS). */
  headerOnly: boolean;
  /** One patched pass instead of two (../dissectors/patch.ts): the result is a PatchedResult. */
  patched: boolean;
  /** Collect expert items (false: nothing printed reads one; see Packet.wantExperts). */
  experts: boolean;
}

/** What a worker of a patched read returns: its frames, and its holes' texts or why the read must go back to two passes. */
export interface PatchedResult {
  frames: number;
  unsafe: string | null;
  texts: string[];
  /** The read's error (a damaged file), after every frame before it was sent. */
  error?: SerializedError;
}

/** The printer's output in a worker: text cut into chunks at frame ends and sent to the main thread. */
class FrameChunkOut extends OutBuffer {
  private frames = new Int32Array(4096);
  private ends = new Int32Array(4096);
  private count = 0;
  /** A patched read: the chunk's holes, pairs of (offset, id). */
  private holes: number[] = [];
  /** Bytes of this chunk already moved out of the buffer (a text larger than its free space). */
  private spill: Uint8Array[] = [];
  private spillLen = 0;

  constructor(private readonly sender: ChunkSink) {
    super(-1, 1 << 20);
  }

  protected override emit(bytes: Uint8Array): void {
    // (A copy: Buffer.prototype.slice is a view of the reused buffer.)
    this.spill.push(new Uint8Array(bytes));
    this.spillLen += bytes.length;
  }

  /** Hole `id` (a patched read, ../dissectors/patch.ts) goes here. */
  mark(id: number): void {
    this.encodePending();
    this.holes.push(this.spillLen + this.pos, id);
  }

  /** The text of frame `frame` is complete. */
  endFrame(frame: number): void {
    this.encodePending();
    const i = this.count;
    if (i === this.frames.length) {
      this.frames = grown(this.frames, i * 2);
      this.ends = grown(this.ends, i * 2);
    }
    this.frames[i] = frame;
    this.ends[i] = this.spillLen + this.pos;
    this.count = i + 1;
    if (this.spillLen + this.pos >= CHUNK_BYTES) this.send();
  }

  /** Sends the text of the frames ended so far. */
  send(): void {
    this.encodePending();
    if (this.count === 0) return;
    const bytes = this.sender.room(this.spillLen + this.pos);
    let at = 0;
    for (const s of this.spill) {
      bytes.set(s, at);
      at += s.length;
    }
    bytes.set(this.buf.subarray(0, this.pos), at);
    const holes = this.holes.length ? Int32Array.from(this.holes) : undefined;
    this.sender.send({ frames: this.frames.slice(0, this.count), ends: this.ends.slice(0, this.count), bytes, ...(holes ? { holes } : {}) });
    this.holes = [];
    this.count = 0;
    this.pos = 0;
    this.spill = [];
    this.spillLen = 0;
  }
}

/** A printer's output that goes to a spool, with `mark` for the holes (a read in one thread). */
export class SpoolOut extends OutBuffer {
  constructor(readonly spool: Spool) {
    super(-1, 1 << 20);
  }
  protected override emit(bytes: Uint8Array): void {
    this.spool.append(bytes);
  }
  /** Hole `id` goes here. */
  mark(id: number): void {
    this.encodePending();
    this.spool.hole(this.spool.size + this.pos, 0, id);
  }
}

/**
 * -q: the shard is only dissected, nothing merged (runShards: the calling thread reads shard 0 and
 * says the warnings). An error comes back as the result, for the caller to raise as its own.
 */
export async function quietShard(t: ReadTask & Shard): Promise<{ result: SerializedError | undefined }> {
  try {
    await dissectFile(t.file, { columns: false, fields: [], twoPass: false, count: 0, disabledProtocols: t.disabledProtocols, experts: t.experts, shard: { index: t.index, count: t.count }, reuseFrames: true });
    return { result: undefined };
  } catch (e) {
    return { result: serializeError(e) };
  }
}

/**
 * Prints shard `t` of the file, its text sent in chunks to `sender` (every frame printed before an
 * error is sent before it is raised). `pause`: between blocks of the file (the main thread's shard
 * lets the merge run). Returns the frames read, or with `patched` a PatchedResult.
 */
export async function printShard(t: ReadTask & Shard, sender: ChunkSink, pause?: () => Promise<void> | undefined): Promise<number | PatchedResult> {
  const out = new FrameChunkOut(sender);
  const interfaces: InterfaceInfo[] = [];
  const warned = new Set<number>();
  // Warnings (a -e field's protocol not dissected) were printed by the main thread already.
  const printer = createPacketPrinter(t.flags, (frame) => tsDigitsOf(interfaces, frame.interfaceId), { out, isTTY: false, file: t.file, warn: () => {} });
  let log: PatchLog | undefined;
  try {
    const summary = await dissectFile(
      t.file,
      {
        columns: printer.columns,
        fields: printer.fields,
        twoPass: t.twoPass,
        patched: t.patched,
        onPatched: (l) => {
          log = l;
        },
        ...(t.headerOnly ? HEADER_ONLY_PIPELINE : {}),
        count: 0,
        disabledProtocols: t.disabledProtocols,
        experts: t.experts,
        shard: { index: t.index, count: t.count },
        reuseFrames: true,
        pause,
        passOver: (sec, nsec, hasTime, id) => printer.passOver(sec, nsec, hasTime, id),
        onInterface: (info) => {
          interfaces[info.id] = info;
          // Said once, by shard 0.
          if (t.index === 0) warnLinkType(warned, info);
        },
      },
      (pkt, frame) => {
        printer.print(pkt, frame);
        out.endFrame(frame.number);
      },
    );
    return t.patched ? patchedResult(summary.frames, log) : summary.frames;
  } catch (e) {
    if (!t.patched) throw e;
    out.send();
    return patchedResult(0, log, serializeError(e));
  } finally {
    // Every frame printed before a damaged part of the file is written before its error.
    out.send();
  }
}

function patchedResult(frames: number, log: PatchLog | undefined, error?: SerializedError): PatchedResult {
  const unsafe = log ? log.unsafe : 'the read ended before its patch log';
  // The read runs again in two passes, which say what this one would have said at exit.
  if (unsafe !== null) log?.discard();
  return { frames, unsafe, texts: log && unsafe === null ? log.texts() : [], ...(error ? { error } : {}) };
}

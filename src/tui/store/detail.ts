/**
 * The selected packet, dissected again on demand in a session of its own (the indexer's session
 * is in its worker): its detail tree as `read -V` prints it (src/render/output.ts treeRows), the
 * byte range of every line's item, and its bytes as `read -x` dumps them.
 *
 * A packet's tree depends on the frames before it (TCP analysis, reassembly, relative sequence
 * numbers) and, in a two-pass read, on some after it ("response in"). So the frames up to the
 * selected one are read again, as `read` reads them: two passes, the first a little past the
 * frame. Up to FULL_REPLAY frames this is the whole file's beginning (the tree is `read -V`'s,
 * exactly); further into a big file only a context is replayed, read at the store's offsets: the
 * first frame (times), the frames of the packet's TCP stream, the frame before it, and it. Then
 * what counts conversations (tcp.stream, udp.stream) may differ from `read -V`: the pane says so.
 */
import type { Frame } from '../../capture/frame.js';
import type { Packet } from '../../dissectors/packet.js';
import { newSession, type SessionOptions } from '../../dissectors/session.js';
import { fileSource, runPipeline, type FrameSource } from '../../pipeline/index.js';
import { hexDump, summaryLine, newTimeContext, treeRows, type TreeRow } from '../../render/output.js';
import { memoryFramesSource, offsetFramesSource, type StoredFrame } from './frame-sources.js';
import type { PacketStore } from './packet-store.js';

/** Frames replayed from the start of the file at most (beyond: a context, see above). */
export const FULL_REPLAY = 50_000;
/** Frames past the selected one the first pass reads (a response, a reassembly that ends there). */
export const LOOKAHEAD = 2_000;
/** Frames of the packet's TCP stream a context replay takes at most. */
export const CONTEXT_FRAMES = 20_000;

export interface DetailLine extends TreeRow {
  /** The item's bytes: data source index, start, length (len 0: none). */
  src: number;
  start: number;
  len: number;
}

export interface PacketDetail {
  number: number;
  lines: DetailLine[];
  /** Data sources: the frame, then reassembled or decrypted data. */
  sources: { name: string; bytes: Uint8Array }[];
  /** `read -x`'s dump of the packet. */
  hex: string;
  /** `read`'s summary line (without colour). */
  summary: string;
  /** How the packet was replayed, when it is not exactly as `read -V` (a context replay). */
  note?: string;
}

function capture(pkt: Packet, n: number): PacketDetail {
  const rows = treeRows(pkt);
  const lines: DetailLine[] = rows.map((r) => ({ ...r, src: pkt.src[r.item]!, start: pkt.start[r.item]!, len: pkt.len[r.item]! }));
  const sources = pkt.sources.map((b, k) => ({ name: pkt.sourceNames[k] ?? 'Frame', bytes: b.slice() }));
  return { number: n, lines, sources, hex: hexDump(pkt), summary: '' };
}

/** Re-dissects frames from `source` (two passes) and captures frame `n`'s detail. */
async function replay(source: FrameSource, n: number, lastFirstPass: number, sessionOptions: SessionOptions, tsDigits: number): Promise<PacketDetail | undefined> {
  const session = newSession(sessionOptions);
  let out: PacketDetail | undefined;
  let pkt: Packet | undefined;
  const time = newTimeContext('r', tsDigits);
  await runPipeline(
    source,
    {
      columns: true,
      twoPass: true,
      count: 0,
      // No tree for the frames before it (faster; dissection and its state are the same), the whole
      // tree for it: the packet's fields are chosen just before it is dissected (afterFrame below).
      // (Frame 1 is the first of every replay: nothing comes before it to choose its fields.)
      fields: n === 1 ? null : [],
      session,
      afterFrame: (frame: Frame) => {
        if (session.pass === 1) return frame.number < lastFirstPass;
        if (frame.number >= n) return false;
        return true;
      },
      onFrame: (frame: Frame) => {
        if (frame.number === n) pkt?.selectFields(null);
      },
    },
    (p, frame) => {
      pkt = p;
      if (frame.number === n) {
        out = capture(p, n);
        out.summary = summaryLine(p, time);
      } else summaryLine(p, time);
    },
  );
  return out;
}

/** The detail of frame `n` of the store (file: the capture's path; undefined for a live capture). */
export async function packetDetail(store: PacketStore, n: number, file: string | undefined, sessionOptions: SessionOptions): Promise<PacketDetail | undefined> {
  const total = store.count();
  if (n < 1 || n > total) return undefined;
  const digits = tsDigits(store);
  if (!file) {
    const frames = store.keptFrames;
    const src = memoryFramesSource(store.source, () => store.interfaces, () => frames);
    return replay(src, n, frames.length, sessionOptions, digits);
  }
  const last = Math.min(total, n + LOOKAHEAD);
  const sf = store.storedFrame(n)!;
  if (n <= FULL_REPLAY || sf.offset < 0) {
    return replay(fileSource(file), n, last, sessionOptions, digits);
  }
  // A context replay, read at the frames' offsets.
  const want = new Set<number>([1, n - 1, n]);
  const stream = store.streamOf(n);
  if (stream >= 0) {
    const found: number[] = [];
    for (let k = n - 1; k >= 1 && found.length < CONTEXT_FRAMES; k--) if (store.streamOf(k) === stream) found.push(k);
    for (const k of found) want.add(k);
    for (let k = n + 1; k <= last; k++) if (store.streamOf(k) === stream) want.add(k);
  }
  const numbers = [...want].filter((k) => k >= 1 && k <= total).sort((a, b) => a - b);
  const frames: StoredFrame[] = [];
  for (const k of numbers) {
    const f = store.storedFrame(k);
    if (f && f.offset >= 0) frames.push(f);
  }
  const src = offsetFramesSource(file, { interfaces: store.interfaces, pcapng: store.pcapng, secrets: store.secrets }, () => frames);
  const d = await replay(src, n, numbers[numbers.length - 1]!, sessionOptions, digits);
  if (d) d.note = `frame ${n} is past the first ${FULL_REPLAY} frames: replayed with ${frames.length - 1} frames of context (its TCP stream), so stream indexes and analysis that need other frames may differ from read -V`;
  return d;
}

function tsDigits(store: PacketStore): number {
  const f = store.storedFrame(1);
  const r = (f && store.interfaces[f.interfaceId]?.tsResol) ?? 6;
  return Math.max(0, Math.min(9, r & 0x80 ? Math.ceil((r & 0x7f) * Math.log10(2)) : r));
}

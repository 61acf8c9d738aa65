/**
 * `wirelite stats FILE conv [tcp|udp|ip|ipv6|eth]` and `stats FILE endpoints [...]`: the
 * conversation and endpoint tables (src/stats/conversations.ts) read from a file, in one thread or
 * in parallel shards, and written as `tshark -z conv,TYPE` / `-z endpoints,TYPE` print them (the
 * output streamed from the table's columns) or as JSON lines.
 */
import { CaptureFileError } from '../capture/capture-error.js';
import type { Frame } from '../capture/frame.js';
import { TCP_TAP } from '../dissectors/tcp/tap.js';
import { collectGarbageIfLarge, dissectFile, runShards, tap, withDisplayFilter, type CompiledFilter } from '../pipeline/index.js';
import { unreadProtocols } from '../stats/protocols.js';
import { CONV_LIMITS, CONV_TITLES, ConversationTable, type ConvShard, type ConvType } from '../stats/conversations.js';
import { collectText, type TextSink } from '../render/output.js';
import { fixed } from '../render/printf.js';

export { CONV_LIMITS, CONV_TITLES, CONV_TYPES, shardTransferables, type ConvRow, type ConvShard, type ConvType, type EndpointRow } from '../stats/conversations.js';

/** What a worker of a parallel read is given (besides its shard and the session options: see runShards). */
export interface ConvTask {
  file: string;
  type: ConvType;
}

/** Reads one type of conversation table from a capture file, and writes it (text, JSON). */
export class ConvStats extends ConversationTable {
  /** The display filter in front of the table (`-Y`), for the header's Filter line. */
  filterText: string | undefined;

  /**
   * Reads `file` in one pass and fills the table. A file damaged after some frames still gives
   * the table of those frames; the error is kept in `error` (the command prints, then fails).
   */
  async collect(file: string, threads = 1, filter?: CompiledFilter): Promise<this> {
    try {
      if (threads > 1 && !filter) await this.readParallel(file, threads);
      else await this.read(file, undefined, filter);
    } catch (e) {
      if (!(e instanceof CaptureFileError) || e.framesRead === 0) throw e;
      this.error = e;
    }
    // The dissection state (flow table, analysis) is garbage now: free it before the output's
    // tables are built, so that the two never add up in the peak memory (a parallel read did).
    if (threads <= 1) collectGarbageIfLarge();
    return this;
  }

  /** The damage that stopped the read (after `framesRead` frames), if any. */
  error: CaptureFileError | undefined;

  /**
   * One worker's part of a parallel read (src/cli/stats-worker.ts): the conversations of shard
   * `index` of `count`, with everything needed to merge them (see `merge`).
   */
  async collectShard(file: string, index: number, count: number): Promise<ConvShard> {
    let error: ConvShard['error'];
    try {
      await this.read(file, { index, count });
    } catch (e) {
      if (!(e instanceof CaptureFileError)) throw e;
      error = { kind: e.kind, detail: e.detail, framesRead: e.framesRead, offset: e.offset };
    }
    return this.shard(error);
  }

  /**
   * Reads `file` with `threads` workers, each dissecting the frames of one shard (a symmetric hash
   * of the IP address pair: src/capture/flow-hash.ts, so no conversation is split over two), then
   * merges their tables into this one.
   */
  private async readParallel(file: string, threads: number): Promise<void> {
    // Shards 1.. in workers (src/cli/stats-worker.ts), shard 0 here (this thread has its modules loaded already).
    const task: ConvTask = { file, type: this.type };
    const parts = await runShards<ConvShard>(threads, new URL('./stats-worker.js', import.meta.url), task, (s) => new ConvStats(this.type).collectShard(file, s.index, s.count));
    // This thread's dissection state is garbage now: free it before the merged table is built.
    collectGarbageIfLarge();
    this.merge(parts);
    const e = parts.find((p) => p.error)?.error;
    if (e) throw new CaptureFileError(e.kind, e.detail, e.framesRead, e.offset);
  }

  private async read(file: string, shard?: { index: number; count: number }, filter?: CompiledFilter): Promise<void> {
    // Relative times count from the file's first frame, whatever the display filter passes.
    const onFrame = (frame: Frame) => this.addFrame(frame);
    if (this.type === 'tcp') {
      // The TCP tap's conversation, direction and lengths are all it reads: no sequence analysis.
      const opts = { columns: false, twoPass: false, count: 0, fields: [], periodicGc: false, disabledProtocols: unreadProtocols(), experts: false, tcpAnalysis: false, shard, reuseFrames: true, onFrame, taps: [tap(TCP_TAP, (r) => this.addTcp(r))] };
      await dissectFile(file, withDisplayFilter(opts, filter));
      return;
    }
    const opts = { columns: false, twoPass: false, count: 0, fields: ConversationTable.fieldIds(), periodicGc: false, disabledProtocols: unreadProtocols(), experts: false, shard, reuseFrames: true, onFrame };
    await dissectFile(file, withDisplayFilter(opts, filter), (pkt, frame) => this.add(pkt, frame));
  }

  /** Writes the `tshark -q -z conv,TYPE` text. */
  writeConvText(out: TextSink): void {
    const ports = this.hasPorts;
    const w = ports ? 26 : 20;
    const pad = ' '.repeat(w * 2 + 7);
    out.write(`${RULE}\n${CONV_TITLES[this.type]} Conversations\nFilter:${this.filterText ?? '<No Filter>'}\n`);
    out.write(`${pad}|       <-      | |       ->      | |     Total     |    Relative    |   Duration   |\n`);
    out.write(`${pad}| Frames  Bytes | | Frames  Bytes | | Frames  Bytes |      Start     |              |\n`);
    for (const i of this.order()) {
      const r = this.row(i);
      const a = ports ? `${r.a}:${r.aPort}` : r.a;
      const b = ports ? `${r.b}:${r.bPort}` : r.b;
      out.write(
        `${a.padEnd(w)} <-> ${b.padEnd(w)}  ${num(r.framesBA, 6)} ${formatSize(r.bytesBA).padEnd(9)}  ${num(r.framesAB, 6)} ${formatSize(r.bytesAB).padEnd(9)}  ${num(r.framesAB + r.framesBA, 6)} ${formatSize(r.bytesAB + r.bytesBA).padEnd(9)}  ` +
          `${fixed(r.relStart, 9).padStart(14)}   ${fixed(r.duration, 4).padStart(12)}\n`,
      );
    }
    out.write(`${RULE}\n`);
    if (this.overflowFrames) out.write(overflowNote(this));
  }

  /** Writes the `tshark -q -z endpoints,TYPE` text. */
  writeEndpointsText(out: TextSink): void {
    const ports = this.hasPorts;
    out.write(`${RULE}\n${CONV_TITLES[this.type]} Endpoints\nFilter:${this.filterText ?? '<No Filter>'}\n`);
    out.write(
      ports
        ? '                       |  Port  ||  Packets  | |  Bytes  | | Tx Packets | | Tx Bytes | | Rx Packets | | Rx Bytes |\n'
        : '                       |  Packets  | |  Bytes  | | Tx Packets | | Tx Bytes | | Rx Packets | | Rx Bytes |\n',
    );
    const t = this.endpointTable();
    for (const e of t.order) {
      // tshark: "%-20s      %5u     %6u" with ports, "%-20s      %6u" without.
      let line = this.addrText(t.addr[e]!).padEnd(20);
      line += ports ? `      ${num(t.port[e]!, 5)}     ` : '      ';
      line += `${num(t.tx[e]! + t.rx[e]!, 6)}     ${num(t.txB[e]! + t.rxB[e]!, 9)}     ${num(t.tx[e]!, 6)}       ${num(t.txB[e]!, 9)}      ${num(t.rx[e]!, 6)}       ${num(t.rxB[e]!, 9)}   \n`;
      out.write(line);
    }
    out.write(`${RULE}\n`);
    if (this.overflowFrames) out.write(overflowNote(this));
  }

  /** Writes `--json` lines: one object per conversation, typed numbers, times in seconds. */
  writeConvJson(out: TextSink): void {
    const ports = this.hasPorts;
    for (const i of this.order()) {
      const r = this.row(i);
      const o: Record<string, unknown> = { type: this.type };
      if (this.type === 'tcp') o.stream = r.stream;
      o.a = r.a;
      if (ports) o.aPort = r.aPort;
      o.b = r.b;
      if (ports) o.bPort = r.bPort;
      o.framesAtoB = r.framesAB;
      o.bytesAtoB = r.bytesAB;
      o.framesBtoA = r.framesBA;
      o.bytesBtoA = r.bytesBA;
      o.frames = r.framesAB + r.framesBA;
      o.bytes = r.bytesAB + r.bytesBA;
      o.relStart = round9(r.relStart);
      o.duration = round9(r.duration);
      out.write(JSON.stringify(o) + '\n');
    }
    if (this.overflowFrames) out.write(this.overflowJson());
  }

  /** Writes `--json` lines: one object per endpoint. */
  writeEndpointsJson(out: TextSink): void {
    const ports = this.hasPorts;
    const t = this.endpointTable();
    for (const e of t.order) {
      const o: Record<string, unknown> = { type: this.type, address: this.addrText(t.addr[e]!) };
      if (ports) o.port = t.port[e]!;
      o.frames = t.tx[e]! + t.rx[e]!;
      o.bytes = t.txB[e]! + t.rxB[e]!;
      o.txFrames = t.tx[e]!;
      o.txBytes = t.txB[e]!;
      o.rxFrames = t.rx[e]!;
      o.rxBytes = t.rxB[e]!;
      out.write(JSON.stringify(o) + '\n');
    }
    if (this.overflowFrames) out.write(this.overflowJson());
  }

  private overflowJson(): string {
    return JSON.stringify({ type: this.type, overflow: true, limit: CONV_LIMITS.maxRows, ...(this.type === 'tcp' ? { conversations: this.maxStream + 1 } : {}), frames: this.overflowFrames, bytes: this.overflowBytes }) + '\n';
  }

  /** The texts as strings (tests, small tables). */
  convText(): string {
    return collectText((o) => this.writeConvText(o));
  }
  endpointsText(): string {
    return collectText((o) => this.writeEndpointsText(o));
  }
  convJson(): string {
    return collectText((o) => this.writeConvJson(o));
  }
  endpointsJson(): string {
    return collectText((o) => this.writeEndpointsJson(o));
  }
}

export { unreadProtocols };
export type { TextSink };

const RULE = '='.repeat(80);

function overflowNote(s: ConvStats): string {
  const total = s.type === 'tcp' ? ` (${s.maxStream + 1} TCP conversations in all)` : '';
  return `(more than ${CONV_LIMITS.maxRows} conversations${total}: ${s.overflowFrames} frames, ${s.overflowBytes} bytes of later conversations are not in the table)\n`;
}

function num(v: number, w: number): string {
  return String(v).padStart(w);
}

function round9(v: number): number {
  return Math.round(v * 1e9) / 1e9;
}

/**
 * Wireshark's format_size (SI prefixes, "bytes" below 10 kB): integer division, so 10,999
 * bytes are "10 kB".
 */
export function formatSize(n: number): string {
  const p = 1000;
  if (Math.floor(n / p ** 4) >= 10) return `${Math.floor(n / p ** 4)} TB`;
  if (Math.floor(n / p ** 3) >= 10) return `${Math.floor(n / p ** 3)} GB`;
  if (Math.floor(n / p ** 2) >= 10) return `${Math.floor(n / p ** 2)} MB`;
  if (Math.floor(n / p) >= 10) return `${Math.floor(n / p)} kB`;
  return `${n} bytes`;
}

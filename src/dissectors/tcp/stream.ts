/**
 * Application protocols over TCP parsed from reassembled stream bytes (src/dissectors/tcp/reassembly.ts)
 * rather than one segment at a time: a protocol binds a port here with its stream parser (which
 * finds PDU boundaries) and a decoder for one whole PDU. TCP calls `dissectTcpStream` for each
 * segment with payload; a PDU is dissected in the frame that completes it, several PDUs in one
 * segment are dissected one after the other, and a PDU built from several segments is dissected
 * from a new data source ("Reassembled TCP"), as tshark does.
 */
import type { Packet } from '../packet.js';
import { annotate, annotation, SessionKey, sessionSlot, type Session } from '../packet.js';
import { defineFields, FT } from '../fields.js';
import { callDissector, dissectorEnabled, heuristicEnabled, registerHeuristicName, registerProtocolName, type Dissector } from '../registry.js';
import { feedSegment, fillPdu, newBudget, ParseStatus, releaseDirection, StreamDirection, type ParseResult, type PduSink, type ReassemblyBudget, type ReassemblyOptions, type StreamParser } from './reassembly.js';

/** A protocol carried in a TCP byte stream. */
export interface StreamProtocol {
  /** Finds PDU boundaries. */
  parser: StreamParser;
  /** Dissects one whole PDU `[off, end)` of the packet's current data source. */
  dissector: Dissector;
  /** Shows bytes `[off, end)` of the frame that the parser rejected (e.g. TLS "Continuation Data"). */
  rejected?: (pkt: Packet, off: number, end: number) => void;
  /**
   * Called before a segment is fed; returns the parser for it when that depends on the session
   * (TLS's, on the stream's version), else `parser` is used.
   */
  prepare?: (pkt: Packet, fin?: boolean) => StreamParser | void;
  /**
   * A bare FIN ended the direction while a PDU was unfinished: returns the parser that may now take
   * it whole (HTTP's response delimited by the close, tshark's DESEGMENT_UNTIL_FIN). Without it the
   * unfinished PDU stays unfinished.
   */
  finish?: (pkt: Packet) => StreamParser | void;
  /**
   * A segment cut by the snapshot length is dissected as it is, without reassembly (tshark cannot
   * reassemble it and hands it to HTTP, which shows what was captured); without it such a segment
   * goes to no stream protocol.
   */
  truncated?: boolean;
}

const F = defineFields({
  reassembled_in: { abbrev: 'tcp.reassembled_in', name: 'Reassembled PDU in frame', type: FT.FRAMENUM, generated: true },
});

/** null: the port is decoded as a protocol that is no stream protocol (`-d tcp.port==N,data`). */
const byPort = new Map<number, StreamProtocol | null>();

/** Binds a stream protocol to a TCP port (the lower port of a segment is tried first). */
export function registerStreamProtocol(port: number, proto: StreamProtocol): void {
  byPort.set(port, proto);
  registerProtocolName(proto.dissector.name, proto.dissector);
}

/**
 * A heuristic: looks at a segment's payload on ports no stream protocol is bound to, and returns the
 * server port if it recognises its protocol (the stream is then bound to it), else -1.
 */
export type StreamHeuristic = (d: Uint8Array, off: number, end: number, sp: number, dp: number) => number;

const heuristics: Array<[StreamHeuristic, StreamProtocol, string]> = [];

/**
 * Registers a heuristic for TCP streams on any port (Wireshark's heuristic sub-dissectors of tcp),
 * with Wireshark's short name for it (`tls_tcp`, for --disable-heuristic).
 */
export function registerStreamHeuristic(test: StreamHeuristic, proto: StreamProtocol, short: string): void {
  heuristics.push([test, proto, short]);
  registerProtocolName(proto.dissector.name, proto.dissector);
  registerHeuristicName(short);
}

/** Whether any stream protocol (bound to a port or found by a heuristic) is enabled in the session. */
export function streamProtocolsEnabled(s: Session): boolean {
  for (const p of byPort.values()) if (p && dissectorEnabled(s, p.dissector)) return true;
  for (const p of s.streamPorts?.values() ?? []) if (p && dissectorEnabled(s, p.dissector)) return true;
  return anyHeuristicEnabled(s);
}

function anyHeuristicEnabled(s: Session): boolean {
  for (let i = 0; i < heuristics.length; i++) if (dissectorEnabled(s, heuristics[i]![1].dissector) && heuristicEnabled(s, heuristics[i]![2])) return true;
  return false;
}

/** The stream protocol of a port in the session: its decode-as entry (`-d tcp.port==N,...`), else the registered one. */
function portProtocol(s: Session, port: number): StreamProtocol | null | undefined {
  const da = s.streamPorts;
  if (da !== null && da.has(port)) return da.get(port);
  return byPort.get(port);
}

/** The two directions of a stream (an object of two fields: 40 bytes, where a two-element array took 64). */
class StreamPair {
  readonly d0 = new StreamDirection();
  readonly d1 = new StreamDirection();
  dir(d: number): StreamDirection {
    return d === 0 ? this.d0 : this.d1;
  }
}

interface StreamTable {
  /** Two directions per TCP stream index (insertion order: oldest first). */
  dirs: Map<number, StreamPair>;
  /** Streams bound by a heuristic: the protocol and its server port. */
  bound: Map<number, [StreamProtocol, number]>;
  budget: ReassemblyBudget;
}

/** The sink that dissects PDUs into the packet being dissected (one per session, reused). */
class PacketSink implements PduSink {
  pkt!: Packet;
  proto!: StreamProtocol;
  /** PDUs dissected in this segment. */
  count = 0;
  /**
   * PDUs are dissected (false: a retransmitted or out-of-order segment completed one; tshark
   * reassembles it there, but its tcp.no_subdissector_on_error calls no dissector in that frame).
   */
  dissect = true;
  /** Starts a segment of `pkt` (its payload `[off, end)`): the counts cleared, PDUs dissected by `proto` or (`dissect` false) not. */
  begin(pkt: Packet, proto: StreamProtocol | undefined, dissect: boolean, off: number, end: number): void {
    this.pkt = pkt;
    if (proto) this.proto = proto;
    this.count = 0;
    this.suffixed = false;
    this.dissect = dissect;
    this.segOff = off;
    this.segEnd = end;
  }
  pdu(data: Uint8Array, off: number, end: number, reassembled: boolean, _firstFrame: number, parts: readonly number[]): void {
    const pkt = this.pkt;
    this.count++;
    if (pkt.session.pass !== 2) {
      const frame = pkt.frame.number;
      for (const f of parts) if (f !== frame) annotate(pkt, f, 'tcp.reassembled_in', frame);
    }
    if (!this.dissect) return;
    if (!reassembled) {
      callDissector(this.proto.dissector, pkt, off, end, end, -1);
      return;
    }
    const prev = pkt.pushSource(data, `Reassembled TCP (${end - off} bytes)`);
    callDissector(this.proto.dissector, pkt, off, end, end, -1);
    pkt.popSource(prev);
  }
  partial(): void {
    // As tshark: a segment whose bytes (so far) only continue a PDU says so; what follows in the
    // same segment is appended after it (the text is fenced).
    const pkt = this.pkt;
    if (this.count === 0 && !this.suffixed && pkt.wantColumns && pkt.fence === 0) {
      pkt.appendInfo(' [TCP segment of a reassembled PDU]');
      pkt.infoFence = pkt.infoLength;
      this.suffixed = true;
    }
  }
  suffixed = false;
  gap(): void {}
  /** The segment's payload in the frame (for `rejected`). */
  segOff = 0;
  segEnd = 0;
  error(_message: string, at: number): void {
    // A segment whose PDUs are not dissected (tcp.no_subdissector_on_error) shows no rejection either.
    if (!this.dissect) return;
    const r = this.proto.rejected;
    if (r) callDissector({ name: 'tcp-stream', longName: 'TCP stream', decode: (pkt, off, end) => r(pkt, off, end) }, this.pkt, this.segOff + at, this.segEnd, this.segEnd, -1);
  }
}

const SINK = new SessionKey(() => new PacketSink());
/** The session's stream directions (a slot: looked up on every segment with payload). */
const STREAMS = new SessionKey<StreamTable>((pkt) => ({ dirs: new Map(), bound: new Map(), budget: newBudget(pkt.session.limits.tcpReassembly) }));
const OPTS: Readonly<ReassemblyOptions> = Object.freeze({ outOfOrder: false });
/** A spurious retransmission's bytes again inside the unfinished PDU do not join it (as tshark). */
const SPURIOUS_OPTS: Readonly<ReassemblyOptions> = Object.freeze({ outOfOrder: false, addRepeats: false });

/**
 * Feeds one segment's payload `[off, end)` to the stream protocol bound to its ports, if any
 * (`tcpItem`: the TCP tree item, parent of `tcp.reassembled_in`).
 * `synBase` is the direction's initial sequence number when its SYN was seen (else -1); `spurious`:
 * TCP analysis calls the segment a spurious retransmission. Returns false when no stream protocol
 * is bound (the caller dispatches the payload as usual).
 */
export function dissectTcpStream(pkt: Packet, tcpItem: number, stream: number, dir: number, synBase: number, seq: number, sp: number, dp: number, off: number, end: number, fin = false, spurious = false): boolean {
  const lo = sp < dp ? sp : dp;
  const hi = sp < dp ? dp : sp;
  const s = pkt.session;
  let proto = lo !== 0 ? portProtocol(s, lo) : undefined;
  let port = lo;
  if (proto && !dissectorEnabled(s, proto.dissector)) proto = undefined;
  if (proto === undefined && hi !== 0) {
    proto = portProtocol(s, hi);
    port = hi;
    if (proto && !dissectorEnabled(s, proto.dissector)) proto = undefined;
  }
  // Decoded as a protocol that is not parsed from the stream (`-d tcp.port==N,data`): the
  // caller's tcp.port dispatch finds it, and no heuristic is tried.
  if (proto === null) return false;
  if (!proto && !anyHeuristicEnabled(s)) return false;
  const t = sessionSlot(pkt, STREAMS);
  if (!proto) {
    let b = t.bound.get(stream);
    if (!b) {
      for (const [test, hp, short] of heuristics) {
        if (!dissectorEnabled(s, hp.dissector) || !heuristicEnabled(s, short)) continue;
        const server = test(pkt.data, off, end, sp, dp);
        if (server >= 0) {
          b = [hp, server];
          if (t.bound.size >= s.limits.tcpReassembly.maxStreams) t.bound.delete(t.bound.keys().next().value as number);
          t.bound.set(stream, b);
          break;
        }
      }
      if (!b) return false;
    }
    proto = b[0];
    port = b[1];
  }
  let pair = t.dirs.get(stream);
  if (!pair) {
    if (t.dirs.size >= s.limits.tcpReassembly.maxStreams) {
      const [oldest, old] = t.dirs.entries().next().value as [number, StreamPair];
      releaseDirection(old.d0, t.budget);
      releaseDirection(old.d1, t.budget);
      t.dirs.delete(oldest);
    }
    pair = new StreamPair();
    t.dirs.set(stream, pair);
  }
  const d = pair.dir(dir);
  if (!d.synced && synBase >= 0) d.sync((synBase + 1) >>> 0);
  pkt.srcPort = sp;
  pkt.dstPort = dp;
  pkt.tcpStream = stream;
  pkt.tcpDir = dir;
  pkt.tcpServerPort = port;
  const sink = sessionSlot(pkt, SINK);
  sink.begin(pkt, proto, true, off, end);
  addReassembledIn(pkt, tcpItem, off);
  const parser = proto.prepare?.(pkt, fin) ?? proto.parser;
  const tcpProtocol = pkt.colProtocol;
  // Data on the SYN itself starts after the SYN's sequence number.
  const dataSeq = synBase >= 0 && seq === synBase ? (seq + 1) >>> 0 : seq;
  feedSegment(d, t.budget, parser, spurious ? SPURIOUS_OPTS : OPTS, dataSeq, pkt.data, off, end, pkt.frame.number, sink);
  // tshark fences the Protocol column with the Info text: a segment that began by continuing a PDU
  // stays "TCP" even when PDUs follow in it.
  if (sink.suffixed) pkt.setProtocol(tcpProtocol);
  return true;
}

/**
 * An out-of-order segment (which TCP hands to no stream protocol, as tshark's
 * tcp.no_subdissector_on_error) that starts inside a PDU kept with a hole after a gap, inside the
 * unfinished PDU, or at its next byte: its bytes go into that PDU (the segment shows ` [TCP segment
 * of a reassembled PDU]`, and `tcp.reassembled_in` when the PDU completes), as tshark adds it to its
 * multi-segment PDU. Returns whether it did; a PDU this segment completes is reassembled here but
 * not dissected (tshark's frame shows no PDU).
 */
export function fillTcpStreamHole(pkt: Packet, tcpItem: number, stream: number, dir: number, seq: number, sp: number, dp: number, off: number, end: number): boolean {
  const t = pkt.session.slots[STREAMS.id] as StreamTable | undefined;
  const d = t?.dirs.get(stream)?.dir(dir);
  if (!t || !d || (d.hole === null && d.pendingLen === 0)) return false;
  const sink = sessionSlot(pkt, SINK);
  sink.begin(pkt, undefined, false, off, end);
  addReassembledIn(pkt, tcpItem, off);
  if (fillPdu(d, t.budget, seq, pkt.data, off, end, pkt.frame.number, sink)) return true;
  // The next bytes of the unfinished PDU, whose length it said: they continue it (and may complete
  // it, not dissected here), as tshark adds the segment to it; what the segment has beyond the PDU
  // is parsed by nothing (tshark's next segment starts afresh: here, after a gap).
  if (d.pendingLen === 0 || d.needed <= 0 || seq >>> 0 !== d.next) return false;
  const b = boundProtocol(pkt.session, t, stream, sp, dp);
  if (!b) return false;
  const parser = b[0].prepare?.(pkt, false) ?? b[0].parser;
  feedSegment(d, t.budget, parser, OPTS, seq, pkt.data, off, Math.min(end, off + d.needed), pkt.frame.number, sink);
  return true;
}

/** `tcp.reassembled_in` of the segment at `off`, from the first pass; only a tree shows it (the one-line summary and -q look nothing up). */
function addReassembledIn(pkt: Packet, tcpItem: number, off: number): void {
  const later = pkt.session.pass === 2 && pkt.tree ? annotation(pkt, pkt.frame.number, 'tcp.reassembled_in') : undefined;
  if (later !== undefined) pkt.add(F.reassembled_in, off, 0, tcpItem, later);
}

/** The stream protocol of a stream and its server port: the ports' protocol, else the one a heuristic bound. */
function boundProtocol(s: Session, t: StreamTable | undefined, stream: number, sp: number, dp: number): [StreamProtocol, number] | undefined {
  const lo = sp < dp ? sp : dp;
  const hi = sp < dp ? dp : sp;
  const a = lo !== 0 ? portProtocol(s, lo) : undefined;
  if (a) return [a, lo];
  const b = hi !== 0 ? portProtocol(s, hi) : undefined;
  if (b) return [b, hi];
  return t?.bound.get(stream);
}

/**
 * A segment of `stream` cut by the snapshot length (captured `[off, end)`): dissected by its stream
 * protocol as it is, when that protocol takes truncated segments (`truncated`), in a direction with
 * no unfinished PDU (else its bytes could not be placed). Returns whether it was.
 */
export function dissectTruncatedTcpSegment(pkt: Packet, stream: number, dir: number, sp: number, dp: number, off: number, end: number): boolean {
  const s = pkt.session;
  const t = s.slots[STREAMS.id] as StreamTable | undefined;
  const b = boundProtocol(s, t, stream, sp, dp);
  if (!b) return false;
  const [proto, port] = b;
  if (!proto.truncated || !dissectorEnabled(s, proto.dissector)) return false;
  const d = t?.dirs.get(stream)?.dir(dir);
  if (d && (d.pendingLen > 0 || d.hole !== null)) return false;
  pkt.srcPort = sp;
  pkt.dstPort = dp;
  pkt.tcpStream = stream;
  pkt.tcpDir = dir;
  pkt.tcpServerPort = port;
  proto.prepare?.(pkt, true);
  const layers = pkt.protocols.length;
  callDissector(proto.dissector, pkt, off, end, end, -1);
  // A message shown from them ran into the bytes beyond the snapshot length: tshark's Info says so.
  if (pkt.protocols.length > layers && pkt.wantColumns && pkt.fence === 0) pkt.appendInfo('[Packet size limited during capture]');
  return true;
}

/**
 * A FIN without data in direction `dir` of `stream`: a PDU left unfinished there is offered to
 * its protocol's `finish` parser, and dissected in this frame if that takes it (as tshark
 * dissects a response delimited by the close in the FIN's frame).
 */
export function finishTcpStream(pkt: Packet, tcpItem: number, stream: number, dir: number, sp: number, dp: number): void {
  const t = pkt.session.slots[STREAMS.id] as StreamTable | undefined;
  const d = t?.dirs.get(stream)?.dir(dir);
  if (!t || !d || d.pendingLen === 0 || !d.pending) return;
  const s = pkt.session;
  const lo = sp < dp ? sp : dp;
  const hi = sp < dp ? dp : sp;
  const proto = (lo !== 0 ? portProtocol(s, lo) : undefined) ?? (hi !== 0 ? portProtocol(s, hi) : undefined) ?? t.bound.get(stream)?.[0];
  if (!proto?.finish || !dissectorEnabled(s, proto.dissector)) return;
  pkt.srcPort = sp;
  pkt.dstPort = dp;
  pkt.tcpStream = stream;
  pkt.tcpDir = dir;
  const parser = proto.finish(pkt) ?? proto.parser;
  parser.parse(d.pending, 0, d.pendingLen, FINISH);
  if (FINISH.status !== ParseStatus.Ok || FINISH.consumed <= 0 || FINISH.consumed > d.pendingLen) return;
  // releaseDirection lets the buffer go: the PDU keeps it (no copy).
  const pdu = d.pending.subarray(0, FINISH.consumed);
  const parts = d.pendingFrames; // let go by releaseDirection too
  const first = d.pendingFrame;
  releaseDirection(d, t.budget);
  const sink = sessionSlot(pkt, SINK);
  sink.begin(pkt, proto, true, 0, 0);
  void tcpItem;
  sink.pdu(pdu, 0, pdu.length, true, first, parts);
}
const FINISH: ParseResult = { status: ParseStatus.Ok, consumed: 0, needed: 0, message: '' };

/** The stream protocols' names (bound to a port or found by a heuristic): what `-d tcp.port==N,...` may name. */
export function streamProtocolNames(): string[] {
  const names = new Set<string>();
  for (const p of byPort.values()) if (p) names.add(p.dissector.name);
  for (const [, p] of heuristics) names.add(p.dissector.name);
  return [...names];
}

/**
 * Decode as (`-d tcp.port==N,name`): adds to a session's stream-port entries the ports bound to the
 * stream protocol of that name, or with null to no stream protocol (the segment goes to the
 * tcp.port table, which `-d` changes too).
 */
export function addStreamPortEntries(into: Map<number, StreamProtocol | null>, ports: Iterable<number>, name: string | null): void {
  let proto: StreamProtocol | null = null;
  if (name !== null) {
    for (const p of byPort.values()) if (p && p.dissector.name === name) proto ??= p;
    for (const [, p] of heuristics) if (p.dissector.name === name) proto ??= p;
    if (!proto) throw new Error(`no stream protocol "${name}"`);
  }
  for (const port of ports) into.set(port, proto);
}

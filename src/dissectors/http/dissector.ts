/**
 * HTTP/1.0 and 1.1 (RFC 9112), as tshark 4.0 shows it (epan/dissectors/packet-http.c): parsed
 * from reassembled TCP stream bytes (src/dissectors/tcp/stream.ts) on Wireshark's HTTP ports and,
 * on other ports, found by Wireshark's `http_tcp` heuristic (a first line that starts with
 * "HTTP/1." or ends with it). SSDP (HTTP over UDP port 1900) is the same message dissector.
 *
 * One PDU is one message: the first line, the header block and the body by Content-Length, by the
 * chunked transfer coding or, for a response with neither, up to the end of the connection
 * (./message.ts frames it with the rules of tshark's req_resp_hdrs_do_reassembly). A message
 * spread over several segments is dissected in the frame that completes it, several messages in
 * one segment (pipelining) one after the other (the Info column gets each first line). Bytes that
 * start no message are "Continuation" in a conversation that has seen a request; binary bytes in
 * one that has not are left alone, as tshark does.
 *
 * Requests and responses are paired as tshark pairs them (push_req / push_res): a request starts
 * a transaction, a response completes the newest one if it has no response yet, else starts its
 * own; `http.request_number`/`response_number` are the transaction's number, and the neighbours
 * give `http.prev_request_in` etc. A frame shows the transaction of its first message (tshark
 * keeps one per frame). In a two-pass read (`-2`) pass 2 shows what pass 1 learned, and, as in
 * tshark, the conversation's state at the end of pass 1 (it has seen HTTP; its last full URI) is
 * where pass 2 starts. Every limit is named in HTTP_LIMITS; a header block over one is malformed.
 *
 * Other transports (TLS application data once decrypted): `feedHttpStream` takes the bytes of one
 * direction of any byte stream, independent of TCP ports (see its comment); a whole message can
 * also be handed to the `http` dissector directly (dissectorByName('http')).
 */
import { brotliDecompressSync, gunzipSync, inflateRawSync, inflateSync } from 'node:zlib';
import { annotate, sessionState, Severity, type Packet } from '../packet.js';
import { formatIPv4At, formatIPv6 } from '../bytes.js';
import { dissectMultipart } from './multipart.js';
import { esc, formatText } from './text.js';
import { callDissector, dissectData, register, type Dissector } from '../registry.js';
import { TapKind } from '../taps.js';
import { registerStreamHeuristic, registerStreamProtocol, type StreamProtocol } from '../tcp/stream.js';
import { feedSegment, newBudget, ParseStatus, releaseDirection, StreamDirection, type ParseResult, type PduSink, type StreamParser } from '../tcp/reassembly.js';
import { F, HEADER_FIELDS, HTTP_LIMITS, STATUS_CODES, type HttpLimits } from './fields.js';
import { ascii, Body, bodyLength, chunkSize, Frame, frameMessage, Kind, lineEnd, Mode, newLayout, startsWithCI, type BodyContext, type FrameResult } from './message.js';

export { HTTP_LIMITS, F as HTTP_FIELDS, type HttpLimits } from './fields.js';

/** Wireshark 4.0's HTTP ports (its http.tcp.port range and the ports other dissectors hand to HTTP). */
export const HTTP_PORTS = [80, 631, 1900, 2710, 2869, 3128, 3132, 3689, 5985, 8080, 8088, 11371];

// --- per-conversation state

/** One transaction (tshark's http_req_res_t): a request and its response, either may be missing. */
interface ReqRes {
  number: number;
  /** Frames of the request and the response (0: none). */
  req: number;
  res: number;
  reqSec: number;
  reqNsec: number;
  prev: ReqRes | null;
  next: ReqRes | null;
}

/** The parser's mode for the unfinished message when the connection ends (a bare FIN). */
const FLUSH = 3;

interface Conv extends BodyContext {
  key: number | string;
  /** tshark's conv_data->request_uri is set: a request was seen (then other bytes are "Continuation"). */
  seen: boolean;
  /** The last full URI of a request (tshark's conv_data->full_uri) and the last request URI (null: none). */
  fullUri: string | null;
  reqUri: string | null;
  /** Transactions so far (tshark's req_res_num), the oldest still linked and the newest one. */
  count: number;
  head: ReqRes | null;
  tail: ReqRes | null;
  /** The messages are TLS application data (https:// URIs). */
  tls: boolean;
  /** How the parser frames the current segment (Mode, or FLUSH at the end of the stream). */
  mode: number;
  /** This conversation's stream parser, and the same for a segment with a FIN (which takes a message as it is). */
  parser: StreamParser;
  finParser: StreamParser;
}

/** What pass 1 leaves for pass 2 about a conversation. */
interface ConvEnd {
  seen: boolean;
  fullUri: string | null;
  reqUri: string | null;
  count: number;
}

interface HttpTable {
  convs: Map<number | string, Conv>;
  /** The conversation of the messages `feedHttpStream` hands to the dissector (null otherwise). */
  current: Conv | null;
  /** Frame and transaction of the frame's first message (single pass: the frame being dissected). */
  frame: number;
  frameRR: ReqRes | null;
  /** HTTP messages dissected in the current frame. */
  index: number;
  /** A message from the frame's own bytes was dissected (its layer is in frame.protocols). */
  direct: boolean;
  /** A patched read: conversations that had frames before their first request (see notUnseen). */
  unseen?: Set<number | string>;
  /** A conversation was dropped at the limit (a later one of its key starts unseen: see notUnseen). */
  evicted?: boolean;
}

/** Pass-1 results carried to pass 2: each frame's transaction, and each conversation's end state. */
interface Carry {
  frames: Map<number, ReqRes>;
  ends: Map<number | string, ConvEnd>;
}

function table(pkt: Packet): HttpTable {
  return sessionState<HttpTable>(pkt, 'http', () => ({ convs: new Map(), current: null, frame: -1, frameRR: null, index: 0, direct: false }));
}

function carry(pkt: Packet): Carry {
  let c = pkt.session.carry.get('http') as Carry | undefined;
  if (!c) {
    c = { frames: new Map(), ends: new Map() };
    pkt.session.carry.set('http', c);
  }
  return c;
}

/** A placeholder until a conversation's own parsers are made. */
const NO_PARSER: StreamParser = { parse: () => undefined };

function conv(pkt: Packet, key: number | string, tls: boolean): Conv {
  const t = table(pkt);
  let c = t.convs.get(key);
  if (!c) {
    const limits = pkt.session.limits.http;
    if (t.convs.size >= limits.maxStreams) {
      t.convs.delete(t.convs.keys().next().value as number);
      t.evicted = true;
    }
    const made: Conv = { key, lastMethod: '', limits, seen: false, fullUri: null, reqUri: null, count: 0, head: null, tail: null, tls, mode: Mode.Stream, parser: NO_PARSER, finParser: NO_PARSER };
    const parse = (d: Uint8Array, off: number, end: number, out: ParseResult) => parseWith(made, d, off, end, out);
    made.parser = { parse, maxPduBytes: maxPduBytes(limits) };
    made.finParser = { parse, maxPduBytes: maxPduBytes(limits), everySegment: true };
    if (pkt.session.pass === 2) {
      // tshark's conversation data is not reset between the passes.
      const e = carry(pkt).ends.get(key);
      if (e) {
        made.seen = e.seen;
        made.fullUri = e.fullUri;
        made.reqUri = e.reqUri;
        made.count = e.count;
      }
    }
    c = made;
    t.convs.set(key, c);
  }
  return c;
}

/**
 * A patched read: the conversation `key` had not seen a request when one of its frames was
 * dissected. A second pass starts every conversation with what the first saw by its end (see
 * conv), so if it sees a request later (where a request sets `seen`), the read goes back to two
 * passes. (A patched read keeps no conversation's end state: nothing reads it.)
 */
function notUnseen(pkt: Packet, key: number | string): void {
  const p = pkt.session.patch;
  if (!p) return;
  const t = table(pkt);
  const m = (t.unseen ??= new Set());
  // (After an eviction the key may have seen a request before: a second pass would start so.)
  if (m.size >= 1 << 16 || t.evicted) p.fail('too many HTTP conversations to check');
  m.add(key);
}

/** Whether the packet's layers so far include TLS (HTTP inside decrypted TLS: https:// URIs). */
function overTls(pkt: Packet): boolean {
  for (let i = pkt.protocols.length - 1; i >= 0; i--) if (pkt.protocols.at(i) === 'tls') return true;
  return false;
}

// --- the tap (statistics)

/**
 * One HTTP message as tshark's http tap sees it (http_info_value_t), for `stats http`
 * (src/stats/http.ts): every message dissected, requests, responses and the rest ("Continuation"
 * text, which tshark's trees count as other packets); not binary continuation data, which tshark
 * never taps.
 */
export interface HttpTapRecord {
  frame: number;
  tsSec: number;
  tsNsec: number;
  /** Time since the capture's first frame in milliseconds (tshark's nstime_to_msec(rel_ts)). */
  relMs: number;
  request: boolean;
  /** The request method of a request or notification (tshark's request_method), else ''. */
  method: string;
  /** The request URI (null: none), the Host header's value (null: none), the full URI ('' unless a request with both). */
  uri: string | null;
  host: string | null;
  fullUri: string;
  /** Response status code (0 for anything else, and for a status line without one). */
  code: number;
  /** A response's request frame (0: not paired) and the time since it (seconds, -1 if not paired). */
  requestIn: number;
  time: number;
  /** The packet's network source and destination addresses, as text (tshark's address_to_str). */
  src: string;
  dst: string;
  /** The TCP stream (-1 over UDP). */
  stream: number;
}

/** The HTTP tap's kind (../taps.ts): one record per message, delivered after the packet is dissected. */
export const HTTP_TAP = new TapKind<HttpTapRecord>('http', () => ({ frame: 0, tsSec: 0, tsNsec: 0, relMs: 0, request: false, method: '', uri: null, host: null, fullUri: '', code: 0, requestIn: 0, time: -1, src: '', dst: '', stream: -1 }));

/** The packet's network addresses as text, or '' without one. */
function addressText(pkt: Packet, off: number): string {
  if (pkt.ipVersion === 4) return formatIPv4At(pkt.ipHdr, off);
  if (pkt.ipVersion === 6) return formatIPv6(pkt.ipHdr, off);
  return '';
}

/** Milliseconds since the capture's first frame, as tshark's nstime_to_msec of the relative time. */
function relativeMs(pkt: Packet): number {
  const t = pkt.session.time;
  let ds = pkt.frame.tsSec - t.firstSec;
  let dn = pkt.frame.tsNsec - t.firstNsec;
  if (dn < 0) {
    ds--;
    dn += 1e9;
  }
  return ds * 1000 + dn / 1e6;
}

// --- text

/**
 * Bytes read as ASCII (ENC_ASCII: a byte over 0x7f becomes U+FFFD), up to `max` characters and
 * the first NUL (tshark's string values end there).
 */
function asciiText(d: Uint8Array, off: number, end: number, max = HTTP_LIMITS.maxFileDataChars): string {
  let s = '';
  const stop = Math.min(end, off + max);
  for (let i = off; i < stop; i++) {
    const c = d[i]!;
    if (c === 0) break;
    s += c < 0x80 ? String.fromCharCode(c) : '\ufffd';
  }
  return s;
}

/** The line's text for the tree and the line fields: as tshark's -T fields prints the bytes (up to a NUL). */
function lineValue(d: Uint8Array, off: number, end: number): string {
  return esc(asciiText(d, off, end));
}

/** RFC 7230 tchar (is_token_char). */
function tokenChar(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || "!#$%&'*+-.^_`|~".includes(String.fromCharCode(c));
}

// --- dissection

const lay = newLayout();
const res: FrameResult = { status: Frame.Complete, length: 0, needed: 0 };
const nx = new Int32Array(1);

function decodeHttp(pkt: Packet, off: number, end: number, rep: number, parent: number): void {
  const t = table(pkt);
  decodeMessage(pkt, t, t.current ?? conv(pkt, pkt.tcpStream, overTls(pkt)), off, end, rep, parent, false);
}

/** What process_header found that the body needs. */
interface Headers {
  /** A Host header was there (its value may be empty), and its value. */
  hostSeen: boolean;
  host: string;
  contentType: string;
  contentEncoding: string;
}
const hdrs: Headers = { hostSeen: false, host: '', contentType: '', contentEncoding: '' };

/**
 * Dissects one message (or a continuation) `[off, end)` whose reported end is `rep` (past `end` when
 * the snapshot length cut the frame); `ssdp`: over UDP, as tshark's SSDP.
 */
function decodeMessage(pkt: Packet, t: HttpTable, c: Conv, off: number, end: number, rep: number, parent: number, ssdp: boolean): void {
  const d = pkt.data;
  frameMessage(d, off, end, c, Mode.Whole, lay, res);
  const frame = pkt.frame.number;
  if (t.frame !== frame) {
    t.frame = frame;
    t.index = 0;
    t.frameRR = null;
    t.direct = false;
  }
  const col = ssdp ? 'SSDP' : 'HTTP';
  const wantLabels = pkt.wantLabels;
  const kind = lay.kind;
  // tshark calls HTTP once per reassembled PDU and once for the messages of the segment's own bytes:
  // that many layers in frame.protocols, however many messages each call takes.
  const layered = pkt.cur === 0 && t.direct;
  if (pkt.cur === 0) t.direct = true;
  const addTop = () => {
    const fid = ssdp ? F.ssdp : F.http;
    return layered ? pkt.add(fid, off, end - off, parent) : pkt.addProtocol(fid, ssdp ? 'ssdp' : 'http', off, end - off, parent);
  };
  // A patched read (../patch.ts) decides with what the conversation has seen so far; a second pass
  // starts from what the first pass saw by its end (see conv).
  if (!c.seen && (kind === Kind.Binary || kind === Kind.Other)) notUnseen(pkt, c.key);
  if (kind === Kind.Binary) {
    // tshark: binary bytes are "Continuation" data in a conversation that has seen a request, else nothing.
    if (!c.seen) return;
    pkt.setProtocol(col);
    if (t.index++ === 0) pkt.setInfo('Continuation');
    else pkt.appendInfo('Continuation');
    const top = addTop();
    dissectData(pkt, off, end, end, top);
    return;
  }
  const isMessage = kind !== Kind.Other;
  let top = -1;
  let haveTop = false;
  if (isMessage || c.seen) {
    // After the first message the Info column is fenced: later ones append (col_set_fence).
    const first = t.index++ === 0;
    const text = isMessage ? (pkt.wantColumns ? `${formatText(d, lay.lineStart, lay.lineEnd)} ` : '') : 'Continuation';
    if (first) pkt.setInfo(text);
    else pkt.appendInfo(text);
    pkt.setProtocol(col);
    top = addTop();
    haveTop = true;
    if (lay.leadingCrlf) pkt.addExpert(pkt.add(F.leading_crlf, off, 2, top), Severity.Warn, 'Protocol', 'http.leading_crlf', 'Leading CRLF previous message in the stream may have extra CRLF');
  }
  const request = kind === Kind.Request || kind === Kind.Notification;
  const response = kind === Kind.Response;
  let method = '';
  let uri: string | null = null;
  let p = lay.lineStart;
  if (isMessage) {
    // The request or status line.
    const fl = pkt.add(F.text, p, lay.lineNext - p, top);
    // The line's text for its label and the chat expert item (one per message; a header's text is made only for the tree).
    const text = wantLabels || pkt.wantExperts ? formatText(d, p, lay.lineNext) : '';
    if (wantLabels) pkt.setLabel(fl, text);
    pkt.hide(pkt.add(F.chat, p, lay.lineNext - p, fl));
    pkt.addExpert(fl, Severity.Chat, 'Sequence', 'http.chat', text);
    if (request) [method, uri] = requestLine(pkt, fl, d, p, lay.lineEnd);
    else responseLine(pkt, fl, d, p, lay.lineEnd);
    if (request) {
      c.lastMethod = method;
      if (uri !== null) {
        if (!c.seen && pkt.session.patch && table(pkt).unseen?.has(c.key)) pkt.session.patch.fail('an HTTP conversation had frames before its first request');
        c.seen = true;
        c.reqUri = uri;
      }
    }
    p = lay.lineNext;
  }
  // Header lines (in a continuation too: lines with a colon are headers, an empty line ends them).
  hdrs.hostSeen = false;
  hdrs.host = '';
  hdrs.contentType = '';
  hdrs.contentEncoding = '';
  const lineField = kind === Kind.Request ? F.request_line : kind === Kind.Response ? F.response_line : -1;
  let lines = 0;
  while (p < end) {
    let e = lineEnd(d, p, end, nx);
    let np = nx[0]!;
    if (e < 0) {
      e = end;
      np = end;
    }
    if (e === p) {
      if (!haveTop) {
        top = addTop();
        haveTop = true;
      }
      const bi = pkt.add(F.text, p, np - p, top);
      if (wantLabels) pkt.setLabel(bi, formatText(d, p, np));
      p = np;
      break;
    }
    let colon = -1;
    for (let i = p; i < e; i++) {
      if (d[i] === 58) {
        colon = i;
        break;
      }
    }
    if (colon < 0) {
      // Not a header: in a message, the header block ends here (the rest is its body); tshark stops too.
      // But a line that runs to the end of the data after a first line or a header is taken for a
      // header cut short: tshark's tvb_ensure_bytes_exist throws, and nothing more of the message is
      // dissected (no body, no pairing): malformed, or short when the snapshot length cut it.
      if (e === end && d[end - 1] !== 13 && (isMessage || lines > 0)) {
        if (rep > end) pkt.noteShort(top, 'HTTP: packet size limited during capture');
        else pkt.markMalformed(top, 'Malformed Packet (Exception occurred)');
        return;
      }
      break;
    }
    if (!haveTop) {
      top = addTop();
      haveTop = true;
    }
    if (++lines > c.limits.maxHeaderLines) {
      pkt.markMalformed(top, `Malformed Packet (HTTP: more than ${c.limits.maxHeaderLines} header lines)`);
      p = end;
      break;
    }
    header(pkt, top, d, p, e, np, colon, lineField);
    p = np;
  }
  // The full URI, pairing and the generated items.
  let fullUri = '';
  if (request && hdrs.hostSeen && uri !== null) {
    fullUri = /^https?:\/\//i.test(uri) || method.startsWith('CONNECT') ? uri : `${c.tls ? 'https' : 'http'}://${hdrs.host.trim()}${uri}`;
    const fi = pkt.add(F.full_uri, off, 0, top);
    if (fi >= 0) pkt.ref[fi] = esc(fullUri);
    c.fullUri = fullUri;
  }
  if (isMessage) generated(pkt, t, c, top, kind, off);
  if (pkt.session.pass === 1 && request && !pkt.session.patch) carry(pkt).ends.set(c.key, { seen: c.seen, fullUri: c.fullUri, reqUri: c.reqUri, count: c.count });
  if (pkt.fence === 0 && pkt.session.pass !== 1 && pkt.session.taps.on(HTTP_TAP)) {
    const rr = t.frameRR;
    const r = pkt.session.taps.record(HTTP_TAP);
    r.frame = frame;
    r.tsSec = pkt.frame.tsSec;
    r.tsNsec = pkt.frame.tsNsec;
    r.relMs = relativeMs(pkt);
    r.request = request;
    r.method = request ? method : '';
    r.uri = request ? uri : null;
    r.host = hdrs.hostSeen ? hdrs.host : null;
    r.fullUri = fullUri;
    r.code = response ? lay.code : 0;
    r.requestIn = response && rr && rr.req ? rr.req : 0;
    r.time = response && rr && rr.req ? timeSince(pkt, rr)[0] : -1;
    r.src = addressText(pkt, pkt.ipSrcOff);
    r.dst = addressText(pkt, pkt.ipDstOff);
    r.stream = ssdp ? -1 : pkt.tcpStream;
  }
  // The body: what dissect_http_message takes after the header block.
  const hEnd = isMessage && lay.headersEnd >= 0 ? lay.headersEnd : p;
  const bodyEnd = isMessage && lay.headersEnd >= 0 ? hEnd + bodyLength(d, hEnd, end, lay, c.limits.maxChunks) : end;
  if (bodyEnd > hEnd) body(pkt, c.limits, top, haveTop, hEnd, bodyEnd);
}

/** Adds a string item whose value is made only when the field is kept (`value` is called then). */
function addText(pkt: Packet, fid: number, start: number, len: number, parent: number, value: () => string): number {
  const i = pkt.add(fid, start, len, parent);
  if (i >= 0) pkt.ref[i] = value();
  return i;
}

/** basic_request_dissector: method, URI (with its path and query) and version. Returns [method, uri (null: no method)]. */
function requestLine(pkt: Packet, fl: number, d: Uint8Array, p: number, le: number): [string, string | null] {
  let q = p;
  while (q < le && d[q] !== 32) q++;
  if (q === p) return ['', null];
  const method = ascii(d, p, q);
  const mi = pkt.add(F.method, p, q - p, fl);
  if (mi >= 0) pkt.ref[mi] = esc(method);
  let n = q;
  while (n < le && d[n] === 32) n++;
  // Two spaces: an empty URI.
  if (n - p > 2 && d[n - 1] === 32 && d[n - 2] === 32) n--;
  p = n;
  q = p;
  while (q < le && d[q] !== 32) q++;
  const uri = asciiText(d, p, q);
  const ui = pkt.add(F.uri, p, q - p, fl);
  if (ui >= 0) pkt.ref[ui] = esc(uri);
  const qm = pkt.tree ? uri.indexOf('?') : -1;
  if (qm >= 0 && uri.length - qm > 1) {
    addText(pkt, F.uri_path, p, qm, ui, () => esc(uri.slice(0, qm)));
    const query = uri.slice(qm + 1);
    const qi = addText(pkt, F.uri_query, p + qm + 1, query.length, ui, () => esc(query));
    let at = p + qm + 1;
    for (const part of query.split('&')) {
      if (part) addText(pkt, F.uri_query_parameter, at, part.length, qi, () => esc(part));
      at += part.length + 1;
    }
  }
  n = q;
  while (n < le && d[n] === 32) n++;
  addText(pkt, F.request_version, n, le - n, fl, () => esc(asciiText(d, n, le)));
  return [method, uri];
}

/** basic_response_dissector: version, status code and its description, phrase. */
function responseLine(pkt: Packet, fl: number, d: Uint8Array, p: number, le: number): void {
  let q = p;
  while (q < le && d[q] !== 32) q++;
  if (q === p) return;
  const vi = pkt.add(F.response_version, p, q - p, fl);
  if (vi >= 0) pkt.ref[vi] = esc(ascii(d, p, q));
  p = q;
  while (p < le && d[p] === 32) p++;
  q = p;
  while (q < le && d[q] !== 32) q++;
  if (q - p < 3) return;
  // strtoul of the first three characters.
  let code = 0;
  for (let i = 0; i < 3 && d[p + i]! >= 48 && d[p + i]! <= 57; i++) code = code * 10 + d[p + i]! - 48;
  lay.code = code;
  pkt.add(F.code, p, 3, fl, code);
  pkt.add(F.code_desc, p, 3, fl, 0, STATUS_CODES[code] ?? `Unknown (${code})`);
  p = q;
  while (p < le && d[p] === 32) p++;
  if (le > p) {
    const pi = pkt.add(F.phrase, p, le - p, fl);
    if (pi >= 0) pkt.ref[pi] = esc(asciiText(d, p, le));
  }
}

/** RFC 7230 tchar (is_token_char), by byte. */
const TCHAR: Readonly<Uint8Array> = tokenChars();
function tokenChars(): Uint8Array {
  const t = new Uint8Array(256);
  for (let c = 0; c < 256; c++) t[c] = tokenChar(c) ? 1 : 0;
  return t;
}

/**
 * Without a tree only three headers matter (the full URI, the body's dissector and decoding): a
 * header name's field among those, found without making the name's text.
 */
function stateHeader(d: Uint8Array, p: number, colon: number): number | undefined {
  const n = colon - p;
  if (n === 4) return startsWithCI(d, p, colon, 'host') ? F.host : undefined;
  if (n === 12) return startsWithCI(d, p, colon, 'content-type') ? F.content_type : undefined;
  if (n === 16) return startsWithCI(d, p, colon, 'content-encoding') ? F.content_encoding : undefined;
  return undefined;
}

/**
 * process_header: one header line `[p, np)` (its text ends at `e`, its name at `colon`). The texts
 * (values, labels) are made only for items the tree keeps; the values the message's state needs
 * (Host, Content-Type, Content-Encoding) always.
 */
function header(pkt: Packet, top: number, d: Uint8Array, p: number, e: number, np: number, colon: number, lineField: number): void {
  const wantLabels = pkt.wantLabels;
  const tree = pkt.tree;
  let valid = colon > p;
  for (let i = p; i < colon && valid; i++) valid = TCHAR[d[i]!] === 1;
  if (!valid) {
    const it = addText(pkt, lineField >= 0 ? lineField : F.unknown_header, p, np - p, top, () => lineValue(d, p, np));
    if (wantLabels) pkt.setLabel(it, formatText(d, p, np));
    pkt.hide(pkt.add(F.bad_header_name, p, np - p, it));
    pkt.addExpert(it, Severity.Warn, 'Protocol', 'http.bad_header_name', 'Illegal characters found in header name');
    return;
  }
  const fid = tree ? HEADER_FIELDS.get(ascii(d, p, colon).toLowerCase()) : stateHeader(d, p, colon);
  if (fid === undefined) {
    if (!tree) return;
    const it = lineField >= 0 ? addText(pkt, lineField, p, np - p, top, () => lineValue(d, p, np)) : addText(pkt, F.unknown_header, p, np - p, top, () => esc(formatText(d, p, np)));
    if (wantLabels) pkt.setLabel(it, formatText(d, p, np));
    return;
  }
  let v = colon + 1;
  while (v < e && (d[v] === 32 || d[v] === 9)) v++;
  const hi = pkt.add(fid, p, np - p, top);
  const state = fid === F.host || fid === F.content_type || fid === F.content_encoding;
  const children = tree && (fid === F.content_length_header || fid === F.cookie);
  const value = state || children || hi >= 0 ? asciiText(d, v, e) : '';
  if (hi >= 0) pkt.ref[hi] = esc(value);
  if (wantLabels) pkt.setLabel(hi, formatText(d, p, np));
  if (lineField >= 0 && tree) pkt.hide(addText(pkt, lineField, p, np - p, top, () => lineValue(d, p, np)));
  switch (fid) {
    case F.host:
      hdrs.hostSeen = true;
      hdrs.host = value;
      break;
    case F.content_type:
      hdrs.contentType = value;
      break;
    case F.content_encoding:
      hdrs.contentEncoding = value;
      break;
    case F.content_length_header: {
      if (!tree) break;
      // g_ascii_strtoll(value, 10): digits, then the end or white space.
      const m = /^[ \t\n\v\f\r]*([+-]?[0-9]+)([ \t\n\v\f\r]|$)/.exec(value);
      if (m) {
        const n = Number(m[1]);
        if (n >= 0 && Number.isSafeInteger(n)) {
          const ci = pkt.add(F.content_length, p, np - p, hi, n);
          if (wantLabels) pkt.setLabel(ci, `[Content length: ${n}]`);
        }
      }
      break;
    }
    case F.cookie: {
      if (!tree) break;
      let i = 0;
      while (i < value.length) {
        while (i < value.length && (value[i] === ';' || /\s/.test(value[i]!))) i++;
        if (i >= value.length) break;
        const semi = value.indexOf(';', i);
        const partEnd = semi < 0 ? value.length : semi;
        const from = i;
        addText(pkt, F.cookie_pair, v + i, partEnd - i, hi, () => esc(value.slice(from, partEnd)));
        i = partEnd;
      }
      break;
    }
  }
}

/** The response's time since its request: [seconds as a double, the nanosecond part]. */
function timeSince(pkt: Packet, rr: ReqRes): [number, number] {
  let ds = pkt.frame.tsSec - rr.reqSec;
  let dn = pkt.frame.tsNsec - rr.reqNsec;
  if (dn < 0 && ds > 0) {
    ds--;
    dn += 1e9;
  } else if (dn > 0 && ds < 0) {
    ds++;
    dn -= 1e9;
  }
  return [ds + dn / 1e9, dn];
}

/** push_req / push_res (first pass) and the generated items of the frame's transaction. */
function generated(pkt: Packet, t: HttpTable, c: Conv, top: number, kind: Kind, off: number): void {
  const s = pkt.session;
  const frame = pkt.frame.number;
  if (s.pass !== 2 && (kind === Kind.Request || kind === Kind.Response)) {
    let rr: ReqRes;
    if (kind === Kind.Request || !c.tail || c.tail.res > 0) {
      rr = { number: ++c.count, req: 0, res: 0, reqSec: 0, reqNsec: 0, prev: c.tail, next: null };
      if (c.tail) c.tail.next = rr;
      else c.head = rr;
      c.tail = rr;
      // Bounded: the oldest transaction beyond the limit is unlinked (its neighbours lose it).
      if (c.head && rr.number - c.head.number >= c.limits.maxTransactionsPerStream) {
        const next = c.head.next;
        c.head.next = null;
        if (next) next.prev = null;
        c.head = next;
      }
    } else rr = c.tail;
    if (kind === Kind.Request) {
      rr.req = frame;
      rr.reqSec = pkt.frame.tsSec;
      rr.reqNsec = pkt.frame.tsNsec;
    } else {
      rr.res = frame;
      // A single pass: the request's frame learns its response (`revise` for outputs that print updates).
      if (rr.req) annotate(pkt, rr.req, 'http.response_in', frame);
    }
    // A frame shows the transaction of its last message (tshark's per-frame proto data).
    t.frameRR = rr;
    if (s.pass === 1) {
      // (Each frame's transaction is for the second pass's tree: a patched read has none.)
      if (!s.patch) carry(pkt).frames.set(frame, rr);
      if (!s.patch) carry(pkt).ends.set(c.key, { seen: c.seen, fullUri: c.fullUri, reqUri: c.reqUri, count: c.count });
    }
  }
  if (s.pass === 2 && !t.frameRR) t.frameRR = carry(pkt).frames.get(frame) ?? null;
  const curr = t.frameRR;
  const prev = curr?.prev ?? null;
  const next = curr?.next ?? null;
  const wantLabels = pkt.wantLabels;
  if (kind === Kind.Notification) {
    pkt.hide(pkt.add(F.notification, off, 0, top, 1));
    return;
  }
  if (kind === Kind.Response) {
    pkt.hide(pkt.add(F.response, off, 0, top, 1));
    if (curr) {
      const ni = pkt.add(F.response_number, off, 0, top, curr.number);
      if (wantLabels) pkt.setLabel(ni, `[HTTP response ${curr.number}/${c.count}]`);
      if (curr.req) {
        const [sec, ns] = timeSince(pkt, curr);
        pkt.add(F.time, off, 0, top, sec, ns);
      }
    }
    if (prev?.req) pkt.add(F.prev_request_in, off, 0, top, prev.req);
    if (prev?.res) pkt.add(F.prev_response_in, off, 0, top, prev.res);
    if (curr?.req) pkt.add(F.request_in, off, 0, top, curr.req);
    if (next?.req) pkt.add(F.next_request_in, off, 0, top, next.req);
    if (next?.res) pkt.add(F.next_response_in, off, 0, top, next.res);
    const forUri = c.fullUri ?? c.reqUri;
    if (forUri !== null) addText(pkt, F.response_for_uri, off, 0, top, () => esc(forUri));
    return;
  }
  pkt.hide(pkt.add(F.request, off, 0, top, 1));
  if (curr) {
    const ni = pkt.add(F.request_number, off, 0, top, curr.number);
    if (wantLabels) pkt.setLabel(ni, `[HTTP request ${curr.number}/${c.count}]`);
  }
  if (prev?.req) pkt.add(F.prev_request_in, off, 0, top, prev.req);
  if (curr?.res) pkt.add(F.response_in, off, 0, top, curr.res);
  if (next?.req) pkt.add(F.next_request_in, off, 0, top, next.req);
}

/** The message body `[off, end)` of the current data source: de-chunked, decompressed, shown, handed on. */
function body(pkt: Packet, limits: Readonly<HttpLimits>, top: number, haveTop: boolean, off: number, end: number): void {
  // No HTTP item (bytes of a conversation that has seen no request): tshark shows nothing of them.
  if (!haveTop) return;
  const wantLabels = pkt.wantLabels;
  const base = pkt.cur;
  let b = pkt.data;
  let bOff = off;
  let bEnd = end;
  const parent = haveTop ? top : -1;
  if (lay.body === Body.Chunked && lay.kind !== Kind.Other) {
    const dechunked = dechunk(pkt, limits.maxChunks, parent, off, end);
    if (!dechunked) return;
    b = dechunked;
    bOff = 0;
    bEnd = dechunked.length;
    pkt.pushSource(dechunked, 'De-chunked entity body');
  }
  const coding = hdrs.contentEncoding.trim();
  if (coding && coding.toLowerCase() !== 'identity') {
    const plain = decompress(coding.toLowerCase(), b.subarray(bOff, bEnd), limits.maxDecompressedBytes);
    const ci = pkt.add(F.text, bOff, bEnd - bOff, parent);
    if (wantLabels) pkt.setLabel(ci, `Content-encoded entity body (${coding}): ${bEnd - bOff} bytes${plain ? ` -> ${plain.length} bytes` : ' [Error: Decompression failed]'}`);
    if (!plain) {
      dissectData(pkt, bOff, bEnd, bEnd, ci);
      if (pkt.cur !== base) pkt.popSource(base);
      return;
    }
    pkt.pushSource(plain, 'Uncompressed entity body');
    b = plain;
    bOff = 0;
    bEnd = plain.length;
  }
  if (haveTop) {
    const fi = pkt.add(F.file_data, bOff, bEnd - bOff, top);
    // The text only when the field is kept (a body may be megabytes).
    if (fi >= 0) pkt.ref[fi] = esc(asciiText(b, bOff, bEnd, limits.maxFileDataChars));
    if (wantLabels) pkt.setLabel(fi, `File Data: ${bEnd - bOff} bytes`);
  }
  if (bEnd > bOff) bodyDissector(pkt, parent, bOff, bEnd);
  if (pkt.cur !== base) pkt.popSource(base);
}

/** chunked_encoding_dissector: the chunks as tshark's "HTTP chunked response"; the de-chunked body, or null if none. */
function dechunk(pkt: Packet, maxChunks: number, parent: number, off: number, end: number): Uint8Array | null {
  const d = pkt.data;
  const wantLabels = pkt.wantLabels;
  const tree = pkt.add(F.text, off, end - off, parent);
  if (wantLabels) pkt.setLabel(tree, 'HTTP chunked response');
  const parts: Uint8Array[] = [];
  let total = 0;
  let p = off;
  for (let n = 0; p < end; n++) {
    if (n > maxChunks) {
      pkt.markMalformed(tree, `Malformed Packet (HTTP: more than ${maxChunks} chunks)`);
      break;
    }
    const e = lineEnd(d, p, end, nx);
    if (e <= p) break;
    let size = Math.max(0, chunkSize(d, p, e));
    const dataStart = nx[0]!;
    if (size > end - p) size = end - p;
    const dataEnd = Math.min(end, dataStart + size);
    const ci = pkt.add(F.text, p, Math.min(end, dataStart + size + 2) - p, tree);
    if (wantLabels) pkt.setLabel(ci, size === 0 ? 'End of chunked encoding' : `Data chunk (${size} octets)`);
    pkt.add(F.chunk_size, p, dataStart - p, ci, size);
    if (size > 0) {
      pkt.add(F.chunk_data, dataStart, dataEnd - dataStart, ci);
      if (dataEnd + 2 <= end) pkt.add(F.chunk_boundary, dataEnd, 2, ci);
      parts.push(d.subarray(dataStart, dataEnd));
      total += dataEnd - dataStart;
      p = dataStart + size + 2;
      continue;
    }
    // The last chunk: the trailer's header fields, then the final CRLF.
    p = dataStart;
    let q = p;
    let t = -1;
    for (;;) {
      t = lineEnd(d, q, end, nx);
      if (t <= q) break;
      q = nx[0]!;
    }
    const from = p;
    if (q > p) addText(pkt, F.chunked_trailer_part, p, q - p, tree, () => lineValue(d, from, q));
    if (t === q) {
      const fi = pkt.add(F.text, q, nx[0]! - q, tree);
      if (wantLabels) pkt.setLabel(fi, formatText(d, q, nx[0]!));
    }
    break;
  }
  if (p === off) return null;
  const out = new Uint8Array(total);
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return total > 0 ? out : null;
}

function decompress(coding: string, b: Uint8Array, maxOutputLength: number): Uint8Array | null {
  const opts = { maxOutputLength };
  try {
    if (coding === 'gzip' || coding === 'x-gzip') return gunzipSync(b, opts);
    if (coding === 'deflate' || coding === 'x-deflate') {
      try {
        return inflateSync(b, opts);
      } catch {
        return inflateRawSync(b, opts);
      }
    }
    if (coding === 'br') return brotliDecompressSync(b, opts);
  } catch {
    return null;
  }
  return null;
}

/** Media types that tshark 4.0 hands to "Line-based text data" (data-text-lines). */
const TEXT_LINES = new Set([
  'text/plain', 'text/html', 'text/css', 'text/javascript', 'text/richtext', 'text/csv', 'text/vnd.sun.j2me.app-descriptor',
  'application/x-javascript', 'application/x-tia-msg', 'application/x-ns-proxy-autoconfig', 'application/vnd.oma.drm.message',
  'text/vnd.wap.wml', 'text/vnd.wap.wmlscript', 'text/x-vcard', 'text/calendar',
]);

/**
 * Media types that tshark 4.0 hands to a dissector of their own, which wirelite does not have (and
 * which take any body): no layer.
 */
const NOT_MEDIA = /^(text\/xml|application\/xml|application\/[a-z.+-]*\+xml|image\/(gif|png)$|application\/(ocsp-request|ocsp-response|pkix-crl|json)$)/;

/** The media types of tshark's image-jfif dissector (file-jpeg.c). */
function jfifType(type: string): boolean {
  return type === 'image/jfif' || type === 'image/jpg' || type === 'image/jpeg';
}

const FORM_BAD = -1;
const FORM_SHORT = -2;
const formOut = { text: '' };

/**
 * get_form_key_value (packet-http-urlencoded.c): the text from `off` up to `stop` or the end, with
 * %XX and '+' decoded (a byte over 0x7f as U+FFFD, ENC_ASCII); returns where it stopped, FORM_BAD
 * for a NUL or a '%' without two hex digits (tshark gives the item up), FORM_SHORT for a '%' too
 * near the end (tshark reads past the data: an exception).
 */
function formPart(d: Uint8Array, off: number, end: number, stop: number): number {
  const hex = (c: number) => (c >= 48 && c <= 57 ? c - 48 : c >= 97 && c <= 102 ? c - 87 : c >= 65 && c <= 70 ? c - 55 : -1);
  let s = '';
  // A decoded NUL ends the C string tshark shows; the rest still counts for the offset.
  let cut = false;
  let i = off;
  for (; i < end; i++) {
    let c = d[i]!;
    if (c === 0) return FORM_BAD;
    if (c === stop) break;
    if (c === 37) {
      if (i + 1 >= end) return FORM_SHORT;
      const a = hex(d[i + 1]!);
      if (a < 0) return FORM_BAD;
      if (i + 2 >= end) return FORM_SHORT;
      const b = hex(d[i + 2]!);
      if (b < 0) return FORM_BAD;
      c = a * 16 + b;
      i += 2;
    } else if (c === 43) c = 32;
    if (c === 0) cut = true;
    if (!cut) s += c < 0x80 ? String.fromCharCode(c) : '\ufffd';
  }
  formOut.text = s;
  return i;
}

/**
 * HTML Form URL Encoded (dissect_form_urlencoded): items of a key up to '=' (or the end: a body
 * without '=' is one key) and a value up to '&'.
 */
function urlencodedForm(pkt: Packet, type: string, off: number, end: number, level: number): void {
  const top = pkt.addProtocol(F.urlencoded_form, 'urlencoded-form', off, end - off, level);
  if (pkt.wantLabels) pkt.setLabel(top, `HTML Form URL Encoded: ${type}`);
  pkt.appendInfo(` (${type})`);
  const d = pkt.data;
  let p = off;
  // The items only for a tree (their texts are all there is to them).
  while (pkt.tree && p < end) {
    const it = pkt.add(F.text, p, 0, top);
    if (pkt.wantLabels) pkt.setLabel(it, 'Form item');
    let q = formPart(d, p, end, 61);
    if (q < 0) {
      if (q === FORM_SHORT) pkt.markMalformed(it, 'Malformed Packet (Exception occurred)');
      break;
    }
    const key = formOut.text;
    addText(pkt, F.form_key, p, q - p, it, () => esc(key));
    if (pkt.wantLabels) pkt.setLabel(it, `Form item: "${key}"`);
    const vs = q + 1;
    q = vs >= end ? end : formPart(d, vs, end, 38);
    if (q < 0) {
      if (q === FORM_SHORT) pkt.markMalformed(it, 'Malformed Packet (Exception occurred)');
      break;
    }
    const value = vs >= end ? '' : formOut.text;
    addText(pkt, F.form_value, Math.min(vs, end), Math.max(0, q - vs), it, () => esc(value));
    if (pkt.wantLabels) pkt.setLabel(it, `Form item: "${key}" = "${value}"`);
    pkt.setLength(it, Math.min(q + 1, end) - p);
    p = q + 1;
  }
}

/**
 * dissect_jfif's test (file-jpeg.c): at least 20 bytes, the SOI marker, and "JFIF" or "Exif" with
 * its NUL as the first segment's identifier. A body that fails it is not a JPEG to tshark.
 */
function isJfif(d: Uint8Array, off: number, end: number): boolean {
  if (end - off < 20 || d[off] !== 0xff || d[off + 1] !== 0xd8 || d[off + 10] !== 0) return false;
  const id = ascii(d, off + 6, off + 10);
  return id === 'JFIF' || id === 'Exif';
}

/**
 * tshark's heuristic body dissectors for HTTP (png, image-jfif, image-gif) claim a body by its
 * first bytes before "Media Type" does; wirelite has none of them, so such a body gets no layer.
 */
function imageMagic(d: Uint8Array, off: number, end: number): boolean {
  const n = end - off;
  const png = n >= 20 && d[off] === 0x89 && ascii(d, off + 1, off + 8) === 'PNG\r\n\x1a\n';
  const gif = n >= 6 && (ascii(d, off, off + 6) === 'GIF87a' || ascii(d, off, off + 6) === 'GIF89a');
  return png || gif || isJfif(d, off, end);
}

/** The body's dissector by media type: Line-based text data, Media Type, or data (no Content-Type). */
function bodyDissector(pkt: Packet, parent: number, off: number, end: number): void {
  const ct = hdrs.contentType;
  if (!ct) {
    dissectData(pkt, off, end, end, parent);
    return;
  }
  // The media type: lower case, up to a ';' or white space; its parameters after the ';' and white space.
  const m = /^[^;\s]*/.exec(ct)![0]!;
  const type = m.toLowerCase();
  // (Only multipart reads the parameters: not made for other bodies.)
  const params = type.startsWith('multipart/') ? ct.slice(m.length).replace(/^[;\s]+/, '') || null : null;
  if (mediaType(pkt, type, params, off, end, parent, -1)) return;
  if (jfifType(type)) {
    // The media type's dissector declined the body: tshark says so and tries its heuristics.
    pkt.hide(pkt.add(F.subdissector_failed, off, end - off, parent));
    pkt.addExpert(parent, Severity.Note, 'Malformed', 'http.subdissector_failed', 'HTTP body subdissector failed, trying heuristic subdissector');
  }
  if (imageMagic(pkt.data, off, end)) return;
  media(pkt, type, off, end, -1);
}

/**
 * tshark's media_type table: the dissector of `type` takes the body `[off, end)` (its items under
 * `level`, -1 for the top of the tree); false when there is none or it declined the body.
 */
function mediaType(pkt: Packet, type: string, params: string | null, off: number, end: number, parent: number, level: number): boolean {
  if (type === 'application/octet-stream') {
    dissectData(pkt, off, end, end, parent);
    return true;
  }
  if (type === 'application/x-www-form-urlencoded') {
    urlencodedForm(pkt, type, off, end, level);
    return true;
  }
  if (type.startsWith('multipart/')) {
    dissectMultipart(pkt, type, params, off, end, level, partMedia);
    return true;
  }
  if (NOT_MEDIA.test(type)) return true;
  if (jfifType(type)) return isJfif(pkt.data, off, end);
  if (!TEXT_LINES.has(type)) return false;
  const top = pkt.addProtocol(F.text_lines, 'data-text-lines', off, end - off, level);
  const d = pkt.data;
  let n = 0;
  // The lines only for a tree: one item each, and their count in the label.
  for (let p = off; pkt.tree && p < end; n++) {
    const e = lineEnd(d, p, end, nx);
    const np = e < 0 ? end : nx[0]!;
    if (pkt.wantLabels) pkt.setLabel(pkt.add(F.text, p, np - p, top), formatText(d, p, np));
    p = np;
  }
  if (pkt.wantLabels) pkt.setLabel(top, `Line-based text data: ${type} (${n} lines)`);
  pkt.appendInfo(` (${type})`);
  return true;
}

/** Media Type: a body no dissector took. */
function media(pkt: Packet, type: string, off: number, end: number, level: number): void {
  const top = pkt.addProtocol(F.media, 'media', off, end - off, level);
  const n = end - off;
  if (n > 0 && pkt.tree) {
    const ti = pkt.add(F.media_type, off, n, top);
    if (pkt.wantLabels) pkt.setLabel(ti, `Media type: ${type} (${n} byte${n === 1 ? '' : 's'})`);
  }
  pkt.appendInfo(` (${type})`);
}

/** A multipart part's body: the media-type table, then Media Type (no heuristics there). */
function partMedia(pkt: Packet, type: string, params: string | null, off: number, end: number, parent: number): void {
  if (!mediaType(pkt, type, params, off, end, parent, parent)) media(pkt, type, off, end, parent);
}

// --- stream parsing

/** The stream parser of conversation `c`, in its current mode. */
function parseWith(c: Conv, d: Uint8Array, off: number, end: number, out: ParseResult): void {
  const flush = c.mode === FLUSH;
  frameMessage(d, off, end, c, flush ? Mode.Stream : (c.mode as Mode), lay, res);
  // The connection ended: a response whose body runs to the end of it is complete now.
  if (flush && res.status === Frame.Incomplete && lay.body === Body.UntilClose) frameMessage(d, off, end, c, Mode.Whole, lay, res);
  out.message = '';
  if (res.status === Frame.Complete) {
    out.status = ParseStatus.Ok;
    out.consumed = res.length;
    out.needed = 0;
  } else if (res.status === Frame.Incomplete) {
    out.status = ParseStatus.Incomplete;
    out.consumed = 0;
    out.needed = res.needed;
  } else {
    out.status = ParseStatus.Error;
    out.consumed = 0;
    out.needed = 0;
    out.message = `HTTP header block over ${c.limits.maxHeaderBytes} bytes`;
  }
}

/**
 * The conversation's parser for a segment of the packet's TCP stream; `fin`: the segment carries
 * the FIN (no body is waited for, as tshark's end_of_stream).
 */
function prepare(pkt: Packet, fin?: boolean): StreamParser {
  const c = conv(pkt, pkt.tcpStream, false);
  c.mode = fin ? Mode.Fin : Mode.Stream;
  return fin ? c.finParser : c.parser;
}

/**
 * The parser for the unfinished message when the connection ends (a FIN without data): a response
 * whose body runs to the end of the connection is complete then.
 */
function finish(pkt: Packet): StreamParser {
  const c = conv(pkt, pkt.tcpStream, false);
  c.mode = FLUSH;
  return c.parser;
}

/** A header block over the limit: what the parser rejected is shown as malformed HTTP. */
function rejected(pkt: Packet, off: number, end: number): void {
  const top = pkt.addProtocol(F.http, 'http', off, end - off, -1);
  pkt.setProtocol('HTTP');
  pkt.setInfo('Continuation');
  const limits = pkt.session.limits.http;
  pkt.markMalformed(top, `Malformed Packet (HTTP: a header block over ${limits.maxHeaderBytes} bytes, or more than ${limits.maxHeaderLines} lines)`);
}

const http: Dissector = { name: 'http', longName: 'Hypertext Transfer Protocol', decode: decodeHttp };

/** The parser's context when no conversation was prepared (tcp/stream.ts always prepares). */
const DEFAULT_CONV: Conv = { key: -1, lastMethod: '', limits: HTTP_LIMITS, seen: false, fullUri: null, reqUri: null, count: 0, head: null, tail: null, tls: false, mode: Mode.Stream, parser: NO_PARSER, finParser: NO_PARSER };

/**
 * The reassembly's bound for one message: a header block and a body at their limits (a longer
 * body is not waited for, see HttpLimits.maxBodyBytes), and the segment that went past them.
 */
function maxPduBytes(limits: Readonly<HttpLimits>): number {
  return limits.maxHeaderBytes + limits.maxBodyBytes + (64 << 10);
}

/**
 * HTTP as a TCP stream protocol: what tcp/stream.ts binds to the HTTP ports. `finish` is for the
 * bare FIN that ends a connection (a response delimited by the close), when TCP hands it on.
 */
export const HTTP_STREAM: StreamProtocol & { finish: (pkt: Packet) => StreamParser } = {
  parser: { parse: (d, off, end, out) => parseWith(DEFAULT_CONV, d, off, end, out), maxPduBytes: maxPduBytes(HTTP_LIMITS) },
  dissector: http,
  rejected,
  prepare,
  finish,
  truncated: true,
};

for (const port of HTTP_PORTS) registerStreamProtocol(port, HTTP_STREAM);


/**
 * Wireshark's `http_tcp` heuristic (dissect_http_heur_tcp): the segment's first line (not 8
 * characters long) ends with "HTTP/1.x" (a request) or starts with "HTTP/1." (a response), case
 * aside. Returns the server port, else -1. Two native scans for the line end per segment of a
 * stream no protocol claimed.
 */
function looksLikeHttp(d: Uint8Array, off: number, end: number, sp: number, dp: number): number {
  if (end - off < 8) return -1;
  const seg = d.subarray(off, end);
  const cr = seg.indexOf(13);
  const lf = seg.indexOf(10);
  let e = cr < 0 ? lf : lf < 0 ? cr : Math.min(cr, lf);
  if (e < 0 || e === 8) return -1;
  // A CR at the very end may be followed by an LF (tvb_find_line_end with desegmentation).
  if (e === cr && e === seg.length - 1) return -1;
  const http1 = (at: number) => at >= 0 && at + 7 <= seg.length && (seg[at]! | 32) === 104 && (seg[at + 1]! | 32) === 116 && (seg[at + 2]! | 32) === 116 && (seg[at + 3]! | 32) === 112 && seg[at + 4] === 47 && seg[at + 5] === 49 && seg[at + 6] === 46;
  if (http1(0)) return sp;
  e -= 8;
  return http1(e) ? dp : -1;
}

registerStreamHeuristic(looksLikeHttp, HTTP_STREAM, 'http_tcp');

// --- other byte streams (TLS)

/** One reassembly direction per (stream key, direction). */
interface OtherStreams {
  dirs: Map<string, StreamDirection>;
  budget: ReturnType<typeof newBudget>;
}

class HttpSink implements PduSink {
  pkt!: Packet;
  conv!: Conv;
  pdu(data: Uint8Array, off: number, end: number, reassembled: boolean): void {
    const pkt = this.pkt;
    const t = table(pkt);
    t.current = this.conv;
    if (!reassembled) callDissector(http, pkt, off, end, end, -1);
    else {
      const prev = pkt.pushSource(data, `Reassembled HTTP (${end - off} bytes)`);
      callDissector(http, pkt, off, end, end, -1);
      pkt.popSource(prev);
    }
    t.current = null;
  }
  partial(): void {}
  gap(): void {}
  error(): void {}
}

/**
 * HTTP over any reliable byte stream, independent of TCP ports (TLS application data once
 * decrypted): feeds the bytes `[off, end)` of the packet's current data source, the next bytes of
 * direction `dir` (0/1) of stream `key`, and dissects every HTTP message they complete into the
 * packet (several messages one after the other; a message spread over several calls is dissected
 * from a "Reassembled HTTP" data source when the call that completes it is made). `tls`: the
 * messages' full URIs are https://. Pairing is per `key` (use the TCP stream index), so requests
 * and responses of one connection pair up as over TCP. Call it in both passes of a two-pass read,
 * in order, as the TCP stream protocols are called.
 */
export function feedHttpStream(pkt: Packet, key: number, dir: number, off: number, end: number, tls = true): void {
  if (end <= off) return;
  const t = sessionState<OtherStreams>(pkt, 'http.other', () => ({ dirs: new Map(), budget: newBudget(pkt.session.limits.tcpReassembly) }));
  const k = `${key}/${dir}`;
  let sd = t.dirs.get(k);
  if (!sd) {
    if (t.dirs.size >= 2 * pkt.session.limits.http.maxStreams) {
      const [oldest, old] = t.dirs.entries().next().value as [string, StreamDirection];
      releaseDirection(old, t.budget);
      t.dirs.delete(oldest);
    }
    sd = new StreamDirection();
    sd.sync(0);
    t.dirs.set(k, sd);
  }
  const c = conv(pkt, `s${key}`, tls);
  c.mode = Mode.Stream;
  const sink = sessionState(pkt, 'http.sink', () => new HttpSink());
  sink.pkt = pkt;
  sink.conv = c;
  feedSegment(sd, t.budget, c.parser, { outOfOrder: false }, sd.next, pkt.data, off, end, pkt.frame.number, sink);
}

// --- SSDP: HTTP over UDP (port 1900), as tshark's ssdp dissector shows it

function udpKey(pkt: Packet): string {
  const h = pkt.ipHdr;
  const n = pkt.ipVersion === 6 ? 16 : 4;
  let a = '';
  let b = '';
  for (let i = 0; i < n; i++) {
    a += String.fromCharCode(h[pkt.ipSrcOff + i]!);
    b += String.fromCharCode(h[pkt.ipDstOff + i]!);
  }
  a += `:${pkt.srcPort}`;
  b += `:${pkt.dstPort}`;
  return a < b ? `u${a}|${b}` : `u${b}|${a}`;
}

register({
  name: 'ssdp',
  longName: 'Simple Service Discovery Protocol',
  bind: [['udp.port', 1900]],
  decode(pkt: Packet, off: number, end: number, rep: number, parent: number): void {
    decodeMessage(pkt, table(pkt), conv(pkt, udpKey(pkt), false), off, end, rep, parent, true);
  },
});

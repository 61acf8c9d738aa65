/**
 * HTTP/1.0 and 1.1 (RFC 9112), as tshark 4.0 shows it: parsed from reassembled TCP stream bytes
 * (src/dissectors/tcp/stream.ts) on Wireshark's HTTP ports and, on other ports, found by
 * Wireshark's `http_tcp` heuristic (a first line that starts with "HTTP/1." or ends with it).
 *
 * One PDU is one message: the first line, the header block and the body by Content-Length, by the
 * chunked transfer coding or, for a response with neither, up to the end of the connection
 * (./message.ts frames them, with the same rules as tshark's req_resp_hdrs_do_reassembly). A
 * message spread over several segments is dissected in the frame that completes it, several
 * messages in one segment (pipelining) one after the other; bytes that do not start a message
 * are "Continuation". Requests and responses are paired in order per TCP stream
 * (`http.request_in`, `http.response_in`, `http.time`, `http.prev_request_in`, ...), which a
 * two-pass read (`-2`) shows in full as tshark does. Every limit is named in HTTP_LIMITS; a
 * message over one is marked malformed.
 *
 * Other transports (TLS application data once decrypted): `feedHttpStream` below takes the bytes of
 * one direction of a byte stream, independent of TCP ports, and dissects every message they
 * complete into the packet (see its comment).
 */
import { brotliDecompressSync, gunzipSync, inflateRawSync, inflateSync } from 'node:zlib';
import { annotate, sessionState, Severity, type Packet } from '../packet.js';
import { callDissector, dissectData, register, type Dissector } from '../registry.js';
import { addTapListener, TapKind } from '../taps.js';
import { registerStreamHeuristic, registerStreamProtocol, type StreamProtocol } from '../tcp/stream.js';
import { feedSegment, newBudget, ParseStatus, StreamDirection, type ParseResult, type PduSink, type StreamParser } from '../tcp/reassembly.js';
import { F, HEADER_FIELDS, HTTP_LIMITS, STATUS_CODES } from './fields.js';
import { ascii, Body, chunkSize, Frame, frameMessage, Kind, lineEnd, Mode, newLayout, type BodyContext, type FrameResult } from './message.js';

export { HTTP_LIMITS, F as HTTP_FIELDS } from './fields.js';

/** Wireshark 4.0's HTTP ports (its http.tcp.port range and the ports other dissectors hand to HTTP). */
export const HTTP_PORTS = [80, 631, 1900, 2710, 2869, 3128, 3132, 3689, 5985, 8080, 8088, 11371];

// --- per-stream state

/** What pass 1 learned about one message, for pass 2 (a frame may hold several messages). */
interface Note {
  number: number;
  reqIn: number;
  respIn: number;
  prevReq: number;
  nextReq: number;
  prevResp: number;
  nextResp: number;
  /** Seconds and the nanosecond part of `http.time` (response), -1 if none. */
  time: number;
  timeNs: number;
  /** The request's full URI (for http.response_for.uri). */
  uri: string;
}

interface Txn {
  req: number;
  resp: number;
  sec: number;
  nsec: number;
  uri: string;
  reqNote: Note | null;
  respNote: Note | null;
}

interface Conv extends BodyContext {
  txns: Txn[];
  /** Index in txns of the oldest request without a response. */
  unanswered: number;
  reqCount: number;
  respCount: number;
  /** Transactions dropped from the front (HTTP_LIMITS.maxTransactionsPerStream). */
  dropped: number;
  /** The messages are TLS application data (https:// URIs). */
  tls: boolean;
  /** How the parser frames the current segment (Mode, or FLUSH at the end of the stream). */
  mode: number;
  /** This conversation's stream parser. */
  parser: StreamParser;
}

/** The parser's mode for the unfinished message when the connection ends (a bare FIN). */
const FLUSH = 3;

interface HttpTable {
  convs: Map<number | string, Conv>;
  /** The conversation of the messages `feedHttpStream` hands to the dissector (null otherwise). */
  current: Conv | null;
  /** Frame and index of the message last dissected (messages per frame). */
  frame: number;
  index: number;
}

function table(pkt: Packet): HttpTable {
  return sessionState<HttpTable>(pkt, 'http', () => ({ convs: new Map(), current: null, frame: -1, index: 0 }));
}

/** Pass-1 notes by frame, carried to pass 2. */
function notes(pkt: Packet): Map<number, Note[]> {
  let m = pkt.session.carry.get('http.notes') as Map<number, Note[]> | undefined;
  if (!m) {
    m = new Map();
    pkt.session.carry.set('http.notes', m);
  }
  return m;
}

function conv(pkt: Packet, key: number | string, tls: boolean): Conv {
  const t = table(pkt);
  let c = t.convs.get(key);
  if (!c) {
    if (t.convs.size >= HTTP_LIMITS.maxStreams) t.convs.delete(t.convs.keys().next().value as number);
    const made: Conv = { lastMethod: '', lastCode: 0, txns: [], unanswered: 0, reqCount: 0, respCount: 0, dropped: 0, tls, mode: Mode.Stream, parser: null as unknown as StreamParser };
    made.parser = { parse: (d, off, end, out) => parseWith(made, d, off, end, out), maxPduBytes: HTTP_LIMITS.maxMessageBytes };
    c = made;
    t.convs.set(key, c);
  }
  return c;
}

/** Whether the packet's layers so far include TLS (HTTP inside decrypted TLS: https:// URIs). */
function overTls(pkt: Packet): boolean {
  for (let i = pkt.protocols.length - 1; i >= 0; i--) if (pkt.protocols.at(i) === 'tls') return true;
  return false;
}

// --- the tap (statistics)

/** One message, for `stats http` (src/stats/http.ts). */
export interface HttpTapRecord {
  frame: number;
  tsSec: number;
  tsNsec: number;
  request: boolean;
  method: string;
  uri: string;
  host: string;
  fullUri: string;
  /** Response status code (0 for requests). */
  code: number;
  /** For a response paired with its request: the request's frame and the time since it (seconds), else 0 / -1. */
  requestIn: number;
  time: number;
  stream: number;
}

export type HttpTapListener = (r: HttpTapRecord) => void;

/** The HTTP tap's kind (../taps.ts): one record per message, delivered after the packet is dissected. */
export const HTTP_TAP = new TapKind<HttpTapRecord>('http', () => ({ frame: 0, tsSec: 0, tsNsec: 0, request: false, method: '', uri: '', host: '', fullUri: '', code: 0, requestIn: 0, time: -1, stream: -1 }));

/** Adds a listener for sessions made from now on (dissecting outside the pipeline); returns its removal. */
export function addHttpTapListener(l: HttpTapListener): () => void {
  return addTapListener(HTTP_TAP, l);
}

// --- text

const ESCAPES: Record<string, string> = { '\0': '\\0', '\b': '\\b', '\f': '\\f', '\n': '\\n', '\r': '\\r', '\t': '\\t' };

/**
 * A value as tshark 4.0 prints a string field: NUL, BS, FF, LF, CR and TAB as `\0`, `\b`, `\f`,
 * `\n`, `\r`, `\t`; every other character as it is.
 */
function esc(s: string): string {
  if (!/[\0\b\f\n\r\t]/.test(s)) return s;
  return s.replace(/[\0\b\f\n\r\t]/g, (c) => ESCAPES[c]!);
}

/**
 * Bytes read as ASCII (ENC_ASCII: a byte over 0x7f becomes U+FFFD), up to `max` characters and,
 * with `nul`, up to the first NUL (tshark's body text ends there; its continuation text does not).
 */
function asciiText(d: Uint8Array, off: number, end: number, max: number, nul = false): string {
  let s = '';
  const stop = Math.min(end, off + max);
  for (let i = off; i < stop; i++) {
    const c = d[i]!;
    if (c === 0 && nul) break;
    s += c < 0x80 ? String.fromCharCode(c) : '\ufffd';
  }
  return s;
}

// --- dissection

const lay = newLayout();
const res: FrameResult = { status: Frame.Complete, length: 0, needed: 0 };
const nx = new Int32Array(1);

function decodeHttp(pkt: Packet, off: number, end: number, _rep: number, parent: number): void {
  const t = table(pkt);
  decodeMessage(pkt, t, t.current ?? conv(pkt, pkt.tcpStream, overTls(pkt)), off, end, parent, 'HTTP');
}

function decodeMessage(pkt: Packet, t: HttpTable, c: Conv, off: number, end: number, parent: number, col: string): void {
  const d = pkt.data;
  frameMessage(d, off, end, c, Mode.Whole, lay, res);
  if (lay.kind === Kind.Ignored) return;
  const top = col === 'SSDP' ? pkt.addProtocol(F.ssdp, 'ssdp', off, end - off, parent) : pkt.addProtocol(F.http, 'http', off, end - off, parent);
  pkt.setProtocol(col);
  if (t.frame !== pkt.frame.number) {
    t.frame = pkt.frame.number;
    t.index = 0;
  }
  if (lay.kind === Kind.Other) {
    // tshark: "Continuation", the bytes as file data.
    pkt.setInfo('Continuation');
    const fi = pkt.add(F.file_data, off, end - off, top, 0, esc(asciiText(d, off, end, HTTP_LIMITS.maxFileDataChars, true)));
    if (pkt.wantLabels) pkt.setLabel(fi, `File Data: ${end - off} bytes`);
    dissectData(pkt, off, end, end, top);
    return;
  }
  const first = t.index === 0;
  t.index++;
  const request = lay.kind === Kind.Request;
  const lineText = ascii(d, off, lay.lineEnd);
  if (pkt.wantColumns) {
    if (first) pkt.setInfo(`${lineText} `);
    else pkt.appendInfo(`${lineText} `);
  }
  const wantLabels = pkt.wantLabels;
  const fl = pkt.add(F.text, off, lay.lineNext - off, top);
  const lineLabel = esc(ascii(d, off, lay.lineNext));
  if (wantLabels) pkt.setLabel(fl, lineLabel);
  pkt.hide(pkt.add(F.chat, off, lay.lineNext - off, fl));
  pkt.addExpert(fl, Severity.Chat, 'Sequence', 'http.chat', lineLabel);
  pkt.hide(pkt.add(request ? F.request : F.response, off, 0, top, 1));
  let method = '';
  let uri = '';
  if (request) {
    // Method, URI and version: tokens separated by spaces (basic_request_dissector).
    let p = off;
    let q = p;
    while (q < lay.lineEnd && d[q] !== 32) q++;
    method = ascii(d, p, q);
    pkt.add(F.method, p, q - p, fl, 0, method);
    p = q;
    while (p < lay.lineEnd && d[p] === 32) p++;
    q = p;
    while (q < lay.lineEnd && d[q] !== 32) q++;
    if (q > p) {
      uri = ascii(d, p, q);
      const ui = pkt.add(F.uri, p, q - p, fl, 0, esc(uri));
      const qm = uri.indexOf('?');
      if (qm >= 0) {
        pkt.add(F.uri_path, p, qm, ui, 0, esc(uri.slice(0, qm)));
        const query = uri.slice(qm + 1);
        const qi = pkt.add(F.uri_query, p + qm, q - p - qm, ui, 0, esc(query));
        let at = p + qm + 1;
        for (const part of query.split('&')) {
          pkt.add(F.uri_query_parameter, at, part.length, qi, 0, esc(part));
          at += part.length + 1;
        }
      }
      p = q;
      while (p < lay.lineEnd && d[p] === 32) p++;
      if (lay.lineEnd > p) pkt.add(F.request_version, p, lay.lineEnd - p, fl, 0, esc(ascii(d, p, lay.lineEnd)));
    }
    c.lastMethod = method;
  } else {
    let p = off;
    let q = p;
    while (q < lay.lineEnd && d[q] !== 32) q++;
    pkt.add(F.response_version, p, q - p, fl, 0, esc(ascii(d, p, q)));
    p = q;
    while (p < lay.lineEnd && d[p] === 32) p++;
    q = p;
    while (q < lay.lineEnd && d[q] !== 32) q++;
    if (q - p >= 3) {
      const code = lay.code;
      pkt.add(F.code, p, 3, fl, code);
      pkt.add(F.code_desc, p, 3, fl, 0, STATUS_CODES[code] ?? `Unknown (${code})`);
      c.lastCode = code;
      p += 3;
      while (p < lay.lineEnd && d[p] === 32) p++;
      if (lay.lineEnd > p) pkt.add(F.phrase, p, lay.lineEnd - p, fl, 0, esc(ascii(d, p, lay.lineEnd)));
    }
  }
  // The header lines.
  const hEnd = lay.headersEnd >= 0 ? lay.headersEnd : end;
  const lineField = request ? F.request_line : F.response_line;
  let host = '';
  let contentType = '';
  let contentEncoding = '';
  let p = lay.lineNext;
  let lines = 0;
  while (p < hEnd) {
    let e = lineEnd(d, p, hEnd, nx);
    let nextP = nx[0]!;
    if (e < 0) {
      e = hEnd;
      nextP = hEnd;
    }
    if (e === p) {
      const bi = pkt.add(F.text, p, nextP - p, top);
      if (wantLabels) pkt.setLabel(bi, esc(ascii(d, p, nextP)));
      p = nextP;
      break;
    }
    if (++lines > HTTP_LIMITS.maxHeaderLines) {
      pkt.markMalformed(top, `Malformed Packet (HTTP: more than ${HTTP_LIMITS.maxHeaderLines} header lines)`);
      break;
    }
    const raw = esc(ascii(d, p, nextP));
    pkt.hide(pkt.add(lineField, p, nextP - p, top, 0, raw));
    const colon = d.indexOf(58, p);
    if (colon < 0 || colon >= e) {
      const ti = pkt.add(F.text, p, nextP - p, top);
      if (wantLabels) pkt.setLabel(ti, raw);
    } else {
      const name = ascii(d, p, colon);
      let v = colon + 1;
      while (v < e && (d[v] === 32 || d[v] === 9)) v++;
      const value = ascii(d, v, e);
      const lower = name.toLowerCase();
      const fid = HEADER_FIELDS.get(lower);
      if (fid === undefined) {
        const ti = pkt.add(F.text, p, nextP - p, top);
        if (wantLabels) pkt.setLabel(ti, raw);
      } else {
        const hi = pkt.add(fid, p, nextP - p, top, 0, esc(value));
        if (wantLabels) pkt.setLabel(hi, raw);
        switch (fid) {
          case F.host:
            host = value;
            break;
          case F.content_type:
            contentType = value;
            break;
          case F.content_encoding:
            contentEncoding = value;
            break;
          case F.content_length_header: {
            const n = Number(value.trim());
            if (/^\s*[0-9]+\s*$/.test(value) && Number.isSafeInteger(n)) pkt.add(F.content_length, v, e - v, hi, n);
            break;
          }
          case F.cookie: {
            let at = v;
            for (const part of value.split(';')) {
              const lead = part.length - part.trimStart().length;
              pkt.add(F.cookie_pair, at + lead, part.length - lead, hi, 0, esc(part.trimStart()));
              at += part.length + 1;
            }
            break;
          }
        }
      }
    }
    p = nextP;
  }
  // Pairing, generated items.
  const fullUri = request && host ? `${c.tls ? 'https' : 'http'}://${host.trim()}${uri}` : '';
  if (request && fullUri) pkt.add(F.full_uri, off, 0, top, 0, esc(fullUri));
  const note = pair(pkt, c, request, fullUri, t.index - 1);
  if (request) {
    const ni = pkt.add(F.request_number, off, 0, top, note.number);
    if (wantLabels) pkt.setLabel(ni, `[HTTP request ${note.number}/${c.reqCount}]`);
    if (note.prevReq) pkt.add(F.prev_request_in, off, 0, top, note.prevReq);
    if (note.respIn) pkt.add(F.response_in, off, 0, top, note.respIn);
    if (note.nextReq) pkt.add(F.next_request_in, off, 0, top, note.nextReq);
  } else {
    const ni = pkt.add(F.response_number, off, 0, top, note.number);
    if (wantLabels) pkt.setLabel(ni, `[HTTP response ${note.number}/${c.respCount}]`);
    if (note.time >= 0) pkt.add(F.time, off, 0, top, note.time, note.timeNs);
    if (note.prevReq) pkt.add(F.prev_request_in, off, 0, top, note.prevReq);
    if (note.prevResp) pkt.add(F.prev_response_in, off, 0, top, note.prevResp);
    if (note.reqIn) pkt.add(F.request_in, off, 0, top, note.reqIn);
    if (note.uri) pkt.add(F.response_for_uri, off, 0, top, 0, esc(note.uri));
    if (note.nextReq) pkt.add(F.next_request_in, off, 0, top, note.nextReq);
    if (note.nextResp) pkt.add(F.next_response_in, off, 0, top, note.nextResp);
  }
  if (pkt.fence === 0 && pkt.session.pass !== 1 && pkt.session.taps.on(HTTP_TAP)) {
    const r = pkt.session.taps.record(HTTP_TAP);
    r.frame = pkt.frame.number;
    r.tsSec = pkt.frame.tsSec;
    r.tsNsec = pkt.frame.tsNsec;
    r.request = request;
    r.method = method;
    r.uri = uri;
    r.host = host;
    r.fullUri = fullUri;
    r.code = request ? 0 : lay.code;
    r.requestIn = note.reqIn;
    r.time = note.time;
    r.stream = pkt.tcpStream;
  }
  // The body.
  if (lay.headersEnd < 0 || p >= end) return;
  const base = pkt.cur;
  let body = pkt.data;
  let bOff = p;
  let bEnd = end;
  if (lay.body === Body.Chunked) {
    const dechunked = dechunk(pkt, top, p, end);
    if (dechunked.length === 0) return;
    body = dechunked;
    bOff = 0;
    bEnd = dechunked.length;
    pkt.pushSource(dechunked, `De-chunked entity body (${dechunked.length} bytes)`);
  }
  const coding = contentEncoding.trim().toLowerCase();
  if (coding && coding !== 'identity') {
    const plain = decompress(coding, body.subarray(bOff, bEnd));
    const ci = pkt.add(F.text, bOff, bEnd - bOff, top);
    if (wantLabels) pkt.setLabel(ci, plain ? `Content-encoded entity body (${coding}): ${bEnd - bOff} bytes -> ${plain.length} bytes` : `Content-encoded entity body (${coding}): ${bEnd - bOff} bytes`);
    if (plain) {
      pkt.pushSource(plain, 'Uncompressed entity body');
      body = plain;
      bOff = 0;
      bEnd = plain.length;
    }
  }
  if (bEnd > bOff) {
    const fi = pkt.add(F.file_data, bOff, bEnd - bOff, top, 0, esc(asciiText(body, bOff, bEnd, HTTP_LIMITS.maxFileDataChars, true)));
    if (wantLabels) pkt.setLabel(fi, `File Data: ${bEnd - bOff} bytes`);
    bodyDissector(pkt, contentType, bOff, bEnd);
  }
  if (pkt.cur !== base) pkt.popSource(base);
}

/** The chunks of a chunked body, shown as tshark's "HTTP chunked response"; returns the de-chunked body. */
function dechunk(pkt: Packet, top: number, off: number, end: number): Uint8Array {
  const d = pkt.data;
  const wantLabels = pkt.wantLabels;
  const tree = pkt.add(F.text, off, end - off, top);
  if (wantLabels) pkt.setLabel(tree, 'HTTP chunked response');
  const parts: Uint8Array[] = [];
  let total = 0;
  let p = off;
  for (let n = 0; p < end; n++) {
    if (n > HTTP_LIMITS.maxChunks) {
      pkt.markMalformed(tree, `Malformed Packet (HTTP: more than ${HTTP_LIMITS.maxChunks} chunks)`);
      break;
    }
    const e = lineEnd(d, p, end, nx);
    if (e < 0) break;
    const size = Math.max(0, chunkSize(d, p, e));
    const dataStart = nx[0]!;
    if (size === 0) {
      const ci = pkt.add(F.text, p, dataStart - p, tree);
      if (wantLabels) pkt.setLabel(ci, 'End of chunked encoding');
      pkt.add(F.chunk_size, p, e - p, ci, 0);
      p = dataStart;
      // Trailer lines, then the empty line.
      while (p < end) {
        const t = lineEnd(d, p, end, nx);
        const np = t < 0 ? end : nx[0]!;
        if (t === p || t < 0) {
          const bi = pkt.add(F.text, p, np - p, tree);
          if (wantLabels) pkt.setLabel(bi, esc(ascii(d, p, np)));
          p = np;
          break;
        }
        pkt.add(F.chunked_trailer_part, p, np - p, tree, 0, esc(ascii(d, p, np)));
        p = np;
      }
      break;
    }
    const dataEnd = Math.min(end, dataStart + size);
    const ci = pkt.add(F.text, p, Math.min(end, dataEnd + 2) - p, tree);
    if (wantLabels) pkt.setLabel(ci, `Data chunk (${size} octets)`);
    pkt.add(F.chunk_size, p, e - p, ci, size);
    pkt.add(F.chunk_data, dataStart, dataEnd - dataStart, ci);
    parts.push(d.subarray(dataStart, dataEnd));
    total += dataEnd - dataStart;
    if (dataEnd + 2 <= end) pkt.add(F.chunk_boundary, dataEnd, 2, ci);
    p = dataEnd + 2;
  }
  const out = new Uint8Array(total);
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

function decompress(coding: string, b: Uint8Array): Uint8Array | null {
  const opts = { maxOutputLength: HTTP_LIMITS.maxDecompressedBytes };
  try {
    if (coding === 'gzip' || coding === 'x-gzip') return gunzipSync(b, opts);
    if (coding === 'deflate') {
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

/** Media types that tshark 4.0 hands to a dissector of their own, which wirelite does not have. */
const NOT_MEDIA = /^(text\/xml|application\/xml|application\/[a-z.+-]*\+xml|multipart\/|image\/(jpeg|gif|png)|application\/(ocsp-request|ocsp-response|pkix-crl|json|x-www-form-urlencoded)$)/;

/** The body's dissector by media type: Line-based text data, or "Media Type" for the others. */
function bodyDissector(pkt: Packet, contentType: string, off: number, end: number): void {
  if (!contentType) {
    dissectData(pkt, off, end, end, -1);
    return;
  }
  const semi = contentType.indexOf(';');
  const type = (semi >= 0 ? contentType.slice(0, semi) : contentType).trim().toLowerCase();
  if (TEXT_LINES.has(type)) {
    const top = pkt.addProtocol(F.text_lines, 'data-text-lines', off, end - off, -1);
    const d = pkt.data;
    let n = 0;
    for (let p = off; p < end; n++) {
      const e = lineEnd(d, p, end, nx);
      const np = e < 0 ? end : nx[0]!;
      if (pkt.wantLabels) {
        const li = pkt.add(F.text, p, np - p, top);
        pkt.setLabel(li, esc(asciiText(d, p, np, 1 << 20)));
      }
      p = np;
    }
    if (pkt.wantLabels) pkt.setLabel(top, `Line-based text data: ${type} (${n} lines)`);
    pkt.appendInfo(` (${type})`);
    return;
  }
  if (type === 'application/octet-stream') {
    dissectData(pkt, off, end, end, -1);
    return;
  }
  // Types tshark gives dissectors wirelite does not have (XML, MIME multipart, images, OCSP, JSON, ...): no layer.
  if (NOT_MEDIA.test(type)) return;
  const top = pkt.addProtocol(F.media, 'media', off, end - off, -1);
  if (pkt.wantLabels) pkt.setLabel(pkt.add(F.text, off, end - off, top), `Media type: ${type} (${end - off} bytes)`);
  pkt.appendInfo(` (${type})`);
}

/**
 * Pairs a message with the conversation's transactions (in order: a response answers the oldest
 * request without one), in pass 1 or a single pass; in pass 2 returns what pass 1 noted.
 */
function pair(pkt: Packet, c: Conv, request: boolean, fullUri: string, index: number): Note {
  const frame = pkt.frame.number;
  const s = pkt.session;
  if (s.pass === 2) {
    const n = notes(pkt).get(frame)?.[index];
    // Counts as they were when pass 1 dissected the message (the labels' totals are pass 1's final ones).
    if (request) c.reqCount = Math.max(c.reqCount, n?.number ?? 0);
    else c.respCount = Math.max(c.respCount, n?.number ?? 0);
    if (n) return n;
  }
  const note: Note = { number: 0, reqIn: 0, respIn: 0, prevReq: 0, nextReq: 0, prevResp: 0, nextResp: 0, time: -1, timeNs: 0, uri: '' };
  const txns = c.txns;
  if (request) {
    note.number = ++c.reqCount;
    const prev = txns[txns.length - 1];
    if (prev) {
      note.prevReq = prev.req;
      if (prev.reqNote) prev.reqNote.nextReq = frame;
      if (prev.respNote) prev.respNote.nextReq = frame;
    }
    if (txns.length >= HTTP_LIMITS.maxTransactionsPerStream) {
      txns.shift();
      c.unanswered = Math.max(0, c.unanswered - 1);
      c.dropped++;
    }
    txns.push({ req: frame, resp: 0, sec: pkt.frame.tsSec, nsec: pkt.frame.tsNsec, uri: fullUri, reqNote: s.pass === 1 ? note : null, respNote: null });
  } else {
    note.number = ++c.respCount;
    while (c.unanswered < txns.length && txns[c.unanswered]!.resp !== 0) c.unanswered++;
    const i = c.unanswered;
    const tx = txns[i];
    if (tx) {
      tx.resp = frame;
      tx.respNote = s.pass === 1 ? note : null;
      c.unanswered++;
      note.reqIn = tx.req;
      note.uri = tx.uri;
      let ds = pkt.frame.tsSec - tx.sec;
      let dn = pkt.frame.tsNsec - tx.nsec;
      if (dn < 0 && ds > 0) {
        ds--;
        dn += 1e9;
      } else if (dn > 0 && ds < 0) {
        ds++;
        dn -= 1e9;
      }
      note.time = ds + dn / 1e9;
      note.timeNs = dn;
      if (tx.reqNote) tx.reqNote.respIn = frame;
      else annotate(pkt, tx.req, 'http.response_in', frame);
      const before = txns[i - 1];
      if (before) {
        note.prevReq = before.req;
        note.prevResp = before.resp;
        if (before.respNote) before.respNote.nextResp = frame;
      }
      const after = txns[i + 1];
      if (after) note.nextReq = after.req;
    }
  }
  if (s.pass === 1) {
    const m = notes(pkt);
    let list = m.get(frame);
    if (!list) m.set(frame, (list = []));
    list[index] = note;
  }
  return note;
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
    out.message = `HTTP header block over ${HTTP_LIMITS.maxHeaderBytes} bytes`;
  }
}

/**
 * The conversation's parser for a segment of the packet's TCP stream; `fin`: the segment carries
 * the FIN (no body is waited for, as tshark's end_of_stream).
 */
function prepare(pkt: Packet, fin?: boolean): StreamParser {
  const c = conv(pkt, pkt.tcpStream, false);
  c.mode = fin ? Mode.Fin : Mode.Stream;
  return c.parser;
}

/**
 * The parser for the unfinished message when the connection ends (a FIN without data): a response
 * whose body runs to the end of the connection is complete then. For tcp/stream.ts to call (not
 * wired yet: TCP does not hand a bare FIN to the stream protocols).
 */
export function finishHttpStream(pkt: Packet): StreamParser {
  const c = conv(pkt, pkt.tcpStream, false);
  c.mode = FLUSH;
  return c.parser;
}

/** A header block over the limit: what the parser rejected is shown as malformed HTTP. */
function rejected(pkt: Packet, off: number, end: number): void {
  const top = pkt.addProtocol(F.http, 'http', off, end - off, -1);
  pkt.setProtocol('HTTP');
  pkt.setInfo('Continuation');
  pkt.markMalformed(top, `Malformed Packet (HTTP: a header block over ${HTTP_LIMITS.maxHeaderBytes} bytes, or more than ${HTTP_LIMITS.maxHeaderLines} lines)`);
}

const http: Dissector = { name: 'http', longName: 'Hypertext Transfer Protocol', decode: decodeHttp };

/** The parser's context when no conversation was prepared (never in practice: stream.ts prepares). */
const DEFAULT_CONV: Conv = { lastMethod: '', lastCode: 0, txns: [], unanswered: 0, reqCount: 0, respCount: 0, dropped: 0, tls: false, mode: Mode.Stream, parser: null as unknown as StreamParser };

/** HTTP as a TCP stream protocol (parser, dissector): what tcp/stream.ts binds to the HTTP ports. */
export const HTTP_STREAM: StreamProtocol = { parser: { parse: (d, off, end, out) => parseWith(DEFAULT_CONV, d, off, end, out), maxPduBytes: HTTP_LIMITS.maxMessageBytes }, dissector: http, rejected, prepare };

for (const port of HTTP_PORTS) registerStreamProtocol(port, HTTP_STREAM);

/**
 * Wireshark's `http_tcp` heuristic (dissect_http_heur_tcp): the segment's first line ends with
 * "HTTP/1.x" (a request) or starts with "HTTP/1." (a response). Returns the server port, else -1.
 * Cheap on other traffic: a first byte that is no upper-case letter is rejected at once.
 */
function looksLikeHttp(d: Uint8Array, off: number, end: number, sp: number, dp: number): number {
  if (end - off < 8) return -1;
  const c0 = d[off]!;
  if (c0 < 65 || c0 > 90) return -1;
  const e = lineEnd(d, off, end, nx);
  if (e < 0 || e - off === 8) return -1;
  const isResp = d[off] === 72 && d[off + 1] === 84 && d[off + 2] === 84 && d[off + 3] === 80 && d[off + 4] === 47 && d[off + 5] === 49 && d[off + 6] === 46;
  if (isResp) return sp;
  if (e - off < 8) return -1;
  const t = e - 8;
  const isReq = d[t] === 72 && d[t + 1] === 84 && d[t + 2] === 84 && d[t + 3] === 80 && d[t + 4] === 47 && d[t + 5] === 49 && d[t + 6] === 46;
  return isReq ? dp : -1;
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
const otherSink = new HttpSink();

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
  const t = sessionState<OtherStreams>(pkt, 'http.other', () => ({ dirs: new Map(), budget: newBudget() }));
  const k = `${key}/${dir}`;
  let sd = t.dirs.get(k);
  if (!sd) {
    if (t.dirs.size >= 2 * HTTP_LIMITS.maxStreams) t.dirs.delete(t.dirs.keys().next().value as string);
    sd = new StreamDirection();
    sd.sync(0);
    t.dirs.set(k, sd);
  }
  const c = conv(pkt, `s${key}`, tls);
  c.mode = Mode.Stream;
  otherSink.pkt = pkt;
  otherSink.conv = c;
  feedSegment(sd, t.budget, c.parser, { outOfOrder: false }, sd.next, pkt.data, off, end, pkt.frame.number, otherSink);
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
  decode(pkt: Packet, off: number, end: number, _rep: number, parent: number): void {
    const t = table(pkt);
    const c = conv(pkt, udpKey(pkt), false);
    decodeMessage(pkt, t, c, off, end, parent, 'SSDP');
  },
});

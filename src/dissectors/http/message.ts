/**
 * HTTP/1.x message framing: where a message's first line, header block and body end, as
 * Wireshark 4.0 decides it (epan/req_resp_hdrs.c req_resp_hdrs_do_reassembly, and
 * packet-http.c dissect_http_message for how much of the bytes one message takes). Shared by the
 * stream parser (how long a PDU is) and the dissector (what it shows), so both agree however the
 * stream was segmented.
 */
import { METHODS, NOTIFICATION_METHODS, type HttpLimits } from './fields.js';

/** What a message starts with. */
export const enum Kind {
  /** Not a request or status line: "Continuation" when the conversation has seen HTTP. */
  Other = 0,
  Request = 1,
  Response = 2,
  /** NOTIFY, SUBSCRIBE, UNSUBSCRIBE (GENA): a request line that tshark calls a notification. */
  Notification = 3,
  /** A first byte that is not printable ASCII: tshark's HTTP stops at it (binary data). */
  Binary = 4,
}

/** The body's framing. */
export const enum Body {
  None = 0,
  Length = 1,
  Chunked = 2,
  /** A response with neither: the body runs to the end of the connection. */
  UntilClose = 3,
}

/** A message's layout, written into a reused object. */
export interface Layout {
  kind: Kind;
  /** Where the first line starts (after a leading CRLF, which tshark skips), ends, and the offset after its terminator. */
  lineStart: number;
  lineEnd: number;
  lineNext: number;
  /** A CRLF before the first line (tshark's http.leading_crlf). */
  leadingCrlf: boolean;
  /** The offset after the empty line that ends the header block (-1: not there). */
  headersEnd: number;
  body: Body;
  /** Content-Length's value as the reassembly reads it (-1 if absent or not a number). */
  contentLength: number;
  /** A Transfer-Encoding header is there (tshark then ignores Content-Length for the body). */
  transferEncoding: boolean;
  /** The status code of a response (0 for requests). */
  code: number;
}

export function newLayout(): Layout {
  return { kind: Kind.Other, lineStart: 0, lineEnd: 0, lineNext: 0, leadingCrlf: false, headersEnd: -1, body: Body.None, contentLength: -1, transferEncoding: false, code: 0 };
}

/**
 * Wireshark's tvb_find_line_end with desegmentation: the end of the line starting at `off` (CR,
 * LF or CR LF), or -1 when no terminator is there yet (a CR at the very end may be followed by an LF).
 * `nextOut[0]` receives the offset after the terminator.
 */
export function lineEnd(d: Uint8Array, off: number, end: number, nextOut: Int32Array): number {
  for (let i = off; i < end; i++) {
    const c = d[i]!;
    if (c === 10) {
      nextOut[0] = i + 1;
      return i;
    }
    if (c === 13) {
      if (i + 1 >= end) return -1;
      nextOut[0] = d[i + 1] === 10 ? i + 2 : i + 1;
      return i;
    }
  }
  return -1;
}

const next = new Int32Array(1);

export function startsWithCI(d: Uint8Array, off: number, end: number, lower: string): boolean {
  if (end - off < lower.length) return false;
  for (let i = 0; i < lower.length; i++) {
    let c = d[off + i]!;
    if (c >= 65 && c <= 90) c += 32;
    if (c !== lower.charCodeAt(i)) return false;
  }
  return true;
}

/** Latin-1 text of bytes. */
export function ascii(d: Uint8Array, off: number, end: number): string {
  let s = '';
  for (let i = off; i < end; i++) s += String.fromCharCode(d[i]!);
  return s;
}

/**
 * What the first line `[off, end)` is (is_http_request_or_reply): "HTTP/" or "ICY" starts a
 * response; a known method followed by a space (after an RFC 2774 "M-" prefix) a request.
 */
export function classify(d: Uint8Array, off: number, end: number): Kind {
  if (end - off >= 2 && d[off] === 77 && d[off + 1] === 45) off += 2;
  const n = end - off;
  if (n >= 5 && d[off] === 72 && d[off + 1] === 84 && d[off + 2] === 84 && d[off + 3] === 80 && d[off + 4] === 47) return Kind.Response;
  if (n >= 3 && d[off] === 73 && d[off + 1] === 67 && d[off + 2] === 89) return Kind.Response;
  let sp = off;
  while (sp < end && d[sp] !== 32) sp++;
  const len = sp - off;
  if (len < 3 || len > 16) return Kind.Other;
  const m = ascii(d, off, sp);
  if (METHODS.has(m)) return Kind.Request;
  if (NOTIFICATION_METHODS.has(m)) return Kind.Notification;
  return Kind.Other;
}

/** The status code of a status line (parse_http_status_code: a 3-character second token), or 0. */
export function statusCode(d: Uint8Array, off: number, end: number): number {
  let p = off;
  while (p < end && d[p] !== 32) p++;
  if (p === off) return 0;
  while (p < end && d[p] === 32) p++;
  let q = p;
  while (q < end && d[q] !== 32) q++;
  if (q - p !== 3) return 0;
  let v = 0;
  for (let i = 0; i < 3; i++) {
    const c = d[p + i]!;
    if (c < 48 || c > 57) return 0;
    v = v * 10 + c - 48;
  }
  return v;
}

/** sscanf("%" SCNi64): an optional sign, then decimal, 0x hex or 0 octal digits; -1 if none. */
export function scanInteger(s: string): number {
  const m = /^[ \t\n\r\f\v]*([+-]?)(0[xX][0-9a-fA-F]+|0[0-7]*|[1-9][0-9]*)/.exec(s);
  if (!m) return -1;
  const t = m[2]!;
  const v = t.length > 1 && (t[1] === 'x' || t[1] === 'X') ? parseInt(t.slice(2), 16) : t.length > 1 && t[0] === '0' ? parseInt(t, 8) : Number(t);
  return m[1] === '-' ? -v : v;
}

/** Conversation facts that decide whether a response's body is waited for: the last request's method, and the session's limits. */
export interface BodyContext {
  lastMethod: string;
  limits: Readonly<HttpLimits>;
}

/** How `frameMessage` treats a message that is not all there. */
export const enum Mode {
  /** Bytes of a stream: wait for the whole message. */
  Stream = 0,
  /** The segment carries the FIN (tshark's end_of_stream): the header block is waited for, no body. */
  Fin = 1,
  /** No more bytes will come (the PDU is all there is, or the connection ended): take what is there. */
  Whole = 2,
}

/** Result of `frameMessage`. */
export const enum Frame {
  /** The message is whole: `length` bytes. */
  Complete = 0,
  /** More bytes are needed (`needed`: how many, 0 when unknown). */
  Incomplete = 1,
  /** The header block is over the limits' maxHeaderBytes or maxHeaderLines. */
  TooLong = 2,
}

export interface FrameResult {
  status: Frame;
  length: number;
  needed: number;
}

/** Whether a response with this code to a request with this method has no body (RFC 7230 3.3, as tshark tests it). */
export function noResponseBody(method: string, code: number): boolean {
  const cls = Math.floor(code / 100);
  return method === 'HEAD' || (cls === 2 && (method === 'CONNECT' || method === 'SSTP_DUPLEX_POST')) || cls === 1 || code === 204 || code === 304;
}

/** Frames the message at `off` of `[off, end)`. */
export function frameMessage(d: Uint8Array, off: number, end: number, ctx: BodyContext, mode: Mode, lay: Layout, out: FrameResult): void {
  const limits = ctx.limits;
  lay.kind = Kind.Other;
  lay.headersEnd = -1;
  lay.body = Body.None;
  lay.contentLength = -1;
  lay.transferEncoding = false;
  lay.code = 0;
  lay.leadingCrlf = false;
  out.needed = 0;
  out.status = Frame.Complete;
  out.length = end - off;
  let s = off;
  if (end - off > 3 && d[off] === 13 && d[off + 1] === 10) {
    lay.leadingCrlf = true;
    s += 2;
  }
  lay.lineStart = s;
  const c0 = d[s]!;
  if (c0 < 0x20 || c0 > 0x7e) {
    // "If this is binary data then there's no point in doing all the string operations."
    lay.kind = Kind.Binary;
    lay.lineEnd = lay.lineNext = end;
    return;
  }
  const le = lineEnd(d, s, end, next);
  if (le < 0) {
    lay.lineEnd = lay.lineNext = end;
    if (mode === Mode.Whole) {
      lay.kind = classify(d, s, end);
      return;
    }
    // No whole first line: tshark's header desegmentation waits for one.
    out.status = end - off > limits.maxHeaderBytes ? Frame.TooLong : Frame.Incomplete;
    return;
  }
  lay.lineEnd = le;
  lay.lineNext = next[0]!;
  lay.kind = classify(d, s, le);
  // Continuation: the rest of the bytes.
  if (lay.kind === Kind.Other) return;
  const response = lay.kind === Kind.Response;
  if (response) lay.code = statusCode(d, s, le);
  const desegmentBody = mode === Mode.Stream && !(response && noResponseBody(ctx.lastMethod, lay.code));
  // Header lines.
  let p = lay.lineNext;
  let chunked = false;
  let lines = 0;
  for (;;) {
    const e = lineEnd(d, p, end, next);
    if (e < 0) {
      if (mode !== Mode.Whole) out.status = end - off > limits.maxHeaderBytes ? Frame.TooLong : Frame.Incomplete;
      return;
    }
    if (e === p) {
      lay.headersEnd = next[0]!;
      break;
    }
    if (++lines > limits.maxHeaderLines || next[0]! - off > limits.maxHeaderBytes) {
      out.status = Frame.TooLong;
      return;
    }
    if (startsWithCI(d, p, e, 'content-length:')) {
      const v = scanInteger(ascii(d, p + 15, e));
      if (v >= 0) lay.contentLength = v;
    } else if (startsWithCI(d, p, e, 'transfer-encoding:')) {
      lay.transferEncoding = true;
      let q = p + 18;
      while (q < e && (d[q] === 32 || d[q] === 9)) q++;
      if (startsWithCI(d, q, e, 'chunked')) chunked = true;
    }
    p = next[0]!;
  }
  const hEnd = lay.headersEnd;
  if (chunked) lay.body = Body.Chunked;
  else if (lay.contentLength >= 0) lay.body = Body.Length;
  else if (response) lay.body = Body.UntilClose;
  // A body over the limit is not waited for (see HttpLimits.maxBodyBytes): the message is what is
  // there, as with tshark's http.desegment_body FALSE.
  if (desegmentBody) {
    const have = end - hEnd;
    if (lay.body === Body.Length && lay.contentLength > have && lay.contentLength <= limits.maxBodyBytes) {
      out.status = Frame.Incomplete;
      out.needed = lay.contentLength - have;
      return;
    }
    if (lay.body === Body.Chunked) {
      const e = chunkedEnd(d, hEnd, end, limits.maxChunks);
      if (e < 0 && have - e - 1 <= limits.maxBodyBytes) {
        out.status = Frame.Incomplete;
        out.needed = -e - 1;
        return;
      }
    }
    if (lay.body === Body.UntilClose && have <= limits.maxBodyBytes) {
      out.status = Frame.Incomplete;
      return;
    }
  }
  out.length = hEnd + bodyLength(d, hEnd, end, lay, limits.maxChunks) - off;
}

/**
 * How many bytes after the header block the message takes (dissect_http_message's datalen):
 * Content-Length's when there is no Transfer-Encoding, the chunked body, no body for a request
 * without either and for a 1xx, 204 or 304 response, else everything there is.
 */
export function bodyLength(d: Uint8Array, hEnd: number, end: number, lay: Layout, maxChunks: number): number {
  const avail = end - hEnd;
  const cl = lay.contentLength;
  if (cl >= 0 && !lay.transferEncoding) return Math.min(avail, cl);
  if (lay.kind === Kind.Request && !lay.transferEncoding) return 0;
  if (lay.kind === Kind.Response) {
    const cls = Math.floor(lay.code / 100);
    if (cls === 1 || lay.code === 204 || lay.code === 304) return 0;
  }
  if (lay.body === Body.Chunked && avail > 0) {
    const e = chunkedEnd(d, hEnd, end, maxChunks);
    if (e >= 0) return e - hEnd;
  }
  return avail;
}

/**
 * The end of a chunked body starting at `off` (after the last chunk, its trailer and the final
 * CRLF), or, when it is not all there, `-(needed + 1)` (needed 0: unknown).
 */
export function chunkedEnd(d: Uint8Array, off: number, end: number, maxChunks: number): number {
  let p = off;
  for (let chunks = 0; ; chunks++) {
    const e = lineEnd(d, p, end, next);
    if (e < 0 || chunks > maxChunks) return -1;
    const size = chunkSize(d, p, e);
    p = next[0]!;
    if (size <= 0) {
      // last-chunk: trailer lines up to an empty one.
      for (;;) {
        const t = lineEnd(d, p, end, next);
        if (t < 0) return -1;
        const was = p;
        p = next[0]!;
        if (t === was) return p;
      }
    }
    if (p + size + 2 > end) return -(p + size + 2 - end) - 1;
    // The data and the CRLF after it (tshark skips two bytes whatever they are).
    p += size + 2;
  }
}

/** A chunk-size line's value (hex, up to a `;` extension), as strtol(..., 16); -1 if none. */
export function chunkSize(d: Uint8Array, off: number, end: number): number {
  let p = off;
  while (p < end && (d[p] === 32 || d[p] === 9)) p++;
  let v = 0;
  let digits = 0;
  for (; p < end; p++) {
    const c = d[p]!;
    const h = c >= 48 && c <= 57 ? c - 48 : c >= 97 && c <= 102 ? c - 87 : c >= 65 && c <= 70 ? c - 55 : -1;
    if (h < 0) break;
    v = v * 16 + h;
    digits++;
    if (v > 0x7fffffff) return 0x7fffffff;
  }
  return digits ? v : -1;
}

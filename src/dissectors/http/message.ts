/**
 * HTTP/1.x message framing: where a message's first line, header block and body end, as
 * Wireshark 4.0 decides it (epan/req_resp_hdrs.c req_resp_hdrs_do_reassembly and
 * packet-http.c dissect_http_message). Shared by the stream parser (which says how long a PDU
 * is) and the dissector (which shows it), so both agree however the stream was segmented.
 */
import { HTTP_LIMITS, METHODS } from './fields.js';

/** What a message starts with. */
export const enum Kind {
  /** Not a request or status line: "Continuation" (the rest of the bytes). */
  Other = 0,
  Request = 1,
  Response = 2,
  /** A first byte that is not printable ASCII: tshark's HTTP shows nothing of these bytes. */
  Ignored = 3,
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
  /** End of the first line (without its line terminator), and the offset after the terminator. */
  lineEnd: number;
  lineNext: number;
  /** The offset after the empty line that ends the header block (-1: not there yet). */
  headersEnd: number;
  body: Body;
  /** Content-Length's value (-1 if absent or not a number). */
  contentLength: number;
  /** The status code of a response (0 for requests). */
  code: number;
  /** Whether this message has a body at all (RFC 7230 3.3, as tshark decides). */
  mayHaveBody: boolean;
}

export function newLayout(): Layout {
  return { kind: Kind.Other, lineEnd: 0, lineNext: 0, headersEnd: -1, body: Body.None, contentLength: -1, code: 0, mayHaveBody: false };
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

function startsWithCI(d: Uint8Array, off: number, end: number, lower: string): boolean {
  if (end - off < lower.length) return false;
  for (let i = 0; i < lower.length; i++) {
    let c = d[off + i]!;
    if (c >= 65 && c <= 90) c += 32;
    if (c !== lower.charCodeAt(i)) return false;
  }
  return true;
}

/** Latin-1 text of bytes (header names and values are ASCII in practice). */
export function ascii(d: Uint8Array, off: number, end: number): string {
  let s = '';
  for (let i = off; i < end; i++) s += String.fromCharCode(d[i]!);
  return s;
}

/**
 * Whether the first line `[off, lineEnd)` is a request or status line (is_http_request_or_reply):
 * "HTTP/" starts a response; a known method followed by a space starts a request.
 */
export function classify(d: Uint8Array, off: number, end: number): Kind {
  const n = end - off;
  if (n >= 5 && d[off] === 72 && d[off + 1] === 84 && d[off + 2] === 84 && d[off + 3] === 80 && d[off + 4] === 47) return Kind.Response;
  let sp = -1;
  for (let i = off; i < end && i - off <= 17; i++) {
    if (d[i] === 32) {
      sp = i;
      break;
    }
  }
  if (sp <= off) return Kind.Other;
  return METHODS.has(ascii(d, off, sp)) ? Kind.Request : Kind.Other;
}

/** The status code of a status line (its three characters after the version), or 0. */
function statusCode(d: Uint8Array, off: number, end: number): number {
  let p = off;
  while (p < end && d[p] !== 32) p++;
  while (p < end && d[p] === 32) p++;
  if (end - p < 3) return 0;
  let v = 0;
  for (let i = 0; i < 3; i++) {
    const c = d[p + i]!;
    if (c < 48 || c > 57) return i === 0 ? 0 : v;
    v = v * 10 + c - 48;
  }
  return v;
}

/** sscanf("%" SCNi64): an optional sign, then decimal, 0x hex or 0 octal digits; -1 if none. */
export function scanInteger(s: string): number {
  const m = /^[ \t]*([+-]?)(0[xX][0-9a-fA-F]+|0[0-7]*|[1-9][0-9]*)/.exec(s);
  if (!m) return -1;
  const t = m[2]!;
  const v = t.length > 1 && (t[1] === 'x' || t[1] === 'X') ? parseInt(t.slice(2), 16) : t.length > 1 && t[0] === '0' ? parseInt(t, 8) : Number(t);
  return m[1] === '-' ? -v : v;
}

/**
 * Conversation facts that decide whether a body is waited for (tshark keeps the last request's
 * method and the last response's code per conversation and applies them to the next message).
 */
export interface BodyContext {
  lastMethod: string;
  lastCode: number;
}

/** Result of `frameMessage`. */
export const enum Frame {
  /** The message is whole: `length` bytes. */
  Complete = 0,
  /** More bytes are needed (`needed`: how many, 0 when unknown). */
  Incomplete = 1,
  /** The header block is over HTTP_LIMITS.maxHeaderBytes. */
  TooLong = 2,
}

export interface FrameResult {
  status: Frame;
  length: number;
  needed: number;
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

/** Frames the message at `off` of `[off, end)`. */
export function frameMessage(d: Uint8Array, off: number, end: number, ctx: BodyContext, mode: Mode, lay: Layout, out: FrameResult): void {
  const atEnd = mode === Mode.Whole;
  lay.kind = Kind.Other;
  lay.headersEnd = -1;
  lay.body = Body.None;
  lay.contentLength = -1;
  lay.code = 0;
  lay.mayHaveBody = false;
  out.needed = 0;
  const le = lineEnd(d, off, end, next);
  if (le < 0) {
    // No whole first line yet: tshark waits for it (its headers desegmentation), however it starts.
    if (end - off > HTTP_LIMITS.maxHeaderBytes) {
      out.status = Frame.TooLong;
      out.length = end - off;
      return;
    }
    if (atEnd) {
      out.status = Frame.Complete;
      out.length = end - off;
      lay.lineEnd = end;
      lay.lineNext = end;
      return;
    }
    out.status = Frame.Incomplete;
    out.length = 0;
    return;
  }
  lay.lineEnd = le;
  lay.lineNext = next[0]!;
  lay.kind = classify(d, off, le);
  if (lay.kind === Kind.Other) {
    // Continuation: everything there is.
    out.status = Frame.Complete;
    out.length = end - off;
    return;
  }
  if (lay.kind === Kind.Response) lay.code = statusCode(d, off, le);
  const method = lay.kind === Kind.Request ? ascii(d, off, d.indexOf(32, off)) : ctx.lastMethod;
  const code = lay.kind === Kind.Response ? lay.code : ctx.lastCode;
  // packet-http.c: no body is waited for after HEAD, for 2xx to CONNECT, for 1xx, 204 and 304.
  const bodyAllowed = !(method === 'HEAD') && !(method === 'CONNECT' && Math.floor(code / 100) === 2) && !(Math.floor(code / 100) === 1 || code === 204 || code === 304);
  lay.mayHaveBody = bodyAllowed;
  // Header lines.
  let p = lay.lineNext;
  let chunked = false;
  let lines = 0;
  for (;;) {
    const e = lineEnd(d, p, end, next);
    if (e < 0) {
      if (atEnd) {
        out.status = Frame.Complete;
        out.length = end - off;
        return;
      }
      out.status = end - off > HTTP_LIMITS.maxHeaderBytes ? Frame.TooLong : Frame.Incomplete;
      out.length = end - off;
      return;
    }
    if (e === p) {
      lay.headersEnd = next[0]!;
      break;
    }
    if (++lines > HTTP_LIMITS.maxHeaderLines || next[0]! - off > HTTP_LIMITS.maxHeaderBytes) {
      out.status = Frame.TooLong;
      out.length = end - off;
      return;
    }
    if (startsWithCI(d, p, e, 'content-length:')) {
      const v = scanInteger(ascii(d, p + 15, e));
      if (v >= 0) lay.contentLength = v;
    } else if (startsWithCI(d, p, e, 'transfer-encoding:')) {
      let q = p + 18;
      while (q < e && (d[q] === 32 || d[q] === 9)) q++;
      if (startsWithCI(d, q, e, 'chunked')) chunked = true;
    }
    p = next[0]!;
  }
  const hEnd = lay.headersEnd;
  if (chunked) lay.body = Body.Chunked;
  else if (lay.contentLength >= 0) lay.body = Body.Length;
  else if (lay.kind === Kind.Response && bodyAllowed) lay.body = Body.UntilClose;
  if (!bodyAllowed || mode !== Mode.Stream) {
    // No body waited for; what follows is dissected as tshark does (a body by length, or the rest).
    out.status = Frame.Complete;
    out.length = bodyLength(d, hEnd, end, lay, bodyAllowed) + hEnd - off;
    return;
  }
  if (lay.body === Body.Length) {
    const want = hEnd + lay.contentLength;
    if (want <= end) {
      out.status = Frame.Complete;
      out.length = want - off;
    } else {
      out.status = Frame.Incomplete;
      out.length = end - off;
      out.needed = want - end;
    }
    return;
  }
  if (lay.body === Body.Chunked) {
    const e = chunkedEnd(d, hEnd, end);
    if (e >= 0) {
      out.status = Frame.Complete;
      out.length = e - off;
    } else {
      out.status = Frame.Incomplete;
      out.length = end - off;
      out.needed = -e - 1;
    }
    return;
  }
  if (lay.body === Body.UntilClose) {
    out.status = Frame.Incomplete;
    out.length = end - off;
    return;
  }
  out.status = Frame.Complete;
  out.length = hEnd - off;
}

/** The body's length when no more bytes are waited for. */
function bodyLength(d: Uint8Array, hEnd: number, end: number, lay: Layout, bodyAllowed: boolean): number {
  const avail = end - hEnd;
  if (lay.body === Body.Chunked) {
    const e = chunkedEnd(d, hEnd, end);
    return e >= 0 ? e - hEnd : avail;
  }
  if (lay.body === Body.Length) return Math.min(avail, lay.contentLength);
  if (lay.kind === Kind.Response && bodyAllowed) return avail;
  // A request without Content-Length (and 1xx/204/304, HEAD responses): no body.
  return 0;
}

/**
 * The end of a chunked body starting at `off` (after the last chunk and its trailer), or, when it
 * is not all there, `-(needed + 1)` (needed 0: unknown).
 */
export function chunkedEnd(d: Uint8Array, off: number, end: number): number {
  let p = off;
  for (let chunks = 0; ; chunks++) {
    const e = lineEnd(d, p, end, next);
    if (e < 0) return -1;
    if (chunks > HTTP_LIMITS.maxChunks) return -1;
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
    p += size;
    // The CRLF after the data (tshark skips two bytes whatever they are).
    p += 2;
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

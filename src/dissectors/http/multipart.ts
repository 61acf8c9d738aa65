/**
 * MIME multipart bodies (RFC 2046 section 5.1, RFC 7578 multipart/form-data, RFC 9110
 * multipart/byteranges), as tshark 4.0's packet-multipart.c shows them (every multipart/ type): the boundary from the Content-Type parameters, an optional
 * preamble, each encapsulated part with its MIME headers (the known ones as fields, their values
 * unfolded and compacted as tshark does: no white space around `:;,=` outside quotes) and its body
 * handed on by the part's Content-Type (the media-type table HTTP uses, then Media Type; a part
 * without one, or application/octet-stream, is data), the boundaries, the trailer.
 *
 * Not done (tshark's defaults leave them off or they need keys): base64 removal
 * (mime_multipart.remove_base64_encoding), multipart/encrypted with Kerberos.
 */
import { defineFields, FT } from '../fields.js';
import { Severity, type Packet } from '../packet.js';
import { dissectData } from '../registry.js';
import { F } from './fields.js';
import { esc, formatText } from './text.js';

const str = (abbrev: string, name: string) => ({ abbrev, name, type: FT.STRING });

export const MF = defineFields({
  multipart: { abbrev: 'mime_multipart', name: 'MIME Multipart Media Encapsulation', type: FT.PROTOCOL },
  type: { abbrev: 'mime_multipart.type', name: 'Type', type: FT.STRING, generated: true },
  part: str('mime_multipart.part', 'Encapsulated multipart part'),
  content_description: str('mime_multipart.header.content-description', 'Content-Description'),
  content_disposition: str('mime_multipart.header.content-disposition', 'Content-Disposition'),
  content_encoding: str('mime_multipart.header.content-encoding', 'Content-Encoding'),
  content_id: str('mime_multipart.header.content-id', 'Content-Id'),
  content_language: str('mime_multipart.header.content-language', 'Content-Language'),
  content_length: str('mime_multipart.header.content-length', 'Content-Length'),
  content_transfer_encoding: str('mime_multipart.header.content-transfer-encoding', 'Content-Transfer-Encoding'),
  content_type: str('mime_multipart.header.content-type', 'Content-Type'),
  originalcontent: str('mime_multipart.header.originalcontent', 'OriginalContent'),
  first_boundary: str('mime_multipart.first_boundary', 'First boundary'),
  preamble: { abbrev: 'mime_multipart.preamble', name: 'Preamble', type: FT.BYTES },
  last_boundary: str('mime_multipart.last_boundary', 'Last boundary'),
  boundary: str('mime_multipart.boundary', 'Boundary'),
  trailer: { abbrev: 'mime_multipart.trailer', name: 'Trailer', type: FT.BYTES },
  no_required_parameter: { abbrev: 'mime_multipart.no_required_parameter', name: 'The multipart dissector could not find a required parameter.', type: FT.NONE },
});

/** multipart_headers: a header's name (or compact name), in lower case -> its field (-1: not known). */
function headerField(name: string): number {
  switch (name) {
    case 'content-description':
      return MF.content_description;
    case 'content-disposition':
      return MF.content_disposition;
    case 'content-encoding':
    case 'e':
      return MF.content_encoding;
    case 'content-id':
      return MF.content_id;
    case 'content-language':
      return MF.content_language;
    case 'content-length':
    case 'l':
      return MF.content_length;
    case 'content-transfer-encoding':
      return MF.content_transfer_encoding;
    case 'content-type':
    case 'c':
      return MF.content_type;
    case 'originalcontent':
      return MF.originalcontent;
    default:
      return -1;
  }
}

/** Hands a part's body `[off, end)` to the dissector of its media type (params: the Content-Type's parameters). */
export type MediaDispatch = (pkt: Packet, type: string, params: string | null, off: number, end: number, parent: number) => void;

/**
 * unfold_and_compact_mime_header: folded lines joined, white space dropped around ':', ';', ','
 * and '=' and at the end, other runs of it one space, quoted text kept; stops at a line end that
 * does not fold. Returns the text and the offset of its first colon (-1: none).
 */
export function compactHeader(s: string): [string, number] {
  let out = '';
  let sep = false;
  let lws = false;
  let colon = -1;
  let p = 0;
  while (p < s.length) {
    const c = s[p]!;
    if (c === ':' || c === ';' || c === ',' || c === '=') {
      lws = false;
      if (c === ':' && colon < 0) colon = out.length;
      out += c;
      sep = true;
      p++;
    } else if (c === ' ' || c === '\t') {
      lws = true;
      p++;
    } else if (c === '\n') {
      lws = false;
      const n = s[p + 1];
      if (n === undefined) break;
      if (n !== ' ' && n !== '\t') break;
      lws = true;
      p += 2;
    } else if (c === '\r') {
      lws = false;
      const n = s[p + 1];
      if (n === undefined) break;
      if (n === '\n') {
        const m = s[p + 2];
        if (m === undefined) break;
        if (m !== ' ' && m !== '\t') break;
        lws = true;
        p += 3;
      } else if (n === ' ' || n === '\t') {
        lws = true;
        p += 2;
      } else break;
    } else if (c === '"') {
      lws = false;
      const close = s.indexOf('"', p + 1);
      const stop = close < 0 ? s.length : close + 1;
      out += s.slice(p, stop);
      p = stop;
    } else {
      if (sep) sep = false;
      else if (lws) out += ' ';
      lws = false;
      out += c;
      p++;
    }
  }
  return [out, colon];
}

/** find_parameter: the value of `key` (with its '=') among `;`-separated parameters, or null. */
export function findParameter(params: string | null, key: string): string | null {
  if (!params || !key) return null;
  let p = 0;
  const lower = params.toLowerCase();
  for (;;) {
    while (p < params.length && /\s/.test(params[p]!)) p++;
    if (p >= params.length) return null;
    if (lower.startsWith(key, p)) break;
    const semi = params.indexOf(';', p);
    if (semi < 0) return null;
    p = semi + 1;
  }
  const start = p + key.length;
  if (start >= params.length) return null;
  if (params[start] === '"') {
    const close = params.indexOf('"', start + 1);
    return close < 0 ? null : params.slice(start + 1, close);
  }
  let e = start;
  while (e < params.length && params[e] !== ';' && !/\s/.test(params[e]!)) e++;
  return params.slice(start, e);
}

/** Bytes as ASCII (ENC_ASCII: a byte over 0x7f as U+FFFD), up to the first NUL. */
function asciiz(d: Uint8Array, off: number, end: number): string {
  let s = '';
  for (let i = off; i < end; i++) {
    const c = d[i]!;
    if (c === 0) break;
    s += c < 0x80 ? String.fromCharCode(c) : '\ufffd';
  }
  return s;
}

/** tvb_strneql: the bytes at `off` are `text` (false past the end). */
function eq(d: Uint8Array, off: number, end: number, text: string): boolean {
  if (off < 0 || off + text.length > end) return false;
  for (let i = 0; i < text.length; i++) if (d[off + i] !== text.charCodeAt(i)) return false;
  return true;
}

const nl = { next: 0 };

/** tvb_find_line_end without desegmenting: the line's length from `off`; `nl.next` is where the next one starts. */
function lineLen(d: Uint8Array, off: number, end: number): number {
  for (let i = off; i < end; i++) {
    const c = d[i]!;
    if (c === 10) {
      nl.next = i + 1;
      return i - off;
    }
    if (c === 13) {
      nl.next = i + 1 < end && d[i + 1] === 10 ? i + 2 : i + 1;
      return i - off;
    }
  }
  nl.next = end;
  return end - off;
}

/** A boundary found: where its line starts (with the line end before it), its length, whether it is the last. */
interface Found {
  start: number;
  len: number;
  last: boolean;
}

/** find_first_boundary: the first line that is "--" boundary. */
function firstBoundary(d: Uint8Array, off: number, end: number, b: string): Found | null {
  let p = off;
  while (p + 2 + b.length < end) {
    if (eq(d, p, end, '--') && eq(d, p + 2, end, b)) {
      const last = eq(d, p + 2 + b.length, end, '--');
      lineLen(d, p, end);
      return { start: p, len: nl.next - p, last };
    }
    lineLen(d, p, end);
    p = nl.next;
  }
  return null;
}

/** find_next_boundary: the line end and "--" boundary line that end a part starting at `off`. */
function nextBoundary(d: Uint8Array, off: number, end: number, b: string): Found | null {
  let p = off;
  while (p + 2 + b.length < end) {
    const n = lineLen(d, p, end);
    const next = nl.next;
    let start = p + n;
    if (eq(d, next, end, '--') && eq(d, next + 2, end, b)) {
      const last = next + 2 + b.length + 2 <= end && eq(d, next + 2 + b.length, end, '--');
      lineLen(d, next, end);
      return { start, len: nl.next - start, last };
    }
    // A last boundary without the line end before it.
    if (eq(d, start - 2, end, '--') && eq(d, start - 2 - b.length, end, b) && eq(d, start - 4 - b.length, end, '--')) {
      start -= 4 + b.length;
      return { start, len: next - start, last: true };
    }
    p = next;
  }
  return null;
}

/**
 * imf_find_field_end: where the header field starting at `off` ends (after its CRLF, folded lines
 * included), and whether an empty line follows (`field.last`); -1 without a CR.
 */
const field = { last: false };
function fieldEnd(d: Uint8Array, off: number, end: number): number {
  let p = off;
  while (p < end) {
    let cr = -1;
    for (let i = p; i < end; i++) {
      if (d[i] === 13) {
        cr = i;
        break;
      }
    }
    if (cr < 0) return -1;
    p = cr + 1;
    if (p < end && d[p] === 10) {
      p++;
      if (p >= end) {
        field.last = true;
        return p - 2;
      }
      const c = d[p]!;
      if (c === 13) {
        if (p + 1 < end && d[p + 1] === 10) field.last = true;
        return p;
      }
      if (c !== 32 && c !== 9) return p;
    }
  }
  return -1;
}

function addString(pkt: Packet, fid: number, off: number, len: number, parent: number, value: string, label?: string): number {
  const i = pkt.add(fid, off, len, parent);
  if (i >= 0) pkt.ref[i] = esc(value);
  if (label !== undefined && pkt.wantLabels) pkt.setLabel(i, label);
  return i;
}

/**
 * dissect_multipart: the body `[off, end)` of media type `type` with Content-Type parameters
 * `params`; each part's body goes to `media`.
 */
export function dissectMultipart(pkt: Packet, type: string, params: string | null, off: number, end: number, parent: number, media: MediaDispatch): void {
  const d = pkt.data;
  const b = findParameter(params === null ? null : compactHeader(params)[0], 'boundary=');
  if (b === null || (type.startsWith('multipart/encrypted') && findParameter(compactHeader(params!)[0], 'protocol=') === null)) {
    pkt.protocols.push('mime_multipart');
    const ei = pkt.add(MF.no_required_parameter, off, end - off, parent);
    pkt.hide(ei);
    pkt.addExpert(parent, Severity.Error, 'Protocol', 'mime_multipart.no_required_parameter', 'The multipart dissector could not find a required parameter.');
    dissectData(pkt, off, end, end, parent);
    return;
  }
  const top = pkt.addProtocol(MF.multipart, 'mime_multipart', off, end - off, parent);
  if (pkt.wantLabels) pkt.setLabel(top, `MIME Multipart Media Encapsulation, Type: ${type}, Boundary: "${b}"`);
  addString(pkt, MF.type, off, 0, top, type, `[Type: ${type}]`);
  const text = (s: number, e: number) => formatText(d, s, e);
  // The preamble and the first boundary.
  const first = firstBoundary(d, off, end, b);
  if (!first || (first.start > off && first.len <= 0)) {
    dissectData(pkt, off, end, end, top);
    return;
  }
  if (first.start > off) pkt.add(MF.preamble, off, first.start - off, top);
  const fl = first.start + first.len;
  addString(pkt, MF.first_boundary, first.start, first.len, top, asciiz(d, first.start, fl), `First boundary: ${text(first.start, fl)}`);
  let p = fl;
  let last = first.last;
  while (!last) {
    const next = bodyPart(pkt, top, p, end, b, media);
    if (!next) return;
    last = next.last;
    p = next.start + next.len;
  }
  if (p < end) pkt.add(MF.trailer, p, end - p, top);
}

/** process_body_part: one part from `start`; returns its closing boundary (null: none, the rest is left). */
function bodyPart(pkt: Packet, top: number, start: number, end: number, b: string, media: MediaDispatch): Found | null {
  const d = pkt.data;
  const ti = addString(pkt, MF.part, start, 0, top, '');
  const found = nextBoundary(d, start, end, b);
  if (!found || found.start <= 0) return null;
  const bs = found.start;
  let contentType: string | null = null;
  let params: string | null = null;
  let raw = false;
  let p = start;
  let next = p;
  field.last = false;
  for (;;) {
    next = fieldEnd(d, p, end);
    if (field.last && next + 2 <= bs) next += 2;
    else if (next - 2 === bs) {
      field.last = true;
      next -= 2;
    } else if (next > bs) next = bs;
    if (next < p) {
      next = p;
      break;
    }
    const line = asciiz(d, p, next);
    const [h, colon] = compactHeader(line);
    if (colon <= 0) {
      next = p;
      break;
    }
    const fid = headerField(h.slice(0, colon).toLowerCase());
    if (fid < 0) {
      // isprint_string: an unknown header of printable text is shown; otherwise it starts the body.
      if (!/^[\x20-\x7e]*$/.test(line)) {
        next = p;
        break;
      }
      const it = pkt.add(F.text, p, next - p, ti);
      if (pkt.wantLabels) pkt.setLabel(it, formatText(d, p, next));
    } else {
      const value = h.slice(colon + 1);
      addString(pkt, fid, p, next - p, ti, value, formatText(d, p, next));
      if (fid === MF.content_type) {
        const semi = value.indexOf(';');
        contentType = (semi > 0 ? value.slice(0, semi) : value).toLowerCase();
        params = semi > 0 ? value.slice(semi + 1) : null;
        if (pkt.wantLabels && ti >= 0) pkt.setLabel(ti, `Encapsulated multipart part:  (${contentType})`);
        if (contentType.startsWith('application/octet-stream')) raw = true;
      }
    }
    p = next;
    if (field.last) break;
  }
  if (pkt.wantLabels && ti >= 0 && contentType === null) pkt.setLabel(ti, 'Encapsulated multipart part: ');
  const bodyStart = next;
  if (!raw && contentType !== null) media(pkt, contentType, params, bodyStart, bs, ti);
  else dissectData(pkt, bodyStart, bs, bs, ti);
  pkt.setLength(ti, bs - start);
  const e = bs + found.len;
  addString(pkt, found.last ? MF.last_boundary : MF.boundary, bs, found.len, top, asciiz(d, bs, e), `${found.last ? 'Last boundary' : 'Boundary'}: ${formatText(d, bs, e)}`);
  return found;
}

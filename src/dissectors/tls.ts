/**
 * TLS record layer (RFC 8446 5.1, RFC 5246 6.2) and the handshake messages in the clear
 * (RFC 8446 4, RFC 5246 7.4): ClientHello and ServerHello with their extensions (server_name
 * RFC 6066 3, ALPN RFC 7301, supported_versions RFC 8446 4.2.1), the other handshake types by
 * name. Parsed only from reassembled TCP stream bytes (src/dissectors/tcp-stream.ts): one record
 * per PDU, so a record split over segments, many records in one segment and endless lengths are
 * handled by the reassembly and its limits.
 *
 * Without keys nothing is decrypted: after a side's ChangeCipherSpec its handshake records are
 * "Encrypted Handshake Message" and its alerts "Encrypted Alert"; in TLS 1.3 the encrypted records
 * are application data records (`tls.record.opaque_type`), as tshark shows them. The Protocol
 * column names the version the session settled on (ServerHello's supported_versions), known to
 * every frame of a two-pass read as in `tshark -2`.
 */
import { defineFields, FT, Base } from './fields.js';
import { u16, u24 } from './bytes.js';
import { sessionState, type Packet } from './packet.js';
import type { Dissector } from './registry.js';
import { registerStreamHeuristic, registerStreamProtocol } from './tcp-stream.js';
import { frameLengthPrefixed, ParseStatus, type StreamParser } from '../analysis/reassembly.js';

const recordLength = (d: Uint8Array, off: number): number => u16(d, off + 3);

const CONTENT_TYPES: Record<number, string> = { 20: 'Change Cipher Spec', 21: 'Alert', 22: 'Handshake', 23: 'Application Data', 24: 'Heartbeat' };
const VERSIONS: Record<number, string> = { 0x0300: 'SSL 3.0', 0x0301: 'TLS 1.0', 0x0302: 'TLS 1.1', 0x0303: 'TLS 1.2', 0x0304: 'TLS 1.3' };
const VERSION_SHORT: Record<number, string> = { 0x0300: 'SSLv3', 0x0301: 'TLSv1', 0x0302: 'TLSv1.1', 0x0303: 'TLSv1.2', 0x0304: 'TLSv1.3' };
const HANDSHAKE_TYPES: Record<number, string> = {
  0: 'Hello Request', 1: 'Client Hello', 2: 'Server Hello', 3: 'Hello Verify Request', 4: 'New Session Ticket',
  5: 'End of Early Data', 6: 'Hello Retry Request', 8: 'Encrypted Extensions', 11: 'Certificate', 12: 'Server Key Exchange',
  13: 'Certificate Request', 14: 'Server Hello Done', 15: 'Certificate Verify', 16: 'Client Key Exchange', 20: 'Finished',
  21: 'Certificate URL', 22: 'Certificate Status', 23: 'Supplemental Data', 24: 'Key Update', 25: 'Compressed Certificate',
  67: 'Encrypted Extensions',
};
const ALERT_LEVELS: Record<number, string> = { 1: 'Warning', 2: 'Fatal' };
const ALERT_DESCRIPTIONS: Record<number, string> = {
  0: 'Close Notify', 10: 'Unexpected Message', 20: 'Bad Record MAC', 21: 'Decryption Failed', 22: 'Record Overflow',
  30: 'Decompression Failure', 40: 'Handshake Failure', 41: 'No Certificate', 42: 'Bad Certificate', 43: 'Unsupported Certificate',
  44: 'Certificate Revoked', 45: 'Certificate Expired', 46: 'Certificate Unknown', 47: 'Illegal Parameter', 48: 'Unknown CA',
  49: 'Access Denied', 50: 'Decode Error', 51: 'Decrypt Error', 60: 'Export Restriction', 70: 'Protocol Version',
  71: 'Insufficient Security', 80: 'Internal Error', 86: 'Inappropriate Fallback', 90: 'User Canceled', 100: 'No Renegotiation',
  109: 'Missing Extension', 110: 'Unsupported Extension', 111: 'Certificate Unobtainable', 112: 'Unrecognized Name',
  113: 'Bad Certificate Status Response', 114: 'Bad Certificate Hash Value', 115: 'Unknown PSK Identity',
  116: 'Certificate Required', 120: 'No application Protocol',
};

/** The ServerHello random of a HelloRetryRequest (RFC 8446 4.1.3). */
const HRR_RANDOM = 'cf21ad74e59a6111be1d8c021e65b891c2a211167abb8c5e079e09e2c8a8339c';

export const F = defineFields({
  tls: { abbrev: 'tls', name: 'Transport Layer Security', type: FT.PROTOCOL },
  record: { abbrev: 'tls.record', name: 'Record Layer', type: FT.NONE },
  content_type: { abbrev: 'tls.record.content_type', name: 'Content Type', type: FT.UINT8, strings: CONTENT_TYPES },
  opaque_type: { abbrev: 'tls.record.opaque_type', name: 'Opaque Type', type: FT.UINT8, strings: CONTENT_TYPES },
  version: { abbrev: 'tls.record.version', name: 'Version', type: FT.UINT16, base: Base.HEX, strings: VERSIONS },
  length: { abbrev: 'tls.record.length', name: 'Length', type: FT.UINT16 },
  app_data: { abbrev: 'tls.app_data', name: 'Encrypted Application Data', type: FT.BYTES },
  change_cipher_spec: { abbrev: 'tls.change_cipher_spec', name: 'Change Cipher Spec Message', type: FT.NONE },
  alert: { abbrev: 'tls.alert_message', name: 'Alert Message', type: FT.NONE },
  alert_level: { abbrev: 'tls.alert_message.level', name: 'Level', type: FT.UINT8, strings: ALERT_LEVELS },
  alert_desc: { abbrev: 'tls.alert_message.desc', name: 'Description', type: FT.UINT8, strings: ALERT_DESCRIPTIONS },
  handshake: { abbrev: 'tls.handshake', name: 'Handshake Protocol', type: FT.NONE },
  hs_type: { abbrev: 'tls.handshake.type', name: 'Handshake Type', type: FT.UINT8, strings: HANDSHAKE_TYPES },
  hs_length: { abbrev: 'tls.handshake.length', name: 'Length', type: FT.UINT24 },
  hs_version: { abbrev: 'tls.handshake.version', name: 'Version', type: FT.UINT16, base: Base.HEX, strings: VERSIONS },
  hs_random: { abbrev: 'tls.handshake.random', name: 'Random', type: FT.BYTES },
  hs_session_id_length: { abbrev: 'tls.handshake.session_id_length', name: 'Session ID Length', type: FT.UINT8 },
  hs_session_id: { abbrev: 'tls.handshake.session_id', name: 'Session ID', type: FT.BYTES },
  hs_cipher_suites_length: { abbrev: 'tls.handshake.cipher_suites_length', name: 'Cipher Suites Length', type: FT.UINT16 },
  hs_ciphersuite: { abbrev: 'tls.handshake.ciphersuite', name: 'Cipher Suite', type: FT.UINT16, base: Base.HEX },
  hs_comp_methods_length: { abbrev: 'tls.handshake.comp_methods_length', name: 'Compression Methods Length', type: FT.UINT8 },
  hs_comp_method: { abbrev: 'tls.handshake.comp_method', name: 'Compression Method', type: FT.UINT8 },
  hs_extensions_length: { abbrev: 'tls.handshake.extensions_length', name: 'Extensions Length', type: FT.UINT16 },
  hs_extension_type: { abbrev: 'tls.handshake.extension.type', name: 'Type', type: FT.UINT16 },
  hs_extension_len: { abbrev: 'tls.handshake.extension.len', name: 'Length', type: FT.UINT16 },
  hs_sni: { abbrev: 'tls.handshake.extensions_server_name', name: 'Server Name', type: FT.STRING },
  hs_alpn: { abbrev: 'tls.handshake.extensions_alpn_str', name: 'ALPN Next Protocol', type: FT.STRING },
  hs_supported_version: { abbrev: 'tls.handshake.extensions.supported_version', name: 'Supported Version', type: FT.UINT16, base: Base.HEX, strings: VERSIONS },
});

/** Per TCP stream: what the handshake told so far (and, in a second pass, the final version). */
interface TlsSession {
  /** The version the ServerHello chose (0: not seen). */
  version: number;
  /** A ChangeCipherSpec was sent by the client / by the server. */
  ccs: [boolean, boolean];
  /** The TCP direction (0/1 of the conversation) that sent the ClientHello, or -1. */
  clientDir: number;
}

/** Sessions by TCP stream index; a second pass starts with the first pass's final versions. */
interface TlsTable {
  byStream: Map<number, TlsSession>;
  finals: Map<number, number>;
}

function table(pkt: Packet): TlsTable {
  return sessionState<TlsTable>(pkt, 'tls.sessions', () => {
    let finals = pkt.session.carry.get('tls.versions') as Map<number, number> | undefined;
    if (!finals || pkt.session.pass !== 2) {
      finals = new Map();
      if (pkt.session.pass === 1) pkt.session.carry.set('tls.versions', finals);
    }
    return { byStream: new Map(), finals };
  });
}

/** TCP context of the record being dissected, set by the stream glue through the packet. */
function session(pkt: Packet): TlsSession {
  const t = table(pkt);
  let s = t.byStream.get(pkt.tcpStream);
  if (!s) {
    s = { version: 0, ccs: [false, false], clientDir: -1 };
    t.byStream.set(pkt.tcpStream, s);
  }
  return s;
}

/** Set by `prepare` for the segment being fed: the stream's session is TLS 1.0-1.2. */
let lenient = false;

/** Record framing: type 20..24, major version 3, then `length` bytes. */
export const tlsRecords: StreamParser = {
  parse(d, off, end, out) {
    const avail = end - off;
    out.message = '';
    // Once a TLS <= 1.2 session is known, tshark frames any 5-byte header by its length (an invalid
    // type is then an "Ignored Unknown Record"); before that, such bytes are not TLS.
    if (!lenient && avail >= 1 && (d[off]! < 20 || d[off]! > 24)) {
      out.status = ParseStatus.Error;
      out.consumed = 0;
      out.needed = 0;
      out.message = `not a TLS record (content type ${d[off]})`;
      return;
    }
    if (!lenient && avail >= 2 && d[off + 1] !== 3) {
      out.status = ParseStatus.Error;
      out.consumed = 0;
      out.needed = 0;
      out.message = `not a TLS record (version ${d[off + 1]}.x)`;
      return;
    }
    // A record: 5-byte header (type, version, length), then the fragment.
    frameLengthPrefixed(d, off, end, 5, recordLength, out);
  },
};

function appendInfo(pkt: Packet, text: string): void {
  if (pkt.wantColumns) pkt.appendInfo(pkt.colInfo.length ? `, ${text}` : text);
}

/** One record `[off, end)` (header included). */
function decode(pkt: Packet, off: number, end: number, _rep: number, parent: number): void {
  const d = pkt.data;
  const s = session(pkt);
  const t = table(pkt);
  // The first record of a frame replaces TCP's Info (up to the fence of TCP-analysis verdicts).
  let first = true;
  for (let i = 0; i < pkt.protocols.length; i++) if (pkt.protocols.at(i) === 'tls') first = false;
  const top = pkt.addProtocol(F.tls, 'tls', off, end - off, parent);
  if (first) pkt.setInfo('');
  const type = d[off]!;
  const version = u16(d, off + 1);
  const len = u16(d, off + 3);
  const fromClient = s.clientDir < 0 ? pkt.dstPort === pkt.tcpServerPort : pkt.tcpDir === s.clientDir;
  const final = t.finals.get(pkt.tcpStream) ?? s.version;
  const sessionVersion = final || version;
  pkt.setProtocol(VERSION_SHORT[sessionVersion] ?? 'TLS');
  const tls13 = (final || s.version) === 0x0304;
  const rec = pkt.add(F.record, off, end - off, top);
  if (type === 23 && tls13) pkt.add(F.opaque_type, off, 1, rec, type);
  else pkt.add(F.content_type, off, 1, rec, type);
  pkt.add(F.version, off + 1, 2, rec, version);
  pkt.add(F.length, off + 3, 2, rec, len);
  const body = off + 5;
  const ccsSeen = s.ccs[fromClient ? 0 : 1];
  switch (type) {
    case 20:
      pkt.add(F.change_cipher_spec, body, len, rec);
      s.ccs[fromClient ? 0 : 1] = true;
      appendInfo(pkt, 'Change Cipher Spec');
      break;
    case 21:
      if (!ccsSeen && len === 2) {
        const a = pkt.add(F.alert, body, 2, rec);
        pkt.add(F.alert_level, body, 1, a, d[body]!);
        pkt.add(F.alert_desc, body + 1, 1, a, d[body + 1]!);
        appendInfo(pkt, `Alert (Level: ${ALERT_LEVELS[d[body]!] ?? 'Unknown'}, Description: ${ALERT_DESCRIPTIONS[d[body + 1]!] ?? 'Unknown'})`);
      } else appendInfo(pkt, 'Encrypted Alert');
      break;
    case 22:
      if (ccsSeen || !handshake(pkt, s, body, end, rec, fromClient)) appendInfo(pkt, 'Encrypted Handshake Message');
      break;
    case 23:
      if (pkt.tree && len) pkt.add(F.app_data, body, len, rec);
      appendInfo(pkt, 'Application Data');
      break;
    case 24:
      appendInfo(pkt, ccsSeen ? 'Encrypted Heartbeat' : 'Heartbeat');
      break;
    default:
      appendInfo(pkt, 'Ignored Unknown Record');
  }
  if (pkt.session.pass === 1 && s.version) t.finals.set(pkt.tcpStream, s.version);
}

/**
 * Handshake messages in the clear within one record. Returns false when the record does not hold
 * well-formed messages (it is then taken as encrypted, as tshark does without keys).
 */
function handshake(pkt: Packet, s: TlsSession, p: number, end: number, rec: number, fromClient: boolean): boolean {
  const d = pkt.data;
  // A first look: every message must fit and have a known type, else it is encrypted.
  for (let q = p; q < end; ) {
    if (q + 4 > end) return q > p;
    const ht = d[q]!;
    const hl = u24(d, q + 1);
    if (HANDSHAKE_TYPES[ht] === undefined) return false;
    if (q + 4 + hl > end) break;
    q += 4 + hl;
  }
  while (p + 4 <= end) {
    let ht = d[p]!;
    const hl = u24(d, p + 1);
    const mEnd = Math.min(end, p + 4 + hl);
    const hs = pkt.add(F.handshake, p, mEnd - p, rec);
    if (ht === 2 && mEnd - p >= 38 && toHex32(d, p + 6) === HRR_RANDOM) ht = 6;
    pkt.add(F.hs_type, p, 1, hs, ht === 6 ? 2 : ht);
    pkt.add(F.hs_length, p + 1, 3, hs, hl);
    appendInfo(pkt, HANDSHAKE_TYPES[ht]!);
    if (ht === 1) {
      if (s.clientDir < 0) s.clientDir = pkt.tcpDir;
      hello(pkt, s, p + 4, mEnd, hs, true);
    } else if (ht === 2 || ht === 6) {
      if (s.clientDir < 0) s.clientDir = 1 - pkt.tcpDir;
      hello(pkt, s, p + 4, mEnd, hs, false);
    }
    p += 4 + hl;
  }
  void fromClient;
  return true;
}

function toHex32(d: Uint8Array, off: number): string {
  let s = '';
  for (let i = 0; i < 32; i++) s += d[off + i]!.toString(16).padStart(2, '0');
  return s;
}

/** ClientHello / ServerHello bodies (RFC 8446 4.1.2, 4.1.3); stops quietly at a short field. */
function hello(pkt: Packet, s: TlsSession, p: number, end: number, hs: number, client: boolean): void {
  const d = pkt.data;
  if (p + 35 > end) return;
  const legacy = u16(d, p);
  pkt.add(F.hs_version, p, 2, hs, legacy);
  pkt.add(F.hs_random, p + 2, 32, hs);
  let q = p + 34;
  const sidLen = d[q]!;
  pkt.add(F.hs_session_id_length, q, 1, hs, sidLen);
  if (q + 1 + sidLen > end) return;
  if (sidLen) pkt.add(F.hs_session_id, q + 1, sidLen, hs);
  q += 1 + sidLen;
  if (client) {
    if (q + 2 > end) return;
    const csLen = u16(d, q);
    pkt.add(F.hs_cipher_suites_length, q, 2, hs, csLen);
    if (q + 2 + csLen > end) return;
    for (let k = q + 2; k + 2 <= q + 2 + csLen; k += 2) pkt.add(F.hs_ciphersuite, k, 2, hs, u16(d, k));
    q += 2 + csLen;
    if (q + 1 > end) return;
    const cmLen = d[q]!;
    pkt.add(F.hs_comp_methods_length, q, 1, hs, cmLen);
    if (q + 1 + cmLen > end) return;
    for (let k = q + 1; k < q + 1 + cmLen; k++) pkt.add(F.hs_comp_method, k, 1, hs, d[k]!);
    q += 1 + cmLen;
  } else {
    if (q + 3 > end) return;
    pkt.add(F.hs_ciphersuite, q, 2, hs, u16(d, q));
    pkt.add(F.hs_comp_method, q + 2, 1, hs, d[q + 2]!);
    q += 3;
  }
  let chosen = legacy;
  if (q + 2 <= end) {
    const extLen = u16(d, q);
    pkt.add(F.hs_extensions_length, q, 2, hs, extLen);
    const extEnd = Math.min(end, q + 2 + extLen);
    q += 2;
    while (q + 4 <= extEnd) {
      const et = u16(d, q);
      const el = u16(d, q + 2);
      const v = q + 4;
      if (v + el > extEnd) break;
      if (pkt.tree) {
        pkt.add(F.hs_extension_type, q, 2, hs, et);
        pkt.add(F.hs_extension_len, q + 2, 2, hs, el);
      }
      if (et === 0 && client && el >= 5) {
        // server_name: a list of (type, name); host names are type 0.
        let k = v + 2;
        while (k + 3 <= v + el) {
          const nl = u16(d, k + 1);
          if (k + 3 + nl > v + el) break;
          if (d[k] === 0) pkt.add(F.hs_sni, k + 3, nl, hs, 0, latin1(d, k + 3, nl));
          k += 3 + nl;
        }
      } else if (et === 16 && el >= 2) {
        for (let k = v + 2; k < v + el; ) {
          const l = d[k]!;
          if (k + 1 + l > v + el) break;
          pkt.add(F.hs_alpn, k + 1, l, hs, 0, latin1(d, k + 1, l));
          k += 1 + l;
        }
      } else if (et === 43) {
        if (client) {
          for (let k = v + 1; k + 2 <= v + 1 + Math.min(d[v]!, el - 1); k += 2) pkt.add(F.hs_supported_version, k, 2, hs, u16(d, k));
        } else if (el === 2) {
          chosen = u16(d, v);
          pkt.add(F.hs_supported_version, v, 2, hs, chosen);
        }
      }
      q = v + el;
    }
  }
  if (!client) s.version = chosen;
}

function latin1(d: Uint8Array, off: number, len: number): string {
  let s = '';
  for (let i = 0; i < len; i++) s += String.fromCharCode(d[off + i]!);
  return s;
}

const tls: Dissector = { name: 'tls', longName: 'Transport Layer Security', decode };

/** Bytes that do not start a record (the middle of one after a capture gap): tshark's "Continuation Data". */
function continuation(pkt: Packet, off: number, end: number): void {
  if (off >= end) return;
  const s = session(pkt);
  const final = table(pkt).finals.get(pkt.tcpStream) ?? s.version;
  let first = true;
  for (let i = 0; i < pkt.protocols.length; i++) if (pkt.protocols.at(i) === 'tls') first = false;
  pkt.addProtocol(F.tls, 'tls', off, end - off, -1);
  if (first) pkt.setInfo('');
  pkt.setProtocol(VERSION_SHORT[final] ?? 'TLS');
  appendInfo(pkt, 'Continuation Data');
}

/** Ports where TLS is expected (Wireshark's defaults without heuristics: HTTPS). */
export const TLS_PORTS = [443];
for (const port of TLS_PORTS) registerStreamProtocol(port, { parser: tlsRecords, dissector: tls, rejected: continuation, prepare });

/**
 * TLS on other ports: a segment that starts with a handshake record holding a whole-looking
 * ClientHello or ServerHello (type 22, version 3.0-3.4, sane lengths) binds its stream to TLS.
 */
function looksLikeHello(d: Uint8Array, off: number, end: number, sp: number, dp: number): number {
  if (end - off < 9 || d[off] !== 22 || d[off + 1] !== 3 || d[off + 2]! > 4) return -1;
  const len = u16(d, off + 3);
  const ht = d[off + 5]!;
  const hl = u24(d, off + 6);
  if (len < 4 || len > 16384 + 2048 || (ht !== 1 && ht !== 2) || hl + 4 > 65536 || hl < 38) return -1;
  if (off + 11 <= end && d[off + 9] !== 3) return -1;
  return ht === 1 ? dp : sp;
}
registerStreamHeuristic(looksLikeHello, { parser: tlsRecords, dissector: tls, rejected: continuation, prepare });

function prepare(pkt: Packet): void {
  const v = table(pkt).finals.get(pkt.tcpStream) ?? table(pkt).byStream.get(pkt.tcpStream)?.version ?? 0;
  lenient = v >= 0x0300 && v <= 0x0303 && (table(pkt).byStream.get(pkt.tcpStream)?.version ?? 0) !== 0;
}

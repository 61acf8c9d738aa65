/**
 * TLS record layer (RFC 8446 5.1, RFC 5246 6.2) and the handshake messages in the clear
 * (RFC 8446 4, RFC 5246 7.4), as tshark 4.0 shows them. Parsed only from reassembled TCP stream
 * bytes (src/dissectors/tcp/stream.ts): one record per PDU, so a record split over segments, many
 * records in one segment and endless record lengths are handled by the stream reassembly and its
 * limits. Handshake messages are reassembled per direction over records (a message split over
 * several records, several messages in one record) and dissected in the record that completes
 * them, from a "Reassembled Handshake Message" data source (HANDSHAKE_LIMITS bound the memory).
 *
 * Without keys (./keys.ts, ./decrypt.ts: a key log decrypts as tshark does) nothing is decrypted: after a side's ChangeCipherSpec its handshake records are
 * "Encrypted Handshake Message" and its alerts "Encrypted Alert"; in TLS 1.3 the encrypted records
 * are application data records (`tls.record.opaque_type`), as tshark shows them. The Protocol
 * column names the version the session settled on (the ServerHello, or the first record that is
 * authoritative about it), known to every frame of a two-pass read as in `tshark -2`.
 *
 * The parts: ./records.ts (this file: the record layer, its ports and heuristic), ./handshake.ts
 * and ./hello.ts (handshake messages), ./session.ts (per-stream state, the tap), ./fields.ts,
 * ./names.ts and ./ciphers.ts (value names), ./fingerprint.ts (JA3/JA4), ./x509.ts (certificate
 * names), ./keylog.ts (key log files). Consumers: ./types.ts (TlsHelloInfo for the fingerprints,
 * the TLS tap for statistics).
 */
import { u16, u24 } from '../bytes.js';
import { Severity, type Packet } from '../packet.js';
import { protocolEnabled, type Dissector } from '../registry.js';
import { feedHttpStream } from '../http/dissector.js';
import { registerStreamHeuristic, registerStreamProtocol } from '../tcp/stream.js';
import { frameLengthPrefixed, ParseStatus, type ParseResult, type StreamParser } from '../tcp/reassembly.js';
import { ALERT_DESCRIPTIONS, ALERT_LEVELS, CONTENT_TYPES, HANDSHAKE_TYPES, VERSION_SHORT, normVersion, validVersion } from './names.js';
import { F } from './fields.js';
import { appendInfo, releaseHs, session, table, tap, tapOn, type TlsSession, type TlsTable } from './session.js';
import { decryptRecord, type Plaintext } from './decrypt.js';
import { TLS_DATA_TAP } from './types.js';
import { applyKeyEvent, changeCipherSpec, earlyData } from './keys.js';
import { handshakeRecord } from './handshake.js';

export { HANDSHAKE_LIMITS, tlsHandshakeBytesHeld } from './session.js';
export { F } from './fields.js';
const recordLength = (d: Uint8Array, off: number): number => u16(d, off + 3);

/**
 * Record framing: type 20..24, major version 3, then `length` bytes. `lenient`: the stream's
 * session is TLS 1.0-1.2, where tshark takes bytes that do not start a record differently.
 */
function parseRecords(lenient: boolean, d: Uint8Array, off: number, end: number, out: ParseResult): void {
  const avail = end - off;
  out.message = '';
  if (lenient && avail < 5) {
    // tshark (TLS 1.0-1.2 session): fewer than 5 bytes wait for the next segment, whatever they are.
    out.status = ParseStatus.Incomplete;
    out.consumed = 0;
    out.needed = 0;
    return;
  }
  if (lenient && avail >= 1 && (d[off]! < 20 || d[off]! > 24)) {
    // tshark (TLS 1.0-1.2 session): an invalid type makes every byte available here an
    // "Ignored Unknown Record"; parsing starts again with the next segment.
    out.status = ParseStatus.Ok;
    out.consumed = avail;
    out.needed = 0;
    return;
  }
  // Before a TLS 1.0-1.2 session is known, bytes that do not start a record are not TLS.
  if (!lenient && avail >= 1 && (d[off]! < 20 || d[off]! > 24)) {
    out.status = ParseStatus.Error;
    out.consumed = 0;
    out.needed = 0;
    out.message = `not a TLS record (content type ${d[off]})`;
    return;
  }
  if (!lenient && avail >= 2 && d[off + 1] !== 3 && d[off + 1] !== 0x7f) {
    out.status = ParseStatus.Error;
    out.consumed = 0;
    out.needed = 0;
    out.message = `not a TLS record (version ${d[off + 1]}.x)`;
    return;
  }
  // A record: 5-byte header (type, version, length), then the fragment.
  frameLengthPrefixed(d, off, end, 5, recordLength, out);
}

/** The record parser of a stream whose TLS version is not known to be 1.0-1.2. */
export const tlsRecords: StreamParser = { parse: (d, off, end, out) => parseRecords(false, d, off, end, out) };
/** The record parser of a TLS 1.0-1.2 stream. */
export const tlsRecordsLenient: StreamParser = { parse: (d, off, end, out) => parseRecords(true, d, off, end, out) };

/** Whether the record's version tells the session version (tshark's ssl_is_authoritative_version_message). */
function authoritative(type: number, next: number): boolean {
  if (type === 22) return HANDSHAKE_TYPES[next] !== undefined && next !== 1;
  return type >= 20 && type <= 24;
}

/** One record `[off, end)` (header included). */
function decode(pkt: Packet, off: number, end: number, _rep: number, parent: number): void {
  const d = pkt.data;
  const s = session(pkt);
  const t = table(pkt);
  // The first record of a frame replaces TCP's Info (up to the fence of TCP-analysis verdicts).
  let first = true;
  for (let i = 0; i < pkt.protocols.length; i++) if (pkt.protocols.at(i) === 'tls') first = false;
  // Records of one data source share one "Transport Layer Security" item, as in tshark.
  let top: number;
  // (Decided without the tree, which a -q or -e read does not keep: the layers must not depend on it.)
  const lastTop = t.lastTop;
  if (!first && lastTop.frame === pkt.frame.number && lastTop.pass === pkt.session.pass && lastTop.src === pkt.cur) {
    top = lastTop.item;
    if (top >= 0 && top < pkt.n && pkt.fid[top] === F.tls) pkt.setLength(top, end - pkt.start[top]!);
  } else {
    top = pkt.addProtocol(F.tls, 'tls', off, end - off, parent);
    setTop(pkt, t, top);
  }
  if (first) pkt.setInfo('');
  const type = d[off]!;
  const fromClient = s.clientDir < 0 ? pkt.dstPort === pkt.tcpServerPort : pkt.tcpDir === s.clientDir;
  if (type < 20 || type > 24) {
    // Bytes of a TLS 1.0-1.2 session that do not start a record (tshark: no record fields).
    const known = t.finals.get(pkt.tcpStream);
    const sv = s.version;
    setColumn(pkt, known, VERSION_SHORT[normVersion(known ?? sv)] ?? 'SSL', () => VERSION_SHORT[normVersion(t.finals.get(pkt.tcpStream) ?? sv)] ?? 'SSL');
    appendInfo(pkt, 'Ignored Unknown Record');
    pkt.addExpert(top, Severity.Warn, 'Protocol', 'tls.ignored_unknown_record', 'Ignored Unknown Record');
    return;
  }
  const version = u16(d, off + 1);
  const len = u16(d, off + 3);
  const body = off + 5;
  if (s.version === 0 && validVersion(version) && authoritative(type, len > 0 && body < end ? d[body]! : -1)) s.version = normVersion(version);
  const known = t.finals.get(pkt.tcpStream);
  const final = known ?? 0;
  // (A version forced by early data does not change its frame's column: tshark's stays as it was.)
  const keepColumn = s.forced13 === pkt.frame.number && !final;
  // A patched read (../patch.ts), the version not known yet: an alert's or a handshake record's
  // Protocol column is a hole (the second pass's final version changes nothing else of them
  // without keys); any other record is checked at the end.
  const holeable = (type === 21 || type === 22) && s.crypt === null && !keepColumn;
  if (known === undefined && !holeable) notePatched(pkt, t, PATCH_READ);
  if (!keepColumn) recordColumn(pkt, t, s, known, holeable, version);
  const tls13 = s.tls13 || normVersion(final) === 0x0304;
  const rec = pkt.add(F.record, off, end - off, top);
  if (type === 23 && tls13) pkt.add(F.opaque_type, off, 1, rec, type);
  else pkt.add(F.content_type, off, 1, rec, type);
  pkt.add(F.version, off + 1, 2, rec, version);
  pkt.add(F.length, off + 3, 2, rec, len);
  const dir = fromClient ? 0 : 1;
  const ccsSeen = s.ccs[dir];
  let recLabel = CONTENT_TYPES[type]!;
  // With the key log's keys for this direction (./keys.ts): the record decrypted, else shown as
  // encrypted and marked.
  const c = s.crypt;
  let plain: Plaintext | null = null;
  // TLS 1.3 0-RTT: the client's records may be early data first (./keys.ts).
  const early = c !== null && tls13 && type === 23 && dir === 0 && c.early;
  if (early) plain = earlyData(pkt, s, type, version, d.subarray(body, end));
  const dec = !plain && c && type !== 20 && (type === 23 || !tls13) ? c.dec[dir] : null;
  let handedOff = false;
  if (dec) plain = decryptRecord(dec, type, version, d.subarray(body, end));
  if (early || dec) {
    if (plain) {
      c!.decrypted++;
      if (c!.firstDir < 0) c!.firstDir = dir;
    }
    else {
      c!.failed++;
      pkt.add(F.decrypt_failed, body, len, rec);
    }
  }
  if (plain) {
    const before = pkt.colProtocol;
    recLabel = decryptedRecord(pkt, s, t, off, body, end, rec, plain, type === 23 && tls13, dir, fromClient);
    // The protocol the data was handed to names the column (HTTP), as in tshark.
    handedOff = pkt.colProtocol !== before;
    // The tap sees what a read without keys sees.
    if (tapOn(pkt)) encryptedTap(pkt, s, type, len, tls13, ccsSeen, fromClient, true);
    if (tls13 && fromClient) s.opaqueFromClient++;
    applyKeyEvent(s, dir);
  } else switch (type) {
    case 20:
      pkt.add(F.change_cipher_spec, body, len, rec);
      // TLS 1.3 (RFC 8446 D.4): a compatibility ChangeCipherSpec changes nothing.
      if (!tls13) {
        s.ccs[dir] = true;
        changeCipherSpec(s, dir);
      }
      appendInfo(pkt, 'Change Cipher Spec');
      recLabel = 'Change Cipher Spec Protocol: Change Cipher Spec';
      if (tapOn(pkt)) tap(pkt, fromClient, 'change_cipher_spec', len);
      break;
    case 21:
      if (!ccsSeen && len === 2) {
        const a = pkt.add(F.alert, body, 2, rec);
        pkt.add(F.alert_level, body, 1, a, d[body]!);
        pkt.add(F.alert_desc, body + 1, 1, a, d[body + 1]!);
        const text = `Alert (Level: ${ALERT_LEVELS[d[body]!] ?? 'Unknown'}, Description: ${ALERT_DESCRIPTIONS[d[body + 1]!] ?? 'Unknown'})`;
        appendInfo(pkt, text);
        recLabel = `Alert Protocol: ${text}`;
        if (tapOn(pkt)) tap(pkt, fromClient, 'alert', len, { alertLevel: d[body]!, alertDescription: d[body + 1]! });
      } else {
        pkt.setLabel(pkt.add(F.alert, body, len, rec), 'Alert Message: Encrypted Alert');
        appendInfo(pkt, 'Encrypted Alert');
        recLabel = 'Encrypted Alert';
        if (tapOn(pkt)) tap(pkt, fromClient, 'alert', len, { alertLevel: -1, alertDescription: -1 });
      }
      break;
    case 22: {
      const label = ccsSeen ? null : handshakeRecord(pkt, s, t, body, end, rec, dir, fromClient);
      if (label === null) {
        releaseHs(t, s, dir);
        pkt.setLabel(pkt.add(F.handshake, body, len, rec), 'Handshake Protocol: Encrypted Handshake Message');
        appendInfo(pkt, 'Encrypted Handshake Message');
        recLabel = 'Handshake Protocol: Encrypted Handshake Message';
        if (tapOn(pkt)) tap(pkt, fromClient, ccsSeen ? 'finished' : 'handshake', len, { handshakeType: -1 });
      } else recLabel = `Handshake Protocol: ${label}`;
      break;
    }
    case 23:
      if (pkt.treeFor(F.tls) && len) pkt.add(F.app_data, body, len, rec);
      appendInfo(pkt, 'Application Data');
      recLabel = 'Application Data Protocol: Application Data';
      if (tapOn(pkt)) {
        // TLS 1.3 without keys: the server's records before the client's first encrypted record
        // are its encrypted handshake; the client's first encrypted record is its Finished.
        if (tls13 && (fromClient ? s.opaqueFromClient === 0 : s.opaqueFromClient === 0)) tap(pkt, fromClient, fromClient ? 'finished' : 'handshake', len, { handshakeType: -1 });
        else tap(pkt, fromClient, 'app_data', len);
      }
      if (tls13 && fromClient) s.opaqueFromClient++;
      break;
    case 24:
      appendInfo(pkt, ccsSeen ? 'Encrypted Heartbeat' : 'Heartbeat');
      break;
  }
  // A ServerHello in this record may have set the version: the column says it (single pass).
  if (!handedOff && !(s.forced13 === pkt.frame.number && !final)) recordColumn(pkt, t, s, known, holeable, version);
  if (pkt.wantLabels && rec >= 0) pkt.setLabel(rec, `${VERSION_SHORT[normVersion(final || s.version || version)] ?? 'TLS'} Record Layer: ${recLabel}`);
  if (pkt.session.pass === 1 && s.version) {
    const prev = t.finals.get(pkt.tcpStream);
    if (prev !== s.version) {
      // The lines a patched read printed with the earlier version would differ.
      if (prev !== undefined) pkt.session.patch?.fail('a TLS stream changed its version');
      t.finals.set(pkt.tcpStream, s.version);
    }
  }
}

/** A record's Protocol column: the version as final as this pass knows it (see decode). */
function recordColumn(pkt: Packet, t: TlsTable, s: TlsSession, known: number | undefined, holeable: boolean, version: number): void {
  const sv = s.version;
  const stream = pkt.tcpStream;
  const col = VERSION_SHORT[normVersion((known ?? 0) || sv || version)] ?? 'TLS';
  setColumn(pkt, holeable ? known : 0, col, () => VERSION_SHORT[normVersion((t.finals.get(stream) ?? 0) || sv || version)] ?? 'TLS');
}

/**
 * Sets the Protocol column to `col`. In a patched read (../patch.ts) with the stream's final
 * version not known yet (`known` undefined), the column is a hole whose text `final` makes at the
 * end; otherwise it cancels a hole an earlier record of the frame left.
 */
function setColumn(pkt: Packet, known: number | undefined, col: string, final: () => string): void {
  const p = pkt.session.patch;
  if (p && pkt.fence === 0) col = p.protocol(known === undefined ? final : null, col);
  pkt.setProtocol(col);
}

/** What a patched read checks of a stream at the end (TlsTable.patched). */
const PATCH_READ = 1;
const PATCH_STRICT = 2;
const PATCH_LENIENT = 4;

function lenientVersion(v: number): boolean {
  return v >= 0x0301 && v <= 0x0303;
}

/**
 * A patched read (../patch.ts) used what this pass knew of a stream's version where the second
 * pass would use the final one: checked at the end (the read goes back to two passes if that
 * version would have made the stream's lines differ).
 */
function notePatched(pkt: Packet, t: TlsTable, what: number): void {
  const p = pkt.session.patch;
  if (!p) return;
  let m = t.patched;
  if (!m) {
    const made = new Map<number, number>();
    m = t.patched = made;
    const finals = t.finals;
    p.check(() => {
      for (const [stream, f] of made) {
        const v = finals.get(stream);
        if (v === undefined) continue;
        if (f & PATCH_READ) return 'a TLS record came before its stream\'s version';
        if (f & PATCH_STRICT && lenientVersion(v)) return 'TLS bytes before the version that a TLS 1.0-1.2 stream parses differently';
        if (f & PATCH_LENIENT && !lenientVersion(v)) return 'a TLS stream changed its version';
      }
      return null;
    });
  }
  m.set(pkt.tcpStream, (m.get(pkt.tcpStream) ?? 0) | what);
}

/** The tap record of an encrypted record, as a read without keys gives it (`decrypted`: it was, with the key log). */
function encryptedTap(pkt: Packet, s: TlsSession, type: number, len: number, tls13: boolean, ccsSeen: boolean, fromClient: boolean, decrypted = false): void {
  if (type === 21) tap(pkt, fromClient, 'alert', len, { alertLevel: -1, alertDescription: -1, decrypted });
  else if (type === 22) tap(pkt, fromClient, ccsSeen ? 'finished' : 'handshake', len, { handshakeType: -1, decrypted });
  else if (type === 23) {
    if (tls13 && s.opaqueFromClient === 0) tap(pkt, fromClient, fromClient ? 'finished' : 'handshake', len, { handshakeType: -1, decrypted });
    else tap(pkt, fromClient, 'app_data', len, { decrypted });
  }
}

/**
 * A decrypted record `[off, end)`: its content dissected from a "Decrypted TLS" data source, as
 * tshark shows it (TLS 1.3: the inner content type, generated, under the opaque type). Returns the
 * record's label.
 */
function decryptedRecord(pkt: Packet, s: TlsSession, t: TlsTable, off: number, body: number, end: number, rec: number, plain: Plaintext, inner: boolean, dir: number, fromClient: boolean): string {
  const type = plain.type;
  if (inner) {
    const ct = pkt.add(F.content_type, off, 1, rec, type);
    if (pkt.wantLabels && ct >= 0) pkt.setLabel(ct, `[Content Type: ${CONTENT_TYPES[type] ?? 'Unknown'} (${type})]`);
  }
  if (type === 23 && pkt.treeFor(F.tls) && end > body) pkt.add(F.app_data, body, end - body, rec);
  const data = plain.data;
  const prev = pkt.pushSource(data, 'Decrypted TLS');
  t.quietTap = true;
  try {
    switch (type) {
      case 21: {
        if (data.length < 2) return 'Alert';
        const a = pkt.add(F.alert, 0, 2, rec);
        pkt.add(F.alert_level, 0, 1, a, data[0]!);
        pkt.add(F.alert_desc, 1, 1, a, data[1]!);
        const text = `Alert (Level: ${ALERT_LEVELS[data[0]!] ?? 'Unknown'}, Description: ${ALERT_DESCRIPTIONS[data[1]!] ?? 'Unknown'})`;
        appendInfo(pkt, text);
        return text;
      }
      case 22: {
        const label = handshakeRecord(pkt, s, t, 0, data.length, rec, dir, fromClient);
        if (label === null) {
          releaseHs(t, s, dir);
          pkt.setLabel(pkt.add(F.handshake, 0, data.length, rec), 'Handshake Protocol: Encrypted Handshake Message');
          appendInfo(pkt, 'Encrypted Handshake Message');
          return 'Handshake Protocol: Encrypted Handshake Message';
        }
        return `Handshake Protocol: ${label}`;
      }
      case 23:
        // Data handed to HTTP: the Info is HTTP's (empty while it waits for the rest of a message, as tshark -2).
        if (!handsToHttp(pkt, s, data)) appendInfo(pkt, 'Application Data');
        if (data.length && pkt.session.pass !== 1 && pkt.session.taps.on(TLS_DATA_TAP)) {
          const r = pkt.session.taps.record(TLS_DATA_TAP);
          r.frame = pkt.frame.number;
          r.stream = pkt.tcpStream;
          r.fromClient = fromClient;
          r.data = data;
          r.firstFromClient = s.crypt!.firstDir === 0;
        }
        applicationData(pkt, s, data, fromClient);
        return 'Application Data Protocol: Application Data';
      case 20:
        pkt.add(F.change_cipher_spec, 0, data.length, rec);
        appendInfo(pkt, 'Change Cipher Spec');
        return 'Change Cipher Spec Protocol: Change Cipher Spec';
      default:
        appendInfo(pkt, CONTENT_TYPES[type] ?? `Unknown (${type})`);
        return CONTENT_TYPES[type] ?? 'Unknown';
    }
  } finally {
    t.quietTap = false;
    pkt.popSource(prev);
  }
}

/**
 * Decrypted application data, handed to the protocol the connection carries when wirelite has
 * its dissector, decided at the connection's first data as tshark's TLS application table and
 * heuristics do: HTTP/1.x by ALPN (http/1.1), or without ALPN by an HTTP request or status line,
 * through src/dissectors/http's stream entry (reassembly and pairing per TCP stream). HTTP/2 (ALPN
 * h2) and everything else stay TLS application data.
 */
function applicationData(pkt: Packet, s: TlsSession, data: Uint8Array, fromClient: boolean): void {
  if (handsToHttp(pkt, s, data)) feedHttpStream(pkt, pkt.tcpStream, fromClient ? 0 : 1, 0, data.length, true);
}

/** Whether this connection's decrypted data goes to HTTP (decided at its first data). */
function handsToHttp(pkt: Packet, s: TlsSession, data: Uint8Array): boolean {
  const c = s.crypt;
  if (!data.length || !c) return false;
  if (c.app === '') c.app = c.alpn === 'http/1.1' || (c.alpn === '' && looksLikeHttp(data)) ? 'http' : 'none';
  return c.app === 'http' && !httpDisabled(pkt);
}

/** `--disable-protocol http`: the session's disabled protocols, else the process-wide ones. */
function httpDisabled(pkt: Packet): boolean {
  const names = (pkt.session as { disabledNames?: ReadonlySet<string> }).disabledNames;
  if (names) return names.has('http');
  return !(protocolEnabled as unknown as (name: string) => boolean)('http');
}

/** An HTTP/1.x request or status line at the start of the data (an upper-case method and a space, or "HTTP/1."). */
function looksLikeHttp(d: Uint8Array): boolean {
  let i = 0;
  while (i < d.length && i < 16 && d[i]! >= 0x41 && d[i]! <= 0x5a) i++;
  if (i >= 3 && d[i] === 0x20) return true;
  return d.length >= 7 && d[0] === 0x48 && d[1] === 0x54 && d[2] === 0x54 && d[3] === 0x50 && d[4] === 0x2f && d[5] === 0x31 && d[6] === 0x2e;
}

/** Remembers the "Transport Layer Security" item just added, for the next record of its data source. */
function setTop(pkt: Packet, t: TlsTable, item: number): void {
  t.lastTop.frame = pkt.frame.number;
  t.lastTop.pass = pkt.session.pass;
  t.lastTop.src = pkt.cur;
  t.lastTop.item = item;
}

const tls: Dissector = { name: 'tls', longName: 'Transport Layer Security', decode };

/** Bytes that do not start a record (the middle of one after a capture gap): tshark's "Continuation Data". */
function continuation(pkt: Packet, off: number, end: number): void {
  if (off >= end) return;
  const s = session(pkt);
  const t = table(pkt);
  const known = t.finals.get(pkt.tcpStream);
  const sv = s.version;
  const stream = pkt.tcpStream;
  let first = true;
  for (let i = 0; i < pkt.protocols.length; i++) if (pkt.protocols.at(i) === 'tls') first = false;
  setTop(pkt, t, pkt.addProtocol(F.tls, 'tls', off, end - off, -1));
  if (first) pkt.setInfo('');
  setColumn(pkt, known, VERSION_SHORT[normVersion(known ?? sv)] ?? 'TLS', () => VERSION_SHORT[normVersion(t.finals.get(stream) ?? sv)] ?? 'TLS');
  appendInfo(pkt, 'Continuation Data');
}

/**
 * TCP ports where TLS is expected: Wireshark 4.0's defaults (`tshark -G decodes`, tcp.port -> tls:
 * HTTPS, SMTPS, LDAPS, IMAPS, POP3S, DNS over TLS, SIP-TLS, AMQPS, MQTTS, ...).
 */
export const TLS_PORTS = [324, 443, 465, 636, 802, 853, 993, 995, 1300, 2221, 2443, 3249, 3250, 3251, 3252, 3496, 5061, 5671, 5684, 5868, 8883, 11207, 19999, 27017];
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
  if (off + 11 <= end && d[off + 9] !== 3 && d[off + 9] !== 0x7f) return -1;
  return ht === 1 ? dp : sp;
}
registerStreamHeuristic(looksLikeHello, { parser: tlsRecords, dissector: tls, rejected: continuation, prepare }, 'tls_tcp');

/** The parser for the segment about to be fed: lenient once the stream's session is TLS 1.0-1.2. */
function prepare(pkt: Packet): StreamParser {
  const t = table(pkt);
  const cur = t.byStream.get(pkt.tcpStream)?.version ?? 0;
  const known = t.finals.get(pkt.tcpStream);
  const v = known ?? cur;
  if (known === undefined && pkt.session.patch) {
    // A patched read: the second pass may parse with the final version's parser (see notePatched).
    if (lenientVersion(v)) notePatched(pkt, t, PATCH_LENIENT);
    else {
      watched.pkt = pkt;
      watched.t = t;
      return tlsRecordsWatched;
    }
  }
  return lenientVersion(v) ? tlsRecordsLenient : tlsRecords;
}

/** The segment the watched parser parses (set by prepare just before). */
const watched: { pkt: Packet | null; t: TlsTable | null } = { pkt: null, t: null };

/** tlsRecords, noting the stream when the lenient parser would have taken the bytes differently. */
const tlsRecordsWatched: StreamParser = {
  parse: (d, off, end, out) => {
    const avail = end - off;
    if ((avail < 5 || d[off]! < 20 || d[off]! > 24 || (d[off + 1] !== 3 && d[off + 1] !== 0x7f)) && watched.pkt && watched.t) notePatched(watched.pkt, watched.t, PATCH_STRICT);
    parseRecords(false, d, off, end, out);
  },
};
/**
 * TLS handshake messages in the clear (RFC 8446 4, RFC 5246 7.4): reassembled per direction over
 * records (a message split over several records, several messages in one record) and dissected in
 * the record that completes them, from a "Reassembled Handshake Message" data source
 * (HANDSHAKE_LIMITS bound the memory). Hellos and their extensions: ./hello.ts.
 */
import { u16, u24, u32, toHex } from '../bytes.js';
import { annotate, annotation, type Packet } from '../packet.js';
import type { TlsHelloInfo } from './types.js';
import { ja3, ja3s, ja4, ja4s } from './fingerprint.js';
import { decodeCertificate } from './x509.js';
import { CERT_TYPES, CIPHER_SUITES, HANDSHAKE_TYPES, HRR_RANDOM } from './names.js';
import { F } from './fields.js';
import { HANDSHAKE_LIMITS, appendInfo, container, short, subtree, tap, tapOn, type HsBuffer, type TlsSession, type TlsTable } from './session.js';
import { encryptedExtensions, extension, hello, sigAlgList } from './hello.js';
import { clientKeyExchangeKeys, handshakeTranscript, serverHelloDoneKeys, sessionTicketKeys, ticketKey } from './keys.js';

/**
 * The handshake messages in the clear of one record `[p, end)`, with the direction's reassembly.
 * Returns the record's label (the message name, "Multiple Handshake Messages"), or null when the
 * record does not hold handshake messages (it is then taken as encrypted, as tshark does).
 */
export function handshakeRecord(pkt: Packet, s: TlsSession, t: TlsTable, p: number, end: number, rec: number, dir: number, fromClient: boolean): string | null {
  const d = pkt.data;
  const frame = pkt.frame.number;
  let h = s.hs[dir];
  if (!h || (h.have === 0 && h.total === 0)) {
    // A first look: every message must have a known type; the first one that does not fit must
    // be short enough to be a fragment, else the record is encrypted.
    if (end - p >= 1 && HANDSHAKE_TYPES[d[p]!] === undefined) return null;
    for (let q = p; q < end; ) {
      if (q + 4 > end) break;
      const ht = d[q]!;
      const hl = u24(d, q + 1);
      if (HANDSHAKE_TYPES[ht] === undefined) return null;
      if (q + 4 + hl > end) {
        if (q === p && hl > HANDSHAKE_LIMITS.maxFirstFragmentLength) return null;
        break;
      }
      q += 4 + hl;
    }
  }
  let names = 0;
  let label = '';
  // Continue the message this direction is reassembling.
  if (h && (h.have > 0 || h.total > 0)) {
    while (p < end && h) {
      let want = h.total === 0 ? 4 - h.have : h.total - h.have;
      const take = Math.min(want, end - p);
      const piece = pkt.add(F.handshake, p, take, rec);
      if (!h.skip) h.buf!.set(d.subarray(p, p + take), h.have);
      h.have += take;
      if (h.frames[h.frames.length - 1] === frame) h.sizes[h.sizes.length - 1]! += take;
      else if (h.frames.length < 4096) {
        h.frames.push(frame);
        h.sizes.push(take);
      }
      p += take;
      want -= take;
      if (h.total === 0) {
        if (h.have < 4) break;
        // The header is complete: now the message's length is known.
        const hl = u24(h.buf!, 1);
        if (!startBuffer(pkt, t, h, 4 + hl, piece)) {
          // An oversized message: skipped; the fragments so far are not kept.
        }
        if (h.have >= h.total) {
          const ht = finishMessage(pkt, s, t, h, rec, dir, fromClient, piece);
          h = s.hs[dir];
          names++;
          label = names === 1 ? (HANDSHAKE_TYPES[ht] ?? 'Unknown') : 'Multiple Handshake Messages';
          break;
        }
        continue;
      }
      if (want === 0) {
        if (pkt.wantLabels) pkt.setLabel(piece, `Handshake Protocol: ${HANDSHAKE_TYPES[h.buf ? h.buf[0]! : -1] ?? 'Unknown'} (last fragment)`);
        const ht = finishMessage(pkt, s, t, h, rec, dir, fromClient, piece);
        h = s.hs[dir];
        names++;
        label = names === 1 ? (HANDSHAKE_TYPES[ht] ?? 'Unknown') : 'Multiple Handshake Messages';
      } else {
        if (pkt.wantLabels) pkt.setLabel(piece, `Handshake Protocol: ${h.buf && h.have > 0 ? (HANDSHAKE_TYPES[h.buf[0]!] ?? 'Unknown') : 'Unknown'} (fragment)`);
        if (pkt.session.pass === 2) {
          const r = annotation(pkt, frame, 'tls.handshake.reassembled_in');
          if (r !== undefined) pkt.add(F.hs_reassembled_in, p, 0, rec, r);
        }
        label = 'Multiple Handshake Messages';
      }
    }
  }
  const startP = p;
  while (p < end) {
    const rest = end - p;
    if (rest < 4 || p + 4 + u24(d, p + 1) > end) {
      // The start of a message that continues in the next records.
      const hb: HsBuffer = { buf: null, have: 0, total: 0, skip: false, frames: [frame], sizes: [rest], };
      const ht = d[p]!;
      const item = pkt.add(F.handshake, p, rest, rec);
      if (rest >= 4) startBuffer(pkt, t, hb, 4 + u24(d, p + 1), item);
      else startBuffer(pkt, t, hb, 0, item);
      if (!hb.skip) hb.buf!.set(d.subarray(p, end), 0);
      hb.have = rest;
      s.hs[dir] = hb;
      if (pkt.wantLabels) pkt.setLabel(item, `Handshake Protocol: ${HANDSHAKE_TYPES[ht] ?? 'Unknown'} (fragment)`);
      if (pkt.session.pass === 2) {
        const r = annotation(pkt, frame, 'tls.handshake.reassembled_in');
        if (r !== undefined) pkt.add(F.hs_reassembled_in, p, 0, rec, r);
      }
      // tshark: a record that begins with a fragment says so in Info.
      if (p === startP && names === 0 && label === '') appendInfo(pkt, `[${HANDSHAKE_TYPES[ht] ?? 'Unknown'} Fragment]`);
      label = names === 0 && label === '' ? `${HANDSHAKE_TYPES[ht] ?? 'Unknown'} (fragment)` : 'Multiple Handshake Messages';
      break;
    }
    const hl = u24(d, p + 1);
    const ht = message(pkt, s, p, p + 4 + hl, rec, fromClient);
    names++;
    label = names === 1 && label === '' ? (HANDSHAKE_TYPES[ht] ?? 'Unknown') : 'Multiple Handshake Messages';
    p += 4 + hl;
  }
  return label || 'Handshake';
}

/** Sizes a reassembly buffer for a message of `total` bytes (0: header not complete yet). */
function startBuffer(pkt: Packet, t: TlsTable, h: HsBuffer, total: number, item: number): boolean {
  const cap = total === 0 ? 4 : total;
  if (total > HANDSHAKE_LIMITS.maxMessageBytes || t.held + cap > HANDSHAKE_LIMITS.maxTotalBytes) {
    if (h.buf) t.held -= h.buf.length;
    h.buf = null;
    h.skip = true;
    h.total = total;
    pkt.markMalformed(item, `Malformed Packet (TLS handshake message of ${total - 4} bytes: over the reassembly limit of ${HANDSHAKE_LIMITS.maxMessageBytes - 4} bytes${total <= HANDSHAKE_LIMITS.maxMessageBytes ? ' held over all sessions' : ''})`);
    return false;
  }
  const old = h.buf;
  const b = new Uint8Array(cap);
  if (old) {
    b.set(old.subarray(0, Math.min(h.have, cap)));
    t.held -= old.length;
  }
  t.held += cap;
  h.buf = b;
  h.total = total;
  return true;
}

/**
 * A reassembled message is complete: dissect it from its own data source. Returns its handshake
 * type (-1: an oversized message, skipped).
 */
function finishMessage(pkt: Packet, s: TlsSession, t: TlsTable, h: HsBuffer, rec: number, dir: number, fromClient: boolean, piece: number): number {
  const frame = pkt.frame.number;
  s.hs[dir] = null;
  if (h.buf) t.held -= h.buf.length;
  if (h.skip || !h.buf) return -1;
  if (pkt.session.pass === 1) for (const f of h.frames) if (f !== frame) annotate(pkt, f, 'tls.handshake.reassembled_in', frame);
  const buf = h.buf;
  if (pkt.treeFor(F.tls)) {
    const frags = pkt.add(F.hs_fragments, pkt.start[piece] ?? 0, 0, rec);
    if (frags >= 0) {
      let at = 0;
      for (let i = 0; i < h.frames.length; i++) {
        const f = pkt.add(F.hs_fragment, 0, 0, frags, h.frames[i]!);
        if (pkt.wantLabels) pkt.setLabel(f, `[Frame: ${h.frames[i]}, payload: ${at}-${at + h.sizes[i]! - 1} (${h.sizes[i]} bytes)]`);
        at += h.sizes[i]!;
      }
      pkt.add(F.hs_fragment_count, 0, 0, frags, h.frames.length);
      if (pkt.wantLabels) {
        const parts = h.frames.map((f, i) => `#${f}(${h.sizes[i]})`);
        pkt.setLabel(frags, `[${h.frames.length} Reassembled Handshake Fragments (${buf.length} bytes): ${parts.join(', ')}]`);
      }
    }
  }
  const prev = pkt.pushSource(buf, `Reassembled Handshake Message (${buf.length} bytes)`);
  try {
    return message(pkt, s, 0, buf.length, rec, fromClient);
  } finally {
    pkt.popSource(prev);
  }
}

/**
 * One whole handshake message `[p, end)` (header included) of the current data source. Returns its
 * type (6 for a HelloRetryRequest).
 */
function message(pkt: Packet, s: TlsSession, p: number, end: number, rec: number, fromClient: boolean): number {
  const d = pkt.data;
  let ht = d[p]!;
  const hl = u24(d, p + 1);
  const hs = pkt.add(F.handshake, p, end - p, rec);
  if (ht === 2 && end - p >= 38 && toHex(d, p + 6, 32) === HRR_RANDOM) ht = 6;
  pkt.add(F.hs_type, p, 1, hs, ht === 6 ? 2 : ht);
  pkt.add(F.hs_length, p + 1, 3, hs, hl);
  // A decrypted TLS 1.3 Finished, KeyUpdate or EndOfEarlyData changes its side's keys after this record (./keys.ts).
  if (s.crypt && s.tls13 && (ht === 20 || ht === 24 || ht === 5)) s.crypt.event[fromClient ? 0 : 1] = ht;
  const name = HANDSHAKE_TYPES[ht] ?? `Unknown (${ht})`;
  if (pkt.wantLabels) pkt.setLabel(hs, `Handshake Protocol: ${name}`);
  appendInfo(pkt, name);
  const b = p + 4;
  const tapping = tapOn(pkt);
  // With a key log, TLS 1.0-1.2: the session hash of the extended master secret (./keys.ts).
  if (s.crypt && ht !== 1) handshakeTranscript(s, d, p, end, ht, false);
  switch (ht) {
    case 1:
    case 2:
    case 6: {
      if (ht === 1 && s.clientDir < 0) s.clientDir = pkt.tcpDir;
      if (ht !== 1 && s.clientDir < 0) s.clientDir = 1 - pkt.tcpDir;
      const info = hello(pkt, s, b, end, hs, ht === 1, tapping || fingerprintWanted(pkt, ht === 1));
      if (ht === 1 && s.crypt) handshakeTranscript(s, d, p, end, ht, true);
      if (info) {
        fingerprints(pkt, info, hs, b, end);
        if (tapping) tap(pkt, ht === 1, ht === 1 ? 'client_hello' : ht === 2 ? 'server_hello' : 'hello_retry_request', end - p, { hello: info });
      }
      return ht;
    }
    case 4:
      newSessionTicket(pkt, s, b, end, hs);
      break;
    case 8: // EncryptedExtensions (TLS 1.3, seen decrypted)
      encryptedExtensions(pkt, s, b, end, hs);
      break;
    case 24: // KeyUpdate (RFC 8446 4.6.3)
      if (end - b >= 1) pkt.add(F.hs_key_update, b, 1, hs, d[b]!);
      break;
    case 11:
      certificate(pkt, s, b, end, hs, fromClient, tapping);
      return ht;
    case 12:
      serverKeyExchange(pkt, s, b, end, hs);
      break;
    case 13:
      certificateRequest(pkt, s, b, end, hs);
      break;
    case 14: // ServerHelloDone: a full handshake (./keys.ts)
      if (s.crypt) serverHelloDoneKeys(pkt, s);
      break;
    case 15:
      if (end - b >= 4) {
        const a = pkt.add(F.hs_sig_hash_alg, b, 2, hs, u16(d, b));
        if (a >= 0) {
          pkt.add(F.hs_sig_hash_hash, b, 1, a, d[b]!);
          pkt.add(F.hs_sig_hash_sig, b + 1, 1, a, d[b + 1]!);
        }
        const sl = u16(d, b + 2);
        pkt.add(F.hs_cert_vrfy_sig_len, b + 2, 2, hs, sl);
        if (b + 4 + sl <= end && pkt.treeFor(F.tls)) pkt.add(F.hs_cert_vrfy_sig, b + 4, sl, hs);
        else if (b + 4 + sl > end) pkt.markMalformed(hs, 'Malformed Packet (TLS Certificate Verify: signature beyond the message)');
      }
      break;
    case 16:
      clientKeyExchange(pkt, s, b, end, hs);
      if (s.crypt) clientKeyExchangeKeys(pkt, s, d, b, end);
      break;
    case 22: // CertificateStatus (RFC 6066 8)
      if (end - b >= 1) pkt.add(F.hs_status_request_type, b, 1, hs, d[b]!);
      break;
    case 20:
      pkt.add(F.hs_verify_data, b, end - b, hs);
      if (tapping) tap(pkt, fromClient, 'finished', end - p, { handshakeType: 20 });
      return ht;
  }
  if (tapping) tap(pkt, fromClient, 'handshake', end - p, { handshakeType: ht });
  return ht;
}

/** NewSessionTicket (RFC 5077 3.3; RFC 8446 4.6.1). */
function newSessionTicket(pkt: Packet, s: TlsSession, p: number, end: number, hs: number): void {
  const d = pkt.data;
  if (p + 4 > end) return short(pkt, hs, 'New Session Ticket');
  hs = subtree(pkt, p, end - p, hs, 'TLS Session Ticket');
  const life = pkt.add(F.hs_ticket_lifetime_hint, p, 4, hs, u32(d, p));
  if (pkt.wantLabels) pkt.setLabel(life, `Session Ticket Lifetime Hint: ${u32(d, p)} ${lifetimeText(u32(d, p))}`);
  let q = p + 4;
  if (s.tls13) {
    if (q + 5 > end) return short(pkt, hs, 'New Session Ticket');
    pkt.add(F.hs_ticket_age_add, q, 4, hs, u32(d, q));
    const nl = d[q + 4]!;
    pkt.add(F.hs_ticket_nonce_length, q + 4, 1, hs, nl);
    if (q + 5 + nl > end) return short(pkt, hs, 'New Session Ticket');
    if (nl && pkt.treeFor(F.tls)) pkt.add(F.hs_ticket_nonce, q + 5, nl, hs);
    q += 5 + nl;
  }
  if (q + 2 > end) return short(pkt, hs, 'New Session Ticket');
  const tl = u16(d, q);
  pkt.add(F.hs_ticket_length, q, 2, hs, tl);
  if (q + 2 + tl > end) return short(pkt, hs, 'New Session Ticket');
  if (pkt.treeFor(F.tls) && tl) pkt.add(F.hs_ticket, q + 2, tl, hs);
  if (s.crypt && !s.tls13) sessionTicketKeys(pkt, s, ticketKey(d, q + 2, q + 2 + tl));
  q += 2 + tl;
  if (s.tls13 && q + 2 <= end) {
    const xl = u16(d, q);
    pkt.add(F.hs_extensions_length, q, 2, hs, xl);
    for (let k = q + 2; k + 4 <= Math.min(end, q + 2 + xl); ) {
      const et = u16(d, k);
      const el = u16(d, k + 2);
      pkt.add(F.hs_extension_type, k, 2, hs, et);
      pkt.add(F.hs_extension_len, k + 2, 2, hs, el);
      if (k + 4 + el > end) return short(pkt, hs, 'New Session Ticket extension');
      extension(pkt, et, k + 4, k + 4 + el, hs, false, null);
      k += 4 + el;
    }
  }
}

/** tshark's unit text of a ticket lifetime: `seconds (5 minutes)`, `seconds (1 day, 2 hours)`. */
function lifetimeText(v: number): string {
  const parts: string[] = [];
  const units: [number, string][] = [[86400, 'day'], [3600, 'hour'], [60, 'minute'], [1, 'second']];
  let r = v;
  for (const [n, name] of units) {
    const q = Math.floor(r / n);
    r -= q * n;
    if (q) parts.push(`${q} ${name}${q === 1 ? '' : 's'}`);
  }
  return `second${v === 1 ? '' : 's'} (${parts.join(', ') || '0 seconds'})`;
}

/** Certificate (RFC 5246 7.4.2; RFC 8446 4.4.2): the chain and each certificate's length. */
function certificate(pkt: Packet, s: TlsSession, p: number, end: number, hs: number, fromClient: boolean, tapping: boolean): void {
  const d = pkt.data;
  let q = p;
  if (s.tls13) {
    if (q + 1 > end) return short(pkt, hs, 'Certificate');
    pkt.add(F.hs_certificate_request_context_length, q, 1, hs, d[q]!);
    q += 1 + d[q]!;
  }
  if (q + 3 > end) return short(pkt, hs, 'Certificate');
  const total = u24(d, q);
  pkt.add(F.hs_certificates_length, q, 3, hs, total);
  const listEnd = q + 3 + total;
  if (listEnd > end) short(pkt, hs, 'Certificate list');
  const certs: { der: Uint8Array }[] | null = tapping ? [] : null;
  const list = total ? container(pkt, F.hs_certificates, q + 3, Math.min(listEnd, end) - q - 3, hs, `Certificates (${total} bytes)`) : hs;
  for (let k = q + 3; k < Math.min(listEnd, end); ) {
    if (k + 3 > end) return short(pkt, hs, 'Certificate');
    const cl = u24(d, k);
    pkt.add(F.hs_certificate_length, k, 3, list, cl);
    if (k + 3 + cl > end) return short(pkt, hs, 'Certificate');
    if (pkt.treeFor(F.tls)) certificateNames(pkt, k + 3, cl, list);
    certs?.push({ der: d.subarray(k + 3, k + 3 + cl) });
    k += 3 + cl;
    if (s.tls13) {
      if (k + 2 > end) return short(pkt, hs, 'Certificate extensions');
      pkt.add(F.hs_extensions_length, k, 2, list, u16(d, k));
      k += 2 + u16(d, k);
    }
  }
  if (tapping) tap(pkt, fromClient, 'certificate', end - p + 4, { certificates: certs ?? [] });
}

/**
 * One certificate's bytes, and its subject and issuer names (./x509.ts) when they are wanted: in
 * the full tree (the Certificate line then ends with the subject, as in tshark -V) or selected.
 */
function certificateNames(pkt: Packet, off: number, len: number, parent: number): void {
  const c = pkt.add(F.hs_certificate, off, len, parent);
  let want = pkt.wantLabels;
  for (const f of [F.hs_cert_subject, F.hs_cert_issuer]) {
    if (!want && pkt.add(f, 0, 0, -1) >= 0) {
      pkt.n--;
      want = true;
    }
  }
  if (!want) return;
  const x = decodeCertificate(pkt.data.subarray(off, off + len));
  if (!x) return;
  const at = c >= 0 ? c : parent;
  pkt.add(F.hs_cert_subject, off, len, at, 0, x.subject);
  pkt.add(F.hs_cert_issuer, off, len, at, 0, x.issuer);
  if (pkt.wantLabels && c >= 0) pkt.setLabel(c, `Certificate: ${toHex(pkt.data, off, Math.min(len, 36))}${len > 36 ? '…' : ''} (${x.subject})`);
}

/** ServerKeyExchange (RFC 8422 5.4 for ECDHE, RFC 5246 7.4.3 for DHE). */
function serverKeyExchange(pkt: Packet, s: TlsSession, p: number, end: number, hs: number): void {
  const d = pkt.data;
  if (s.cipher < 0) return;
  const name = CIPHER_SUITES[s.cipher] ?? '';
  let q = p;
  if (name.includes('_ECDHE_') || (!name && d[p] === 3 && p + 4 <= end && p + 4 + d[p + 3]! <= end)) {
    if (q + 4 > end) return short(pkt, hs, 'Server Key Exchange');
    s.kex = 1;
    hs = subtree(pkt, p, end - p, hs, 'EC Diffie-Hellman Server Params');
    pkt.add(F.hs_server_curve_type, q, 1, hs, d[q]!);
    if (d[q] !== 3) return;
    pkt.add(F.hs_server_named_curve, q + 1, 2, hs, u16(d, q + 1));
    const pl = d[q + 3]!;
    pkt.add(F.hs_server_point_len, q + 3, 1, hs, pl);
    if (q + 4 + pl > end) return short(pkt, hs, 'Server Key Exchange');
    if (pkt.treeFor(F.tls)) pkt.add(F.hs_server_point, q + 4, pl, hs);
    q += 4 + pl;
  } else if (name.includes('_DHE_') || !name) {
    s.kex = 2;
    hs = subtree(pkt, p, end - p, hs, 'Diffie-Hellman Server Params');
    for (const f of [F.hs_p_len, F.hs_g_len, F.hs_ys_len]) {
      if (q + 2 > end) return short(pkt, hs, 'Server Key Exchange');
      pkt.add(f, q, 2, hs, u16(d, q));
      q += 2 + u16(d, q);
      if (q > end) return short(pkt, hs, 'Server Key Exchange');
    }
  } else return;
  // TLS 1.2 signs with an explicit algorithm; earlier versions do not.
  if (s.version === 0x0303 && q + 2 <= end) {
    const a = pkt.add(F.hs_sig_hash_alg, q, 2, hs, u16(d, q));
    if (a >= 0) {
      pkt.add(F.hs_sig_hash_hash, q, 1, a, d[q]!);
      pkt.add(F.hs_sig_hash_sig, q + 1, 1, a, d[q + 1]!);
    }
    q += 2;
  }
  if (q + 2 > end) return;
  const sl = u16(d, q);
  pkt.add(F.hs_sig_len, q, 2, hs, sl);
  if (q + 2 + sl > end) return short(pkt, hs, 'Server Key Exchange signature');
  if (pkt.treeFor(F.tls)) pkt.add(F.hs_sig, q + 2, sl, hs);
}

/** CertificateRequest (RFC 5246 7.4.4; RFC 8446 4.3.2). */
function certificateRequest(pkt: Packet, s: TlsSession, p: number, end: number, hs: number): void {
  const d = pkt.data;
  if (s.tls13) {
    if (p + 1 > end) return short(pkt, hs, 'Certificate Request');
    pkt.add(F.hs_certificate_request_context_length, p, 1, hs, d[p]!);
    return;
  }
  if (p + 1 > end) return short(pkt, hs, 'Certificate Request');
  const n = d[p]!;
  pkt.add(F.hs_cert_types_count, p, 1, hs, n);
  if (p + 1 + n > end) return short(pkt, hs, 'Certificate Request');
  const types = container(pkt, F.hs_cert_types, p + 1, n, hs, `Certificate types (${n} type${n === 1 ? '' : 's'})`);
  for (let k = p + 1; k < p + 1 + n; k++) {
    const c = pkt.add(F.hs_cert_type, k, 1, types, d[k]!);
    if (pkt.wantLabels) pkt.setLabel(c, `Certificate type: ${CERT_TYPES[d[k]!] ?? 'Unknown'} (${d[k]})`);
  }
  let q = p + 1 + n;
  if (s.version === 0x0303) {
    if (q + 2 > end) return short(pkt, hs, 'Certificate Request');
    const sl = u16(d, q);
    pkt.add(F.hs_sig_hash_alg_len, q, 2, hs, sl);
    if (q + 2 + sl > end) return short(pkt, hs, 'Certificate Request');
    sigAlgList(pkt, q + 2, q + 2 + sl, hs, null);
    q += 2 + sl;
  }
  if (q + 2 > end) return short(pkt, hs, 'Certificate Request');
  pkt.add(F.hs_dnames_len, q, 2, hs, u16(d, q));
}

/** ClientKeyExchange (RFC 5246 7.4.7; RFC 8422 5.7). */
function clientKeyExchange(pkt: Packet, s: TlsSession, p: number, end: number, hs: number): void {
  const d = pkt.data;
  // Without the ServerHello the key exchange is unknown: tshark shows the bare message.
  if (s.cipher < 0) return;
  const name = CIPHER_SUITES[s.cipher] ?? '';
  if (name.includes('_ECDH') || (!name && s.kex === 1)) {
    if (p + 1 > end) return short(pkt, hs, 'Client Key Exchange');
    hs = subtree(pkt, p, end - p, hs, 'EC Diffie-Hellman Client Params');
    const pl = d[p]!;
    pkt.add(F.hs_client_point_len, p, 1, hs, pl);
    if (p + 1 + pl > end) return short(pkt, hs, 'Client Key Exchange');
    if (pkt.treeFor(F.tls)) pkt.add(F.hs_client_point, p + 1, pl, hs);
    return;
  }
  if (p + 2 > end) return;
  const l = u16(d, p);
  if (name.includes('_DHE_') || (!name && s.kex === 2)) {
    hs = subtree(pkt, p, end - p, hs, 'Diffie-Hellman Client Params');
    pkt.add(F.hs_yc_len, p, 2, hs, l);
    if (p + 2 + l > end) short(pkt, hs, 'Client Key Exchange');
    return;
  }
  hs = subtree(pkt, p, end - p, hs, 'RSA Encrypted PreMaster Secret');
  pkt.add(F.hs_epms_len, p, 2, hs, l);
  if (p + 2 + l > end) return short(pkt, hs, 'Client Key Exchange');
  if (pkt.treeFor(F.tls)) pkt.add(F.hs_epms, p + 2, l, hs);
}

// --- fingerprints (computed by ./fingerprint.ts)

/**
 * Whether a fingerprint field of this hello is kept in the tree (selected by -e or a filter, or
 * the full tree). A probe: the item is added and taken back, so the -q path computes nothing.
 */
function fingerprintWanted(pkt: Packet, client: boolean): boolean {
  if (!pkt.treeFor(F.tls)) return false;
  for (const f of client ? [F.hs_ja3_full, F.hs_ja3, F.hs_ja4] : [F.hs_ja3s_full, F.hs_ja3s, F.hs_ja4s]) {
    if (pkt.add(f, 0, 0, -1) >= 0) {
      pkt.n--;
      return true;
    }
  }
  return false;
}

/** JA3/JA4 (ClientHello), JA3S/JA4S (ServerHello, HelloRetryRequest), generated under the hello. */
function fingerprints(pkt: Packet, info: TlsHelloInfo, hs: number, p: number, end: number): void {
  if (!fingerprintWanted(pkt, info.client)) return;
  const put = (f: number, v: () => string) => {
    const i = pkt.add(f, p, end - p, hs);
    if (i >= 0) pkt.ref[i] = v();
  };
  if (info.client) {
    const j = ja3(info);
    put(F.hs_ja3_full, () => j.full);
    put(F.hs_ja3, () => j.hash);
    put(F.hs_ja4, () => ja4(info));
  } else {
    const j = ja3s(info);
    put(F.hs_ja3s_full, () => j.full);
    put(F.hs_ja3s, () => j.hash);
    put(F.hs_ja4s, () => ja4s(info));
  }
}

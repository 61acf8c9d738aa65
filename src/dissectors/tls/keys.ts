/**
 * When a connection's keys come into use, from the key log of the capture's session
 * (./keylog.ts) and the handshake: the ClientHello's random names the connection, the ServerHello
 * gives the suite, the version and the server random, then
 * - TLS 1.3: each side's handshake traffic keys protect its records from the ServerHello on, its
 *   application traffic keys after its Finished, the next ones after its KeyUpdate; a client that
 *   offered early data sends it under CLIENT_EARLY_TRAFFIC_SECRET's keys (tried with each TLS 1.3
 *   suite at its first record) until its EndOfEarlyData, or the first record those do not open;
 * - TLS 1.0-1.2: each side's keys (from the master secret) protect its records after its
 *   ChangeCipherSpec. The master secret is the key log's CLIENT_RANDOM line, unless a pre-master
 *   secret is found at the ClientKeyExchange (PMS_CLIENT_RANDOM by the client random, else an RSA
 *   line by the first 8 bytes of the encrypted pre-master secret), which wins as in Wireshark's
 *   packet-tls-utils.c (ssl_generate_pre_master_secret, ssl_finalize_decryption); with the
 *   extended master secret (both hellos, RFC 7627) the PRF takes the session hash of the
 *   handshake messages from the ClientHello to the ClientKeyExchange (CertificateVerify left out,
 *   as Wireshark does).
 * Nothing here runs when the session has no key log (`crypt` stays null).
 */
import { createHash } from 'node:crypto';
import type { Packet } from '../packet.js';
import { refreshKeyLog, sessionKeyLog } from './keylog.js';
import { toHex as hex, u16 } from '../bytes.js';
import { decryptRecord, masterFromPremaster, sessionHashOf, type Plaintext, tls12Decoders, tls13Decoder, tls13Update, transcriptHashes } from './decrypt.js';
import { TLS_CIPHER_SUITES } from './ciphers.js';
import type { TlsKeyLog } from './keylog.js';
import { HANDSHAKE_LIMITS, table, type TlsCrypt, type TlsSession } from './session.js';

/** A ClientHello: the connection may be decrypted if the session has a key log. */
export function clientHelloRandom(pkt: Packet, s: TlsSession, d: Uint8Array, at: number): void {
  if (!sessionKeyLog(pkt.session)) return;
  s.crypt = {
    clientRandom: d.slice(at, at + 32),
    serverRandom: null,
    etm: false,
    ems: false,
    clientEms: false,
    early: false,
    earlyTried: false,
    clientHs: null,
    sessionId: '',
    ticket: '',
    master: null,
    fromTicket: false,
    pending: null,
    hash: null,
    dec: [null, null],
    next: [null, null],
    event: [0, 0],
    alpn: '',
    firstDir: -1,
    app: '',
    decrypted: 0,
    failed: 0,
  };
}

/** A ServerHello (not a HelloRetryRequest) was dissected: its random, then the keys if the log has them. */
export function serverHelloKeys(pkt: Packet, s: TlsSession, d: Uint8Array, at: number, etm: boolean, ems: boolean): void {
  const c = s.crypt;
  const log = sessionKeyLog(pkt.session);
  if (!c || !log || s.cipher < 0) return;
  c.serverRandom = d.slice(at, at + 32);
  c.etm = etm;
  c.ems = ems;
  const cr = hex(c.clientRandom, 0, 32);
  if (!log.labels(cr).length) refreshKeyLog(pkt.session);
  if (s.tls13) {
    c.pending = null;
    c.hash = null;
    const mk = (label: 'CLIENT_HANDSHAKE_TRAFFIC_SECRET' | 'SERVER_HANDSHAKE_TRAFFIC_SECRET' | 'CLIENT_TRAFFIC_SECRET_0' | 'SERVER_TRAFFIC_SECRET_0') => {
      const secret = log.secret(cr, label);
      return secret ? tls13Decoder(s.cipher, secret) : null;
    };
    // With early data still possible the client's records keep their early data decoder (or
    // none, before the first of them) until EndOfEarlyData or a record it does not open.
    c.clientHs = mk('CLIENT_HANDSHAKE_TRAFFIC_SECRET');
    c.dec = [c.early ? c.dec[0] : c.clientHs, mk('SERVER_HANDSHAKE_TRAFFIC_SECRET')];
    c.next = [mk('CLIENT_TRAFFIC_SECRET_0'), mk('SERVER_TRAFFIC_SECRET_0')];
    return;
  }
  // The session hash from here on: the messages so far (the hellos) and those to come.
  if (c.pending) {
    c.hash = transcriptHashes(s.cipher, s.version);
    for (const m of c.pending) for (const h of c.hash ?? []) h.update(m);
    c.pending = null;
  }
  // The master secret of the session this ServerHello resumes (by its session ID), else the key
  // log's for this connection (Wireshark's order at the ChangeCipherSpec).
  const sidLen = d[at + 32] ?? 0;
  c.sessionId = sidLen ? hex(d, at + 33, sidLen) : '';
  let master = c.sessionId ? table(pkt).masters.get(c.sessionId) : undefined;
  if (!master && c.ticket) {
    master = table(pkt).tickets.get(c.ticket);
    c.fromTicket = master !== undefined;
  }
  master ??= log.secret(cr, 'CLIENT_RANDOM');
  if (master) useMaster(pkt, s, master);
}

/** The SHA-256 (hex) of a session ticket `[p, end)`: the key it is remembered by. */
export function ticketKey(d: Uint8Array, p: number, end: number): string {
  return createHash('sha256').update(d.subarray(p, end)).digest('hex');
}

/** A TLS 1.0-1.2 NewSessionTicket (its ticket's key): the master secret in use is remembered by it. */
export function sessionTicketKeys(pkt: Packet, s: TlsSession, key: string): void {
  const c = s.crypt;
  if (!c || s.tls13 || !c.master) return;
  remember(table(pkt).tickets, key, c.master);
}

/** A ServerHelloDone: a full handshake, so a master secret taken by the ClientHello's ticket is not this session's. */
export function serverHelloDoneKeys(pkt: Packet, s: TlsSession): void {
  const c = s.crypt;
  if (!c || s.tls13 || !c.fromTicket) return;
  c.fromTicket = false;
  c.master = null;
  c.next = [null, null];
  const master = sessionKeyLog(pkt.session)?.secret(hex(c.clientRandom, 0, 32), 'CLIENT_RANDOM');
  if (master) useMaster(pkt, s, master);
}

/** Sets `key` in a bounded map of master secrets (the oldest out beyond maxSessions). */
function remember(m: Map<string, Uint8Array>, key: string, master: Uint8Array): void {
  m.delete(key);
  if (m.size >= HANDSHAKE_LIMITS.maxSessions) m.delete(m.keys().next().value!);
  m.set(key, master);
}

/** TLS 1.0-1.2: the decoders of a master secret, remembered by the session ID for a later resumption. */
function useMaster(pkt: Packet, s: TlsSession, master: Uint8Array): void {
  const c = s.crypt!;
  const dec = tls12Decoders(s.cipher, s.version, master, c.clientRandom, c.serverRandom!, c.etm);
  c.next = dec ?? [null, null];
  c.master = dec ? master : null;
  if (dec && c.sessionId) remember(table(pkt).masters, c.sessionId, master);
}

/** Named bounds of the handshake kept for the session hash. */
export const TRANSCRIPT_LIMITS = {
  /** Bytes of handshake held before the ServerHello names the hash (a ClientHello is far smaller). */
  maxPendingBytes: 1 << 20,
};

/**
 * A TLS 1.0-1.2 handshake message in the clear `[p, end)` (header included) of a connection with
 * a key log: into the session hash, up to the ClientKeyExchange. `first`: the ClientHello, which
 * starts it.
 */
export function handshakeTranscript(s: TlsSession, d: Uint8Array, p: number, end: number, type: number, first: boolean): void {
  const c = s.crypt;
  if (!c || s.tls13 || type === 15) return;
  if (first) {
    c.pending = end - p <= TRANSCRIPT_LIMITS.maxPendingBytes ? [d.slice(p, end)] : null;
    c.hash = null;
    return;
  }
  if (c.hash) for (const h of c.hash) h.update(d.subarray(p, end));
  else if (c.pending) {
    let held = end - p;
    for (const m of c.pending) held += m.length;
    if (held <= TRANSCRIPT_LIMITS.maxPendingBytes) c.pending.push(d.slice(p, end));
    else c.pending = null;
  }
}

/**
 * A TLS 1.0-1.2 ClientKeyExchange body `[b, end)` (after handshakeTranscript took the message): a
 * pre-master secret from the key log gives the master secret, and the decoders its
 * ChangeCipherSpecs start, in place of CLIENT_RANDOM's.
 */
export function clientKeyExchangeKeys(pkt: Packet, s: TlsSession, d: Uint8Array, b: number, end: number): void {
  const c = s.crypt;
  const log = sessionKeyLog(pkt.session);
  if (!c || !log || s.tls13) return;
  const hashes = c.hash;
  c.hash = null;
  c.pending = null;
  if (!c.serverRandom || s.cipher < 0) return;
  let pms = premaster(c, s, log, d, b, end);
  if (!pms && refreshKeyLog(pkt.session)) pms = premaster(c, s, log, d, b, end);
  if (!pms) return;
  const ems = c.ems && c.clientEms;
  // (No session hash: a suite the decryption does not support, or a ClientHello beyond the bound.)
  const master = ems && !hashes ? null : masterFromPremaster(s.cipher, s.version, pms, c.clientRandom, c.serverRandom, ems ? sessionHashOf(hashes!) : null);
  if (master) useMaster(pkt, s, master);
  else c.next = [null, null];
}

/**
 * The pre-master secret the key log has for a ClientKeyExchange: PMS_CLIENT_RANDOM, else an RSA
 * line keyed by the first 8 bytes of the encrypted pre-master secret (after its 2-byte length for
 * the RSA key exchange; the message's first bytes otherwise, as Wireshark looks it up; never for
 * plain PSK).
 */
function premaster(c: TlsCrypt, s: TlsSession, log: TlsKeyLog, d: Uint8Array, b: number, end: number): Uint8Array | undefined {
  const pms = log.secret(hex(c.clientRandom, 0, 32), 'PMS_CLIENT_RANDOM');
  if (pms) return pms;
  const name = TLS_CIPHER_SUITES[s.cipher] ?? '';
  if (name.startsWith('TLS_PSK_')) return undefined;
  let at = b;
  let len = end - b;
  if (name.startsWith('TLS_RSA_') && !name.startsWith('TLS_RSA_PSK_')) {
    if (end - b < 2) return undefined;
    len = u16(d, b);
    at = b + 2;
    if (len > end - b - 2) return undefined;
  }
  if (len < 8) return undefined;
  return log.rsaPremaster(hex(d, at, 8));
}

/** A ChangeCipherSpec from `dir` (TLS 1.0-1.2): that side's records are protected from now on. */
export function changeCipherSpec(s: TlsSession, dir: number): void {
  const c = s.crypt;
  if (!c || s.tls13) return;
  c.dec[dir] = c.next[dir] ?? null;
  c.next[dir] = null;
}

/** The TLS 1.3 suites early data is tried with, in Wireshark's order (the ServerHello that names the suite comes later). */
const EARLY_SUITES = [0x1301, 0x1302, 0x1303, 0x1304, 0x1305];

/**
 * A TLS 1.3 client record while early data is possible (`c.early`), as Wireshark's
 * decrypt_tls13_early_data: the first is tried with CLIENT_EARLY_TRAFFIC_SECRET under each TLS 1.3
 * suite, the next with the suite that opened it. When it does not open (no early secret, or the
 * early data has ended: the client's Finished after a rejection), early data is over and the
 * client's handshake keys take over (once the ServerHello was seen); the caller then tries those.
 */
export function earlyData(pkt: Packet, s: TlsSession, type: number, version: number, frag: Uint8Array): Plaintext | null {
  const c = s.crypt!;
  let plain: Plaintext | null = null;
  if (c.earlyTried) {
    if (c.dec[0]) plain = decryptRecord(c.dec[0], type, version, frag);
  } else {
    c.earlyTried = true;
    const log = sessionKeyLog(pkt.session);
    const cr = hex(c.clientRandom, 0, 32);
    if (log && !log.labels(cr).includes('CLIENT_EARLY_TRAFFIC_SECRET')) refreshKeyLog(pkt.session);
    const secret = log?.secret(cr, 'CLIENT_EARLY_TRAFFIC_SECRET');
    for (const suite of secret ? EARLY_SUITES : []) {
      const d = tls13Decoder(suite, secret!);
      if (!d) continue;
      plain = decryptRecord(d, type, version, frag);
      if (plain) {
        c.dec[0] = d;
        break;
      }
    }
  }
  if (!plain) {
    c.early = false;
    if (c.serverRandom) c.dec[0] = c.clientHs;
  }
  return plain;
}

/** A decrypted TLS 1.3 handshake message of `dir` changed its keys (Finished, KeyUpdate, EndOfEarlyData). */
export function applyKeyEvent(s: TlsSession, dir: number): void {
  const c = s.crypt;
  if (!c) return;
  const ev = c.event[dir];
  c.event[dir] = 0;
  if (ev === 20 && c.next[dir]) {
    c.dec[dir] = c.next[dir];
    c.next[dir] = null;
  } else if (ev === 24 && c.dec[dir]) c.dec[dir] = tls13Update(c.dec[dir]!);
  else if (ev === 5 && dir === 0) {
    // EndOfEarlyData (RFC 8446 4.5): the client's handshake keys from here on.
    c.dec[0] = c.clientHs;
    c.early = false;
  }
}

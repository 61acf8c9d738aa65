/**
 * The TLS state of a capture's session (per TCP stream: the version, the cipher suite, the
 * handshake reassembly), the TLS tap, and the tree helpers the parts of the dissector share.
 */
import { sessionState, type Packet } from '../packet.js';
import { REASSEMBLY_LIMITS } from '../tcp/reassembly.js';
import { TLS_TAP, type TlsTapRecord } from './types.js';
import { F } from './fields.js';
import type { Hash } from 'node:crypto';
import type { Decoder } from './decrypt.js';

/** Named limits of the handshake reassembly (per TLS direction, and over all sessions). */
export const HANDSHAKE_LIMITS = {
  /**
   * Largest handshake message (header included) kept for reassembly. A longer one (the length
   * field allows 2^24 - 1) is marked malformed and its bytes are skipped, not stored.
   */
  maxMessageBytes: (1 << 20) + 4,
  /** Bytes of unfinished handshake messages held over every session of a capture. */
  maxTotalBytes: 64 << 20,
  /**
   * A record that starts with a handshake message longer than this (and than the record) is taken
   * as encrypted, as tshark 4.0 does (it starts reassembly only below 2^16).
   */
  maxFirstFragmentLength: 0xffff,
  /** TLS sessions tracked at once (the oldest are released beyond this). */
  maxSessions: REASSEMBLY_LIMITS.maxStreams,
};

/** A handshake message being reassembled in one direction. */
export interface HsBuffer {
  /** Bytes held (`buf[0, have)`), and the message's whole length with its header (0: header not complete). */
  buf: Uint8Array | null;
  have: number;
  total: number;
  /** An oversized message: its bytes are counted, not kept. */
  skip: boolean;
  /** Frames that carried its fragments, and the bytes each carried (parallel). */
  frames: number[];
  sizes: number[];
}

/** Per TCP stream: what the handshake told so far. */
export interface TlsSession {
  /** The session version (tshark's session->version; 0 unknown). */
  version: number;
  /** The ServerHello chose TLS 1.3. */
  tls13: boolean;
  /** A ChangeCipherSpec was sent by the client / by the server. */
  ccs: [boolean, boolean];
  /** The TCP direction (0/1 of the conversation) that sent the ClientHello, or -1. */
  clientDir: number;
  /** The cipher suite the ServerHello chose (-1 unknown). */
  cipher: number;
  /** Key exchange seen in the ServerKeyExchange: 0 none (RSA), 1 ECDHE, 2 DHE. */
  kex: number;
  /** Handshake reassembly by TCP direction. */
  hs: [HsBuffer | null, HsBuffer | null];
  /** TLS 1.3: encrypted records seen from the client (the first is its Finished). */
  opaqueFromClient: number;
  /**
   * The frame whose ClientHello offered early data (0: none): the session is TLS 1.3 before its
   * ServerHello, as Wireshark forces it. tshark's Protocol column of that frame stays as its
   * records set it (a single pass shows the ClientHello record's version); later frames show the
   * session's TLS 1.3.
   */
  forced13: number;
  /** Decryption state (./keys.ts); null unless the capture's session has a key log. */
  crypt: TlsCrypt | null;
}

/** What decrypting a connection needs and has (./keys.ts, ./decrypt.ts). */
export interface TlsCrypt {
  clientRandom: Uint8Array;
  serverRandom: Uint8Array | null;
  /** The ServerHello's encrypt_then_mac and extended_master_secret extensions; the ClientHello's extended_master_secret. */
  etm: boolean;
  ems: boolean;
  clientEms: boolean;
  /**
   * TLS 1.0-1.2, from the ClientHello to the ClientKeyExchange: the handshake messages (but
   * CertificateVerify) for the extended master secret's session hash, held until the ServerHello
   * names the hash (`pending`), then hashed as they come (`hash`). Both null once done or for TLS 1.3.
   */
  pending: Uint8Array[] | null;
  hash: Hash[] | null;
  /**
   * TLS 1.3 0-RTT: the ClientHello offered early data and the client's records may still be early
   * data (Wireshark's has_early_data); the first of them was tried (SSL_SEEN_0RTT_APPDATA); the
   * client's handshake traffic decoder, held while its early data decoder is in use.
   */
  early: boolean;
  earlyTried: boolean;
  clientHs: Decoder | null;
  /** TLS 1.0-1.2: the ServerHello's session ID (hex, '' if empty). */
  sessionId: string;
  /**
   * TLS 1.0-1.2: the ClientHello's session ticket (its SHA-256, '' if none); the master secret in
   * use (null: none); whether it came from the ticket (then a ServerHelloDone, a full handshake
   * after all, takes it back, as Wireshark looks the ticket up only for a resumed session).
   */
  ticket: string;
  master: Uint8Array | null;
  fromTicket: boolean;
  /** The decoder in use per direction (0: client), null while the direction is in the clear or has no keys. */
  dec: [Decoder | null, Decoder | null];
  /** TLS 1.2: the decoders its ChangeCipherSpec starts; TLS 1.3: the application traffic decoders its Finished starts. */
  next: [Decoder | null, Decoder | null];
  /** A handshake message just decrypted that changes the keys of its direction (20 Finished, 24 KeyUpdate), by direction. */
  event: [number, number];
  /** The protocol the server chose by ALPN (ServerHello or EncryptedExtensions), '' if none. */
  alpn: string;
  /** The protocol of the decrypted application data, decided at its first bytes ('': not yet). */
  app: '' | 'http' | 'none';
  /** The direction of the first record decrypted (-1: none yet). */
  firstDir: number;
  /** Records decrypted, and records that failed to authenticate. */
  decrypted: number;
  failed: number;
}

/** Sessions by TCP stream index; a second pass starts with the first pass's final versions. */
export interface TlsTable {
  byStream: Map<number, TlsSession>;
  finals: Map<number, number>;
  /** Bytes held by every HsBuffer. */
  held: number;
  /** The last "Transport Layer Security" item added (frame, pass, data source, item). */
  lastTop: { frame: number; pass: number; src: number; item: number };
  /** Dissecting a decrypted record: its messages do not go to the tap (which sees what an undecrypted read sees). */
  quietTap: boolean;
  /** A patched read (../patch.ts): what is checked of a stream at the end, by stream (records.ts notePatched). */
  patched: Map<number, number> | null;
  /**
   * TLS 1.0-1.2 master secrets by the session ID their ServerHello gave (hex), for the sessions
   * resumed later in the capture, as Wireshark's "Session ID" map (at most maxSessions, oldest out).
   */
  masters: Map<string, Uint8Array>;
  /** The same by session ticket (RFC 5077; keyed by the ticket's SHA-256), from TLS 1.2 NewSessionTickets. */
  tickets: Map<string, Uint8Array>;
}

export function table(pkt: Packet): TlsTable {
  return sessionState<TlsTable>(pkt, 'tls.sessions', () => {
    let finals = pkt.session.carry.get('tls.versions') as Map<number, number> | undefined;
    if (!finals || pkt.session.pass !== 2) {
      finals = new Map();
      if (pkt.session.pass === 1) pkt.session.carry.set('tls.versions', finals);
    }
    return {
      byStream: new Map(),
      finals,
      held: 0,
      lastTop: { frame: -1, pass: -1, src: -1, item: -1 },
      quietTap: false,
      patched: null,
      masters: new Map(),
      tickets: new Map(),
    };
  });
}

/** Bytes the handshake reassembly holds in a capture's session (for tests and memory reports). */
export function tlsHandshakeBytesHeld(session: Packet['session']): number {
  return (session.state.get('tls.sessions') as TlsTable | undefined)?.held ?? 0;
}

export function releaseHs(t: TlsTable, s: TlsSession, dir: number): void {
  const h = s.hs[dir];
  if (h?.buf) t.held -= h.buf.length;
  s.hs[dir] = null;
}

/** The session of the stream being dissected (set by the stream glue through the packet). */
export function session(pkt: Packet): TlsSession {
  const t = table(pkt);
  let s = t.byStream.get(pkt.tcpStream);
  if (!s) {
    if (t.byStream.size >= HANDSHAKE_LIMITS.maxSessions) {
      const [k, old] = t.byStream.entries().next().value as [number, TlsSession];
      releaseHs(t, old, 0);
      releaseHs(t, old, 1);
      t.byStream.delete(k);
    }
    s = { version: 0, tls13: false, ccs: [false, false], clientDir: -1, cipher: -1, kex: 0, hs: [null, null], opaqueFromClient: 0, forced13: 0, crypt: null };
    t.byStream.set(pkt.tcpStream, s);
  }
  return s;
}

export function appendInfo(pkt: Packet, text: string): void {
  if (pkt.wantColumns) pkt.appendInfo(pkt.colInfo.length ? `, ${text}` : text);
}

// --- the TLS tap (./types.ts): records pooled and queued by the session (../taps.ts), delivered after the packet

export function tapOn(pkt: Packet): boolean {
  return pkt.session.pass !== 1 && pkt.session.taps.on(TLS_TAP) && pkt.fence === 0 && !table(pkt).quietTap;
}
export function tap(pkt: Packet, fromClient: boolean, kind: TlsTapRecord['kind'], length: number, extra?: Partial<TlsTapRecord>): void {
  const r = pkt.session.taps.record(TLS_TAP);
  r.frame = pkt.frame.number;
  r.tsSec = pkt.frame.tsSec;
  r.tsNsec = pkt.frame.tsNsec;
  r.stream = pkt.tcpStream;
  r.fromClient = fromClient;
  r.kind = kind;
  r.length = length;
  r.hello = extra?.hello;
  r.certificates = extra?.certificates;
  r.alertLevel = extra?.alertLevel;
  r.alertDescription = extra?.alertDescription;
  r.handshakeType = extra?.handshakeType;
  r.decrypted = extra?.decrypted ?? false;
}


/** tshark's text of a value its table lacks: `Name: Unknown (N)` (full tree only). */
export function unknownLabel(pkt: Packet, item: number, name: string, table: Record<number, string>, v: number, hex = 0): void {
  if (item >= 0 && pkt.wantLabels && table[v] === undefined) pkt.setLabel(item, `${name}: Unknown (${hex ? `0x${v.toString(16).padStart(hex, '0')}` : v})`);
}

/** A text-only subtree (shown in the full tree only); returns the parent to use for its items. */
export function subtree(pkt: Packet, off: number, len: number, parent: number, text: string): number {
  if (!pkt.wantLabels) return parent;
  const i = pkt.addText(F.text, off, len, parent, text);
  return i >= 0 ? i : parent;
}

/** A list container field (FT_NONE) with a label; returns the parent for the list's items. */
export function container(pkt: Packet, f: number, off: number, len: number, parent: number, label: string): number {
  const i = pkt.add(f, off, len, parent);
  if (i < 0) return parent;
  if (pkt.wantLabels) pkt.setLabel(i, label);
  return i;
}

export function short(pkt: Packet, item: number, what: string): void {
  pkt.markMalformed(item, `Malformed Packet (TLS ${what}: beyond the end of the message)`);
}

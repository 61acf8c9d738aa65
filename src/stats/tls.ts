/**
 * The TLS connections of a capture as a statistic (`wirelite stats FILE tls`, the terminal UI's TLS
 * view): one typed row per TLS connection (TCP stream) from the TLS tap (src/dissectors/tls/types.ts
 * TLS_TAP) and the TCP tap (src/dissectors/tcp/tap.ts): client and server address:port, negotiated
 * version, cipher suite (IANA name), SNI, ALPN offered and chosen, the certificate chain's names
 * (src/dissectors/tls/x509.ts), handshake time in ms and in round trips, alerts, JA3/JA3S/JA4/JA4S
 * (src/dissectors/tls/fingerprint.ts) and whether the key log (`--tls-keylog` and the capture's
 * pcapng Decryption Secrets Blocks) would decrypt it (src/dissectors/tls/keylog.ts) and how many of
 * its records the dissector decrypted with it (the tap's `decrypted`; the other events are what a
 * read without keys sees).
 *
 * Handshake time: from the frame of the ClientHello to the frame that completes the handshake as
 * seen at the capture point: the later of the two Finished messages (TLS 1.2 full handshake: the
 * server's, about 2 RTTs; resumption and TLS 1.3: the client's, about 1 RTT). Without a Finished
 * seen, the client's first application data; else unknown. In RTTs: divided by the TCP initial RTT
 * of the stream (tcp.analysis.initial_rtt: SYN to the ACK of the SYN/ACK), when known.
 *
 * A read registers both taps on its session, in two passes (as `tshark -2`: taps are given in the
 * second). Memory is bounded by TLS_STATS_LIMITS. The text card is ./tls-card.ts.
 */
import type { TcpTapRecord } from '../dissectors/tcp/tap.js';
import type { TlsHelloInfo, TlsTapRecord } from '../dissectors/tls/types.js';
import { ja3, ja3s, ja4, ja4s } from '../dissectors/tls/fingerprint.js';
import { decodeCertificate } from '../dissectors/tls/x509.js';
import { formatIPv4At, formatIPv6 } from '../dissectors/bytes.js';
import type { KeysAvailability, TlsKeyLog } from '../dissectors/tls/keylog.js';
import { TLS_CIPHER_SUITES } from '../dissectors/tls/ciphers.js';
import { alertName, tlsVersionName } from '../dissectors/tls/names.js';

/** Named bounds. */
export const TLS_STATS_LIMITS = {
  /** TLS connections kept (more are counted in `untracked`). */
  maxConnections: 100_000,
  /** Alerts kept per connection (the count stays exact). */
  maxAlerts: 16,
  /** Certificates decoded per chain. */
  maxChain: 10,
  /** Characters kept of a subject or issuer name; subjectAltName entries kept (leaf certificate only). */
  maxNameChars: 512,
  maxAltNames: 32,
  /** Characters kept of ja3Full / ja3sFull (the hashes are always of the whole string). */
  maxJa3FullChars: 8192,
};

export interface CertificateNames {
  subject: string;
  issuer: string;
  notBefore: string;
  notAfter: string;
  subjectAltNames: string[];
}

export interface TlsAlert {
  frame: number;
  from: 'client' | 'server';
  /** null for an encrypted alert. */
  level: 'warning' | 'fatal' | null;
  description: string | null;
  encrypted: boolean;
}

/** One connection, as `--json` prints it (one object per line). */
export interface TlsConnectionSummary {
  stream: number;
  client: string;
  server: string;
  /** Frames of the ClientHello, the ServerHello and the last TLS record seen (null: not seen). */
  clientHelloFrame: number | null;
  serverHelloFrame: number | null;
  lastFrame: number;
  /** "TLS 1.3", "TLS 1.2", ...; null without a ServerHello. versionCode: the number. */
  version: string | null;
  versionCode: number | null;
  cipherSuite: string | null;
  cipherSuiteCode: number | null;
  helloRetryRequest: boolean;
  sni: string | null;
  alpnOffered: string[];
  alpnChosen: string | null;
  /** The server's chain in wire order, and the client's if it sent one. */
  serverCertificates: CertificateNames[];
  clientCertificates: CertificateNames[];
  handshakeMs: number | null;
  /** Which event ended the handshake time: 'finished' | 'app_data' | null. */
  handshakeEnd: 'finished' | 'app_data' | null;
  tcpInitialRttMs: number | null;
  handshakeRtts: number | null;
  alerts: TlsAlert[];
  alertCount: number;
  ja3: string | null;
  ja3Full: string | null;
  ja3s: string | null;
  ja3sFull: string | null;
  ja4: string | null;
  ja4s: string | null;
  clientRandom: string | null;
  /** null when no key log was given and the capture carries none. */
  keys: KeysAvailability | null;
  /** Bytes of application data records from the client and the server. */
  appDataBytes: { client: number; server: number };
  /** Records decrypted with the key log (--tls-keylog, the capture's DSBs): 0 when none was. */
  decryptedRecords: number;
}

interface Conn {
  stream: number;
  client: string;
  server: string;
  chFrame: number | null;
  shFrame: number | null;
  lastFrame: number;
  chTime: number;
  clientHello: { ja3: string; ja3Full: string; ja4: string; sni: string; alpn: string[]; random: string } | null;
  serverHello: { ja3s: string; ja3sFull: string; ja4s: string; version: number; cipher: number; alpn: string | null } | null;
  hrr: boolean;
  shFromHrr: boolean;
  serverCerts: CertificateNames[] | null;
  clientCerts: CertificateNames[] | null;
  clientFinished: number;
  serverFinished: number;
  firstClientData: number;
  alerts: TlsAlert[];
  alertCount: number;
  appClient: number;
  appServer: number;
  decrypted: number;
}

const time = (r: { tsSec: number; tsNsec: number }): number => r.tsSec * 1000 + r.tsNsec / 1e6;

/** Version and alert names: the TLS dissector's tables (src/dissectors/tls/names.ts). */
export { tlsVersionName, alertName };

/** The IANA name of a cipher suite, or 0x.... when not registered. */
export function cipherSuiteName(v: number): string {
  return TLS_CIPHER_SUITES[v] ?? `0x${v.toString(16).padStart(4, '0')}`;
}

const clipName = (s: string): string => (s.length > TLS_STATS_LIMITS.maxNameChars ? `${s.slice(0, TLS_STATS_LIMITS.maxNameChars)}…` : s);

const clipFull = (s: string): string => (s.length > TLS_STATS_LIMITS.maxJa3FullChars ? `${s.slice(0, TLS_STATS_LIMITS.maxJa3FullChars)}…` : s);

/** The names of a chain, bounded (TLS_STATS_LIMITS): alt names of the leaf only. */
function certNames(list: readonly { der: Uint8Array }[]): CertificateNames[] {
  const out: CertificateNames[] = [];
  for (const [i, c] of list.slice(0, TLS_STATS_LIMITS.maxChain).entries()) {
    const x = decodeCertificate(c.der);
    out.push(
      x
        ? { subject: clipName(x.subject), issuer: clipName(x.issuer), notBefore: x.notBefore, notAfter: x.notAfter, subjectAltNames: i === 0 ? x.subjectAltNames.slice(0, TLS_STATS_LIMITS.maxAltNames) : [] }
        : { subject: '(malformed certificate)', issuer: '', notBefore: '', notAfter: '', subjectAltNames: [] },
    );
  }
  return out;
}

/**
 * The TLS connections of one read: `addTcp` for every TCP tap record and `addTls` for every TLS
 * tap record (the session delivers a packet's TCP record before its TLS records).
 */
export class TlsConnectionTable {
  private conns = new Map<number, Conn>();
  /** TLS streams over TLS_STATS_LIMITS.maxConnections. */
  untracked = 0;
  /** Initial RTT (s) per tracked stream, from the TCP tap. */
  private rtt = new Map<number, number>();
  private lastTcp: TcpTapRecord | null = null;

  /** `keys`: the key log to check connections against (null: none was given); asked when the cards are made. */
  constructor(private readonly keys: () => TlsKeyLog | null = () => null) {}

  /** A TCP tap record (before the TLS records of the same packet). */
  addTcp(r: TcpTapRecord): void {
    this.lastTcp = r;
    if (r.initialRtt > 0 && this.conns.has(r.stream)) this.rtt.set(r.stream, r.initialRtt);
  }

  /** The connection of a TLS record, created at its first record (addresses from the same frame's TCP segment). */
  private conn(r: TlsTapRecord): Conn | null {
    let c = this.conns.get(r.stream);
    if (c) return c;
    if (this.conns.size >= TLS_STATS_LIMITS.maxConnections) {
      this.untracked++;
      return null;
    }
    let src = '?';
    let dst = '?';
    const t = this.lastTcp;
    if (t && t.frame === r.frame && t.stream === r.stream && t.addrBytes.length) {
      const v6 = t.ipVersion === 6;
      const a = v6 ? `[${formatIPv6(t.addrBytes, t.srcAddrOff)}]` : formatIPv4At(t.addrBytes, t.srcAddrOff);
      const b = v6 ? `[${formatIPv6(t.addrBytes, t.dstAddrOff)}]` : formatIPv4At(t.addrBytes, t.dstAddrOff);
      src = `${a}:${t.srcPort}`;
      dst = `${b}:${t.dstPort}`;
      if (t.initialRtt > 0) this.rtt.set(r.stream, t.initialRtt);
    }
    c = {
      stream: r.stream,
      client: r.fromClient ? src : dst,
      server: r.fromClient ? dst : src,
      chFrame: null,
      shFrame: null,
      lastFrame: r.frame,
      chTime: 0,
      clientHello: null,
      serverHello: null,
      hrr: false,
      shFromHrr: false,
      serverCerts: null,
      clientCerts: null,
      clientFinished: -1,
      serverFinished: -1,
      firstClientData: -1,
      alerts: [],
      alertCount: 0,
      appClient: 0,
      appServer: 0,
      decrypted: 0,
    };
    this.conns.set(r.stream, c);
    return c;
  }

  /** A TLS tap record. */
  addTls(r: TlsTapRecord): void {
    const c = this.conn(r);
    if (!c) return;
    c.lastFrame = r.frame;
    if (r.decrypted) c.decrypted++;
    const t = time(r);
    switch (r.kind) {
      case 'client_hello':
        if (!c.clientHello && r.hello) {
          const h: TlsHelloInfo = r.hello;
          const j = ja3(h);
          c.clientHello = { ja3: j.hash, ja3Full: clipFull(j.full), ja4: ja4(h), sni: h.sni, alpn: [...h.alpn], random: h.random };
          c.chFrame = r.frame;
          c.chTime = t;
        }
        break;
      case 'server_hello':
      case 'hello_retry_request':
        // A HelloRetryRequest already selects the version and cipher suite (RFC 8446 4.1.4); its
        // values stand until the ServerHello (which may be missing from the capture) replaces them.
        if (r.kind === 'hello_retry_request') c.hrr = true;
        if (r.hello && (!c.serverHello || (c.shFromHrr && r.kind === 'server_hello'))) {
          const h: TlsHelloInfo = r.hello;
          const j = ja3s(h);
          c.serverHello = { ja3s: j.hash, ja3sFull: clipFull(j.full), ja4s: ja4s(h), version: h.supportedVersions[0] ?? h.version, cipher: h.ciphers[0] ?? -1, alpn: h.alpn[0] ?? null };
          c.shFrame = r.frame;
          c.shFromHrr = r.kind === 'hello_retry_request';
        }
        break;
      case 'certificate':
        if (r.certificates) {
          if (r.fromClient) c.clientCerts ??= certNames(r.certificates);
          else c.serverCerts ??= certNames(r.certificates);
        }
        break;
      case 'finished':
        if (r.fromClient) {
          if (c.clientFinished < 0) c.clientFinished = t;
        } else if (c.serverFinished < 0) c.serverFinished = t;
        break;
      case 'app_data':
        if (r.fromClient) {
          c.appClient += r.length;
          if (c.firstClientData < 0) c.firstClientData = t;
        } else c.appServer += r.length;
        break;
      case 'alert': {
        c.alertCount++;
        if (c.alerts.length < TLS_STATS_LIMITS.maxAlerts) {
          const enc = (r.alertLevel ?? -1) < 0;
          c.alerts.push({
            frame: r.frame,
            from: r.fromClient ? 'client' : 'server',
            level: enc ? null : r.alertLevel === 1 ? 'warning' : r.alertLevel === 2 ? 'fatal' : (`unknown(${r.alertLevel})` as 'fatal'),
            description: enc ? null : alertName(r.alertDescription ?? -1),
            encrypted: enc,
          });
        }
        break;
      }
      default:
        break;
    }
  }

  /** The rows (one per connection) in stream order. */
  result(): TlsConnectionSummary[] {
    return this.summaries();
  }

  /** Connections in stream order (the same as `result()`). */
  summaries(): TlsConnectionSummary[] {
    const keyLog = this.keys();
    return [...this.conns.values()].sort((a, b) => a.stream - b.stream).map((c) => this.summary(c, keyLog));
  }

  private summary(c: Conn, keyLog: TlsKeyLog | null): TlsConnectionSummary {
    const ch = c.clientHello;
    const sh = c.serverHello;
    let end = -1;
    let handshakeEnd: TlsConnectionSummary['handshakeEnd'] = null;
    if (c.clientFinished >= 0 || c.serverFinished >= 0) {
      end = Math.max(c.clientFinished, c.serverFinished);
      handshakeEnd = 'finished';
    } else if (c.firstClientData >= 0) {
      end = c.firstClientData;
      handshakeEnd = 'app_data';
    }
    const handshakeMs = ch && end >= 0 ? round3(end - c.chTime) : null;
    const rttS = this.rtt.get(c.stream);
    const tcpInitialRttMs = rttS ? round3(rttS * 1000) : null;
    return {
      stream: c.stream,
      client: c.client,
      server: c.server,
      clientHelloFrame: c.chFrame,
      serverHelloFrame: c.shFrame,
      lastFrame: c.lastFrame,
      version: sh ? tlsVersionName(sh.version) : null,
      versionCode: sh ? sh.version : null,
      cipherSuite: sh && sh.cipher >= 0 ? cipherSuiteName(sh.cipher) : null,
      cipherSuiteCode: sh && sh.cipher >= 0 ? sh.cipher : null,
      helloRetryRequest: c.hrr,
      sni: ch?.sni || null,
      alpnOffered: ch?.alpn ?? [],
      alpnChosen: sh?.alpn ?? null,
      serverCertificates: c.serverCerts ?? [],
      clientCertificates: c.clientCerts ?? [],
      handshakeMs,
      handshakeEnd: handshakeMs === null ? null : handshakeEnd,
      tcpInitialRttMs,
      handshakeRtts: handshakeMs !== null && tcpInitialRttMs ? Math.round((handshakeMs / tcpInitialRttMs) * 100) / 100 : null,
      alerts: c.alerts,
      alertCount: c.alertCount,
      ja3: ch?.ja3 ?? null,
      ja3Full: ch?.ja3Full ?? null,
      ja3s: sh?.ja3s ?? null,
      ja3sFull: sh?.ja3sFull ?? null,
      ja4: ch?.ja4 ?? null,
      ja4s: sh?.ja4s ?? null,
      clientRandom: ch?.random ?? null,
      keys: keyLog ? keysVerdict(c, keyLog) : null,
      appDataBytes: { client: c.appClient, server: c.appServer },
      decryptedRecords: c.decrypted,
    };
  }
}

const round3 = (x: number): number => Math.round(x * 1000) / 1000;

/**
 * Whether the key log decrypts a connection, as the dissector found it: the secrets for its client
 * random (CLIENT_RANDOM, PMS_CLIENT_RANDOM, the TLS 1.3 secrets) say so before the read; a
 * connection without them that the dissector decrypted anyway took its secret elsewhere, as
 * Wireshark does: an RSA line (the pre-master secret found by the start of its encrypted form in a
 * full handshake, so one with the server's Certificate) or, in an abbreviated handshake (no
 * Certificate), the master secret of the earlier connection it resumes (by session ID or ticket).
 */
function keysVerdict(c: Conn, keyLog: TlsKeyLog): KeysAvailability {
  const ch = c.clientHello;
  const sh = c.serverHello;
  const byRandom: KeysAvailability = ch ? keyLog.availability(ch.random, sh?.version ?? 0) : { available: 'no', detail: 'no ClientHello seen (client random unknown)' };
  if (byRandom.available === 'yes' || c.decrypted === 0) return byRandom;
  if (sh && sh.version !== 0x0304) {
    if (c.serverCerts) return { available: 'yes', detail: 'RSA line: the pre-master secret of its encrypted pre-master secret' };
    return { available: 'yes', detail: 'resumed session: the master secret of the earlier connection (session ID or ticket)' };
  }
  return { available: byRandom.available === 'no' ? 'yes' : byRandom.available, detail: `${byRandom.detail}; records decrypted` };
}

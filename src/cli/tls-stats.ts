/**
 * `wirelite stats FILE tls [--json] [--tls-keylog FILE]`: one card per TLS connection (TCP stream)
 * from the TLS tap (src/dissectors/tls-types.ts) and the TCP tap (src/dissectors/tcp-tap.ts):
 * client and server address:port, negotiated version, cipher suite (IANA name), SNI, ALPN offered
 * and chosen, the certificate chain's names (src/dissectors/x509.ts), handshake time in ms and in
 * round trips, alerts, JA3/JA3S/JA4/JA4S (src/dissectors/tls-fingerprint.ts) and whether the key
 * log (`--tls-keylog` and the capture's pcapng Decryption Secrets Blocks) would decrypt it
 * (src/analysis/tls-keys.ts; nothing is decrypted).
 *
 * Handshake time: from the frame of the ClientHello to the frame that completes the handshake as
 * seen at the capture point: the later of the two Finished messages (TLS 1.2 full handshake: the
 * server's, about 2 RTTs; resumption and TLS 1.3: the client's, about 1 RTT). Without a Finished
 * seen, the client's first application data; else unknown. In RTTs: divided by the TCP initial RTT
 * of the stream (tcp.analysis.initial_rtt: SYN to the ACK of the SYN/ACK), when known.
 *
 * The file is read in two passes (as `tshark -2`); taps are given in the second. Memory is bounded
 * by TLS_STATS_LIMITS.
 */
import { addTcpTap, type TcpTapRecord } from '../dissectors/tcp-tap.js';
import { addTlsTap, type TlsHelloInfo, type TlsTapRecord } from '../dissectors/tls-types.js';
import { ja3, ja3s, ja4, ja4s } from '../dissectors/tls-fingerprint.js';
import { decodeCertificate } from '../dissectors/x509.js';
import { formatIPv4At, formatIPv6 } from '../dissectors/bytes.js';
import { DSB_TLS_KEY_LOG, TlsKeyLog, type KeysAvailability } from '../analysis/tls-keys.js';
import { readCapture } from '../capture/reader.js';
import { CaptureFileError } from '../capture/capture-error.js';
import { dissectFile } from './dissect-file.js';
import { OutBuffer } from './output.js';

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
}

const time = (r: { tsSec: number; tsNsec: number }): number => r.tsSec * 1000 + r.tsNsec / 1e6;

/** Name of a protocol version number. */
export function tlsVersionName(v: number): string {
  switch (v) {
    case 0x0002:
      return 'SSL 2.0';
    case 0x0300:
      return 'SSL 3.0';
    case 0x0301:
      return 'TLS 1.0';
    case 0x0302:
      return 'TLS 1.1';
    case 0x0303:
      return 'TLS 1.2';
    case 0x0304:
      return 'TLS 1.3';
    case 0xfeff:
      return 'DTLS 1.0';
    case 0xfefd:
      return 'DTLS 1.2';
    case 0xfefc:
      return 'DTLS 1.3';
  }
  if (v >> 8 === 0x7f) return `TLS 1.3 (draft ${v & 0xff})`;
  return `0x${v.toString(16).padStart(4, '0')}`;
}

/** The IANA name of a cipher suite, or 0x.... when not registered. */
export function cipherSuiteName(v: number): string {
  const n = CIPHER_SUITE_NAMES.get(v);
  return n ? `TLS_${n}` : `0x${v.toString(16).padStart(4, '0')}`;
}

const ALERT_NAMES: Readonly<Record<number, string>> = {
  0: 'close_notify', 1: 'end_of_early_data', 10: 'unexpected_message', 20: 'bad_record_mac', 21: 'decryption_failed',
  22: 'record_overflow', 30: 'decompression_failure', 40: 'handshake_failure', 41: 'no_certificate', 42: 'bad_certificate',
  43: 'unsupported_certificate', 44: 'certificate_revoked', 45: 'certificate_expired', 46: 'certificate_unknown',
  47: 'illegal_parameter', 48: 'unknown_ca', 49: 'access_denied', 50: 'decode_error', 51: 'decrypt_error',
  60: 'export_restriction', 70: 'protocol_version', 71: 'insufficient_security', 80: 'internal_error',
  86: 'inappropriate_fallback', 90: 'user_canceled', 100: 'no_renegotiation', 109: 'missing_extension',
  110: 'unsupported_extension', 111: 'certificate_unobtainable', 112: 'unrecognized_name',
  113: 'bad_certificate_status_response', 114: 'bad_certificate_hash_value', 115: 'unknown_psk_identity',
  116: 'certificate_required', 120: 'no_application_protocol', 121: 'ech_required',
};

/** RFC 8446 6's name of an alert description (`unknown(N)` otherwise). */
export function alertName(d: number): string {
  return ALERT_NAMES[d] ?? `unknown(${d})`;
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

/** Collects TLS connections from the taps of one read. */
export class TlsStats {
  private conns = new Map<number, Conn>();
  /** TLS streams over TLS_STATS_LIMITS.maxConnections. */
  untracked = 0;
  /** Initial RTT (s) per tracked stream, from the TCP tap. */
  private rtt = new Map<number, number>();
  private lastTcp: TcpTapRecord | null = null;

  constructor(private readonly keys: TlsKeyLog | null = null) {}

  /** Runs `read` (a dissectFile call) with both taps attached. */
  async collect(read: () => Promise<unknown>): Promise<this> {
    const offTcp = addTcpTap((r) => this.tcp(r));
    const offTls = addTlsTap((r) => this.tls(r));
    try {
      await read();
    } finally {
      offTcp();
      offTls();
    }
    return this;
  }

  private tcp(r: TcpTapRecord): void {
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
    };
    this.conns.set(r.stream, c);
    return c;
  }

  private tls(r: TlsTapRecord): void {
    const c = this.conn(r);
    if (!c) return;
    c.lastFrame = r.frame;
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

  /** Connections in stream order. */
  summaries(): TlsConnectionSummary[] {
    return [...this.conns.values()].sort((a, b) => a.stream - b.stream).map((c) => this.summary(c));
  }

  private summary(c: Conn): TlsConnectionSummary {
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
      keys: this.keys ? (ch ? this.keys.availability(ch.random, sh?.version ?? 0) : { available: 'no', detail: 'no ClientHello seen (client random unknown)' }) : null,
      appDataBytes: { client: c.appClient, server: c.appServer },
    };
  }
}

const round3 = (x: number): number => Math.round(x * 1000) / 1000;

/** The TLS key logs a pcapng file carries in Decryption Secrets Blocks, added to `log`; how many. */
export async function readCaptureSecrets(file: string, log: TlsKeyLog): Promise<number> {
  if (file === '-') return 0;
  let n = 0;
  class NotPcapng extends Error {}
  try {
    await readCapture(file, {
      onFormat(f) {
        if (f.name !== 'pcapng') throw new NotPcapng();
      },
      onFrame() {},
      onDecryptionSecrets(s) {
        if (s.type !== DSB_TLS_KEY_LOG) return;
        n++;
        log.add(s.data, `${file} (DSB ${n})`);
      },
    });
  } catch (e) {
    // A pcap has no DSBs; a damaged file is reported by the dissecting read.
    if (!(e instanceof NotPcapng) && !(e instanceof CaptureFileError)) throw e;
  }
  return n;
}

/** Everything `stats FILE tls` prints, computed from a file. */
export interface TlsStatsResult {
  connections: TlsConnectionSummary[];
  untracked: number;
  keyLog: { secrets: number; clientRandoms: number; bad: number; badLines: string[]; rsa: number; fromCapture: number } | null;
  error?: CaptureFileError;
}

/**
 * Reads `file` (two passes) and returns its TLS connections. `keyLog` (from `--tls-keylog`) is
 * completed with the capture's own DSB key logs. A file damaged after some frames gives the
 * connections of those frames and the error in `error`.
 */
export async function collectTlsStats(file: string, keyLog: TlsKeyLog | null): Promise<TlsStatsResult> {
  const log = keyLog ?? new TlsKeyLog();
  const fromCapture = await readCaptureSecrets(file, log);
  const useKeys = keyLog !== null || fromCapture > 0;
  const stats = new TlsStats(useKeys ? log : null);
  let error: CaptureFileError | undefined;
  try {
    await stats.collect(() => dissectFile(file, { columns: false, twoPass: true, count: 0, fields: [] }, () => {}));
  } catch (e) {
    if (!(e instanceof CaptureFileError) || e.framesRead === 0) throw e;
    error = e;
  }
  const k = log.counts;
  return {
    connections: stats.summaries(),
    untracked: stats.untracked,
    keyLog: useKeys ? { secrets: k.secrets, clientRandoms: log.size, bad: k.bad, badLines: k.badLines, rsa: k.rsa, fromCapture } : null,
    error,
  };
}

/** The text card of one connection. */
export function tlsCard(s: TlsConnectionSummary): string {
  const lines: string[] = [];
  const frames = s.clientHelloFrame !== null ? `frames ${s.clientHelloFrame}-${s.lastFrame}` : `to frame ${s.lastFrame}`;
  lines.push(`TLS stream ${s.stream}  ${s.client} -> ${s.server}  (${frames})`);
  const cipher = s.cipherSuite === null ? '-' : s.cipherSuite.startsWith('0x') ? s.cipherSuite : `${s.cipherSuite} (0x${s.cipherSuiteCode!.toString(16).padStart(4, '0')})`;
  lines.push(`  version    ${s.version ?? '- (no ServerHello)'}${s.helloRetryRequest ? ' after HelloRetryRequest' : ''}   cipher ${cipher}`);
  lines.push(`  SNI        ${s.sni ?? '-'}   ALPN offered ${s.alpnOffered.length ? s.alpnOffered.join(', ') : '-'}; chosen ${s.alpnChosen ?? '-'}`);
  const chain = (label: string, list: CertificateNames[]) => {
    list.forEach((c, i) => {
      lines.push(`  ${i === 0 ? label : ' '.repeat(label.length)} [${i}] subject ${c.subject}`);
      lines.push(`  ${' '.repeat(label.length)}     issuer  ${c.issuer}`);
    });
  };
  if (s.serverCertificates.length) chain('server cert', s.serverCertificates);
  else lines.push(`  server cert ${s.versionCode === 0x0304 ? '(encrypted in TLS 1.3)' : '-'}`);
  if (s.clientCertificates.length) chain('client cert', s.clientCertificates);
  let hs = '-';
  if (s.handshakeMs !== null) {
    hs = `${s.handshakeMs.toFixed(3)} ms`;
    if (s.handshakeRtts !== null) hs += ` = ${s.handshakeRtts.toFixed(2)} RTT (TCP initial RTT ${s.tcpInitialRttMs!.toFixed(3)} ms)`;
    else hs += ' (TCP initial RTT unknown)';
    if (s.handshakeEnd === 'app_data') hs += ', to the first application data (no Finished seen)';
  }
  lines.push(`  handshake  ${hs}`);
  const alerts = s.alerts.map((a) => (a.encrypted ? `${a.from} encrypted alert (frame ${a.frame})` : `${a.from} ${a.level} ${a.description} (frame ${a.frame})`));
  if (s.alertCount > s.alerts.length) alerts.push(`${s.alertCount - s.alerts.length} more`);
  lines.push(`  alerts     ${alerts.length ? alerts.join('; ') : 'none'}`);
  lines.push(`  JA3        ${s.ja3 ?? '-'}${s.ja3Full ? `  ${s.ja3Full}` : ''}`);
  lines.push(`  JA3S       ${s.ja3s ?? '-'}${s.ja3sFull ? `  ${s.ja3sFull}` : ''}`);
  lines.push(`  JA4        ${s.ja4 ?? '-'}   JA4S ${s.ja4s ?? '-'}`);
  lines.push(`  data       client ${s.appDataBytes.client} bytes, server ${s.appDataBytes.server} bytes (application data records)`);
  if (s.keys) lines.push(`  keys       ${s.keys.available} (${s.keys.detail})`);
  return lines.join('\n') + '\n\n';
}

/** `stats FILE tls [--json]` to `write`; a damaged file's error is thrown after the output. */
export async function tlsStats(file: string, json: boolean, keyLog: TlsKeyLog | null, write: (s: string) => void): Promise<void> {
  const r = await collectTlsStats(file, keyLog);
  for (const s of r.connections) write(json ? JSON.stringify(s) + '\n' : tlsCard(s));
  if (json) {
    if (r.untracked || r.keyLog) write(JSON.stringify({ untrackedConnections: r.untracked, keyLog: r.keyLog }) + '\n');
  } else {
    let tail = `${r.connections.length} TLS connection(s)`;
    if (r.untracked) tail += `; ${r.untracked} more not tracked (TLS_STATS_LIMITS.maxConnections)`;
    if (r.keyLog) {
      const k = r.keyLog;
      const yes = r.connections.filter((c) => c.keys?.available === 'yes').length;
      tail += `\nkey log: ${k.secrets} secrets for ${k.clientRandoms} client randoms${k.fromCapture ? ` (${k.fromCapture} from the capture's DSBs)` : ''}; ${yes} connection(s) decryptable`;
      if (k.rsa) tail += `; ${k.rsa} RSA lines (not matched to connections)`;
      if (k.bad) tail += `; ${k.bad} bad line(s) skipped (${k.badLines.join(', ')}${k.bad > k.badLines.length ? ', ...' : ''})`;
    }
    write(tail + '\n');
  }
  if (r.error) throw r.error;
}

/** `stats FILE tls` to standard output (buffered; flushed before a capture error is rethrown). */
export async function printTlsStats(file: string, json: boolean, keyLog: TlsKeyLog | null): Promise<void> {
  const out = new OutBuffer();
  try {
    await tlsStats(file, json, keyLog, (s) => out.write(s));
  } finally {
    out.flush();
  }
}

/**
 * Cipher suite names without their `TLS_` prefix: the IANA TLS Cipher Suites registry (every
 * TLS 1.3 suite included) and the few unregistered ones tshark 4.0 also names `TLS_...`; exactly
 * tshark's names (test/cli/tls-stats.test.ts checks every entry against `tshark -G values`).
 */
const CIPHER_SUITE_NAMES: ReadonlyMap<number, string> = new Map(
  (
  '0000:NULL_WITH_NULL_NULL 0001:RSA_WITH_NULL_MD5 0002:RSA_WITH_NULL_SHA 0003:RSA_EXPORT_WITH_RC4_40_MD5 ' +
  '0004:RSA_WITH_RC4_128_MD5 0005:RSA_WITH_RC4_128_SHA 0006:RSA_EXPORT_WITH_RC2_CBC_40_MD5 0007:RSA_WITH_IDEA_CBC_SHA ' +
  '0008:RSA_EXPORT_WITH_DES40_CBC_SHA 0009:RSA_WITH_DES_CBC_SHA 000a:RSA_WITH_3DES_EDE_CBC_SHA ' +
  '000b:DH_DSS_EXPORT_WITH_DES40_CBC_SHA 000c:DH_DSS_WITH_DES_CBC_SHA 000d:DH_DSS_WITH_3DES_EDE_CBC_SHA ' +
  '000e:DH_RSA_EXPORT_WITH_DES40_CBC_SHA 000f:DH_RSA_WITH_DES_CBC_SHA 0010:DH_RSA_WITH_3DES_EDE_CBC_SHA ' +
  '0011:DHE_DSS_EXPORT_WITH_DES40_CBC_SHA 0012:DHE_DSS_WITH_DES_CBC_SHA 0013:DHE_DSS_WITH_3DES_EDE_CBC_SHA ' +
  '0014:DHE_RSA_EXPORT_WITH_DES40_CBC_SHA 0015:DHE_RSA_WITH_DES_CBC_SHA 0016:DHE_RSA_WITH_3DES_EDE_CBC_SHA ' +
  '0017:DH_anon_EXPORT_WITH_RC4_40_MD5 0018:DH_anon_WITH_RC4_128_MD5 0019:DH_anon_EXPORT_WITH_DES40_CBC_SHA ' +
  '001a:DH_anon_WITH_DES_CBC_SHA 001b:DH_anon_WITH_3DES_EDE_CBC_SHA 001e:KRB5_WITH_DES_CBC_SHA ' +
  '001f:KRB5_WITH_3DES_EDE_CBC_SHA 0020:KRB5_WITH_RC4_128_SHA 0021:KRB5_WITH_IDEA_CBC_SHA 0022:KRB5_WITH_DES_CBC_MD5 ' +
  '0023:KRB5_WITH_3DES_EDE_CBC_MD5 0024:KRB5_WITH_RC4_128_MD5 0025:KRB5_WITH_IDEA_CBC_MD5 ' +
  '0026:KRB5_EXPORT_WITH_DES_CBC_40_SHA 0027:KRB5_EXPORT_WITH_RC2_CBC_40_SHA 0028:KRB5_EXPORT_WITH_RC4_40_SHA ' +
  '0029:KRB5_EXPORT_WITH_DES_CBC_40_MD5 002a:KRB5_EXPORT_WITH_RC2_CBC_40_MD5 002b:KRB5_EXPORT_WITH_RC4_40_MD5 ' +
  '002c:PSK_WITH_NULL_SHA 002d:DHE_PSK_WITH_NULL_SHA 002e:RSA_PSK_WITH_NULL_SHA 002f:RSA_WITH_AES_128_CBC_SHA ' +
  '0030:DH_DSS_WITH_AES_128_CBC_SHA 0031:DH_RSA_WITH_AES_128_CBC_SHA 0032:DHE_DSS_WITH_AES_128_CBC_SHA ' +
  '0033:DHE_RSA_WITH_AES_128_CBC_SHA 0034:DH_anon_WITH_AES_128_CBC_SHA 0035:RSA_WITH_AES_256_CBC_SHA ' +
  '0036:DH_DSS_WITH_AES_256_CBC_SHA 0037:DH_RSA_WITH_AES_256_CBC_SHA 0038:DHE_DSS_WITH_AES_256_CBC_SHA ' +
  '0039:DHE_RSA_WITH_AES_256_CBC_SHA 003a:DH_anon_WITH_AES_256_CBC_SHA 003b:RSA_WITH_NULL_SHA256 ' +
  '003c:RSA_WITH_AES_128_CBC_SHA256 003d:RSA_WITH_AES_256_CBC_SHA256 003e:DH_DSS_WITH_AES_128_CBC_SHA256 ' +
  '003f:DH_RSA_WITH_AES_128_CBC_SHA256 0040:DHE_DSS_WITH_AES_128_CBC_SHA256 0041:RSA_WITH_CAMELLIA_128_CBC_SHA ' +
  '0042:DH_DSS_WITH_CAMELLIA_128_CBC_SHA 0043:DH_RSA_WITH_CAMELLIA_128_CBC_SHA 0044:DHE_DSS_WITH_CAMELLIA_128_CBC_SHA ' +
  '0045:DHE_RSA_WITH_CAMELLIA_128_CBC_SHA 0046:DH_anon_WITH_CAMELLIA_128_CBC_SHA 0060:RSA_EXPORT1024_WITH_RC4_56_MD5 ' +
  '0061:RSA_EXPORT1024_WITH_RC2_CBC_56_MD5 0062:RSA_EXPORT1024_WITH_DES_CBC_SHA 0063:DHE_DSS_EXPORT1024_WITH_DES_CBC_SHA ' +
  '0064:RSA_EXPORT1024_WITH_RC4_56_SHA 0065:DHE_DSS_EXPORT1024_WITH_RC4_56_SHA 0066:DHE_DSS_WITH_RC4_128_SHA ' +
  '0067:DHE_RSA_WITH_AES_128_CBC_SHA256 0068:DH_DSS_WITH_AES_256_CBC_SHA256 0069:DH_RSA_WITH_AES_256_CBC_SHA256 ' +
  '006a:DHE_DSS_WITH_AES_256_CBC_SHA256 006b:DHE_RSA_WITH_AES_256_CBC_SHA256 006c:DH_anon_WITH_AES_128_CBC_SHA256 ' +
  '006d:DH_anon_WITH_AES_256_CBC_SHA256 0080:GOSTR341094_WITH_28147_CNT_IMIT 0081:GOSTR341001_WITH_28147_CNT_IMIT ' +
  '0082:GOSTR341094_WITH_NULL_GOSTR3411 0083:GOSTR341001_WITH_NULL_GOSTR3411 0084:RSA_WITH_CAMELLIA_256_CBC_SHA ' +
  '0085:DH_DSS_WITH_CAMELLIA_256_CBC_SHA 0086:DH_RSA_WITH_CAMELLIA_256_CBC_SHA 0087:DHE_DSS_WITH_CAMELLIA_256_CBC_SHA ' +
  '0088:DHE_RSA_WITH_CAMELLIA_256_CBC_SHA 0089:DH_anon_WITH_CAMELLIA_256_CBC_SHA 008a:PSK_WITH_RC4_128_SHA ' +
  '008b:PSK_WITH_3DES_EDE_CBC_SHA 008c:PSK_WITH_AES_128_CBC_SHA 008d:PSK_WITH_AES_256_CBC_SHA ' +
  '008e:DHE_PSK_WITH_RC4_128_SHA 008f:DHE_PSK_WITH_3DES_EDE_CBC_SHA 0090:DHE_PSK_WITH_AES_128_CBC_SHA ' +
  '0091:DHE_PSK_WITH_AES_256_CBC_SHA 0092:RSA_PSK_WITH_RC4_128_SHA 0093:RSA_PSK_WITH_3DES_EDE_CBC_SHA ' +
  '0094:RSA_PSK_WITH_AES_128_CBC_SHA 0095:RSA_PSK_WITH_AES_256_CBC_SHA 0096:RSA_WITH_SEED_CBC_SHA ' +
  '0097:DH_DSS_WITH_SEED_CBC_SHA 0098:DH_RSA_WITH_SEED_CBC_SHA 0099:DHE_DSS_WITH_SEED_CBC_SHA ' +
  '009a:DHE_RSA_WITH_SEED_CBC_SHA 009b:DH_anon_WITH_SEED_CBC_SHA 009c:RSA_WITH_AES_128_GCM_SHA256 ' +
  '009d:RSA_WITH_AES_256_GCM_SHA384 009e:DHE_RSA_WITH_AES_128_GCM_SHA256 009f:DHE_RSA_WITH_AES_256_GCM_SHA384 ' +
  '00a0:DH_RSA_WITH_AES_128_GCM_SHA256 00a1:DH_RSA_WITH_AES_256_GCM_SHA384 00a2:DHE_DSS_WITH_AES_128_GCM_SHA256 ' +
  '00a3:DHE_DSS_WITH_AES_256_GCM_SHA384 00a4:DH_DSS_WITH_AES_128_GCM_SHA256 00a5:DH_DSS_WITH_AES_256_GCM_SHA384 ' +
  '00a6:DH_anon_WITH_AES_128_GCM_SHA256 00a7:DH_anon_WITH_AES_256_GCM_SHA384 00a8:PSK_WITH_AES_128_GCM_SHA256 ' +
  '00a9:PSK_WITH_AES_256_GCM_SHA384 00aa:DHE_PSK_WITH_AES_128_GCM_SHA256 00ab:DHE_PSK_WITH_AES_256_GCM_SHA384 ' +
  '00ac:RSA_PSK_WITH_AES_128_GCM_SHA256 00ad:RSA_PSK_WITH_AES_256_GCM_SHA384 00ae:PSK_WITH_AES_128_CBC_SHA256 ' +
  '00af:PSK_WITH_AES_256_CBC_SHA384 00b0:PSK_WITH_NULL_SHA256 00b1:PSK_WITH_NULL_SHA384 ' +
  '00b2:DHE_PSK_WITH_AES_128_CBC_SHA256 00b3:DHE_PSK_WITH_AES_256_CBC_SHA384 00b4:DHE_PSK_WITH_NULL_SHA256 ' +
  '00b5:DHE_PSK_WITH_NULL_SHA384 00b6:RSA_PSK_WITH_AES_128_CBC_SHA256 00b7:RSA_PSK_WITH_AES_256_CBC_SHA384 ' +
  '00b8:RSA_PSK_WITH_NULL_SHA256 00b9:RSA_PSK_WITH_NULL_SHA384 00ba:RSA_WITH_CAMELLIA_128_CBC_SHA256 ' +
  '00bb:DH_DSS_WITH_CAMELLIA_128_CBC_SHA256 00bc:DH_RSA_WITH_CAMELLIA_128_CBC_SHA256 ' +
  '00bd:DHE_DSS_WITH_CAMELLIA_128_CBC_SHA256 00be:DHE_RSA_WITH_CAMELLIA_128_CBC_SHA256 ' +
  '00bf:DH_anon_WITH_CAMELLIA_128_CBC_SHA256 00c0:RSA_WITH_CAMELLIA_256_CBC_SHA256 ' +
  '00c1:DH_DSS_WITH_CAMELLIA_256_CBC_SHA256 00c2:DH_RSA_WITH_CAMELLIA_256_CBC_SHA256 ' +
  '00c3:DHE_DSS_WITH_CAMELLIA_256_CBC_SHA256 00c4:DHE_RSA_WITH_CAMELLIA_256_CBC_SHA256 ' +
  '00c5:DH_anon_WITH_CAMELLIA_256_CBC_SHA256 00c6:SM4_GCM_SM3 00c7:SM4_CCM_SM3 00ff:EMPTY_RENEGOTIATION_INFO_SCSV ' +
  '1301:AES_128_GCM_SHA256 1302:AES_256_GCM_SHA384 1303:CHACHA20_POLY1305_SHA256 1304:AES_128_CCM_SHA256 ' +
  '1305:AES_128_CCM_8_SHA256 5600:FALLBACK_SCSV c001:ECDH_ECDSA_WITH_NULL_SHA c002:ECDH_ECDSA_WITH_RC4_128_SHA ' +
  'c003:ECDH_ECDSA_WITH_3DES_EDE_CBC_SHA c004:ECDH_ECDSA_WITH_AES_128_CBC_SHA c005:ECDH_ECDSA_WITH_AES_256_CBC_SHA ' +
  'c006:ECDHE_ECDSA_WITH_NULL_SHA c007:ECDHE_ECDSA_WITH_RC4_128_SHA c008:ECDHE_ECDSA_WITH_3DES_EDE_CBC_SHA ' +
  'c009:ECDHE_ECDSA_WITH_AES_128_CBC_SHA c00a:ECDHE_ECDSA_WITH_AES_256_CBC_SHA c00b:ECDH_RSA_WITH_NULL_SHA ' +
  'c00c:ECDH_RSA_WITH_RC4_128_SHA c00d:ECDH_RSA_WITH_3DES_EDE_CBC_SHA c00e:ECDH_RSA_WITH_AES_128_CBC_SHA ' +
  'c00f:ECDH_RSA_WITH_AES_256_CBC_SHA c010:ECDHE_RSA_WITH_NULL_SHA c011:ECDHE_RSA_WITH_RC4_128_SHA ' +
  'c012:ECDHE_RSA_WITH_3DES_EDE_CBC_SHA c013:ECDHE_RSA_WITH_AES_128_CBC_SHA c014:ECDHE_RSA_WITH_AES_256_CBC_SHA ' +
  'c015:ECDH_anon_WITH_NULL_SHA c016:ECDH_anon_WITH_RC4_128_SHA c017:ECDH_anon_WITH_3DES_EDE_CBC_SHA ' +
  'c018:ECDH_anon_WITH_AES_128_CBC_SHA c019:ECDH_anon_WITH_AES_256_CBC_SHA c01a:SRP_SHA_WITH_3DES_EDE_CBC_SHA ' +
  'c01b:SRP_SHA_RSA_WITH_3DES_EDE_CBC_SHA c01c:SRP_SHA_DSS_WITH_3DES_EDE_CBC_SHA c01d:SRP_SHA_WITH_AES_128_CBC_SHA ' +
  'c01e:SRP_SHA_RSA_WITH_AES_128_CBC_SHA c01f:SRP_SHA_DSS_WITH_AES_128_CBC_SHA c020:SRP_SHA_WITH_AES_256_CBC_SHA ' +
  'c021:SRP_SHA_RSA_WITH_AES_256_CBC_SHA c022:SRP_SHA_DSS_WITH_AES_256_CBC_SHA c023:ECDHE_ECDSA_WITH_AES_128_CBC_SHA256 ' +
  'c024:ECDHE_ECDSA_WITH_AES_256_CBC_SHA384 c025:ECDH_ECDSA_WITH_AES_128_CBC_SHA256 ' +
  'c026:ECDH_ECDSA_WITH_AES_256_CBC_SHA384 c027:ECDHE_RSA_WITH_AES_128_CBC_SHA256 c028:ECDHE_RSA_WITH_AES_256_CBC_SHA384 ' +
  'c029:ECDH_RSA_WITH_AES_128_CBC_SHA256 c02a:ECDH_RSA_WITH_AES_256_CBC_SHA384 c02b:ECDHE_ECDSA_WITH_AES_128_GCM_SHA256 ' +
  'c02c:ECDHE_ECDSA_WITH_AES_256_GCM_SHA384 c02d:ECDH_ECDSA_WITH_AES_128_GCM_SHA256 ' +
  'c02e:ECDH_ECDSA_WITH_AES_256_GCM_SHA384 c02f:ECDHE_RSA_WITH_AES_128_GCM_SHA256 c030:ECDHE_RSA_WITH_AES_256_GCM_SHA384 ' +
  'c031:ECDH_RSA_WITH_AES_128_GCM_SHA256 c032:ECDH_RSA_WITH_AES_256_GCM_SHA384 c033:ECDHE_PSK_WITH_RC4_128_SHA ' +
  'c034:ECDHE_PSK_WITH_3DES_EDE_CBC_SHA c035:ECDHE_PSK_WITH_AES_128_CBC_SHA c036:ECDHE_PSK_WITH_AES_256_CBC_SHA ' +
  'c037:ECDHE_PSK_WITH_AES_128_CBC_SHA256 c038:ECDHE_PSK_WITH_AES_256_CBC_SHA384 c039:ECDHE_PSK_WITH_NULL_SHA ' +
  'c03a:ECDHE_PSK_WITH_NULL_SHA256 c03b:ECDHE_PSK_WITH_NULL_SHA384 c03c:RSA_WITH_ARIA_128_CBC_SHA256 ' +
  'c03d:RSA_WITH_ARIA_256_CBC_SHA384 c03e:DH_DSS_WITH_ARIA_128_CBC_SHA256 c03f:DH_DSS_WITH_ARIA_256_CBC_SHA384 ' +
  'c040:DH_RSA_WITH_ARIA_128_CBC_SHA256 c041:DH_RSA_WITH_ARIA_256_CBC_SHA384 c042:DHE_DSS_WITH_ARIA_128_CBC_SHA256 ' +
  'c043:DHE_DSS_WITH_ARIA_256_CBC_SHA384 c044:DHE_RSA_WITH_ARIA_128_CBC_SHA256 c045:DHE_RSA_WITH_ARIA_256_CBC_SHA384 ' +
  'c046:DH_anon_WITH_ARIA_128_CBC_SHA256 c047:DH_anon_WITH_ARIA_256_CBC_SHA384 c048:ECDHE_ECDSA_WITH_ARIA_128_CBC_SHA256 ' +
  'c049:ECDHE_ECDSA_WITH_ARIA_256_CBC_SHA384 c04a:ECDH_ECDSA_WITH_ARIA_128_CBC_SHA256 ' +
  'c04b:ECDH_ECDSA_WITH_ARIA_256_CBC_SHA384 c04c:ECDHE_RSA_WITH_ARIA_128_CBC_SHA256 ' +
  'c04d:ECDHE_RSA_WITH_ARIA_256_CBC_SHA384 c04e:ECDH_RSA_WITH_ARIA_128_CBC_SHA256 c04f:ECDH_RSA_WITH_ARIA_256_CBC_SHA384 ' +
  'c050:RSA_WITH_ARIA_128_GCM_SHA256 c051:RSA_WITH_ARIA_256_GCM_SHA384 c052:DHE_RSA_WITH_ARIA_128_GCM_SHA256 ' +
  'c053:DHE_RSA_WITH_ARIA_256_GCM_SHA384 c054:DH_RSA_WITH_ARIA_128_GCM_SHA256 c055:DH_RSA_WITH_ARIA_256_GCM_SHA384 ' +
  'c056:DHE_DSS_WITH_ARIA_128_GCM_SHA256 c057:DHE_DSS_WITH_ARIA_256_GCM_SHA384 c058:DH_DSS_WITH_ARIA_128_GCM_SHA256 ' +
  'c059:DH_DSS_WITH_ARIA_256_GCM_SHA384 c05a:DH_anon_WITH_ARIA_128_GCM_SHA256 c05b:DH_anon_WITH_ARIA_256_GCM_SHA384 ' +
  'c05c:ECDHE_ECDSA_WITH_ARIA_128_GCM_SHA256 c05d:ECDHE_ECDSA_WITH_ARIA_256_GCM_SHA384 ' +
  'c05e:ECDH_ECDSA_WITH_ARIA_128_GCM_SHA256 c05f:ECDH_ECDSA_WITH_ARIA_256_GCM_SHA384 ' +
  'c060:ECDHE_RSA_WITH_ARIA_128_GCM_SHA256 c061:ECDHE_RSA_WITH_ARIA_256_GCM_SHA384 ' +
  'c062:ECDH_RSA_WITH_ARIA_128_GCM_SHA256 c063:ECDH_RSA_WITH_ARIA_256_GCM_SHA384 c064:PSK_WITH_ARIA_128_CBC_SHA256 ' +
  'c065:PSK_WITH_ARIA_256_CBC_SHA384 c066:DHE_PSK_WITH_ARIA_128_CBC_SHA256 c067:DHE_PSK_WITH_ARIA_256_CBC_SHA384 ' +
  'c068:RSA_PSK_WITH_ARIA_128_CBC_SHA256 c069:RSA_PSK_WITH_ARIA_256_CBC_SHA384 c06a:PSK_WITH_ARIA_128_GCM_SHA256 ' +
  'c06b:PSK_WITH_ARIA_256_GCM_SHA384 c06c:DHE_PSK_WITH_ARIA_128_GCM_SHA256 c06d:DHE_PSK_WITH_ARIA_256_GCM_SHA384 ' +
  'c06e:RSA_PSK_WITH_ARIA_128_GCM_SHA256 c06f:RSA_PSK_WITH_ARIA_256_GCM_SHA384 c070:ECDHE_PSK_WITH_ARIA_128_CBC_SHA256 ' +
  'c071:ECDHE_PSK_WITH_ARIA_256_CBC_SHA384 c072:ECDHE_ECDSA_WITH_CAMELLIA_128_CBC_SHA256 ' +
  'c073:ECDHE_ECDSA_WITH_CAMELLIA_256_CBC_SHA384 c074:ECDH_ECDSA_WITH_CAMELLIA_128_CBC_SHA256 ' +
  'c075:ECDH_ECDSA_WITH_CAMELLIA_256_CBC_SHA384 c076:ECDHE_RSA_WITH_CAMELLIA_128_CBC_SHA256 ' +
  'c077:ECDHE_RSA_WITH_CAMELLIA_256_CBC_SHA384 c078:ECDH_RSA_WITH_CAMELLIA_128_CBC_SHA256 ' +
  'c079:ECDH_RSA_WITH_CAMELLIA_256_CBC_SHA384 c07a:RSA_WITH_CAMELLIA_128_GCM_SHA256 ' +
  'c07b:RSA_WITH_CAMELLIA_256_GCM_SHA384 c07c:DHE_RSA_WITH_CAMELLIA_128_GCM_SHA256 ' +
  'c07d:DHE_RSA_WITH_CAMELLIA_256_GCM_SHA384 c07e:DH_RSA_WITH_CAMELLIA_128_GCM_SHA256 ' +
  'c07f:DH_RSA_WITH_CAMELLIA_256_GCM_SHA384 c080:DHE_DSS_WITH_CAMELLIA_128_GCM_SHA256 ' +
  'c081:DHE_DSS_WITH_CAMELLIA_256_GCM_SHA384 c082:DH_DSS_WITH_CAMELLIA_128_GCM_SHA256 ' +
  'c083:DH_DSS_WITH_CAMELLIA_256_GCM_SHA384 c084:DH_anon_WITH_CAMELLIA_128_GCM_SHA256 ' +
  'c085:DH_anon_WITH_CAMELLIA_256_GCM_SHA384 c086:ECDHE_ECDSA_WITH_CAMELLIA_128_GCM_SHA256 ' +
  'c087:ECDHE_ECDSA_WITH_CAMELLIA_256_GCM_SHA384 c088:ECDH_ECDSA_WITH_CAMELLIA_128_GCM_SHA256 ' +
  'c089:ECDH_ECDSA_WITH_CAMELLIA_256_GCM_SHA384 c08a:ECDHE_RSA_WITH_CAMELLIA_128_GCM_SHA256 ' +
  'c08b:ECDHE_RSA_WITH_CAMELLIA_256_GCM_SHA384 c08c:ECDH_RSA_WITH_CAMELLIA_128_GCM_SHA256 ' +
  'c08d:ECDH_RSA_WITH_CAMELLIA_256_GCM_SHA384 c08e:PSK_WITH_CAMELLIA_128_GCM_SHA256 ' +
  'c08f:PSK_WITH_CAMELLIA_256_GCM_SHA384 c090:DHE_PSK_WITH_CAMELLIA_128_GCM_SHA256 ' +
  'c091:DHE_PSK_WITH_CAMELLIA_256_GCM_SHA384 c092:RSA_PSK_WITH_CAMELLIA_128_GCM_SHA256 ' +
  'c093:RSA_PSK_WITH_CAMELLIA_256_GCM_SHA384 c094:PSK_WITH_CAMELLIA_128_CBC_SHA256 c095:PSK_WITH_CAMELLIA_256_CBC_SHA384 ' +
  'c096:DHE_PSK_WITH_CAMELLIA_128_CBC_SHA256 c097:DHE_PSK_WITH_CAMELLIA_256_CBC_SHA384 ' +
  'c098:RSA_PSK_WITH_CAMELLIA_128_CBC_SHA256 c099:RSA_PSK_WITH_CAMELLIA_256_CBC_SHA384 ' +
  'c09a:ECDHE_PSK_WITH_CAMELLIA_128_CBC_SHA256 c09b:ECDHE_PSK_WITH_CAMELLIA_256_CBC_SHA384 c09c:RSA_WITH_AES_128_CCM ' +
  'c09d:RSA_WITH_AES_256_CCM c09e:DHE_RSA_WITH_AES_128_CCM c09f:DHE_RSA_WITH_AES_256_CCM c0a0:RSA_WITH_AES_128_CCM_8 ' +
  'c0a1:RSA_WITH_AES_256_CCM_8 c0a2:DHE_RSA_WITH_AES_128_CCM_8 c0a3:DHE_RSA_WITH_AES_256_CCM_8 c0a4:PSK_WITH_AES_128_CCM ' +
  'c0a5:PSK_WITH_AES_256_CCM c0a6:DHE_PSK_WITH_AES_128_CCM c0a7:DHE_PSK_WITH_AES_256_CCM c0a8:PSK_WITH_AES_128_CCM_8 ' +
  'c0a9:PSK_WITH_AES_256_CCM_8 c0aa:PSK_DHE_WITH_AES_128_CCM_8 c0ab:PSK_DHE_WITH_AES_256_CCM_8 ' +
  'c0ac:ECDHE_ECDSA_WITH_AES_128_CCM c0ad:ECDHE_ECDSA_WITH_AES_256_CCM c0ae:ECDHE_ECDSA_WITH_AES_128_CCM_8 ' +
  'c0af:ECDHE_ECDSA_WITH_AES_256_CCM_8 c0b0:ECCPWD_WITH_AES_128_GCM_SHA256 c0b1:ECCPWD_WITH_AES_256_GCM_SHA384 ' +
  'c0b2:ECCPWD_WITH_AES_128_CCM_SHA256 c0b3:ECCPWD_WITH_AES_256_CCM_SHA384 c0b4:SHA256_SHA256 c0b5:SHA384_SHA384 ' +
  'c0ff:ECJPAKE_WITH_AES_128_CCM_8 c100:GOSTR341112_256_WITH_KUZNYECHIK_CTR_OMAC ' +
  'c101:GOSTR341112_256_WITH_MAGMA_CTR_OMAC c102:GOSTR341112_256_WITH_28147_CNT_IMIT ' +
  'c103:GOSTR341112_256_WITH_KUZNYECHIK_MGM_L c104:GOSTR341112_256_WITH_MAGMA_MGM_L ' +
  'c105:GOSTR341112_256_WITH_KUZNYECHIK_MGM_S c106:GOSTR341112_256_WITH_MAGMA_MGM_S ' +
  'cc13:ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256 cc14:ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256 ' +
  'cc15:DHE_RSA_WITH_CHACHA20_POLY1305_SHA256 cca8:ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256 ' +
  'cca9:ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256 ccaa:DHE_RSA_WITH_CHACHA20_POLY1305_SHA256 ' +
  'ccab:PSK_WITH_CHACHA20_POLY1305_SHA256 ccac:ECDHE_PSK_WITH_CHACHA20_POLY1305_SHA256 ' +
  'ccad:DHE_PSK_WITH_CHACHA20_POLY1305_SHA256 ccae:RSA_PSK_WITH_CHACHA20_POLY1305_SHA256 ' +
  'd001:ECDHE_PSK_WITH_AES_128_GCM_SHA256 d002:ECDHE_PSK_WITH_AES_256_GCM_SHA384 ' +
  'd003:ECDHE_PSK_WITH_AES_128_CCM_8_SHA256 d005:ECDHE_PSK_WITH_AES_128_CCM_SHA256 e410:RSA_WITH_ESTREAM_SALSA20_SHA1 ' +
  'e411:RSA_WITH_SALSA20_SHA1 e412:ECDHE_RSA_WITH_ESTREAM_SALSA20_SHA1 e413:ECDHE_RSA_WITH_SALSA20_SHA1 ' +
  'e414:ECDHE_ECDSA_WITH_ESTREAM_SALSA20_SHA1 e415:ECDHE_ECDSA_WITH_SALSA20_SHA1 e416:PSK_WITH_ESTREAM_SALSA20_SHA1 ' +
  'e417:PSK_WITH_SALSA20_SHA1 e418:ECDHE_PSK_WITH_ESTREAM_SALSA20_SHA1 e419:ECDHE_PSK_WITH_SALSA20_SHA1 ' +
  'e41a:RSA_PSK_WITH_ESTREAM_SALSA20_SHA1 e41b:RSA_PSK_WITH_SALSA20_SHA1 e41c:DHE_PSK_WITH_ESTREAM_SALSA20_SHA1 ' +
  'e41d:DHE_PSK_WITH_SALSA20_SHA1 e41e:DHE_RSA_WITH_ESTREAM_SALSA20_SHA1 e41f:DHE_RSA_WITH_SALSA20_SHA1 '
  )
    .trim()
    .split(/\s+/)
    .map((e) => [parseInt(e.slice(0, 4), 16), e.slice(5)] as const),
);

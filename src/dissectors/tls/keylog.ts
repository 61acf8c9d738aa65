/**
 * TLS secrets from NSS key log files (`SSLKEYLOGFILE`, `--tls-keylog FILE`, and the TLS key logs
 * pcapng carries in Decryption Secrets Blocks of type 0x544c534b "TLSK"), and whether they would
 * decrypt a given connection; the secrets themselves for ./decrypt.ts. A session's key log is
 * attached with `attachTlsKeyLog` (from `--tls-keylog`, `-o tls.keylog_file`) and grows with the
 * capture's DSBs (`addTlsSecretsBlock`).
 *
 * Key log format (NSS; https://firefox-source-docs.mozilla.org/security/nss/legacy/key_log_format/,
 * draft-ietf-tls-keylogfile): one `LABEL <client_random hex> <secret hex>` per line, `#` comments,
 * blank lines ignored. Labels: CLIENT_RANDOM (TLS 1.2 and older: the 48-byte master secret),
 * PMS_CLIENT_RANDOM (a pre-master secret, as Wireshark also accepts), TLS 1.3's
 * CLIENT_HANDSHAKE_TRAFFIC_SECRET, SERVER_HANDSHAKE_TRAFFIC_SECRET, CLIENT_TRAFFIC_SECRET_0,
 * SERVER_TRAFFIC_SECRET_0, CLIENT_EARLY_TRAFFIC_SECRET, EXPORTER_SECRET, EARLY_EXPORTER_SECRET,
 * and `RSA <first 8 bytes of the encrypted pre-master> <pre-master>` (keyed by the
 * ClientKeyExchange's encrypted pre-master secret, not the client random). A line that does not
 * parse is counted (with its line number, the first few) and skipped, never fatal.
 *
 * What decrypts a connection (what Wireshark needs):
 * - TLS 1.2 and older: CLIENT_RANDOM or PMS_CLIENT_RANDOM for its ClientHello's random, or an RSA
 *   line for its ClientKeyExchange (a pre-master secret wins over CLIENT_RANDOM, as in
 *   packet-tls-utils.c: it is looked up at the ClientKeyExchange, the master secret only at the
 *   ChangeCipherSpec when no pre-master secret was found).
 * - TLS 1.3: both handshake traffic secrets decrypt the handshake (certificates, Finished), both
 *   application traffic secrets the data; all four: `yes`, one pair: `partial`.
 *
 * Memory is bounded by TLS_KEYLOG_LIMITS.
 */
import { closeSync, openSync, readSync, statSync } from 'node:fs';
import type { Session } from '../packet.js';

/** Named bounds of key-log parsing. */
export const TLS_KEYLOG_LIMITS = {
  /** Bytes read of one key log (file or DSB); the rest is ignored and said so. */
  maxBytes: 64 * 1024 * 1024,
  /** Client randoms kept (a line for one more is counted in `dropped`). */
  maxClientRandoms: 1_000_000,
  /** Line numbers of bad lines kept for the message. */
  badLinesKept: 10,
  /**
   * Longest pre-master secret (PMS_CLIENT_RANDOM, RSA lines) kept: 48 bytes for RSA, the shared
   * secret's length for (EC)DHE (1024 bytes for ffdhe8192). Wireshark takes any length.
   */
  maxPremasterBytes: 1024,
  /** RSA lines kept (by encrypted pre-master prefix); one more is counted in `dropped`. */
  maxRsaLines: 1_000_000,
};

export const KEYLOG_LABELS = [
  'CLIENT_RANDOM',
  'PMS_CLIENT_RANDOM',
  'CLIENT_EARLY_TRAFFIC_SECRET',
  'CLIENT_HANDSHAKE_TRAFFIC_SECRET',
  'SERVER_HANDSHAKE_TRAFFIC_SECRET',
  'CLIENT_TRAFFIC_SECRET_0',
  'SERVER_TRAFFIC_SECRET_0',
  'EARLY_EXPORTER_SECRET',
  'EXPORTER_SECRET',
] as const;
export type KeylogLabel = (typeof KEYLOG_LABELS)[number];

const BIT: Readonly<Record<KeylogLabel, number>> = Object.fromEntries(KEYLOG_LABELS.map((l, i) => [l, 1 << i])) as Record<KeylogLabel, number>;

/** pcapng Decryption Secrets Block type of a TLS key log ("TLSK"). */
export const DSB_TLS_KEY_LOG = 0x544c534b;

export type KeysVerdict = 'yes' | 'partial' | 'no';

export interface KeysAvailability {
  /** yes: the secrets decrypt the whole connection; partial: a part of it; no: nothing. */
  available: KeysVerdict;
  /** Which secrets were found or are missing, in words. */
  detail: string;
}

export interface KeyLogCounts {
  /** Lines read (comments and blank lines included), lines with a usable secret, bad lines. */
  lines: number;
  secrets: number;
  bad: number;
  /** Line numbers (per source, `source:line`) of the first bad lines. */
  badLines: string[];
  /** RSA lines (keyed by the first 8 bytes of the encrypted pre-master secret). */
  rsa: number;
  /** Client randoms over TLS_KEYLOG_LIMITS.maxClientRandoms, bytes over maxBytes. */
  dropped: number;
  truncatedBytes: number;
  /** Number of key logs read (files and DSBs). */
  sources: number;
}

const HEX = /^[0-9a-fA-F]+$/;

/** Whether a hex string is a pre-master secret (1 to maxPremasterBytes bytes). */
function premaster(hex: string): boolean {
  return hex.length >= 2 && hex.length % 2 === 0 && hex.length <= 2 * TLS_KEYLOG_LIMITS.maxPremasterBytes && HEX.test(hex);
}

/** The secrets of one or more key logs, by client random. */
export class TlsKeyLog {
  /** Lowercase client random hex -> bit set of the labels seen for it. */
  private byRandom = new Map<string, number>();
  /** Lowercase client random hex -> the secrets by label index (KEYLOG_LABELS), the last line wins. */
  private values = new Map<string, (Uint8Array | undefined)[]>();
  /** RSA lines: lowercase hex of the encrypted pre-master's first 8 bytes -> the pre-master secret. */
  private rsa = new Map<string, Uint8Array>();
  readonly counts: KeyLogCounts = { lines: 0, secrets: 0, bad: 0, badLines: [], rsa: 0, dropped: 0, truncatedBytes: 0, sources: 0 };

  get size(): number {
    return this.byRandom.size;
  }

  /** Adds the lines of a key log (text, or bytes as in a DSB). `source` names it in messages. */
  add(log: string | Uint8Array, source: string): void {
    this.counts.sources++;
    let bytes = typeof log === 'string' ? Buffer.from(log, 'utf8') : Buffer.from(log.buffer, log.byteOffset, log.byteLength);
    if (bytes.length > TLS_KEYLOG_LIMITS.maxBytes) {
      this.counts.truncatedBytes += bytes.length - TLS_KEYLOG_LIMITS.maxBytes;
      bytes = bytes.subarray(0, TLS_KEYLOG_LIMITS.maxBytes);
    }
    const text = bytes.toString('latin1');
    let lineNo = 0;
    for (let start = 0; start < text.length; ) {
      let end = text.indexOf('\n', start);
      if (end < 0) end = text.length;
      lineNo++;
      this.line(text.slice(start, end), source, lineNo);
      start = end + 1;
    }
  }

  private bad(source: string, lineNo: number): void {
    this.counts.bad++;
    if (this.counts.badLines.length < TLS_KEYLOG_LIMITS.badLinesKept) this.counts.badLines.push(`${source}:${lineNo}`);
  }

  private line(raw: string, source: string, lineNo: number): void {
    this.counts.lines++;
    const s = raw.trim();
    if (!s || s.startsWith('#')) return;
    const f = s.split(/\s+/);
    if (f.length !== 3) return this.bad(source, lineNo);
    const [label, key, secret] = f as [string, string, string];
    if (label === 'RSA') {
      if (key.length !== 16 || !HEX.test(key) || !premaster(secret)) return this.bad(source, lineNo);
      const k = key.toLowerCase();
      if (!this.rsa.has(k) && this.rsa.size >= TLS_KEYLOG_LIMITS.maxRsaLines) {
        this.counts.dropped++;
        return;
      }
      this.rsa.set(k, Buffer.from(secret, 'hex'));
      this.counts.rsa++;
      return;
    }
    const bit = BIT[label as KeylogLabel];
    // A 32-byte client random; a secret of 32 to 64 bytes (48 for TLS 1.2, the hash length for
    // 1.3), a pre-master secret of any length up to the limit.
    const fits = label === 'PMS_CLIENT_RANDOM' ? premaster(secret) : secret.length % 2 === 0 && secret.length >= 64 && secret.length <= 128 && HEX.test(secret);
    if (!bit || key.length !== 64 || !HEX.test(key) || !fits) return this.bad(source, lineNo);
    const cr = key.toLowerCase();
    const had = this.byRandom.get(cr);
    if (had === undefined && this.byRandom.size >= TLS_KEYLOG_LIMITS.maxClientRandoms) {
      this.counts.dropped++;
      return;
    }
    this.byRandom.set(cr, (had ?? 0) | bit);
    let v = this.values.get(cr);
    if (!v) this.values.set(cr, (v = []));
    v[KEYLOG_LABELS.indexOf(label as KeylogLabel)] = Buffer.from(secret, 'hex');
    this.counts.secrets++;
  }

  /** The secret of `label` for a client random (lowercase hex), if the log has one. */
  secret(clientRandom: string, label: KeylogLabel): Uint8Array | undefined {
    return this.values.get(clientRandom)?.[KEYLOG_LABELS.indexOf(label)];
  }

  /** The pre-master secret of an RSA line for an encrypted pre-master secret's first 8 bytes (lowercase hex). */
  rsaPremaster(prefix: string): Uint8Array | undefined {
    return this.rsa.get(prefix);
  }

  /** The labels known for a client random. */
  labels(clientRandom: string): KeylogLabel[] {
    const bits = this.byRandom.get(clientRandom.toLowerCase()) ?? 0;
    return KEYLOG_LABELS.filter((l) => bits & BIT[l]);
  }

  /**
   * Whether the secrets would decrypt a connection whose ClientHello carried `clientRandom`, with
   * the negotiated `version` (0x0304 for TLS 1.3; 0 when no ServerHello was seen).
   */
  availability(clientRandom: string, version: number): KeysAvailability {
    const bits = this.byRandom.get(clientRandom.toLowerCase()) ?? 0;
    const has = (l: KeylogLabel) => (bits & BIT[l]) !== 0;
    const tls12 = has('CLIENT_RANDOM') || has('PMS_CLIENT_RANDOM');
    const hs = has('CLIENT_HANDSHAKE_TRAFFIC_SECRET') && has('SERVER_HANDSHAKE_TRAFFIC_SECRET');
    const app = has('CLIENT_TRAFFIC_SECRET_0') && has('SERVER_TRAFFIC_SECRET_0');
    if (!bits) return { available: 'no', detail: 'no secrets for this client random' };
    if (version === 0x0304 || (version === 0 && !tls12)) {
      if (hs && app) return { available: 'yes', detail: 'TLS 1.3 handshake and traffic secrets' };
      if (hs) return { available: 'partial', detail: 'TLS 1.3 handshake secrets only (no CLIENT/SERVER_TRAFFIC_SECRET_0)' };
      if (app) return { available: 'partial', detail: 'TLS 1.3 traffic secrets only (handshake stays encrypted)' };
      return { available: 'no', detail: `incomplete TLS 1.3 secrets (${this.labels(clientRandom).join(', ')})` };
    }
    if (tls12) return { available: 'yes', detail: has('CLIENT_RANDOM') ? 'CLIENT_RANDOM master secret' : 'PMS_CLIENT_RANDOM pre-master secret' };
    return { available: 'no', detail: `only TLS 1.3 secrets for a ${version ? 'TLS 1.2 or older' : 'connection of unknown version'}` };
  }
}

/**
 * Reads a key log file into `log` (or a new one). Throws an Error with a clear message when the
 * file cannot be read; bad lines are counted in `log.counts`, not thrown.
 */
export function readKeyLogFile(path: string, log = new TlsKeyLog()): TlsKeyLog {
  const st = statSync(path);
  if (!st.isFile()) throw new Error(`${path}: not a regular file`);
  // Read at most maxBytes (+1 to tell that there was more).
  const buf = Buffer.alloc(Math.min(st.size, TLS_KEYLOG_LIMITS.maxBytes + 1));
  const fd = openSync(path, 'r');
  let n = 0;
  try {
    while (n < buf.length) {
      const r = readSync(fd, buf, n, buf.length - n, n);
      if (r === 0) break;
      n += r;
    }
  } finally {
    closeSync(fd);
  }
  log.add(buf.subarray(0, n), path);
  if (st.size > TLS_KEYLOG_LIMITS.maxBytes) log.counts.truncatedBytes += st.size - n;
  return log;
}

/** Where a session keeps its key log (its `carry`, so that both passes of a read see it; null: none). */
const CARRY_KEY = 'tls.keylog';

/** The preference that names a key log file, as tshark's (`-o tls.keylog_file:FILE`; `--tls-keylog FILE`). */
export const TLS_KEYLOG_PREF = 'tls.keylog_file';

/** Gives a capture's session the secrets of `log` (call before dissecting; DSBs add to it). */
export function attachTlsKeyLog(session: Session, log: TlsKeyLog): void {
  session.carry.set(CARRY_KEY, log);
}

/**
 * The session's key log, if it has one (undefined: nothing to decrypt with, nothing is tried): the
 * files its options name (`tlsKeyLogs`, `tls.keylog_file:FILE` preferences; read once, at the first ClientHello)
 * and the capture's DSBs. A file that cannot be read is skipped, as tshark skips it (the CLI
 * checks the files it is given before reading).
 */
export function sessionKeyLog(session: Session): TlsKeyLog | undefined {
  let v = session.carry.get(CARRY_KEY) as TlsKeyLog | null | undefined;
  if (v === undefined) {
    const files = keyLogFiles(session).map((path) => ({ path, size: fileSize(path) }));
    v = keyLogOf(files.map((f) => f.path));
    session.carry.set(CARRY_KEY, v);
    session.carry.set(FILES_KEY, files);
  }
  return v ?? undefined;
}

/** Where a session keeps the sizes its key log files had when read. */
const FILES_KEY = 'tls.keylog.files';

/** The key log files a session's options name. */
function keyLogFiles(session: Session): string[] {
  // (The session's options: `tlsKeyLogs` and `-o` preferences, src/dissectors/session.ts.)
  const o = (session as { options?: { tlsKeyLogs?: readonly string[]; prefs?: readonly string[] } }).options ?? {};
  return [...(o.tlsKeyLogs ?? []), ...(o.prefs ?? []).filter(isKeyLogPref).map((p) => p.slice(p.indexOf(':') + 1).trim())].filter(Boolean);
}

function fileSize(path: string): number {
  try {
    return statSync(path).size;
  } catch {
    return -1;
  }
}

/**
 * A connection whose client random the key log does not know: the key log files are read again
 * if they grew since (a browser or server appends to SSLKEYLOGFILE while a live capture runs, and
 * tshark rereads it too). Returns whether anything was read.
 */
export function refreshKeyLog(session: Session): boolean {
  const log = sessionKeyLog(session);
  const files = session.carry.get(FILES_KEY) as { path: string; size: number }[] | undefined;
  if (!log || !files) return false;
  let read = false;
  for (const f of files) {
    const size = fileSize(f.path);
    if (size <= f.size) continue;
    f.size = size;
    try {
      readKeyLogFile(f.path, log);
      read = true;
    } catch {
      // Unreadable now: keep what was read.
    }
  }
  return read;
}

/** Whether a preference (`name:value`) names a key log file. */
function isKeyLogPref(p: string): boolean {
  const i = p.indexOf(':');
  return i > 0 && p.slice(0, i).trim() === TLS_KEYLOG_PREF;
}

/** The key log of these files, or null if none is named. */
function keyLogOf(paths: readonly string[]): TlsKeyLog | null {
  let log: TlsKeyLog | null = null;
  for (const path of paths) {
    if (!path) continue;
    log ??= new TlsKeyLog();
    try {
      readKeyLogFile(path, log);
    } catch {
      // Unreadable: no secrets from it.
    }
  }
  return log;
}

/**
 * A pcapng Decryption Secrets Block: a TLS key log (type DSB_TLS_KEY_LOG) is added to the
 * session's key log (made if it has none), as tshark uses the DSBs of a capture without options.
 * Other secret types are ignored. Returns whether the block was a TLS key log.
 */
export function addTlsSecretsBlock(session: Session, secrets: { type: number; data: Uint8Array }): boolean {
  if (secrets.type !== DSB_TLS_KEY_LOG) return false;
  let log = sessionKeyLog(session);
  if (!log) attachTlsKeyLog(session, (log = new TlsKeyLog()));
  log.add(secrets.data, 'capture DSB');
  return true;
}

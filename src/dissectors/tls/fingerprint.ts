/**
 * TLS client and server fingerprints computed from parsed hellos (./types.ts `TlsHelloInfo`).
 *
 * - JA3 / JA3S exactly as tshark 4.0 fills `tls.handshake.ja3_full` / `ja3` and `ja3s_full` / `ja3s`
 *   (Wireshark epan/dissectors/packet-tls-utils.c): decimal numbers, lists joined by `-`, GREASE
 *   values (RFC 8701: 0x?a?a with equal bytes) left out, MD5 of the full string in lowercase hex.
 *     JA3  = legacy_version,ciphers,extensions,supported_groups,ec_point_formats
 *     JA3S = legacy_version,cipher,extensions
 * - JA4 / JA4S as the published specification (FoxIO-LLC/ja4 technical_details/JA4.md, JA4S.md):
 *     JA4  = {t|q|d}{version}{d|i}{#ciphers:02}{#extensions:02}{alpn first+last}_{sha256/12 of the
 *            sorted cipher list}_{sha256/12 of the sorted extension list without SNI and ALPN, then
 *            `_` and the signature algorithms in wire order}
 *     JA4S = {t|q}{version}{#extensions:02}{alpn first+last}_{cipher hex}_{sha256/12 of the
 *            extensions in wire order}
 *   An empty list hashes to `000000000000` (the spec's rule, and FoxIO's reference code's `hash12`).
 *
 * Pure functions over plain data; no state, no throw.
 */
import { createHash } from 'node:crypto';
import type { TlsHelloInfo } from './types.js';

/** RFC 8701 GREASE values: 0x0a0a, 0x1a1a, ..., 0xfafa. */
export function isGrease(v: number): boolean {
  return (v & 0x0f0f) === 0x0a0a && (v & 0xff) === (v >> 8);
}

const noGrease = (list: readonly number[]): number[] => list.filter((v) => !isGrease(v));
const md5 = (s: string): string => createHash('md5').update(s, 'latin1').digest('hex');

/** JA3 of a ClientHello, as tshark 4.0's `tls.handshake.ja3_full` and `tls.handshake.ja3`. */
export function ja3(h: TlsHelloInfo): { full: string; hash: string } {
  const full = [
    String(h.version),
    noGrease(h.ciphers).join('-'),
    noGrease(h.extensions).join('-'),
    noGrease(h.groups).join('-'),
    h.ecPointFormats.join('-'),
  ].join(',');
  return { full, hash: md5(full) };
}

/** JA3S of a ServerHello, as tshark 4.0's `tls.handshake.ja3s_full` and `tls.handshake.ja3s`. */
export function ja3s(h: TlsHelloInfo): { full: string; hash: string } {
  const full = [String(h.version), String(h.ciphers[0] ?? 0), noGrease(h.extensions).join('-')].join(',');
  return { full, hash: md5(full) };
}

const EXT_SERVER_NAME = 0x0000;
const EXT_ALPN = 0x0010;
const EXT_SUPPORTED_VERSIONS = 0x002b;

/** Two-character version code of JA4 (the spec's table; SSL 1.0/2.0 as FoxIO's reference code). */
const JA4_VERSIONS: ReadonlyMap<number, string> = new Map([
  [0x0304, '13'],
  [0x0303, '12'],
  [0x0302, '11'],
  [0x0301, '10'],
  [0x0300, 's3'],
  [0x0200, 's2'],
  [0x0002, 's2'],
  [0x0100, 's1'],
  [0xfeff, 'd1'],
  [0xfefd, 'd2'],
  [0xfefc, 'd3'],
]);

const isDtls = (v: number): boolean => v === 0xfeff || v === 0xfefd || v === 0xfefc;

/** The version JA4/JA4S name: the highest non-GREASE supported_versions entry if the extension is there. */
function ja4Version(h: TlsHelloInfo): number {
  if (h.extensions.includes(EXT_SUPPORTED_VERSIONS)) {
    const vs = noGrease(h.supportedVersions);
    if (vs.length) {
      // DTLS versions count down (0xfefc is DTLS 1.3), TLS versions up.
      return vs.every(isDtls) ? Math.min(...vs) : Math.max(...vs);
    }
  }
  return h.version;
}

const hex4 = (v: number): string => v.toString(16).padStart(4, '0');
const two = (n: number): string => String(Math.min(n, 99)).padStart(2, '0');
const hash12 = (s: string): string => (s === '' ? '000000000000' : createHash('sha256').update(s, 'latin1').digest('hex').slice(0, 12));

function isAlnum(c: number): boolean {
  return (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a);
}

/**
 * First and last character of the first ALPN value, or `00`. The names are byte strings decoded
 * one character per byte (latin1, as tls.ts does); when the first or last byte is not
 * alphanumeric, the first and last hex digits of the value's hex form are used (the spec's rule).
 */
export function ja4Alpn(alpn: readonly string[]): string {
  const v = alpn[0];
  if (!v) return '00';
  const first = v.charCodeAt(0) & 0xff;
  const last = v.charCodeAt(v.length - 1) & 0xff;
  if (isAlnum(first) && isAlnum(last)) return String.fromCharCode(first, last);
  const hex = first.toString(16).padStart(2, '0') + last.toString(16).padStart(2, '0');
  return hex[0]! + hex[3]!;
}

/** The parts of JA4 before hashing (`ja4_r` in FoxIO's tools). */
export function ja4Raw(h: TlsHelloInfo, quic = false): string {
  const version = ja4Version(h);
  const proto = quic ? 'q' : isDtls(version) ? 'd' : 't';
  const ciphers = noGrease(h.ciphers);
  const exts = noGrease(h.extensions);
  const head = `${proto}${JA4_VERSIONS.get(version) ?? '00'}${exts.includes(EXT_SERVER_NAME) ? 'd' : 'i'}${two(ciphers.length)}${two(exts.length)}${ja4Alpn(h.alpn)}`;
  const c = ciphers.map(hex4).sort().join(',');
  const e = exts.filter((x) => x !== EXT_SERVER_NAME && x !== EXT_ALPN).map(hex4).sort().join(',');
  const sigs = noGrease(h.sigAlgs).map(hex4).join(',');
  return `${head}_${c}_${sigs ? `${e}_${sigs}` : e}`;
}

/** JA4 of a ClientHello (`quic`: the hello came in QUIC CRYPTO frames). */
export function ja4(h: TlsHelloInfo, quic = false): string {
  const raw = ja4Raw(h, quic);
  const i = raw.indexOf('_');
  const j = raw.indexOf('_', i + 1);
  return `${raw.slice(0, i)}_${hash12(raw.slice(i + 1, j))}_${hash12(raw.slice(j + 1))}`;
}

/** The parts of JA4S before hashing (`ja4s_r`). */
export function ja4sRaw(h: TlsHelloInfo, quic = false): string {
  const version = ja4Version(h);
  const exts = h.extensions;
  const head = `${quic ? 'q' : 't'}${JA4_VERSIONS.get(version) ?? '00'}${two(exts.length)}${ja4Alpn(h.alpn)}`;
  return `${head}_${hex4(h.ciphers[0] ?? 0)}_${exts.map(hex4).join(',')}`;
}

/** JA4S of a ServerHello. */
export function ja4s(h: TlsHelloInfo, quic = false): string {
  const raw = ja4sRaw(h, quic);
  const j = raw.indexOf('_', raw.indexOf('_') + 1);
  return `${raw.slice(0, j)}_${hash12(raw.slice(j + 1))}`;
}

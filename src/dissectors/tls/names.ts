/**
 * TLS value names (content types, versions, handshake types, alerts, extensions, groups, signature
 * algorithms, ...), as tshark 4.0 names them; the one table of each, for the dissector's fields and
 * for `stats tls` (src/cli/tls-stats.ts). Cipher suites: ./ciphers.ts. Also the version rules
 * (TLS 1.3 drafts) and small byte helpers every part of the dissector uses.
 */
import { TLS_CIPHER_SUITES } from './ciphers.js';

export const CONTENT_TYPES: Record<number, string> = { 20: 'Change Cipher Spec', 21: 'Alert', 22: 'Handshake', 23: 'Application Data', 24: 'Heartbeat' };
export const VERSIONS: Record<number, string> = { 0x0300: 'SSL 3.0', 0x0301: 'TLS 1.0', 0x0302: 'TLS 1.1', 0x0303: 'TLS 1.2', 0x0304: 'TLS 1.3' };
export const VERSION_SHORT: Record<number, string> = { 0x0300: 'SSLv3', 0x0301: 'TLSv1', 0x0302: 'TLSv1.1', 0x0303: 'TLSv1.2', 0x0304: 'TLSv1.3' };
export const HANDSHAKE_TYPES: Record<number, string> = {
  0: 'Hello Request', 1: 'Client Hello', 2: 'Server Hello', 3: 'Hello Verify Request', 4: 'New Session Ticket',
  5: 'End of Early Data', 6: 'Hello Retry Request', 8: 'Encrypted Extensions', 11: 'Certificate', 12: 'Server Key Exchange',
  13: 'Certificate Request', 14: 'Server Hello Done', 15: 'Certificate Verify', 16: 'Client Key Exchange', 20: 'Finished',
  21: 'Certificate URL', 22: 'Certificate Status', 23: 'Supplemental Data', 24: 'Key Update', 25: 'Compressed Certificate',
  67: 'Encrypted Extensions',
};
export const ALERT_LEVELS: Record<number, string> = { 1: 'Warning', 2: 'Fatal' };
export const ALERT_DESCRIPTIONS: Record<number, string> = {
  0: 'Close Notify', 10: 'Unexpected Message', 20: 'Bad Record MAC', 21: 'Decryption Failed', 22: 'Record Overflow',
  30: 'Decompression Failure', 40: 'Handshake Failure', 41: 'No Certificate', 42: 'Bad Certificate', 43: 'Unsupported Certificate',
  44: 'Certificate Revoked', 45: 'Certificate Expired', 46: 'Certificate Unknown', 47: 'Illegal Parameter', 48: 'Unknown CA',
  49: 'Access Denied', 50: 'Decode Error', 51: 'Decrypt Error', 60: 'Export Restriction', 70: 'Protocol Version',
  71: 'Insufficient Security', 80: 'Internal Error', 86: 'Inappropriate Fallback', 90: 'User Canceled', 100: 'No Renegotiation',
  109: 'Missing Extension', 110: 'Unsupported Extension', 111: 'Certificate Unobtainable', 112: 'Unrecognized Name',
  113: 'Bad Certificate Status Response', 114: 'Bad Certificate Hash Value', 115: 'Unknown PSK Identity',
  116: 'Certificate Required', 120: 'No application Protocol',
};
/** Cipher suites by number (the IANA registry's names, as tshark's; GREASE added below). */
export const CIPHER_SUITES: Record<number, string> = { ...TLS_CIPHER_SUITES };
export const EXTENSIONS: Record<number, string> = {
  0: 'server_name', 1: 'max_fragment_length', 5: 'status_request', 17: 'status_request_v2', 10: 'supported_groups', 11: 'ec_point_formats', 13: 'signature_algorithms',
  15: 'heartbeat', 16: 'application_layer_protocol_negotiation', 18: 'signed_certificate_timestamp', 21: 'padding', 22: 'encrypt_then_mac',
  23: 'extended_master_secret', 27: 'compress_certificate', 34: 'delegated_credentials', 40: 'key_share (draft)', 28: 'record_size_limit', 35: 'session_ticket', 41: 'pre_shared_key', 42: 'early_data',
  43: 'supported_versions', 44: 'cookie', 45: 'psk_key_exchange_modes', 49: 'post_handshake_auth', 50: 'signature_algorithms_cert', 51: 'key_share',
  13172: 'next_protocol_negotiation', 17513: 'application_settings', 65281: 'renegotiation_info',
};
export const GROUPS: Record<number, string> = {
  0x0001: 'sect163k1', 0x0002: 'sect163r1', 0x0003: 'sect163r2', 0x0004: 'sect193r1', 0x0005: 'sect193r2', 0x0006: 'sect233k1',
  0x0007: 'sect233r1', 0x0008: 'sect239k1', 0x0009: 'sect283k1', 0x000a: 'sect283r1', 0x000b: 'sect409k1', 0x000c: 'sect409r1',
  0x000d: 'sect571k1', 0x000e: 'sect571r1', 0x000f: 'secp160k1', 0x0010: 'secp160r1', 0x0011: 'secp160r2', 0x0012: 'secp192k1',
  0x0013: 'secp192r1', 0x0014: 'secp224k1', 0x0015: 'secp224r1', 0x001a: 'brainpoolP256r1', 0x001b: 'brainpoolP384r1',
  0x001c: 'brainpoolP512r1', 0xff01: 'arbitrary_explicit_prime_curves', 0xff02: 'arbitrary_explicit_char2_curves',
  0x0017: 'secp256r1', 0x0018: 'secp384r1', 0x0019: 'secp521r1', 0x001d: 'x25519', 0x001e: 'x448', 0x0100: 'ffdhe2048', 0x0101: 'ffdhe3072',
  0x0102: 'ffdhe4096', 0x0103: 'ffdhe6144', 0x0104: 'ffdhe8192', 0x0016: 'secp256k1', 0x6399: 'X25519Kyber768Draft00', 0x11ec: 'X25519MLKEM768',
};
export const SIG_ALGS: Record<number, string> = {
  0x0201: 'rsa_pkcs1_sha1', 0x0203: 'ecdsa_sha1', 0x0401: 'rsa_pkcs1_sha256', 0x0403: 'ecdsa_secp256r1_sha256', 0x0501: 'rsa_pkcs1_sha384',
  0x0503: 'ecdsa_secp384r1_sha384', 0x0601: 'rsa_pkcs1_sha512', 0x0603: 'ecdsa_secp521r1_sha512', 0x0804: 'rsa_pss_rsae_sha256',
  0x0805: 'rsa_pss_rsae_sha384', 0x0806: 'rsa_pss_rsae_sha512', 0x0807: 'ed25519', 0x0808: 'ed448', 0x0809: 'rsa_pss_pss_sha256',
  0x080a: 'rsa_pss_pss_sha384', 0x080b: 'rsa_pss_pss_sha512',
};
export const PSK_MODES: Record<number, string> = { 0: 'PSK-only key establishment (psk_ke)', 1: 'PSK with (EC)DHE key establishment (psk_dhe_ke)' };
export const EC_POINT_FORMATS: Record<number, string> = { 0: 'uncompressed', 1: 'ansiX962_compressed_prime', 2: 'ansiX962_compressed_char2' };
export const CURVE_TYPES: Record<number, string> = { 1: 'explicit_prime', 2: 'explicit_char2', 3: 'named_curve' };
export const COMPRESSION: Record<number, string> = { 0: 'null', 1: 'DEFLATE' };
export const SNI_TYPES: Record<number, string> = { 0: 'host_name' };

/** RFC 8701 GREASE values in the tables that may carry them, named as tshark names them. */
for (let g = 0x0a0a; g <= 0xfafa; g += 0x1010) {
  for (const t of [CIPHER_SUITES, EXTENSIONS, GROUPS, VERSIONS]) t[g] = 'Reserved (GREASE)';
}

/** The ServerHello random of a HelloRetryRequest (RFC 8446 4.1.3). */
export const HRR_RANDOM = 'cf21ad74e59a6111be1d8c021e65b891c2a211167abb8c5e079e09e2c8a8339c';

export const HASHES: Record<number, string> = { 0: 'None', 1: 'MD5', 2: 'SHA1', 3: 'SHA224', 4: 'SHA256', 5: 'SHA384', 6: 'SHA512' };
export const SIGNATURES: Record<number, string> = { 0: 'Anonymous', 1: 'RSA', 2: 'DSA', 3: 'ECDSA', 4: 'SM2' };
export const CERT_TYPES: Record<number, string> = { 1: 'RSA Sign', 2: 'DSS Sign', 3: 'RSA Fixed DH', 4: 'DSS Fixed DH', 64: 'ECDSA Sign', 65: 'RSA Fixed ECDH', 66: 'ECDSA Fixed ECDH' };
export const STATUS_TYPES: Record<number, string> = { 1: 'OCSP', 2: 'OCSP Multi' };

/** TLS 1.3 draft and vendor versions count as TLS 1.3 (tshark's extract_tls13_draft_version). */
export function normVersion(v: number): number {
  if ((v & 0xff00) === 0x7f00 || v === 0x7e01 || v === 0x7e02 || v === 0xfb17 || v === 0xfb1a) return 0x0304;
  return v;
}
export function validVersion(v: number): boolean {
  return (v >= 0x0300 && v <= 0x0304) || normVersion(v) === 0x0304;
}
/** A TLS 1.3 draft before 22 (a ServerHello without session id and compression). */
export function oldDraft(v: number): boolean {
  return (v & 0xff00) === 0x7f00 && (v & 0xff) < 22;
}

/** RFC 8701 GREASE values (0x0a0a, 0x1a1a, ... 0xfafa). */
export function isGreaseValue(v: number): boolean {
  return (v & 0x0f0f) === 0x0a0a && (v & 0xff) === v >> 8;
}

export function latin1(d: Uint8Array, off: number, len: number): string {
  let s = '';
  for (let i = 0; i < len; i++) s += String.fromCharCode(d[off + i]!);
  return s;
}

/**
 * A protocol version's name in `stats tls` ('TLS 1.2', 'DTLS 1.0', 'TLS 1.3 (draft 28)', else hex):
 * the VERSIONS names, and the few versions the dissector does not name.
 */
export function tlsVersionName(v: number): string {
  if (v >= 0x0300 && v <= 0x0304) return VERSIONS[v]!;
  const other: Record<number, string> = { 0x0002: 'SSL 2.0', 0xfeff: 'DTLS 1.0', 0xfefd: 'DTLS 1.2', 0xfefc: 'DTLS 1.3' };
  if (other[v]) return other[v];
  if (v >> 8 === 0x7f) return `TLS 1.3 (draft ${v & 0xff})`;
  return `0x${v.toString(16).padStart(4, '0')}`;
}

/**
 * RFC 8446 6's name of an alert description (`close_notify`; `unknown(N)` otherwise): tshark's
 * ALERT_DESCRIPTIONS in snake case, and the two it does not name.
 */
export function alertName(d: number): string {
  if (d === 1) return 'end_of_early_data';
  if (d === 121) return 'ech_required';
  const n = ALERT_DESCRIPTIONS[d];
  return n ? n.toLowerCase().replace(/ /g, '_') : `unknown(${d})`;
}

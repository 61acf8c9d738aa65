/**
 * TLS record layer (RFC 8446 5.1, RFC 5246 6.2) and the handshake messages in the clear
 * (RFC 8446 4, RFC 5246 7.4), as tshark 4.0 shows them. Parsed only from reassembled TCP stream
 * bytes (src/dissectors/tcp/stream.ts): one record per PDU, so a record split over segments, many
 * records in one segment and endless record lengths are handled by the stream reassembly and its
 * limits. Handshake messages are reassembled per direction over records (a message split over
 * several records, several messages in one record) and dissected in the record that completes
 * them, from a "Reassembled Handshake Message" data source (HANDSHAKE_LIMITS bound the memory).
 *
 * Without keys nothing is decrypted: after a side's ChangeCipherSpec its handshake records are
 * "Encrypted Handshake Message" and its alerts "Encrypted Alert"; in TLS 1.3 the encrypted records
 * are application data records (`tls.record.opaque_type`), as tshark shows them. The Protocol
 * column names the version the session settled on (the ServerHello, or the first record that is
 * authoritative about it), known to every frame of a two-pass read as in `tshark -2`.
 *
 * Consumers: ./tls-types.ts (TlsHelloInfo for the fingerprints, the TLS tap for statistics).
 */
import { defineFields, FT, Base } from './fields.js';
import { u16, u24, u32, toHex } from './bytes.js';
import { annotate, annotation, sessionState, Severity, type Packet } from './packet.js';
import type { Dissector } from './registry.js';
import { registerStreamHeuristic, registerStreamProtocol } from './tcp/stream.js';
import { frameLengthPrefixed, ParseStatus, REASSEMBLY_LIMITS, type StreamParser } from './tcp/reassembly.js';
import { tlsTapListeners, type TlsHelloInfo, type TlsTapRecord } from './tls-types.js';
import { ja3, ja3s, ja4, ja4s } from './tls-fingerprint.js';
import { decodeCertificate } from './x509.js';
import { TLS_CIPHER_SUITES } from './tls-ciphers.js';

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
/** Cipher suites by number (the IANA registry's names, as tshark's; GREASE added below). */
const CIPHER_SUITES: Record<number, string> = { ...TLS_CIPHER_SUITES };
const EXTENSIONS: Record<number, string> = {
  0: 'server_name', 1: 'max_fragment_length', 5: 'status_request', 17: 'status_request_v2', 10: 'supported_groups', 11: 'ec_point_formats', 13: 'signature_algorithms',
  15: 'heartbeat', 16: 'application_layer_protocol_negotiation', 18: 'signed_certificate_timestamp', 21: 'padding', 22: 'encrypt_then_mac',
  23: 'extended_master_secret', 27: 'compress_certificate', 34: 'delegated_credentials', 40: 'key_share (draft)', 28: 'record_size_limit', 35: 'session_ticket', 41: 'pre_shared_key', 42: 'early_data',
  43: 'supported_versions', 44: 'cookie', 45: 'psk_key_exchange_modes', 49: 'post_handshake_auth', 50: 'signature_algorithms_cert', 51: 'key_share',
  13172: 'next_protocol_negotiation', 17513: 'application_settings', 65281: 'renegotiation_info',
};
const GROUPS: Record<number, string> = {
  0x0001: 'sect163k1', 0x0002: 'sect163r1', 0x0003: 'sect163r2', 0x0004: 'sect193r1', 0x0005: 'sect193r2', 0x0006: 'sect233k1',
  0x0007: 'sect233r1', 0x0008: 'sect239k1', 0x0009: 'sect283k1', 0x000a: 'sect283r1', 0x000b: 'sect409k1', 0x000c: 'sect409r1',
  0x000d: 'sect571k1', 0x000e: 'sect571r1', 0x000f: 'secp160k1', 0x0010: 'secp160r1', 0x0011: 'secp160r2', 0x0012: 'secp192k1',
  0x0013: 'secp192r1', 0x0014: 'secp224k1', 0x0015: 'secp224r1', 0x001a: 'brainpoolP256r1', 0x001b: 'brainpoolP384r1',
  0x001c: 'brainpoolP512r1', 0xff01: 'arbitrary_explicit_prime_curves', 0xff02: 'arbitrary_explicit_char2_curves',
  0x0017: 'secp256r1', 0x0018: 'secp384r1', 0x0019: 'secp521r1', 0x001d: 'x25519', 0x001e: 'x448', 0x0100: 'ffdhe2048', 0x0101: 'ffdhe3072',
  0x0102: 'ffdhe4096', 0x0103: 'ffdhe6144', 0x0104: 'ffdhe8192', 0x0016: 'secp256k1', 0x6399: 'X25519Kyber768Draft00', 0x11ec: 'X25519MLKEM768',
};
const SIG_ALGS: Record<number, string> = {
  0x0201: 'rsa_pkcs1_sha1', 0x0203: 'ecdsa_sha1', 0x0401: 'rsa_pkcs1_sha256', 0x0403: 'ecdsa_secp256r1_sha256', 0x0501: 'rsa_pkcs1_sha384',
  0x0503: 'ecdsa_secp384r1_sha384', 0x0601: 'rsa_pkcs1_sha512', 0x0603: 'ecdsa_secp521r1_sha512', 0x0804: 'rsa_pss_rsae_sha256',
  0x0805: 'rsa_pss_rsae_sha384', 0x0806: 'rsa_pss_rsae_sha512', 0x0807: 'ed25519', 0x0808: 'ed448', 0x0809: 'rsa_pss_pss_sha256',
  0x080a: 'rsa_pss_pss_sha384', 0x080b: 'rsa_pss_pss_sha512',
};
const PSK_MODES: Record<number, string> = { 0: 'PSK-only key establishment (psk_ke)', 1: 'PSK with (EC)DHE key establishment (psk_dhe_ke)' };
const EC_POINT_FORMATS: Record<number, string> = { 0: 'uncompressed', 1: 'ansiX962_compressed_prime', 2: 'ansiX962_compressed_char2' };
const CURVE_TYPES: Record<number, string> = { 1: 'explicit_prime', 2: 'explicit_char2', 3: 'named_curve' };
const COMPRESSION: Record<number, string> = { 0: 'null', 1: 'DEFLATE' };
const SNI_TYPES: Record<number, string> = { 0: 'host_name' };

/** RFC 8701 GREASE values in the tables that may carry them, named as tshark names them. */
for (let g = 0x0a0a; g <= 0xfafa; g += 0x1010) {
  for (const t of [CIPHER_SUITES, EXTENSIONS, GROUPS, VERSIONS]) t[g] = 'Reserved (GREASE)';
}

/** The ServerHello random of a HelloRetryRequest (RFC 8446 4.1.3). */
const HRR_RANDOM = 'cf21ad74e59a6111be1d8c021e65b891c2a211167abb8c5e079e09e2c8a8339c';

const u8f = (abbrev: string, name: string, strings?: Record<number, string>) => ({ abbrev, name, type: FT.UINT8, strings });
const u16f = (abbrev: string, name: string, strings?: Record<number, string>) => ({ abbrev, name, type: FT.UINT16, strings });
const u16h = (abbrev: string, name: string, strings?: Record<number, string>) => ({ abbrev, name, type: FT.UINT16, base: Base.HEX, strings });
const u24f = (abbrev: string, name: string) => ({ abbrev, name, type: FT.UINT24 });
const u32f = (abbrev: string, name: string) => ({ abbrev, name, type: FT.UINT32 });
const bytes = (abbrev: string, name: string) => ({ abbrev, name, type: FT.BYTES });
const none = (abbrev: string, name: string) => ({ abbrev, name, type: FT.NONE });
const str = (abbrev: string, name: string) => ({ abbrev, name, type: FT.STRING });

const HASHES: Record<number, string> = { 0: 'None', 1: 'MD5', 2: 'SHA1', 3: 'SHA224', 4: 'SHA256', 5: 'SHA384', 6: 'SHA512' };
const SIGNATURES: Record<number, string> = { 0: 'Anonymous', 1: 'RSA', 2: 'DSA', 3: 'ECDSA', 4: 'SM2' };
const CERT_TYPES: Record<number, string> = { 1: 'RSA Sign', 2: 'DSS Sign', 3: 'RSA Fixed DH', 4: 'DSS Fixed DH', 64: 'ECDSA Sign', 65: 'RSA Fixed ECDH', 66: 'ECDSA Fixed ECDH' };
const STATUS_TYPES: Record<number, string> = { 1: 'OCSP', 2: 'OCSP Multi' };

export const F = defineFields({
  tls: { abbrev: 'tls', name: 'Transport Layer Security', type: FT.PROTOCOL },
  /** Text-only subtrees (Wireshark's text items). */
  text: none('_ws.text', 'Text item'),
  record: none('tls.record', 'Record Layer'),
  content_type: u8f('tls.record.content_type', 'Content Type', CONTENT_TYPES),
  opaque_type: u8f('tls.record.opaque_type', 'Opaque Type', CONTENT_TYPES),
  version: u16h('tls.record.version', 'Version', VERSIONS),
  length: u16f('tls.record.length', 'Length'),
  app_data: bytes('tls.app_data', 'Encrypted Application Data'),
  change_cipher_spec: none('tls.change_cipher_spec', 'Change Cipher Spec Message'),
  alert: none('tls.alert_message', 'Alert Message'),
  alert_level: u8f('tls.alert_message.level', 'Level', ALERT_LEVELS),
  alert_desc: u8f('tls.alert_message.desc', 'Description', ALERT_DESCRIPTIONS),
  handshake: none('tls.handshake', 'Handshake Protocol'),
  hs_type: u8f('tls.handshake.type', 'Handshake Type', HANDSHAKE_TYPES),
  hs_length: u24f('tls.handshake.length', 'Length'),
  hs_fragments: { ...none('tls.handshake.fragments', 'Reassembled Handshake Fragments'), generated: true },
  hs_fragment: { abbrev: 'tls.handshake.fragment', name: 'Handshake Fragment', type: FT.FRAMENUM, generated: true },
  hs_fragment_count: { ...u32f('tls.handshake.fragment.count', 'Handshake Fragment count'), generated: true },
  hs_reassembled_in: { abbrev: 'tls.handshake.reassembled_in', name: 'Reassembled Handshake Message in frame', type: FT.FRAMENUM },
  hs_version: u16h('tls.handshake.version', 'Version', VERSIONS),
  hs_random: bytes('tls.handshake.random', 'Random'),
  hs_random_time: { abbrev: 'tls.handshake.random_time', name: 'GMT Unix Time', type: FT.ABSOLUTE_TIME },
  hs_random_bytes: bytes('tls.handshake.random_bytes', 'Random Bytes'),
  hs_session_id_length: u8f('tls.handshake.session_id_length', 'Session ID Length'),
  hs_session_id: bytes('tls.handshake.session_id', 'Session ID'),
  hs_cipher_suites_length: u16f('tls.handshake.cipher_suites_length', 'Cipher Suites Length'),
  hs_ciphersuites: none('tls.handshake.ciphersuites', 'Cipher Suites'),
  hs_ciphersuite: u16h('tls.handshake.ciphersuite', 'Cipher Suite', CIPHER_SUITES),
  hs_comp_methods_length: u8f('tls.handshake.comp_methods_length', 'Compression Methods Length'),
  hs_comp_methods: none('tls.handshake.comp_methods', 'Compression Methods'),
  hs_comp_method: u8f('tls.handshake.comp_method', 'Compression Method', COMPRESSION),
  hs_extensions_length: u16f('tls.handshake.extensions_length', 'Extensions Length'),
  hs_extension_type: u16f('tls.handshake.extension.type', 'Type', EXTENSIONS),
  hs_extension_len: u16f('tls.handshake.extension.len', 'Length'),
  hs_extension_data: bytes('tls.handshake.extension.data', 'Data'),
  hs_sni_list_len: u16f('tls.handshake.extensions_server_name_list_len', 'Server Name list length'),
  hs_sni_type: u8f('tls.handshake.extensions_server_name_type', 'Server Name Type', SNI_TYPES),
  hs_sni_len: u16f('tls.handshake.extensions_server_name_len', 'Server Name length'),
  hs_sni: str('tls.handshake.extensions_server_name', 'Server Name'),
  hs_alpn_len: u16f('tls.handshake.extensions_alpn_len', 'ALPN Extension Length'),
  hs_alpn_str_len: u8f('tls.handshake.extensions_alpn_str_len', 'ALPN string length'),
  hs_alpn: str('tls.handshake.extensions_alpn_str', 'ALPN Next Protocol'),
  hs_supported_versions_len: u8f('tls.handshake.extensions.supported_versions_len', 'Supported Versions length'),
  hs_supported_version: u16h('tls.handshake.extensions.supported_version', 'Supported Version', VERSIONS),
  hs_groups_length: u16f('tls.handshake.extensions_supported_groups_length', 'Supported Groups List Length'),
  hs_groups: none('tls.handshake.extensions_supported_groups', 'Supported Groups List'),
  hs_ec_point_formats: none('tls.handshake.extensions_ec_point_formats', 'EC point formats'),
  hs_alpn_list: none('tls.handshake.extensions_alpn_list', 'ALPN Protocol'),
  hs_sig_hash_algs: none('tls.handshake.sig_hash_algs', 'Signature Algorithms'),
  hs_sig_hash_hash: u8f('tls.handshake.sig_hash_hash', 'Signature Hash Algorithm Hash', HASHES),
  hs_sig_hash_sig: u8f('tls.handshake.sig_hash_sig', 'Signature Hash Algorithm Signature', SIGNATURES),
  hs_status_request_type: u8f('tls.handshake.extensions_status_request_type', 'Certificate Status Type', STATUS_TYPES),
  hs_status_request_responder_ids_len: u16f('tls.handshake.extensions_status_request_responder_ids_len', 'Responder ID list Length'),
  hs_status_request_exts_len: u16f('tls.handshake.extensions_status_request_exts_len', 'Request Extensions Length'),
  hs_status_request_list_len: u16f('tls.handshake.extensions_status_request_list_len', 'Certificate Status List Length'),
  hs_cert_vrfy_sig_len: u16f('tls.handshake.client_cert_vrfy.sig_len', 'Signature length'),
  hs_cert_vrfy_sig: bytes('tls.handshake.client_cert_vrfy.sig', 'Signature'),
  hs_certificates: none('tls.handshake.certificates', 'Certificates'),
  hs_group: u16h('tls.handshake.extensions_supported_group', 'Supported Group', GROUPS),
  hs_ec_point_formats_length: u8f('tls.handshake.extensions_ec_point_formats_length', 'EC point formats Length'),
  hs_ec_point_format: u8f('tls.handshake.extensions_ec_point_format', 'EC point format', EC_POINT_FORMATS),
  hs_sig_hash_alg_len: u16f('tls.handshake.sig_hash_alg_len', 'Signature Hash Algorithms Length'),
  hs_sig_hash_alg: u16h('tls.handshake.sig_hash_alg', 'Signature Algorithm', SIG_ALGS),
  hs_key_share_client_length: u16f('tls.handshake.extensions_key_share_client_length', 'Client Key Share Length'),
  hs_key_share_group: u16f('tls.handshake.extensions_key_share_group', 'Group', GROUPS),
  hs_key_share_kx_length: u16f('tls.handshake.extensions_key_share_key_exchange_length', 'Key Exchange Length'),
  hs_key_share_kx: bytes('tls.handshake.extensions_key_share_key_exchange', 'Key Exchange'),
  hs_key_share_selected_group: u16f('tls.handshake.extensions_key_share_selected_group', 'Selected Group', GROUPS),
  hs_psk_ke_modes_length: u8f('tls.extension.psk_ke_modes_length', 'PSK Key Exchange Modes Length'),
  hs_psk_ke_mode: u8f('tls.extension.psk_ke_mode', 'PSK Key Exchange Mode', PSK_MODES),
  hs_max_early_data_size: u32f('tls.early_data.max_early_data_size', 'Maximum Early Data Size'),
  hs_cookie_len: u16f('tls.handshake.extensions.cookie_len', 'Cookie length'),
  hs_cookie: bytes('tls.handshake.extensions.cookie', 'Cookie'),
  hs_padding: bytes('tls.handshake.extensions_padding_data', 'Padding Data'),
  hs_reneg_info_len: u8f('tls.handshake.extensions_reneg_info_len', 'Renegotiation info extension length'),
  hs_heartbeat_mode: u8f('tls.handshake.extension.heartbeat.mode', 'Mode', { 1: 'Peer allowed to send requests', 2: 'Peer not allowed to send requests' }),
  hs_record_size_limit: u16f('tls.record_size_limit', 'Record Size Limit'),
  hs_certificate_request_context_length: u8f('tls.handshake.certificate_request_context_length', 'Certificate Request Context Length'),
  hs_certificates_length: u24f('tls.handshake.certificates_length', 'Certificates Length'),
  hs_certificate_length: u24f('tls.handshake.certificate_length', 'Certificate Length'),
  hs_certificate: bytes('tls.handshake.certificate', 'Certificate'),
  // wirelite's own (tshark shows the names only as tree text of x509af.subject/issuer): the
  // certificate's subject and issuer as Wireshark prints an rdnSequence, decoded by ./x509.ts.
  hs_cert_subject: { ...str('tls.handshake.certificate_subject', 'Subject'), generated: true },
  hs_cert_issuer: { ...str('tls.handshake.certificate_issuer', 'Issuer'), generated: true },
  hs_server_curve_type: { abbrev: 'tls.handshake.server_curve_type', name: 'Curve Type', type: FT.UINT8, base: Base.HEX, strings: CURVE_TYPES },
  hs_server_named_curve: u16h('tls.handshake.server_named_curve', 'Named Curve', GROUPS),
  hs_server_point_len: u8f('tls.handshake.server_point_len', 'Pubkey Length'),
  hs_server_point: bytes('tls.handshake.server_point', 'Pubkey'),
  hs_p_len: u16f('tls.handshake.p_len', 'p Length'),
  hs_g_len: u16f('tls.handshake.g_len', 'g Length'),
  hs_ys_len: u16f('tls.handshake.ys_len', 'Pubkey Length'),
  hs_sig_len: u16f('tls.handshake.sig_len', 'Signature Length'),
  hs_sig: bytes('tls.handshake.sig', 'Signature'),
  hs_client_point_len: u8f('tls.handshake.client_point_len', 'Pubkey Length'),
  hs_client_point: bytes('tls.handshake.client_point', 'Pubkey'),
  hs_yc_len: u16f('tls.handshake.yc_len', 'Pubkey Length'),
  hs_epms_len: u16f('tls.handshake.epms_len', 'Encrypted PreMaster length'),
  hs_epms: bytes('tls.handshake.epms', 'Encrypted PreMaster'),
  hs_verify_data: none('tls.handshake.verify_data', 'Verify Data'),
  hs_ticket_lifetime_hint: u32f('tls.handshake.session_ticket_lifetime_hint', 'Session Ticket Lifetime Hint'),
  hs_ticket_age_add: u32f('tls.handshake.session_ticket_age_add', 'Session Ticket Age Add'),
  hs_ticket_nonce_length: u8f('tls.handshake.session_ticket_nonce_length', 'Session Ticket Nonce Length'),
  hs_ticket_length: u16f('tls.handshake.session_ticket_length', 'Session Ticket Length'),
  hs_ticket: bytes('tls.handshake.session_ticket', 'Session Ticket'),
  hs_cert_types_count: u8f('tls.handshake.cert_types_count', 'Certificate types count'),
  hs_cert_types: none('tls.handshake.cert_types', 'Certificate types'),
  hs_cert_type: u8f('tls.handshake.cert_type', 'Certificate Type'),
  hs_dnames_len: u16f('tls.handshake.dnames_len', 'Distinguished Names Length'),
  hs_ja3_full: { ...str('tls.handshake.ja3_full', 'JA3 Fullstring'), generated: true },
  hs_ja3: { ...str('tls.handshake.ja3', 'JA3'), generated: true },
  hs_ja3s_full: { ...str('tls.handshake.ja3s_full', 'JA3S Fullstring'), generated: true },
  hs_ja3s: { ...str('tls.handshake.ja3s', 'JA3S'), generated: true },
  hs_ja4: { ...str('tls.handshake.ja4', 'JA4'), generated: true },
  hs_ja4s: { ...str('tls.handshake.ja4s', 'JA4S'), generated: true },
});

/** TLS 1.3 draft and vendor versions count as TLS 1.3 (tshark's extract_tls13_draft_version). */
function normVersion(v: number): number {
  if ((v & 0xff00) === 0x7f00 || v === 0x7e01 || v === 0x7e02 || v === 0xfb17 || v === 0xfb1a) return 0x0304;
  return v;
}
function validVersion(v: number): boolean {
  return (v >= 0x0300 && v <= 0x0304) || normVersion(v) === 0x0304;
}
/** A TLS 1.3 draft before 22 (a ServerHello without session id and compression). */
function oldDraft(v: number): boolean {
  return (v & 0xff00) === 0x7f00 && (v & 0xff) < 22;
}

/** A handshake message being reassembled in one direction. */
interface HsBuffer {
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
interface TlsSession {
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
}

/** Sessions by TCP stream index; a second pass starts with the first pass's final versions. */
interface TlsTable {
  byStream: Map<number, TlsSession>;
  finals: Map<number, number>;
  /** Bytes held by every HsBuffer. */
  held: number;
}

function table(pkt: Packet): TlsTable {
  return sessionState<TlsTable>(pkt, 'tls.sessions', () => {
    let finals = pkt.session.carry.get('tls.versions') as Map<number, number> | undefined;
    if (!finals || pkt.session.pass !== 2) {
      finals = new Map();
      if (pkt.session.pass === 1) pkt.session.carry.set('tls.versions', finals);
    }
    return { byStream: new Map(), finals, held: 0 };
  });
}

/** Bytes the handshake reassembly holds in a capture's session (for tests and memory reports). */
export function tlsHandshakeBytesHeld(session: Packet['session']): number {
  return (session.state.get('tls.sessions') as TlsTable | undefined)?.held ?? 0;
}

function releaseHs(t: TlsTable, s: TlsSession, dir: number): void {
  const h = s.hs[dir];
  if (h?.buf) t.held -= h.buf.length;
  s.hs[dir] = null;
}

/** The session of the stream being dissected (set by the stream glue through the packet). */
function session(pkt: Packet): TlsSession {
  const t = table(pkt);
  let s = t.byStream.get(pkt.tcpStream);
  if (!s) {
    if (t.byStream.size >= HANDSHAKE_LIMITS.maxSessions) {
      const [k, old] = t.byStream.entries().next().value as [number, TlsSession];
      releaseHs(t, old, 0);
      releaseHs(t, old, 1);
      t.byStream.delete(k);
    }
    s = { version: 0, tls13: false, ccs: [false, false], clientDir: -1, cipher: -1, kex: 0, hs: [null, null], opaqueFromClient: 0 };
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
  },
};

function appendInfo(pkt: Packet, text: string): void {
  if (pkt.wantColumns) pkt.appendInfo(pkt.colInfo.length ? `, ${text}` : text);
}

// --- the TLS tap (./tls-types.ts): one reused record

const tapRec: TlsTapRecord = { frame: 0, tsSec: 0, tsNsec: 0, stream: 0, fromClient: false, kind: 'handshake', length: 0 };
function tapOn(pkt: Packet): boolean {
  return tlsTapListeners.length > 0 && pkt.session.pass !== 1 && pkt.fence === 0;
}
function tap(pkt: Packet, fromClient: boolean, kind: TlsTapRecord['kind'], length: number, extra?: Partial<TlsTapRecord>): void {
  const r = tapRec;
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
  for (const fn of tlsTapListeners) fn(r);
}

/** The last "Transport Layer Security" item added (frame, pass, data source, item). */
const lastTop = { frame: -1, pass: -1, src: -1, item: -1 };

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
  if (!first && lastTop.frame === pkt.frame.number && lastTop.pass === pkt.session.pass && lastTop.src === pkt.cur) {
    top = lastTop.item;
    if (top >= 0 && top < pkt.n && pkt.fid[top] === F.tls) pkt.setLength(top, end - pkt.start[top]!);
  } else {
    top = pkt.addProtocol(F.tls, 'tls', off, end - off, parent);
    lastTop.frame = pkt.frame.number;
    lastTop.pass = pkt.session.pass;
    lastTop.src = pkt.cur;
    lastTop.item = top;
  }
  if (first) pkt.setInfo('');
  const type = d[off]!;
  const fromClient = s.clientDir < 0 ? pkt.dstPort === pkt.tcpServerPort : pkt.tcpDir === s.clientDir;
  if (type < 20 || type > 24) {
    // Bytes of a TLS 1.0-1.2 session that do not start a record (tshark: no record fields).
    pkt.setProtocol(VERSION_SHORT[normVersion(t.finals.get(pkt.tcpStream) ?? s.version)] ?? 'SSL');
    appendInfo(pkt, 'Ignored Unknown Record');
    pkt.addExpert(top, Severity.Warn, 'Protocol', 'tls.ignored_unknown_record', 'Ignored Unknown Record');
    return;
  }
  const version = u16(d, off + 1);
  const len = u16(d, off + 3);
  const body = off + 5;
  if (s.version === 0 && validVersion(version) && authoritative(type, len > 0 && body < end ? d[body]! : -1)) s.version = normVersion(version);
  const final = t.finals.get(pkt.tcpStream) ?? 0;
  pkt.setProtocol(VERSION_SHORT[normVersion(final || s.version || version)] ?? 'TLS');
  const tls13 = s.tls13 || normVersion(final) === 0x0304;
  const rec = pkt.add(F.record, off, end - off, top);
  if (type === 23 && tls13) pkt.add(F.opaque_type, off, 1, rec, type);
  else pkt.add(F.content_type, off, 1, rec, type);
  pkt.add(F.version, off + 1, 2, rec, version);
  pkt.add(F.length, off + 3, 2, rec, len);
  const dir = fromClient ? 0 : 1;
  const ccsSeen = s.ccs[dir];
  let recLabel = CONTENT_TYPES[type]!;
  switch (type) {
    case 20:
      pkt.add(F.change_cipher_spec, body, len, rec);
      // TLS 1.3 (RFC 8446 D.4): a compatibility ChangeCipherSpec changes nothing.
      if (!tls13) s.ccs[dir] = true;
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
      if (pkt.tree && len) pkt.add(F.app_data, body, len, rec);
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
  pkt.setProtocol(VERSION_SHORT[normVersion(final || s.version || version)] ?? 'TLS');
  if (pkt.wantLabels && rec >= 0) pkt.setLabel(rec, `${VERSION_SHORT[normVersion(final || s.version || version)] ?? 'TLS'} Record Layer: ${recLabel}`);
  if (pkt.session.pass === 1 && s.version) t.finals.set(pkt.tcpStream, s.version);
}

/**
 * The handshake messages in the clear of one record `[p, end)`, with the direction's reassembly.
 * Returns the record's label (the message name, "Multiple Handshake Messages"), or null when the
 * record does not hold handshake messages (it is then taken as encrypted, as tshark does).
 */
function handshakeRecord(pkt: Packet, s: TlsSession, t: TlsTable, p: number, end: number, rec: number, dir: number, fromClient: boolean): string | null {
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
          finishMessage(pkt, s, t, h, rec, dir, fromClient, piece);
          h = s.hs[dir];
          names++;
          label = names === 1 ? HANDSHAKE_TYPES[lastType]! : 'Multiple Handshake Messages';
          break;
        }
        continue;
      }
      if (want === 0) {
        if (pkt.wantLabels) pkt.setLabel(piece, `Handshake Protocol: ${HANDSHAKE_TYPES[h.buf ? h.buf[0]! : -1] ?? 'Unknown'} (last fragment)`);
        finishMessage(pkt, s, t, h, rec, dir, fromClient, piece);
        h = s.hs[dir];
        names++;
        label = names === 1 ? HANDSHAKE_TYPES[lastType]! : 'Multiple Handshake Messages';
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
    message(pkt, s, p, p + 4 + hl, rec, fromClient);
    names++;
    label = names === 1 && label === '' ? HANDSHAKE_TYPES[lastType]! : 'Multiple Handshake Messages';
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

let lastType = 0;

/** A reassembled message is complete: dissect it from its own data source. */
function finishMessage(pkt: Packet, s: TlsSession, t: TlsTable, h: HsBuffer, rec: number, dir: number, fromClient: boolean, piece: number): void {
  const frame = pkt.frame.number;
  s.hs[dir] = null;
  if (h.buf) t.held -= h.buf.length;
  if (h.skip || !h.buf) return;
  if (pkt.session.pass === 1) for (const f of h.frames) if (f !== frame) annotate(pkt, f, 'tls.handshake.reassembled_in', frame);
  const buf = h.buf;
  if (pkt.tree) {
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
    message(pkt, s, 0, buf.length, rec, fromClient);
  } finally {
    pkt.popSource(prev);
  }
}

/** One whole handshake message `[p, end)` (header included) of the current data source. */
function message(pkt: Packet, s: TlsSession, p: number, end: number, rec: number, fromClient: boolean): void {
  const d = pkt.data;
  let ht = d[p]!;
  const hl = u24(d, p + 1);
  const hs = pkt.add(F.handshake, p, end - p, rec);
  if (ht === 2 && end - p >= 38 && toHex(d, p + 6, 32) === HRR_RANDOM) ht = 6;
  lastType = ht;
  pkt.add(F.hs_type, p, 1, hs, ht === 6 ? 2 : ht);
  pkt.add(F.hs_length, p + 1, 3, hs, hl);
  const name = HANDSHAKE_TYPES[ht] ?? `Unknown (${ht})`;
  if (pkt.wantLabels) pkt.setLabel(hs, `Handshake Protocol: ${name}`);
  appendInfo(pkt, name);
  const b = p + 4;
  const tapping = tapOn(pkt);
  switch (ht) {
    case 1:
    case 2:
    case 6: {
      if (ht === 1 && s.clientDir < 0) s.clientDir = pkt.tcpDir;
      if (ht !== 1 && s.clientDir < 0) s.clientDir = 1 - pkt.tcpDir;
      const info = hello(pkt, s, b, end, hs, ht === 1, tapping || fingerprintWanted(pkt, ht === 1));
      if (info) {
        fingerprints(pkt, info, hs, b, end);
        if (tapping) tap(pkt, ht === 1, ht === 1 ? 'client_hello' : ht === 2 ? 'server_hello' : 'hello_retry_request', end - p, { hello: info });
      }
      return;
    }
    case 4:
      newSessionTicket(pkt, s, b, end, hs);
      break;
    case 11:
      certificate(pkt, s, b, end, hs, fromClient, tapping);
      return;
    case 12:
      serverKeyExchange(pkt, s, b, end, hs);
      break;
    case 13:
      certificateRequest(pkt, s, b, end, hs);
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
        if (b + 4 + sl <= end && pkt.tree) pkt.add(F.hs_cert_vrfy_sig, b + 4, sl, hs);
        else if (b + 4 + sl > end) pkt.markMalformed(hs, 'Malformed Packet (TLS Certificate Verify: signature beyond the message)');
      }
      break;
    case 16:
      clientKeyExchange(pkt, s, b, end, hs);
      break;
    case 22: // CertificateStatus (RFC 6066 8)
      if (end - b >= 1) pkt.add(F.hs_status_request_type, b, 1, hs, d[b]!);
      break;
    case 20:
      pkt.add(F.hs_verify_data, b, end - b, hs);
      if (tapping) tap(pkt, fromClient, 'finished', end - p, { handshakeType: 20 });
      return;
  }
  if (tapping) tap(pkt, fromClient, 'handshake', end - p, { handshakeType: ht });
}

/** tshark's text of a value its table lacks: `Name: Unknown (N)` (full tree only). */
function unknownLabel(pkt: Packet, item: number, name: string, table: Record<number, string>, v: number, hex = 0): void {
  if (item >= 0 && pkt.wantLabels && table[v] === undefined) pkt.setLabel(item, `${name}: Unknown (${hex ? `0x${v.toString(16).padStart(hex, '0')}` : v})`);
}

/** A text-only subtree (shown in the full tree only); returns the parent to use for its items. */
function subtree(pkt: Packet, off: number, len: number, parent: number, text: string): number {
  if (!pkt.wantLabels) return parent;
  const i = pkt.addText(F.text, off, len, parent, text);
  return i >= 0 ? i : parent;
}

/** A list container field (FT_NONE) with a label; returns the parent for the list's items. */
function container(pkt: Packet, f: number, off: number, len: number, parent: number, label: string): number {
  const i = pkt.add(f, off, len, parent);
  if (i < 0) return parent;
  if (pkt.wantLabels) pkt.setLabel(i, label);
  return i;
}

function short(pkt: Packet, item: number, what: string): void {
  pkt.markMalformed(item, `Malformed Packet (TLS ${what}: beyond the end of the message)`);
}

/** ClientHello / ServerHello / HelloRetryRequest bodies (RFC 8446 4.1.2, 4.1.3). */
function hello(pkt: Packet, s: TlsSession, p: number, end: number, hs: number, client: boolean, want: boolean): TlsHelloInfo | null {
  const d = pkt.data;
  const info: TlsHelloInfo | null = want
    ? { client, version: 0, random: '', ciphers: [], extensions: [], groups: [], ecPointFormats: [], sigAlgs: [], alpn: [], sni: '', supportedVersions: [] }
    : null;
  if (p + 34 > end) {
    short(pkt, hs, client ? 'Client Hello' : 'Server Hello');
    return null;
  }
  const legacy = u16(d, p);
  pkt.add(F.hs_version, p, 2, hs, legacy);
  const rnd = pkt.add(F.hs_random, p + 2, 32, hs);
  if (pkt.wantLabels && !client && toHex(d, p + 2, 32) === HRR_RANDOM) pkt.setLabel(rnd, `Random: ${HRR_RANDOM} (HelloRetryRequest magic)`);
  // tshark splits the random into time and bytes only outside TLS 1.3 (where it is all random).
  else if (rnd >= 0 && !s.tls13 && normVersion(table(pkt).finals.get(pkt.tcpStream) ?? 0) !== 0x0304) {
    pkt.add(F.hs_random_time, p + 2, 4, rnd, 0, { tsSec: u32(d, p + 2), tsNsec: 0 });
    pkt.add(F.hs_random_bytes, p + 6, 28, rnd);
  }
  if (info) {
    info.version = legacy;
    info.random = toHex(d, p + 2, 32);
  }
  let q = p + 34;
  const draft = !client && oldDraft(legacy);
  if (!draft) {
    if (q + 1 > end) return short(pkt, hs, 'hello session id'), info;
    const sidLen = d[q]!;
    pkt.add(F.hs_session_id_length, q, 1, hs, sidLen);
    if (q + 1 + sidLen > end) return short(pkt, hs, 'hello session id'), info;
    if (sidLen) pkt.add(F.hs_session_id, q + 1, sidLen, hs);
    q += 1 + sidLen;
  }
  if (client) {
    if (q + 2 > end) return short(pkt, hs, 'Client Hello cipher suites'), info;
    const csLen = u16(d, q);
    pkt.add(F.hs_cipher_suites_length, q, 2, hs, csLen);
    if (q + 2 + csLen > end) return short(pkt, hs, 'Client Hello cipher suites'), info;
    const list = pkt.add(F.hs_ciphersuites, q + 2, csLen, hs);
    if (pkt.wantLabels) pkt.setLabel(list, `Cipher Suites (${csLen >> 1} suites)`);
    for (let k = q + 2; k + 2 <= q + 2 + csLen; k += 2) {
      pkt.add(F.hs_ciphersuite, k, 2, list >= 0 ? list : hs, u16(d, k));
      info?.ciphers.push(u16(d, k));
    }
    q += 2 + csLen;
    if (q + 1 > end) return short(pkt, hs, 'Client Hello compression methods'), info;
    const cmLen = d[q]!;
    pkt.add(F.hs_comp_methods_length, q, 1, hs, cmLen);
    if (q + 1 + cmLen > end) return short(pkt, hs, 'Client Hello compression methods'), info;
    const cms = pkt.add(F.hs_comp_methods, q + 1, cmLen, hs);
    if (pkt.wantLabels) pkt.setLabel(cms, `Compression Methods (${cmLen} method${cmLen === 1 ? '' : 's'})`);
    for (let k = q + 1; k < q + 1 + cmLen; k++) pkt.add(F.hs_comp_method, k, 1, cms >= 0 ? cms : hs, d[k]!);
    q += 1 + cmLen;
  } else {
    if (q + (draft ? 2 : 3) > end) return short(pkt, hs, 'Server Hello cipher suite'), info;
    const cs = u16(d, q);
    pkt.add(F.hs_ciphersuite, q, 2, hs, cs);
    s.cipher = cs;
    info?.ciphers.push(cs);
    if (!draft) pkt.add(F.hs_comp_method, q + 2, 1, hs, d[q + 2]!);
    q += draft ? 2 : 3;
  }
  let chosen = legacy;
  if (q + 2 <= end) {
    const extLen = u16(d, q);
    pkt.add(F.hs_extensions_length, q, 2, hs, extLen);
    if (q + 2 + extLen > end) short(pkt, hs, 'hello extensions');
    const extEnd = Math.min(end, q + 2 + extLen);
    q += 2;
    while (q < extEnd) {
      if (q + 4 > extEnd) {
        short(pkt, hs, 'hello extension');
        break;
      }
      const et = u16(d, q);
      const el = u16(d, q + 2);
      const v = q + 4;
      info?.extensions.push(et);
      // "Extension: name (len=N)": a text subtree of the full tree (tshark has no field for it).
      const parent = subtree(pkt, q, Math.min(4 + el, extEnd - q), hs, `Extension: ${EXTENSIONS[et] ?? (isGreaseValue(et) ? 'Reserved (GREASE)' : `Unknown type ${et}`)} (len=${el})`);
      if (pkt.tree) {
        unknownLabel(pkt, pkt.add(F.hs_extension_type, q, 2, parent, et), 'Type', EXTENSIONS, et);
        pkt.add(F.hs_extension_len, q + 2, 2, parent, el);
      }
      if (v + el > extEnd) {
        short(pkt, parent, `extension ${EXTENSIONS[et] ?? et}`);
        break;
      }
      const r = extension(pkt, et, v, v + el, parent, client, info);
      if (r >= 0) chosen = r;
      q = v + el;
    }
  }
  else if (q < end) short(pkt, hs, 'hello extensions length');
  if (!client) {
    s.version = normVersion(chosen);
    s.tls13 = s.version === 0x0304;
  }
  return info;
}

/**
 * One hello extension's body `[v, e)`. Returns the version a ServerHello's supported_versions
 * selected, else -1.
 */
function extension(pkt: Packet, et: number, v: number, e: number, parent: number, client: boolean, info: TlsHelloInfo | null): number {
  const d = pkt.data;
  const el = e - v;
  switch (et) {
    case 0: // server_name (RFC 6066 3)
      if (!client || el < 2) return -1;
      parent = subtree(pkt, v, el, parent, 'Server Name Indication extension');
      pkt.add(F.hs_sni_list_len, v, 2, parent, u16(d, v));
      for (let k = v + 2; k < e; ) {
        if (k + 3 > e) return short(pkt, parent, 'server_name'), -1;
        const nl = u16(d, k + 1);
        pkt.add(F.hs_sni_type, k, 1, parent, d[k]!);
        pkt.add(F.hs_sni_len, k + 1, 2, parent, nl);
        if (k + 3 + nl > e) return short(pkt, parent, 'server_name'), -1;
        if (d[k] === 0) {
          const name = latin1(d, k + 3, nl);
          pkt.add(F.hs_sni, k + 3, nl, parent, 0, name);
          if (info && !info.sni) info.sni = name;
        }
        k += 3 + nl;
      }
      return -1;
    case 10: // supported_groups
      if (el < 2) return -1;
      pkt.add(F.hs_groups_length, v, 2, parent, u16(d, v));
      {
        const n = Math.min(el - 2, u16(d, v)) >> 1;
        const g = container(pkt, F.hs_groups, v + 2, n * 2, parent, `Supported Groups (${n} group${n === 1 ? '' : 's'})`);
        for (let k = v + 2; k + 2 <= v + 2 + n * 2; k += 2) {
          pkt.add(F.hs_group, k, 2, g, u16(d, k));
          info?.groups.push(u16(d, k));
        }
      }
      return -1;
    case 11: // ec_point_formats
      if (el < 1) return -1;
      pkt.add(F.hs_ec_point_formats_length, v, 1, parent, d[v]!);
      parent = container(pkt, F.hs_ec_point_formats, v + 1, Math.min(el - 1, d[v]!), parent, `Elliptic curves point formats (${Math.min(el - 1, d[v]!)})`);
      for (let k = v + 1; k < Math.min(e, v + 1 + d[v]!); k++) {
        pkt.add(F.hs_ec_point_format, k, 1, parent, d[k]!);
        info?.ecPointFormats.push(d[k]!);
      }
      return -1;
    case 13: // signature_algorithms
    case 34: // delegated_credentials (RFC 9345)
    case 50: // signature_algorithms_cert
      if (el < 2) return -1;
      pkt.add(F.hs_sig_hash_alg_len, v, 2, parent, u16(d, v));
      sigAlgList(pkt, v + 2, Math.min(e, v + 2 + u16(d, v)), parent, et === 13 ? info : null);
      return -1;
    case 16: // ALPN (RFC 7301)
      if (el < 2) return -1;
      pkt.add(F.hs_alpn_len, v, 2, parent, u16(d, v));
      parent = container(pkt, F.hs_alpn_list, v + 2, el - 2, parent, 'ALPN Protocol');
      for (let k = v + 2; k < e; ) {
        const l = d[k]!;
        if (k + 1 + l > e) return short(pkt, parent, 'ALPN'), -1;
        pkt.add(F.hs_alpn_str_len, k, 1, parent, l);
        const proto = latin1(d, k + 1, l);
        pkt.add(F.hs_alpn, k + 1, l, parent, 0, proto);
        info?.alpn.push(proto);
        k += 1 + l;
      }
      return -1;
    case 5: // status_request (RFC 6066 8)
      if (!client || el < 5) return -1;
      pkt.add(F.hs_status_request_type, v, 1, parent, d[v]!);
      if (d[v] !== 1) return -1;
      pkt.add(F.hs_status_request_responder_ids_len, v + 1, 2, parent, u16(d, v + 1));
      if (v + 5 + u16(d, v + 1) <= e) pkt.add(F.hs_status_request_exts_len, v + 3 + u16(d, v + 1), 2, parent, u16(d, v + 3 + u16(d, v + 1)));
      return -1;
    case 17: // status_request_v2 (RFC 6961 2.2)
      if (!client || el < 2) return -1;
      pkt.add(F.hs_status_request_list_len, v, 2, parent, u16(d, v));
      for (let k = v + 2; k + 3 <= e; ) {
        pkt.add(F.hs_status_request_type, k, 1, parent, d[k]!);
        k += 3 + u16(d, k + 1);
      }
      return -1;
    case 21: // padding
      if (pkt.tree && el) pkt.add(F.hs_padding, v, el, parent);
      return -1;
    case 15: // heartbeat (RFC 6520)
      if (el >= 1) pkt.add(F.hs_heartbeat_mode, v, 1, parent, d[v]!);
      return -1;
    case 28: // record_size_limit
      if (el >= 2) pkt.add(F.hs_record_size_limit, v, 2, parent, u16(d, v));
      return -1;
    case 42: // early_data: empty in hellos, a size in NewSessionTicket
      if (el >= 4) pkt.add(F.hs_max_early_data_size, v, 4, parent, u32(d, v));
      return -1;
    case 43: // supported_versions (RFC 8446 4.2.1)
      if (client) {
        if (el < 1) return -1;
        pkt.add(F.hs_supported_versions_len, v, 1, parent, d[v]!);
        for (let k = v + 1; k + 2 <= v + 1 + Math.min(d[v]!, el - 1); k += 2) {
          pkt.add(F.hs_supported_version, k, 2, parent, u16(d, k));
          info?.supportedVersions.push(u16(d, k));
        }
        return -1;
      }
      if (el !== 2) return -1;
      pkt.add(F.hs_supported_version, v, 2, parent, u16(d, v));
      info?.supportedVersions.push(u16(d, v));
      return u16(d, v);
    case 44: // cookie
      if (el < 2) return -1;
      pkt.add(F.hs_cookie_len, v, 2, parent, u16(d, v));
      if (pkt.tree) pkt.add(F.hs_cookie, v + 2, Math.min(u16(d, v), el - 2), parent);
      return -1;
    case 45: // psk_key_exchange_modes
      if (el < 1) return -1;
      pkt.add(F.hs_psk_ke_modes_length, v, 1, parent, d[v]!);
      for (let k = v + 1; k < Math.min(e, v + 1 + d[v]!); k++) pkt.add(F.hs_psk_ke_mode, k, 1, parent, d[k]!);
      return -1;
    case 40: // key_share before TLS 1.3 draft 23
    case 51: // key_share: client shares; server share; HRR selected group
      if (client) {
        if (el < 2) return -1;
        parent = subtree(pkt, v, el, parent, 'Key Share extension');
        pkt.add(F.hs_key_share_client_length, v, 2, parent, u16(d, v));
        for (let k = v + 2; k + 4 <= e; ) {
          const kl = u16(d, k + 2);
          const entry = subtree(pkt, k, Math.min(4 + kl, e - k), parent, `Key Share Entry: Group: ${GROUPS[u16(d, k)] ?? `Unknown (${u16(d, k)})`}, Key Exchange length: ${kl}`);
          pkt.add(F.hs_key_share_group, k, 2, entry, u16(d, k));
          pkt.add(F.hs_key_share_kx_length, k + 2, 2, entry, kl);
          if (k + 4 + kl > e) return short(pkt, entry, 'key_share'), -1;
          if (pkt.tree && kl) pkt.add(F.hs_key_share_kx, k + 4, kl, entry);
          k += 4 + kl;
        }
      } else if (el === 2) pkt.add(F.hs_key_share_selected_group, v, 2, subtree(pkt, v, el, parent, 'Key Share extension'), u16(d, v));
      else if (el >= 4) {
        const kl = u16(d, v + 2);
        parent = subtree(pkt, v, el, parent, 'Key Share extension');
        parent = subtree(pkt, v, el, parent, `Key Share Entry: Group: ${GROUPS[u16(d, v)] ?? `Unknown (${u16(d, v)})`}, Key Exchange length: ${kl}`);
        pkt.add(F.hs_key_share_group, v, 2, parent, u16(d, v));
        pkt.add(F.hs_key_share_kx_length, v + 2, 2, parent, kl);
        if (v + 4 + kl > e) return short(pkt, parent, 'key_share'), -1;
        if (pkt.tree && kl) pkt.add(F.hs_key_share_kx, v + 4, kl, parent);
      }
      return -1;
    case 65281: // renegotiation_info
      if (el >= 1) pkt.add(F.hs_reneg_info_len, v, 1, subtree(pkt, v, el, parent, 'Renegotiation Info extension'), d[v]!);
      return -1;
    case 35: // session_ticket: its bytes, even when empty (as tshark)
    default:
      // Unknown extensions (GREASE included) are shown by number, with their bytes; tshark prints
      // an empty one as <MISSING>.
      if (pkt.tree && (et === 35 || isGreaseValue(et) || EXTENSIONS[et] === undefined)) {
        const x = pkt.add(F.hs_extension_data, v, el, parent, 0, el ? undefined : '<MISSING>');
        if (pkt.wantLabels && et === 35 && !el) pkt.setLabel(x, 'Data (0 bytes)');
      }
      return -1;
  }
}

/** A list of signature algorithms `[p, e)`, each with its hash and signature parts (TLS 1.2 names). */
function sigAlgList(pkt: Packet, p: number, e: number, parent: number, info: TlsHelloInfo | null): void {
  const d = pkt.data;
  const n = (e - p) >> 1;
  const list = container(pkt, F.hs_sig_hash_algs, p, n * 2, parent, `Signature Hash Algorithms (${n} algorithm${n === 1 ? '' : 's'})`);
  for (let k = p; k + 2 <= e; k += 2) {
    const a = pkt.add(F.hs_sig_hash_alg, k, 2, list, u16(d, k));
    if (a >= 0) {
      unknownLabel(pkt, pkt.add(F.hs_sig_hash_hash, k, 1, a, d[k]!), 'Signature Hash Algorithm Hash', HASHES, d[k]!);
      unknownLabel(pkt, pkt.add(F.hs_sig_hash_sig, k + 1, 1, a, d[k + 1]!), 'Signature Hash Algorithm Signature', SIGNATURES, d[k + 1]!);
    }
    info?.sigAlgs.push(u16(d, k));
  }
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
    q += 5 + nl;
  }
  if (q + 2 > end) return short(pkt, hs, 'New Session Ticket');
  const tl = u16(d, q);
  pkt.add(F.hs_ticket_length, q, 2, hs, tl);
  if (q + 2 + tl > end) return short(pkt, hs, 'New Session Ticket');
  if (pkt.tree && tl) pkt.add(F.hs_ticket, q + 2, tl, hs);
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
    if (pkt.tree) certificateNames(pkt, k + 3, cl, list);
    certs?.push({ der: d.subarray(k + 3, k + 3 + cl) });
    k += 3 + cl;
    if (s.tls13) {
      if (k + 2 > end) return short(pkt, hs, 'Certificate extensions');
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
    if (pkt.tree) pkt.add(F.hs_server_point, q + 4, pl, hs);
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
  if (pkt.tree) pkt.add(F.hs_sig, q + 2, sl, hs);
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
    if (pkt.tree) pkt.add(F.hs_client_point, p + 1, pl, hs);
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
  if (pkt.tree) pkt.add(F.hs_epms, p + 2, l, hs);
}

// --- fingerprints (computed by ./tls-fingerprint.ts)

/**
 * Whether a fingerprint field of this hello is kept in the tree (selected by -e or a filter, or
 * the full tree). A probe: the item is added and taken back, so the -q path computes nothing.
 */
function fingerprintWanted(pkt: Packet, client: boolean): boolean {
  if (!pkt.tree) return false;
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

/** RFC 8701 GREASE values (0x0a0a, 0x1a1a, ... 0xfafa). */
function isGreaseValue(v: number): boolean {
  return (v & 0x0f0f) === 0x0a0a && (v & 0xff) === v >> 8;
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
  lastTop.item = pkt.addProtocol(F.tls, 'tls', off, end - off, -1);
  lastTop.frame = pkt.frame.number;
  lastTop.pass = pkt.session.pass;
  lastTop.src = pkt.cur;
  if (first) pkt.setInfo('');
  pkt.setProtocol(VERSION_SHORT[normVersion(final)] ?? 'TLS');
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

function prepare(pkt: Packet): void {
  const t = table(pkt);
  const cur = t.byStream.get(pkt.tcpStream)?.version ?? 0;
  const v = t.finals.get(pkt.tcpStream) ?? cur;
  lenient = v >= 0x0301 && v <= 0x0303;
}

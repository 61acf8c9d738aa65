/** ClientHello, ServerHello and HelloRetryRequest bodies and their extensions (RFC 8446 4.1, 4.2). */
import { u16, u32, toHex } from '../bytes.js';
import type { Packet } from '../packet.js';
import type { TlsHelloInfo } from './types.js';
import { EXTENSIONS, GROUPS, HASHES, HRR_RANDOM, SIGNATURES, isGreaseValue, latin1, normVersion, oldDraft } from './names.js';
import { F } from './fields.js';
import { container, short, subtree, table, unknownLabel, type TlsSession } from './session.js';
import { clientHelloRandom, serverHelloKeys, ticketKey } from './keys.js';

/** ClientHello / ServerHello / HelloRetryRequest bodies (RFC 8446 4.1.2, 4.1.3). */
export function hello(pkt: Packet, s: TlsSession, p: number, end: number, hs: number, client: boolean, want: boolean): TlsHelloInfo | null {
  const d = pkt.data;
  const info: TlsHelloInfo | null = want
    ? { client, version: 0, random: '', ciphers: [], extensions: [], groups: [], ecPointFormats: [], sigAlgs: [], alpn: [], sni: '', supportedVersions: [] }
    : null;
  if (p + 34 > end) {
    short(pkt, hs, client ? 'Client Hello' : 'Server Hello');
    return null;
  }
  if (!client && s.forced13) {
    // The ServerHello tells the version (tshark sets it before dissecting the hello).
    s.forced13 = 0;
    s.tls13 = false;
    s.version = 0;
  }
  const legacy = u16(d, p);
  pkt.add(F.hs_version, p, 2, hs, legacy);
  const rnd = pkt.add(F.hs_random, p + 2, 32, hs);
  if (pkt.wantLabels && !client && toHex(d, p + 2, 32) === HRR_RANDOM) pkt.setLabel(rnd, `Random: ${HRR_RANDOM} (HelloRetryRequest magic)`);
  // tshark splits the random into time and bytes only outside TLS 1.3 (where it is all random).
  // (A ServerHello's own version counts, its supported_versions or else its legacy version (a TLS
  // 1.3 draft's), scanned first as tshark does: a single pass knows it too.)
  // (Under the hello when the random itself is not kept: `-e tls.handshake.random_time` alone.)
  else if (!s.tls13 && normVersion(table(pkt).finals.get(pkt.tcpStream) ?? 0) !== 0x0304 && (client || normVersion(serverVersion(d, p, end, legacy)) !== 0x0304)) {
    pkt.add(F.hs_random_time, p + 2, 4, rnd >= 0 ? rnd : hs, 0, { tsSec: u32(d, p + 2), tsNsec: 0 });
    pkt.add(F.hs_random_bytes, p + 6, 28, rnd >= 0 ? rnd : hs);
  }
  if (info) {
    info.version = legacy;
    info.random = toHex(d, p + 2, 32);
  }
  if (client) clientHelloRandom(pkt, s, d, p + 2);
  // For decryption (with a key log only): the hellos' encrypt_then_mac and extended_master_secret.
  let etm = false;
  let ems = false;
  let early = false;
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
      if (et === 22) etm = true;
      else if (et === 23) ems = true;
      else if (et === 42) early = true;
      // A session ticket offered for resumption (RFC 5077), for the decryption.
      if (et === 35 && client && s.crypt && q + 4 + u16(d, q + 2) <= extEnd && u16(d, q + 2) > 0) s.crypt.ticket = ticketKey(d, q + 4, q + 4 + u16(d, q + 2));
      const el = u16(d, q + 2);
      const v = q + 4;
      info?.extensions.push(et);
      // "Extension: name (len=N)": a text subtree of the full tree (tshark has no field for it).
      const parent = subtree(pkt, q, Math.min(4 + el, extEnd - q), hs, `Extension: ${EXTENSIONS[et] ?? (isGreaseValue(et) ? 'Reserved (GREASE)' : `Unknown type ${et}`)} (len=${el})`);
      if (pkt.treeFor(F.tls)) {
        unknownLabel(pkt, pkt.add(F.hs_extension_type, q, 2, parent, et), 'Type', EXTENSIONS, et);
        pkt.add(F.hs_extension_len, q + 2, 2, parent, el);
      }
      if (v + el > extEnd) {
        short(pkt, parent, `extension ${EXTENSIONS[et] ?? et}`);
        break;
      }
      const r = extension(pkt, et, v, v + el, parent, client, info);
      if (r >= 0) chosen = r;
      if (et === 16 && !client && s.crypt) s.crypt.alpn = firstAlpn(d, v, v + el);
      q = v + el;
    }
  }
  else if (q < end) short(pkt, hs, 'hello extensions length');
  if (client && s.crypt) s.crypt.clientEms = ems;
  if (client && early) {
    // Early data is TLS 1.3's: the session is taken as TLS 1.3 from here on, as Wireshark does
    // (its records are then opaque, their early data tried with CLIENT_EARLY_TRAFFIC_SECRET); the
    // Protocol column waits for the ServerHello, as tshark's.
    s.version = 0x0304;
    s.tls13 = true;
    s.forced13 = pkt.frame.number;
    if (s.crypt) s.crypt.early = true;
  }
  if (!client) {
    s.version = normVersion(chosen);
    s.tls13 = s.version === 0x0304;
    if (s.crypt && toHex(d, p + 2, 32) !== HRR_RANDOM) serverHelloKeys(pkt, s, d, p + 2, etm, ems);
  }
  return info;
}

/** The version a ServerHello body `[p, end)` chooses (tshark's tls_scan_server_hello): its supported_versions, else `legacy`. */
function serverVersion(d: Uint8Array, p: number, end: number, legacy: number): number {
  const v = selectedVersion(d, p, end);
  return v >= 0 ? v : legacy;
}

/** The version a ServerHello body `[p, end)` selects in supported_versions (tshark's tls_scan_server_hello), or -1. */
function selectedVersion(d: Uint8Array, p: number, end: number): number {
  let q = p + 34;
  if (!oldDraft(u16(d, p))) {
    if (q >= end) return -1;
    q += 1 + d[q]!;
  }
  q += oldDraft(u16(d, p)) ? 2 : 3;
  if (q + 2 > end) return -1;
  const xe = Math.min(end, q + 2 + u16(d, q));
  for (q += 2; q + 4 <= xe; q += 4 + u16(d, q + 2)) if (u16(d, q) === 43 && u16(d, q + 2) === 2 && q + 6 <= xe) return u16(d, q + 4);
  return -1;
}

/** The first protocol name of an ALPN extension body `[v, e)`, '' if none. */
function firstAlpn(d: Uint8Array, v: number, e: number): string {
  if (e - v < 3 || v + 3 + d[v + 2]! > e) return '';
  return latin1(d, v + 3, d[v + 2]!);
}

/** EncryptedExtensions (RFC 8446 4.3.1): the server's extensions that TLS 1.3 encrypts (ALPN among them). */
export function encryptedExtensions(pkt: Packet, s: TlsSession, p: number, end: number, hs: number): void {
  const d = pkt.data;
  if (p + 2 > end) return short(pkt, hs, 'Encrypted Extensions');
  const xl = u16(d, p);
  pkt.add(F.hs_extensions_length, p, 2, hs, xl);
  const xe = Math.min(end, p + 2 + xl);
  if (p + 2 + xl > end) short(pkt, hs, 'Encrypted Extensions');
  for (let q = p + 2; q < xe; ) {
    if (q + 4 > xe) return short(pkt, hs, 'Encrypted Extensions extension');
    const et = u16(d, q);
    const el = u16(d, q + 2);
    const parent = subtree(pkt, q, Math.min(4 + el, xe - q), hs, `Extension: ${EXTENSIONS[et] ?? (isGreaseValue(et) ? 'Reserved (GREASE)' : `Unknown type ${et}`)} (len=${el})`);
    if (pkt.treeFor(F.tls)) {
      unknownLabel(pkt, pkt.add(F.hs_extension_type, q, 2, parent, et), 'Type', EXTENSIONS, et);
      pkt.add(F.hs_extension_len, q + 2, 2, parent, el);
    }
    if (q + 4 + el > xe) return short(pkt, parent, `extension ${EXTENSIONS[et] ?? et}`);
    extension(pkt, et, q + 4, q + 4 + el, parent, false, null);
    if (et === 16 && s.crypt) s.crypt.alpn = firstAlpn(d, q + 4, q + 4 + el);
    q += 4 + el;
  }
}

/**
 * One hello extension's body `[v, e)`. Returns the version a ServerHello's supported_versions
 * selected, else -1.
 */
export function extension(pkt: Packet, et: number, v: number, e: number, parent: number, client: boolean, info: TlsHelloInfo | null): number {
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
      if (pkt.treeFor(F.tls) && el) pkt.add(F.hs_padding, v, el, parent);
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
      if (pkt.treeFor(F.tls)) pkt.add(F.hs_cookie, v + 2, Math.min(u16(d, v), el - 2), parent);
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
          if (pkt.treeFor(F.tls) && kl) pkt.add(F.hs_key_share_kx, k + 4, kl, entry);
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
        if (pkt.treeFor(F.tls) && kl) pkt.add(F.hs_key_share_kx, v + 4, kl, parent);
      }
      return -1;
    case 65281: // renegotiation_info
      if (el >= 1) pkt.add(F.hs_reneg_info_len, v, 1, subtree(pkt, v, el, parent, 'Renegotiation Info extension'), d[v]!);
      return -1;
    case 35: // session_ticket: its bytes, even when empty (as tshark)
    default:
      // Unknown extensions (GREASE included) are shown by number, with their bytes; tshark prints
      // an empty one as <MISSING>.
      if (pkt.treeFor(F.tls) && (et === 35 || isGreaseValue(et) || EXTENSIONS[et] === undefined)) {
        const x = pkt.add(F.hs_extension_data, v, el, parent, 0, el ? undefined : '<MISSING>');
        if (pkt.wantLabels && et === 35 && !el) pkt.setLabel(x, 'Data (0 bytes)');
      }
      return -1;
  }
}

/** A list of signature algorithms `[p, e)`, each with its hash and signature parts (TLS 1.2 names). */
export function sigAlgList(pkt: Packet, p: number, e: number, parent: number, info: TlsHelloInfo | null): void {
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

/**
 * ICMP for IPv4 (RFC 792; fragmentation needed with next-hop MTU RFC 1191; router discovery
 * RFC 1256; address mask RFC 950; multi-part messages RFC 4884 with MPLS label stack objects
 * RFC 4950 and interface identification RFC 8335; extended echo RFC 8335).
 *
 * The checksum is verified, as Wireshark does by default. Errors (3, 4, 5, 11, 12) dissect the
 * quoted datagram with the IPv4 dissector under a fence: columns keep the outer ICMP text and no
 * reassembly or conversation state is touched. Echo requests and replies are paired like
 * Wireshark's (addresses, checksum adjusted for the type, identifier, sequence); `trackEcho` is
 * shared with ICMPv6.
 */
import { defineFields, FT, Base } from './fields.js';
import { foldChecksum, sum16, u16, u32 } from './bytes.js';
import { annotate, annotation, need, sessionState, Severity, type Packet } from './packet.js';
import { callDissector, dissectData, dissectorByName, register, type EmitContext, type LayerSpecOf } from './registry.js';
import { timeDiff } from './frame.js';
import { elapsed } from '../capture/timestamp.js';
import { defineLimits } from './limits.js';

const TYPES: Record<number, string> = {
  0: 'Echo (ping) reply', 1: 'Reserved', 2: 'Reserved', 3: 'Destination unreachable', 4: 'Source quench (flow control)',
  5: 'Redirect', 6: 'Alternate host address', 8: 'Echo (ping) request', 9: 'Router advertisement', 10: 'Router solicitation',
  11: 'Time-to-live exceeded', 12: 'Parameter problem', 13: 'Timestamp request', 14: 'Timestamp reply',
  15: 'Information request', 16: 'Information reply', 17: 'Address mask request', 18: 'Address mask reply',
  19: 'Reserved (for security)', 30: 'Traceroute', 31: 'Datagram Conversion Error', 32: 'Mobile Host Redirect',
  33: 'IPv6 Where-Are-You', 34: 'IPv6 I-Am-Here', 35: 'Mobile Registration Request', 36: 'Mobile Registration Reply',
  37: 'Domain Name Request', 38: 'Domain Name Reply', 39: 'SKIP', 40: 'Photuris', 41: 'Experimental mobility protocols',
  42: 'Extended Echo request', 43: 'Extended Echo reply',
};
const UNREACH: Record<number, string> = {
  0: 'Network unreachable', 1: 'Host unreachable', 2: 'Protocol unreachable', 3: 'Port unreachable', 4: 'Fragmentation needed',
  5: 'Source route failed', 6: 'Destination network unknown', 7: 'Destination host unknown', 8: 'Source host isolated',
  9: 'Network administratively prohibited', 10: 'Host administratively prohibited', 11: 'Network unreachable for TOS',
  12: 'Host unreachable for TOS', 13: 'Communication administratively filtered', 14: 'Host precedence violation',
  15: 'Precedence cutoff in effect',
};
const CODES: Record<number, Record<number, string>> = {
  3: UNREACH,
  5: { 0: 'Redirect for network', 1: 'Redirect for host', 2: 'Redirect for TOS and network', 3: 'Redirect for TOS and host' },
  6: { 0: 'Alternate address for host' },
  9: { 0: 'Normal router advertisement', 16: 'Does not route common traffic' },
  11: { 0: 'Time to live exceeded in transit', 1: 'Fragment reassembly time exceeded' },
  12: { 0: 'Pointer indicates the error', 1: 'Required option missing', 2: 'Bad length' },
  40: { 0: 'Bad SPI', 1: 'Authentication Failed', 2: 'Decompression Failed', 3: 'Decryption Failed', 4: 'Need Authentication', 5: 'Need Authorization' },
  42: { 0: 'No error' },
  43: { 0: 'No error', 1: 'Malformed Query', 2: 'No Such Interface', 3: 'No Such Table Entry', 4: 'Multiple Interfaces Satisfy Query' },
};
const EXT_CLASSES: Record<number, string> = {
  1: 'MPLS Label Stack Class', 2: 'Interface Information Object', 3: 'Interface Identification Object', 4: 'Extended Information',
};
const CHECKSUM_STATUS = { 0: 'Bad', 1: 'Good', 2: 'Unverified', 3: 'Not present', 4: 'Illegal' };

export const F = defineFields({
  icmp: { abbrev: 'icmp', name: 'Internet Control Message Protocol', type: FT.PROTOCOL },
  type: { abbrev: 'icmp.type', name: 'Type', type: FT.UINT8, strings: TYPES },
  code: { abbrev: 'icmp.code', name: 'Code', type: FT.UINT8 },
  checksum: { abbrev: 'icmp.checksum', name: 'Checksum', type: FT.UINT16, base: Base.HEX },
  checksum_status: { abbrev: 'icmp.checksum.status', name: 'Checksum Status', type: FT.UINT8, generated: true, strings: CHECKSUM_STATUS },
  unused: { abbrev: 'icmp.unused', name: 'Unused', type: FT.BYTES },
  ident: { abbrev: 'icmp.ident', name: 'Identifier (BE)', type: FT.UINT16, base: Base.DEC_HEX },
  ident_le: { abbrev: 'icmp.ident_le', name: 'Identifier (LE)', type: FT.UINT16, base: Base.DEC_HEX },
  seq: { abbrev: 'icmp.seq', name: 'Sequence Number (BE)', type: FT.UINT16, base: Base.DEC_HEX },
  seq_le: { abbrev: 'icmp.seq_le', name: 'Sequence Number (LE)', type: FT.UINT16, base: Base.DEC_HEX },
  mtu: { abbrev: 'icmp.mtu', name: 'MTU of next hop', type: FT.UINT16 },
  length: { abbrev: 'icmp.length', name: 'Length', type: FT.UINT8 },
  length_original: { abbrev: 'icmp.length.original_datagram', name: 'Length of original datagram', type: FT.UINT16, generated: true },
  pointer: { abbrev: 'icmp.pointer', name: 'Pointer', type: FT.UINT32 },
  redir_gw: { abbrev: 'icmp.redir_gw', name: 'Gateway Address', type: FT.IPV4 },
  num_addrs: { abbrev: 'icmp.num_addrs', name: 'Number of addresses', type: FT.UINT8 },
  addr_entry_size: { abbrev: 'icmp.addr_entry_size', name: 'Address entry size', type: FT.UINT8 },
  lifetime: { abbrev: 'icmp.lifetime', name: 'Lifetime', type: FT.UINT16 },
  router_address: { abbrev: 'icmp.router_address', name: 'Router address', type: FT.IPV4 },
  pref_level: { abbrev: 'icmp.pref_level', name: 'Preference level', type: FT.INT32 },
  originate_timestamp: { abbrev: 'icmp.originate_timestamp', name: 'Originate Timestamp', type: FT.UINT32 },
  receive_timestamp: { abbrev: 'icmp.receive_timestamp', name: 'Receive Timestamp', type: FT.UINT32 },
  transmit_timestamp: { abbrev: 'icmp.transmit_timestamp', name: 'Transmit Timestamp', type: FT.UINT32 },
  address_mask: { abbrev: 'icmp.address_mask', name: 'Address Mask', type: FT.IPV4 },
  resp_in: { abbrev: 'icmp.resp_in', name: 'Response frame', type: FT.FRAMENUM, generated: true },
  no_resp: { abbrev: 'icmp.no_resp', name: 'No response seen', type: FT.NONE, generated: true },
  resp_to: { abbrev: 'icmp.resp_to', name: 'Request frame', type: FT.FRAMENUM, generated: true },
  resptime: { abbrev: 'icmp.resptime', name: 'Response time', type: FT.DOUBLE, generated: true, unit: ' ms' },
  data_time: { abbrev: 'icmp.data_time', name: 'Timestamp from icmp data', type: FT.ABSOLUTE_TIME },
  data_time_relative: { abbrev: 'icmp.data_time_relative', name: 'Timestamp from icmp data (relative)', type: FT.RELATIVE_TIME, generated: true, unit: ' seconds' },
  ext_echo_seq: { abbrev: 'icmp.ext.echo.seq', name: 'Sequence Number', type: FT.UINT8, base: Base.DEC_HEX },
  ext_echo_req_res: { abbrev: 'icmp.ext.echo.req.res', name: 'Reserved', type: FT.UINT8, base: Base.HEX, bits: 8, mask: 0xfe },
  ext_echo_req_local: { abbrev: 'icmp.ext.echo.req.local', name: 'Local bit', type: FT.BOOLEAN, bits: 8, mask: 0x01 },
  ext_echo_rsp_state: { abbrev: 'icmp.ext.echo.rsp.state', name: 'State', type: FT.UINT8, bits: 8, mask: 0xe0 },
  ext_echo_rsp_res: { abbrev: 'icmp.ext.echo.rsp.res', name: 'Reserved', type: FT.UINT8, base: Base.HEX, bits: 8, mask: 0x18 },
  ext_echo_rsp_active: { abbrev: 'icmp.ext.echo.rsp.active', name: 'Active bit', type: FT.BOOLEAN, bits: 8, mask: 0x04 },
  ext_echo_rsp_ipv4: { abbrev: 'icmp.ext.echo.rsp.ipv4', name: 'IPv4 bit', type: FT.BOOLEAN, bits: 8, mask: 0x02 },
  ext_echo_rsp_ipv6: { abbrev: 'icmp.ext.echo.rsp.ipv6', name: 'IPv6 bit', type: FT.BOOLEAN, bits: 8, mask: 0x01 },
  ext: { abbrev: 'icmp.ext', name: 'ICMP Extensions', type: FT.NONE },
  ext_version: { abbrev: 'icmp.ext.version', name: 'Version', type: FT.UINT8 },
  ext_res: { abbrev: 'icmp.ext.res', name: 'Reserved', type: FT.UINT16, base: Base.HEX, bits: 16, mask: 0x0fff },
  ext_checksum: { abbrev: 'icmp.ext.checksum', name: 'Checksum', type: FT.UINT16, base: Base.HEX },
  ext_checksum_status: { abbrev: 'icmp.ext.checksum.status', name: 'Checksum Status', type: FT.UINT8, generated: true, strings: CHECKSUM_STATUS },
  ext_object: { abbrev: 'icmp.ext.object', name: 'Object', type: FT.NONE },
  ext_length: { abbrev: 'icmp.ext.length', name: 'Length', type: FT.UINT16 },
  ext_class: { abbrev: 'icmp.ext.class', name: 'Class', type: FT.UINT8, strings: EXT_CLASSES },
  ext_ctype: { abbrev: 'icmp.ext.ctype', name: 'C-Type', type: FT.UINT8 },
  ext_data: { abbrev: 'icmp.ext.data', name: 'Data', type: FT.BYTES },
  mpls_label: { abbrev: 'icmp.mpls.label', name: 'Label', type: FT.UINT24, bits: 24, mask: 0xfffff0 },
  mpls_exp: { abbrev: 'icmp.mpls.exp', name: 'Experimental', type: FT.UINT24, bits: 24, mask: 0x00000e },
  mpls_s: { abbrev: 'icmp.mpls.s', name: 'Stack bit', type: FT.BOOLEAN, bits: 24, mask: 0x000001 },
  mpls_ttl: { abbrev: 'icmp.mpls.ttl', name: 'Time to live', type: FT.UINT8 },
  int_ident_name: { abbrev: 'icmp.int_ident.name', name: 'Name', type: FT.STRING },
  int_ident_index: { abbrev: 'icmp.int_ident.index', name: 'Interface Index', type: FT.UINT32 },
});

// --- request/response pairing (shared with ICMPv6)

/** Named limit: echo requests waiting for a reply, across the capture (oldest evicted first). */
export interface EchoLimits {
  maxPending: number;
}

declare module './limits.js' {
  interface SessionLimits {
    echo: EchoLimits;
  }
}

/** The defaults of `session.limits.echo`. */
export const ECHO_LIMITS = defineLimits('echo', { maxPending: 65536 });

interface PendingEcho {
  frame: number;
  sec: number;
  nsec: number;
}

/** The generated fields a protocol shows for pairing (`icmp.resp_in`, ...). */
export interface EchoFields {
  resp_in: number;
  resp_to: number;
  resptime: number;
  no_resp: number;
}

/**
 * Pairs echo requests and replies (Wireshark's transaction_start/transaction_end). `key` names the
 * conversation and the transaction; `notUnicast` is ` (broadcast)`/` (multicast)` for a request to
 * such a destination, else ''. Adds the generated items and returns the Info suffix.
 *
 * Single pass: a reply names its request; a request cannot know its reply yet. Two passes: pass 1
 * pairs and leaves notes (`<proto>.resp_in` on the request, `<proto>.resp_to` and
 * `<proto>.resptime` on the reply); pass 2 shows them, and `(no response found!)` for requests
 * without one. As in Wireshark a second reply to the same request is not paired, and a repeated
 * request replaces the earlier one.
 */
export function trackEcho(pkt: Packet, proto: string, f: EchoFields, top: number, request: boolean, key: string, notUnicast: string, noResponse: string): string {
  const frame = pkt.frame.number;
  const s = pkt.session;
  if (s.pass === 2) {
    if (request) {
      const resp = annotation(pkt, frame, `${proto}.resp_in`);
      if (resp !== undefined) {
        pkt.add(f.resp_in, 0, 0, top, resp);
        return ` (reply in ${resp})`;
      }
      if (notUnicast) return notUnicast;
      const it = pkt.add(f.no_resp, 0, 0, top);
      pkt.addExpert(it, Severity.Warn, 'Sequence', `${proto}.resp_not_found`, noResponse);
      return ' (no response found!)';
    }
    const req = annotation(pkt, frame, `${proto}.resp_to`);
    if (req === undefined) return '';
    pkt.add(f.resp_to, 0, 0, top, req);
    pkt.add(f.resptime, 0, 0, top, annotation(pkt, frame, `${proto}.resptime`) ?? 0);
    return ` (request in ${req})`;
  }
  const pending = sessionState(pkt, `${proto}.echo`, () => new Map<string, PendingEcho>());
  if (request) {
    pending.delete(key);
    if (pending.size >= pkt.session.limits.echo.maxPending) pending.delete(pending.keys().next().value as string);
    pending.set(key, { frame, sec: pkt.frame.tsSec, nsec: pkt.frame.tsNsec });
    // A patched read: the second pass's text, from the notes this pass leaves (see above).
    if (s.patch && pkt.wantColumns) {
      const noteKey = `${proto}.resp_in`;
      return s.patch.info(() => {
        const resp = s.notes.get(noteKey)?.get(frame);
        return resp !== undefined ? ` (reply in ${resp})` : notUnicast || ' (no response found!)';
      });
    }
    return '';
  }
  const p = pending.get(key);
  if (!p || p.frame >= frame) return '';
  pending.delete(key);
  // As Wireshark's nstime_delta then nstime_to_msec (see elapsed).
  const ms = elapsed(p.sec, p.nsec, pkt.frame.tsSec, pkt.frame.tsNsec, 1000);
  annotate(pkt, p.frame, `${proto}.resp_in`, frame);
  if (s.pass === 1) {
    annotate(pkt, frame, `${proto}.resp_to`, p.frame);
    annotate(pkt, frame, `${proto}.resptime`, ms);
  }
  pkt.add(f.resp_to, 0, 0, top, p.frame);
  pkt.add(f.resptime, 0, 0, top, ms);
  return ` (request in ${p.frame})`;
}

// --- decode

const MS_PER_DAY = 86400000;

function u16le(b: Uint8Array, off: number): number {
  return b[off]! | (b[off + 1]! << 8);
}

function u32le(b: Uint8Array, off: number): number {
  return (b[off]! | (b[off + 1]! << 8) | (b[off + 2]! << 16) | (b[off + 3]! << 24)) >>> 0;
}

/** Wireshark's get_best_guess_mstimeofday: RFC 792 timestamps are often sent little-endian. */
function guessMsOfDay(d: Uint8Array, off: number, comp: number): number {
  let be = u32(d, off) & 0x7fffffff;
  let le = u32le(d, off) & 0x7fffffff;
  if (be < MS_PER_DAY && le >= MS_PER_DAY) return be;
  if (le < MS_PER_DAY && be >= MS_PER_DAY) return le;
  if (be < MS_PER_DAY && le < MS_PER_DAY) {
    const sbe = be;
    const sle = le;
    // A rollover to a new day between the originate and the other timestamps.
    if (be < comp && be <= MS_PER_DAY / 4 && comp >= MS_PER_DAY - MS_PER_DAY / 4) be += MS_PER_DAY;
    if (le < comp && le <= MS_PER_DAY / 4 && comp >= MS_PER_DAY - MS_PER_DAY / 4) le += MS_PER_DAY;
    return ((be - comp) >>> 0) < ((le - comp) >>> 0) ? sbe : sle;
  }
  return ((be - comp) >>> 0) < ((le - comp) >>> 0) ? be : le;
}

/** `4 hours, 28 minutes, 51.171 seconds` (Wireshark's signed_time_msecs_to_str). */
export function msecsText(ms: number): string {
  if (ms === 0) return '0 seconds';
  const parts: string[] = [];
  let t = ms;
  const msec = t % 1000;
  t = (t - msec) / 1000;
  const days = Math.floor(t / 86400);
  t -= days * 86400;
  const hours = Math.floor(t / 3600);
  t -= hours * 3600;
  const mins = Math.floor(t / 60);
  const secs = t - mins * 60;
  if (days) parts.push(`${days} day${days === 1 ? '' : 's'}`);
  if (hours) parts.push(`${hours} hour${hours === 1 ? '' : 's'}`);
  if (mins) parts.push(`${mins} minute${mins === 1 ? '' : 's'}`);
  if (secs || msec) {
    parts.push(msec ? `${secs}.${String(msec).padStart(3, '0')} seconds` : `${secs} second${secs === 1 ? '' : 's'}`);
  }
  return parts.join(', ');
}

/** `30 minutes` (Wireshark's signed_time_secs_to_str). */
function secsText(s: number): string {
  return s === 0 ? '0 seconds' : msecsText(s * 1000);
}

function typeName(type: number, code: number): string {
  if (type === 9 && (code === 0 || code === 16)) return 'Mobile IP Advertisement';
  return TYPES[type] ?? 'Unknown ICMP (obsolete or malformed?)';
}

function codeName(type: number, code: number): string | undefined {
  const t = CODES[type];
  if (!t) return undefined;
  return t[code] ?? `Unknown code: ${code}`;
}

function decode(pkt: Packet, off: number, end: number, rep: number, parent: number): void {
  const d = pkt.data;
  const cols = pkt.wantColumns && pkt.fence === 0;
  const top = pkt.addProtocol(F.icmp, 'icmp', off, Math.max(0, end - off), parent);
  pkt.setProtocol('ICMP');
  pkt.setInfo('');
  if (!need(pkt, off, 4, end, rep, top, 'ICMP')) return;
  const type = d[off]!;
  const code = d[off + 1]!;
  let info = '';
  const ti = pkt.add(F.type, off, 1, top, type);
  const ci = pkt.add(F.code, off + 1, 1, top, code);
  if (pkt.wantColumns) {
    // Wireshark appends the names to the number: `Type: 3 (Destination unreachable)`.
    const t = typeName(type, code);
    const c = codeName(type, code);
    pkt.setLabel(ti, `Type: ${type} (${t})`);
    if (c !== undefined) pkt.setLabel(ci, `Code: ${code} (${c})`);
    if (cols) {
      info = t.padEnd(20) + (c === undefined ? '' : ` (${c})`);
      pkt.setInfo(info);
    }
  }
  const ck = u16(d, off + 2);
  const cki = pkt.add(F.checksum, off + 2, 2, top, ck);
  const ckText = pkt.wantColumns ? `Checksum: 0x${ck.toString(16).padStart(4, '0')}` : '';
  // A fragment dissected without reassembly holds only part of the message: not checksummed.
  const fragmented = pkt.ipVersion === 4 && pkt.ipHdr === d && (u16(d, pkt.ipSrcOff - 6) & 0x3fff) !== 0;
  if (pkt.fence === 0 && end >= rep && !fragmented) {
    const sum = sum16(d, off, rep - off);
    if (foldChecksum(sum) === 0) {
      pkt.add(F.checksum_status, off + 2, 0, cki, 1);
      if (pkt.wantColumns) pkt.setLabel(cki, `${ckText} [correct]`);
    } else {
      pkt.add(F.checksum_status, off + 2, 0, cki, 0);
      const should = `0x${foldChecksum(sum - ck).toString(16).padStart(4, '0')}`;
      if (pkt.wantColumns) pkt.setLabel(cki, `${ckText} incorrect, should be ${should}`);
      pkt.addExpert(cki, Severity.Warn, 'Checksum', 'icmp.checksum_bad', `Bad checksum [should be ${should}]`);
    }
  } else {
    pkt.add(F.checksum_status, off + 2, 0, cki, 2);
    if (pkt.wantColumns) pkt.setLabel(cki, `${ckText} [unverified] [${pkt.fence > 0 ? 'in ICMP error packet' : fragmented ? 'fragmented datagram' : 'captured length < reported length'}]`);
  }
  if (!need(pkt, off, 8, end, rep, top, 'ICMP')) return;

  // The second word.
  const origLen = d[off + 5]!; // RFC 4884 length of the original datagram, in 32-bit words
  switch (type) {
    case 0: case 8: case 13: case 14: case 15: case 16: case 17: case 18: {
      const id = u16(d, off + 4);
      const seq = u16(d, off + 6);
      const seqLe = u16le(d, off + 6);
      pkt.add(F.ident, off + 4, 2, top, id);
      pkt.add(F.ident_le, off + 4, 2, top, u16le(d, off + 4));
      pkt.add(F.seq, off + 6, 2, top, seq);
      pkt.add(F.seq_le, off + 6, 2, top, seqLe);
      if (cols) {
        info += ` id=0x${id.toString(16).padStart(4, '0')}, seq=${seq}/${seqLe}`;
        if (pkt.ipVersion === 4) info += `, ttl=${pkt.ipHdr[pkt.ipSrcOff - 4]}`;
      }
      break;
    }
    case 3:
      if (origLen > 0) {
        pkt.add(F.unused, off + 4, 1, top);
        pkt.add(F.length, off + 5, 1, top, origLen);
        pkt.add(F.length_original, off + 5, 1, top, origLen * 4);
        if (code === 4) pkt.add(F.mtu, off + 6, 2, top, u16(d, off + 6));
        else pkt.add(F.unused, off + 6, 2, top);
      } else if (code === 4) {
        pkt.add(F.unused, off + 4, 2, top);
        pkt.add(F.mtu, off + 6, 2, top, u16(d, off + 6));
      } else pkt.add(F.unused, off + 4, 4, top);
      break;
    case 9: {
      pkt.add(F.num_addrs, off + 4, 1, top, d[off + 4]!);
      pkt.add(F.addr_entry_size, off + 5, 1, top, d[off + 5]!);
      const lt = u16(d, off + 6);
      const li = pkt.add(F.lifetime, off + 6, 2, top, lt);
      if (pkt.wantColumns) pkt.setLabel(li, `Lifetime: ${lt} (${secsText(lt)})`);
      break;
    }
    case 12:
      pkt.add(F.pointer, off + 4, 1, top, d[off + 4]!);
      if (origLen > 0) {
        pkt.add(F.length, off + 5, 1, top, origLen);
        pkt.add(F.length_original, off + 5, 1, top, origLen * 4);
        pkt.add(F.unused, off + 6, 2, top);
      } else pkt.add(F.unused, off + 5, 3, top);
      break;
    case 5:
      pkt.add(F.redir_gw, off + 4, 4, top, u32(d, off + 4));
      break;
    case 11:
      if (origLen > 0) {
        pkt.add(F.unused, off + 4, 1, top);
        pkt.add(F.length, off + 5, 1, top, origLen);
        pkt.add(F.length_original, off + 5, 1, top, origLen * 4);
        pkt.add(F.unused, off + 6, 2, top);
      } else pkt.add(F.unused, off + 4, 4, top);
      break;
    case 42:
    case 43: {
      pkt.add(F.ident, off + 4, 2, top, u16(d, off + 4));
      pkt.add(F.ident_le, off + 4, 2, top, u16le(d, off + 4));
      pkt.add(F.ext_echo_seq, off + 6, 1, top, d[off + 6]!);
      const b = d[off + 7]!;
      if (type === 42) {
        pkt.add(F.ext_echo_req_res, off + 7, 1, top, b >> 1);
        pkt.add(F.ext_echo_req_local, off + 7, 1, top, b & 1);
      } else {
        pkt.add(F.ext_echo_rsp_state, off + 7, 1, top, b >> 5);
        pkt.add(F.ext_echo_rsp_res, off + 7, 1, top, (b >> 3) & 3);
        pkt.add(F.ext_echo_rsp_active, off + 7, 1, top, (b >> 2) & 1);
        pkt.add(F.ext_echo_rsp_ipv4, off + 7, 1, top, (b >> 1) & 1);
        pkt.add(F.ext_echo_rsp_ipv6, off + 7, 1, top, b & 1);
      }
      break;
    }
  }

  // The rest of the message.
  const body = off + 8;
  switch (type) {
    case 3: case 4: case 5: case 11: case 12:
      quote(pkt, off, end, rep, top, type, type === 3 || type === 11 || type === 12 ? origLen : 0);
      break;
    case 0:
    case 8: {
      if (pkt.fence === 0 && pkt.ipVersion === 4) {
        const h = pkt.ipHdr;
        const src = ((h[pkt.ipSrcOff]! << 24) | (h[pkt.ipSrcOff + 1]! << 16) | (h[pkt.ipSrcOff + 2]! << 8) | h[pkt.ipSrcOff + 3]!) >>> 0;
        const dst = ((h[pkt.ipDstOff]! << 24) | (h[pkt.ipDstOff + 1]! << 16) | (h[pkt.ipDstOff + 2]! << 8) | h[pkt.ipDstOff + 3]!) >>> 0;
        // The request's checksum adjusted by the type difference (8 vs 0) equals the reply's.
        let k0: number;
        if (type === 8) k0 = foldChecksum((~ck & 0xffff) + (~0x0800 & 0xffff));
        else k0 = ck === 0xffff ? 0 : ck;
        const key = `${src < dst ? src : dst}-${src < dst ? dst : src}-${k0}-${u32(d, off + 4)}`;
        const notUnicast = type === 8 ? (dst === 0xffffffff ? ' (broadcast)' : dst >>> 28 === 0xe ? ' (multicast)' : '') : '';
        info += trackEcho(pkt, 'icmp', F, top, type === 8, key, notUnicast, 'No response seen to ICMP request');
      }
      echoData(pkt, body, end, rep, top);
      break;
    }
    case 9: {
      const n = d[off + 4]!;
      if (d[off + 5]! === 2) {
        for (let i = 0; i < n; i++) {
          const a = body + 8 * i;
          if (!need(pkt, a, 8, end, rep, top, 'ICMP router advertisement')) break;
          pkt.add(F.router_address, a, 4, top, u32(d, a));
          pkt.add(F.pref_level, a + 4, 4, top, (u32(d, a + 4) | 0));
        }
        // Mobile IP agent advertisement extensions (RFC 5944) after the addresses are not decoded.
      } else dissectData(pkt, body, end, rep, top);
      break;
    }
    case 13:
    case 14: {
      if (!need(pkt, body, 12, end, rep, top, 'ICMP timestamp')) break;
      const o = pkt.add(F.originate_timestamp, body, 4, top, u32(d, body));
      const r = pkt.add(F.receive_timestamp, body + 4, 4, top, u32(d, body + 4));
      const t = pkt.add(F.transmit_timestamp, body + 8, 4, top, u32(d, body + 8));
      if (pkt.wantColumns) {
        const f = pkt.frame;
        const frameMs = ((f.tsSec % 86400) * 1000 + Math.floor(f.tsNsec / 1e6)) % MS_PER_DAY;
        pkt.setLabel(o, `Originate Timestamp: ${pkt.num[o]} (${msecsText(guessMsOfDay(d, body, frameMs))} after midnight UTC)`);
        pkt.setLabel(r, `Receive Timestamp: ${pkt.num[r]} (${msecsText(guessMsOfDay(d, body + 4, frameMs))} after midnight UTC)`);
        pkt.setLabel(t, `Transmit Timestamp: ${pkt.num[t]} (${msecsText(guessMsOfDay(d, body + 8, frameMs))} after midnight UTC)`);
      }
      break;
    }
    case 17:
    case 18:
      if (need(pkt, body, 4, end, rep, top, 'ICMP address mask')) pkt.add(F.address_mask, body, 4, top, u32(d, body));
      break;
    case 42:
      if (end > body) icmpExtensions(pkt, body, end, rep, top);
      break;
  }
  if (cols) pkt.setInfo(info);
}

/**
 * Echo data: the first 8 bytes are shown as a timestamp when they look like one (a struct timeval
 * within a day of the frame, big- or little-endian, as ping writes it), then the rest is data.
 */
function echoData(pkt: Packet, body: number, end: number, rep: number, top: number): void {
  if (end - body < 8) {
    if (end > body) dissectData(pkt, body, end, rep, top);
    return;
  }
  const d = pkt.data;
  const fs = pkt.frame.tsSec;
  let secs = u32(d, body);
  let usecs = u32(d, body + 4);
  if (Math.abs((secs - fs) | 0) >= 86400 || usecs >= 1000000) {
    secs = u32le(d, body);
    usecs = u32le(d, body + 4);
  }
  if (Math.abs((secs - fs) | 0) < 86400 && usecs < 1000000 && pkt.frame.hasTime) {
    pkt.add(F.data_time, body, 8, top, 0, { tsSec: secs, tsNsec: usecs * 1000 });
    pkt.add(F.data_time_relative, body, 8, top, timeDiff(fs, pkt.frame.tsNsec, secs, usecs * 1000));
    dissectData(pkt, body + 8, end, rep, top);
    return;
  }
  dissectData(pkt, body, end, rep, top);
}

/**
 * Dissects a datagram quoted by an ICMP/ICMPv6 error (or an ND redirected header) with the named
 * dissector under a fence: columns are not written, no reassembly or conversation state is
 * touched, and running out of bytes is not shown (tshark catches bounds errors in an error
 * packet). The network-layer context of the outer packet is restored afterwards, so whatever reads
 * it after dissection sees the outer addresses, not the quoted ones.
 */
export function dissectQuoted(pkt: Packet, name: string, off: number, end: number, rep: number, parent: number): void {
  const d = dissectorByName(name);
  if (!d) {
    dissectData(pkt, off, end, rep, parent);
    return;
  }
  const version = pkt.ipVersion;
  const hdr = pkt.ipHdr;
  const src = pkt.ipSrcOff;
  const dst = pkt.ipDstOff;
  const hopLimit = pkt.ipHopLimit;
  const fragmented = pkt.ipFragmented;
  const malformed = pkt.malformed;
  const experts = pkt.expert.length;
  const shorts = pkt.shorts;
  pkt.fence++;
  callDissector(d, pkt, off, end, rep, parent);
  pkt.fence--;
  // As tshark's call_dissector_work_error: a bounds error inside an error packet's quote is caught
  // and not shown (no Malformed Packet, no short-frame note); the quote ends where it stopped.
  let k = experts;
  for (let i = experts; i < pkt.expert.length; i++) {
    const e = pkt.expert[i]!;
    if (e.abbrev !== '_ws.malformed.expert' && e.abbrev !== '_ws.short') pkt.expert[k++] = e;
  }
  pkt.expert.length = k;
  pkt.shorts = shorts;
  pkt.malformed = malformed;
  pkt.ipVersion = version;
  pkt.ipHdr = hdr;
  pkt.ipSrcOff = src;
  pkt.ipDstOff = dst;
  pkt.ipHopLimit = hopLimit;
  pkt.ipFragmented = fragmented;
}

/**
 * The quoted original datagram of an error, dissected by the IPv4 dissector under a fence, then
 * RFC 4884 / MPLS extensions when present.
 */
function quote(pkt: Packet, off: number, end: number, rep: number, top: number, type: number, origLen: number): void {
  const d = pkt.data;
  const q = off + 8;
  if (q >= end) return;
  // Total length of the quoted datagram (0 when its header is not there to read).
  const innerTotal = q + 4 <= end && d[q]! >> 4 === 4 ? (d[q + 2]! << 8) | d[q + 3]! : 0;
  let qEnd = end;
  let qRep = rep;
  if (type === 5) {
    // A redirect quotes the header and the first 64 bits of the datagram.
    qRep = Math.min(rep, q + (d[q]! & 0x0f) * 4 + 8);
    qEnd = Math.min(end, qRep);
  } else if (origLen && rep - off > 8 + origLen * 4 && innerTotal > origLen * 4) {
    qRep = q + origLen * 4;
    qEnd = Math.min(end, qRep);
  }
  // The quoted datagram is usually cut short: its own total length is its reported length, so
  // the missing part reads as truncated rather than malformed.
  if (innerTotal > qRep - q) qRep = q + innerTotal;
  dissectQuoted(pkt, 'ip', q, qEnd, qRep, top);

  // Multi-part extensions (RFC 4884; MPLS, RFC 4950): after the original datagram, padded to 128
  // bytes when the length field is 0 (the pre-RFC 4884 draft), when that datagram is short.
  if (rep - off > 8 + 128 && innerTotal <= 128) {
    const ext = q + (origLen ? origLen * 4 : 128);
    // Not captured (snap length): nothing to show.
    if (ext < end) icmpExtensions(pkt, ext, end, rep, top);
  }
}

/**
 * ICMP multi-part extensions (RFC 4884 7): a version/checksum header, then objects (MPLS label
 * stack RFC 4950, interface identification RFC 8335, others as bytes). Shared with ICMPv6.
 */
export function icmpExtensions(pkt: Packet, off: number, end: number, rep: number, parent: number): void {
  const d = pkt.data;
  const top = pkt.add(F.ext, off, Math.max(0, Math.min(end, rep) - off), parent);
  pkt.setLabel(top, 'ICMP Multi-Part Extensions');
  if (rep - off < 4 || !need(pkt, off, 4, end, rep, top, 'ICMP extensions')) return;
  const version = d[off]! >> 4;
  pkt.add(F.ext_version, off, 1, top, version);
  pkt.add(F.ext_res, off, 2, top, u16(d, off) & 0x0fff);
  const ck = u16(d, off + 2);
  const cki = pkt.add(F.ext_checksum, off + 2, 2, top, ck);
  if (ck === 0) pkt.add(F.ext_checksum_status, off + 2, 0, cki, 3);
  else if (end >= rep) {
    const sum = sum16(d, off, rep - off);
    if (foldChecksum(sum) === 0) pkt.add(F.ext_checksum_status, off + 2, 0, cki, 1);
    else {
      pkt.add(F.ext_checksum_status, off + 2, 0, cki, 0);
      pkt.addExpert(cki, Severity.Warn, 'Checksum', 'icmp.ext.checksum_bad', `Bad checksum [should be 0x${foldChecksum(sum - ck).toString(16).padStart(4, '0')}]`);
    }
  } else pkt.add(F.ext_checksum_status, off + 2, 0, cki, 2);
  if (version !== 1 && version !== 2) {
    pkt.setLabel(top, 'ICMP Multi-Part Extensions (unsupported version)');
    return;
  }
  let p = off + 4;
  while (rep - p >= 4) {
    if (!need(pkt, p, 4, end, rep, top, 'ICMP extension object')) return;
    const len = u16(d, p);
    const cls = d[p + 2]!;
    const ctype = d[p + 3]!;
    const olen = Math.min(len, rep - p);
    const oEnd = Math.min(p + olen, end);
    const o = pkt.add(F.ext_object, p, Math.max(4, oEnd - p), top);
    pkt.add(F.ext_length, p, 2, o, len);
    pkt.add(F.ext_class, p + 2, 1, o, cls);
    pkt.add(F.ext_ctype, p + 3, 1, o, ctype);
    if (len < 4) {
      pkt.setLabel(o, 'Object with bad length');
      return;
    }
    let known = false;
    if (cls === 1 && ctype === 1) {
      known = true;
      pkt.setLabel(o, 'MPLS Stack Entry');
      for (let e = p + 4; e + 4 <= oEnd; e += 4) {
        const w = u32(d, e);
        pkt.add(F.mpls_label, e, 3, o, w >>> 12);
        pkt.add(F.mpls_exp, e, 3, o, (w >>> 9) & 7);
        pkt.add(F.mpls_s, e, 3, o, (w >>> 8) & 1);
        pkt.add(F.mpls_ttl, e + 3, 1, o, w & 0xff);
      }
    } else if (cls === 3 && (ctype === 1 || ctype === 2) && oEnd - p > 4) {
      known = true;
      pkt.setLabel(o, 'Interface Identification Object');
      if (ctype === 1) {
        let s = '';
        for (let i = p + 4; i < oEnd && d[i] !== 0; i++) s += String.fromCharCode(d[i]!);
        pkt.add(F.int_ident_name, p + 4, oEnd - p - 4, o, 0, s);
      } else if (oEnd - p >= 8) pkt.add(F.int_ident_index, p + 4, 4, o, u32(d, p + 4));
    }
    if (!known) {
      if (pkt.wantColumns) pkt.setLabel(o, `Unknown object (${cls}/${ctype})`);
      if (oEnd - p > 4) pkt.add(F.ext_data, p + 4, oEnd - p - 4, o);
    }
    if (olen < len && pkt.wantColumns) pkt.setLabel(o, `${pkt.label[o] ?? 'Object'} (truncated)`);
    p += olen;
  }
}

// --- building

function bytesOf(x: Uint8Array | string | undefined): Uint8Array {
  if (x === undefined) return new Uint8Array(0);
  if (typeof x === 'string') return new TextEncoder().encode(x);
  return x;
}

/** Offsets in the ICMP header (RFC 792), for decode and emit. */
export const ICMP = { TYPE: 0, CODE: 1, CSUM: 2, ID: 4, SEQ: 6, MTU: 6, POINTER: 4, LENGTH: 5, GATEWAY: 4, HDR: 8 } as const;

/** `buildPacket`'s ICMP message; the following layers are the echo data or the quoted datagram. */
export interface IcmpSpec {
  /** Type (8, echo request) and code (0). */
  type?: number;
  code?: number;
  /** Echo, timestamp, mask, information: identifier and sequence number. */
  id?: number;
  seq?: number;
  /** Fragmentation needed (3/4): the next-hop MTU. */
  mtu?: number;
  /** Redirect (5): the gateway. */
  gateway?: string;
  /** Parameter problem (12): the pointer. */
  pointer?: number;
  /** RFC 4884 length of the quoted datagram in 32-bit words (3, 11, 12). */
  length?: number;
  /** The raw second word (bytes 4-7), replacing the fields above. */
  rest?: Uint8Array;
  /** Bytes before the payload (a string is UTF-8 encoded). */
  data?: Uint8Array | string;
  /** Cut the following layers (the quoted datagram) to this many bytes. */
  quoteLen?: number;
  checksum?: number;
}

declare module './registry.js' {
  interface LayerSpecs {
    icmp: IcmpSpec;
  }
}

/**
 * Builds an ICMP message around `payload` (the following layers: echo data, or the datagram an
 * error quotes). Spec: type (8), code (0), id/seq (echo, timestamp, mask, information), mtu
 * (3/4), gateway (5), pointer (12), length (RFC 4884 words), rest (the raw second word),
 * data (bytes before the payload), quoteLen (cut the quoted datagram), checksum (computed).
 */
function emit(spec: LayerSpecOf<'icmp'>, payload: Uint8Array, _ctx: EmitContext): Uint8Array {
  const type = spec.type ?? 8;
  const code = spec.code ?? 0;
  const head = bytesOf(spec.data);
  let tail = payload;
  if (spec.quoteLen !== undefined) tail = tail.subarray(0, spec.quoteLen);
  const out = new Uint8Array(ICMP.HDR + head.length + tail.length);
  const v = new DataView(out.buffer);
  out[ICMP.TYPE] = type;
  out[ICMP.CODE] = code;
  const rest = spec.rest;
  if (rest) out.set(rest.subarray(0, 4), 4);
  else {
    switch (type) {
      case 3:
        if (spec.length !== undefined) out[ICMP.LENGTH] = spec.length;
        if (code === 4) v.setUint16(ICMP.MTU, spec.mtu ?? 0);
        break;
      case 11:
        if (spec.length !== undefined) out[ICMP.LENGTH] = spec.length;
        break;
      case 12:
        out[ICMP.POINTER] = spec.pointer ?? 0;
        if (spec.length !== undefined) out[ICMP.LENGTH] = spec.length;
        break;
      case 5: {
        const gw = (spec.gateway ?? '0.0.0.0').split('.').map(Number);
        out.set(gw, ICMP.GATEWAY);
        break;
      }
      default:
        v.setUint16(ICMP.ID, spec.id ?? 0);
        v.setUint16(ICMP.SEQ, spec.seq ?? 0);
    }
  }
  out.set(head, ICMP.HDR);
  out.set(tail, ICMP.HDR + head.length);
  v.setUint16(ICMP.CSUM, spec.checksum ?? foldChecksum(sum16(out, 0, out.length)));
  return out;
}

register({
  name: 'icmp',
  longName: 'Internet Control Message Protocol',
  bind: [['ip.proto', 1]],
  decode,
  emit,
});


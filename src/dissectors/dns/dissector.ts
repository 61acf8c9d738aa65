/**
 * DNS (RFC 1034, RFC 1035; AAAA RFC 3596; SRV RFC 2782; EDNS(0) RFC 6891 with client subnet
 * RFC 7871 and cookies RFC 7873; DNSSEC records RFC 4034, shown not validated; CAA RFC 8659;
 * SVCB/HTTPS RFC 9460), multicast DNS (RFC 6762: UDP 5353, QU bit, cache-flush bit) and LLMNR
 * (RFC 4795: UDP 5355). Over TCP (RFC 7766) each message has a two-byte length prefix: the TCP
 * side is `decodeDnsTcp`, fed with reassembled stream bytes.
 *
 * Names are decompressed with guards: a bounded number of pointer hops (a loop ends there), the
 * 255-byte name limit of RFC 1035 3.1, and every read inside the message. A record whose data
 * runs past the message marks the packet malformed; the work per message is bounded by its
 * length. Queries and responses are paired per conversation and transaction id, as Wireshark
 * does (`dns.response_in`, `dns.response_to`, `dns.time`, retransmissions).
 *
 * This folder: dissector.ts (the message, the tap, the UDP/TCP transports, registration),
 * values.ts (value strings), fields.ts (fields, DNS_LIMITS), names.ts (names), records.ts
 * (questions and resource records), pairing.ts (query/response pairing), build.ts (building messages).
 */
import { fieldById } from '../fields.js';
import { toHex, u16 } from '../bytes.js';
import { need, type Packet } from '../packet.js';
import { register, type Dissector } from '../registry.js';
import { registerStreamProtocol } from '../tcp/stream.js';
import { lengthPrefixed16 } from '../tcp/reassembly.js';
import { OPCODES, RCODES } from './values.js';
import { F } from './fields.js';
import { NameError, nameEnd, nameErr, readName } from './names.js';
import { DnsEndpoints, DnsKind, KIND_COL, KIND_LAYER, track, trackPeer, trackRetrans, trackTime } from './pairing.js';
import { qInfo, question, record, rrInfo } from './records.js';
import { TapKind } from '../taps.js';
import { emit } from './build.js';

// --- tap (statistics read what the dissector found, without a tree)

/** One DNS message as `wirelite stats FILE dns` sees it. */
export interface DnsTapRecord {
  frame: number;
  response: boolean;
  opcode: number;
  rcode: number;
  /** The first question (name `<Root>` for the root; '' when there is none). */
  qname: string;
  qtype: number;
  /** Two-pass reads: a query's response frame (0: none), a response's query frame (0: none). */
  peer: number;
  /** A response's time since its query, in seconds (when paired). */
  time: number;
  /** A retransmitted query or response (tshark's dns.retransmission). */
  retransmission: boolean;
}

/** A record with every field at its "none" value. */
function newDnsTapRecord(): DnsTapRecord {
  return { frame: 0, response: false, opcode: 0, rcode: 0, qname: '', qtype: 0, peer: 0, time: 0, retransmission: false };
}

/** The DNS tap's kind: a session's listeners and pooled records (../taps.ts), delivered after the packet. */
export const DNS_TAP = new TapKind<DnsTapRecord>('dns', newDnsTapRecord);

// --- decode

/** Marks a name that could not be read; returns false when the message cannot go on. */
/**
 * Decodes one DNS message in `[off, end)` of the current data source (`rep` its reported end).
 * `ep` gives the ports for pairing; `tcpLen` >= 0 when the message came with a TCP length prefix at
 * `off - 2`.
 */
export function decodeDnsMessage(pkt: Packet, off: number, end: number, rep: number, parent: number, kind: DnsKind, ep: DnsEndpoints, tcpLen = -1): void {
  const d = pkt.data;
  const cols = pkt.wantColumns && pkt.fence === 0;
  const tree = pkt.treeFor(F.dns);
  const top = pkt.addProtocol(kind === DnsKind.Llmnr ? F.llmnr : kind === DnsKind.Mdns ? F.mdns : F.dns, KIND_LAYER[kind]!, tcpLen >= 0 ? off - 2 : off, end - off + (tcpLen >= 0 ? 2 : 0), parent);
  pkt.setProtocol(KIND_COL[kind]!);
  if (tcpLen >= 0) pkt.add(F.length, off - 2, 2, top, tcpLen);
  const shorts = pkt.shorts;
  if (!need(pkt, off, 12, end, rep, top, KIND_COL[kind]!)) {
    if (cols) pkt.setInfo(pkt.shorts > shorts ? '[Packet size limited during capture]' : '');
    return;
  }
  const id = u16(d, off);
  const flags = u16(d, off + 2);
  const response = (flags & 0x8000) !== 0;
  const opcode = (flags >> 11) & 0xf;
  const rcode = flags & 0xf;
  const update = opcode === 5;
  // Wireshark appends the message's direction to the protocol item.
  if (pkt.wantLabels && top >= 0) pkt.setLabel(top, `${fieldById(pkt.fid[top]!).name} (${response ? 'response' : 'query'})`);
  const qd = u16(d, off + 4);
  const an = u16(d, off + 6);
  const ns = u16(d, off + 8);
  const ar = u16(d, off + 10);
  let info = '';
  if (cols) {
    info = `${OPCODES[opcode] ?? `Unknown operation (${opcode})`}${response ? ' response' : ''} 0x${id.toString(16).padStart(4, '0')}`;
    if (response && rcode !== 0) info += ` ${RCODES[rcode] ?? `Unknown error (${rcode})`}`;
  }
  pkt.add(F.id, off, 2, top, id);
  if (tree) {
    const fi = pkt.add(F.flags, off + 2, 2, top, flags);
    pkt.add(F.response, off + 2, 2, fi, response ? 1 : 0);
    pkt.add(F.opcode, off + 2, 2, fi, opcode);
    if (kind === DnsKind.Llmnr) {
      // Shown in queries too (tshark 4.0), where it means the sender saw several responses.
      const ci = pkt.add(F.conflict, off + 2, 2, fi, (flags >> 10) & 1);
      if (!response && pkt.wantLabels) pkt.setLabel(ci, `.... .${(flags >> 10) & 1}.. .... .... = Conflict: ${flags & 0x400 ? 'The sender received multiple responses' : 'None'}`);
      pkt.add(F.truncated, off + 2, 2, fi, (flags >> 9) & 1);
      pkt.add(F.tentative, off + 2, 2, fi, (flags >> 8) & 1);
      if (response) pkt.add(F.rcode, off + 2, 2, fi, rcode);
    } else {
      if (response) pkt.add(F.authoritative, off + 2, 2, fi, (flags >> 10) & 1);
      pkt.add(F.truncated, off + 2, 2, fi, (flags >> 9) & 1);
      pkt.add(F.recdesired, off + 2, 2, fi, (flags >> 8) & 1);
      if (response) pkt.add(F.recavail, off + 2, 2, fi, (flags >> 7) & 1);
      pkt.add(F.z, off + 2, 2, fi, (flags >> 6) & 1);
      if (response) pkt.add(F.authenticated, off + 2, 2, fi, (flags >> 5) & 1);
      else if (flags & 0x20) pkt.add(F.authenticated, off + 2, 2, fi, 1);
      pkt.add(F.checkdisable, off + 2, 2, fi, (flags >> 4) & 1);
      if (response) pkt.add(F.rcode, off + 2, 2, fi, rcode);
    }
    if (pkt.wantLabels) {
      let t = `Flags: 0x${flags.toString(16).padStart(4, '0')} ${OPCODES[opcode] ?? 'Unknown operation'}${response ? ' response' : ''}`;
      if (response) t += `, ${RCODES[rcode] ?? 'Unknown error'}`;
      pkt.setLabel(fi, t);
    }
    pkt.add(update ? F.count_zones : F.count_queries, off + 4, 2, top, qd);
    pkt.add(update ? F.count_prerequisites : F.count_answers, off + 6, 2, top, an);
    pkt.add(update ? F.count_updates : F.count_auth_rr, off + 8, 2, top, ns);
    pkt.add(F.count_add_rr, off + 10, 2, top, ar);
  }
  let p = off + 12;
  let ok = true;
  if (qd > 0) {
    const sec = tree ? pkt.add(update ? F.queries : F.queries, p, 0, top) : -1;
    if (pkt.wantLabels && update) pkt.setLabel(sec, 'Zone');
    for (let i = 0; i < qd; i++) {
      const r = question(pkt, p, off, end, rep, sec, kind, cols);
      if (cols) info += qInfo;
      if (r < 0) {
        ok = false;
        break;
      }
      p = r;
    }
    pkt.setLength(sec, p - (off + 12));
  }
  const counts = [an, ns, ar];
  const secF = [F.answers, F.authorities, F.additionals];
  const secNames = update ? ['Prerequisites', 'Updates', 'Additional records'] : ['Answers', 'Authoritative nameservers', 'Additional records'];
  for (let s = 0; s < 3 && ok; s++) {
    const n = counts[s]!;
    if (n === 0) continue;
    const secStart = p;
    const sec = tree ? pkt.add(secF[s]!, p, 0, top) : -1;
    if (pkt.wantLabels && update) pkt.setLabel(sec, secNames[s]!);
    for (let i = 0; i < n; i++) {
      const r = record(pkt, p, off, end, rep, sec, kind, cols);
      if (cols) info += rrInfo;
      if (r < 0) {
        ok = false;
        break;
      }
      p = r;
    }
    pkt.setLength(sec, p - secStart);
  }
  pkt.setLength(top, Math.min(end, p) - off + (tcpLen >= 0 ? 2 : 0));
  track(pkt, top, ep, id, response);
  if (pkt.fence === 0 && pkt.session.pass !== 1 && pkt.session.taps.on(DNS_TAP)) {
    const t = pkt.session.taps.record(DNS_TAP);
    t.frame = pkt.frame.number;
    t.response = response;
    t.opcode = opcode;
    t.rcode = rcode;
    t.qname = qd > 0 ? readName(d, off, end, off + 12, true) : '';
    t.qtype = qd > 0 && nameErr === NameError.None && nameEnd + 2 <= end ? u16(d, nameEnd) : 0;
    if (nameErr !== NameError.None) t.qname = '';
    t.peer = trackPeer;
    t.time = trackTime;
    t.retransmission = trackRetrans;
  }
  // As tshark: a message cut by the snap length says so at the end of the Info column.
  if (cols && !ok && pkt.shorts > shorts) info += '[Packet size limited during capture]';
  if (cols) pkt.setInfo(info);
}

// --- transports

/** Ports of the datagram being dissected, from the UDP header just before the message. */
const udpEp: DnsEndpoints = { srcPort: 0, dstPort: 0, transport: 'u' };

function kindOfPorts(a: number, b: number): DnsKind {
  // Wireshark tries the lower port first.
  const lo = a < b ? a : b;
  const hi = a < b ? b : a;
  for (const p of [lo, hi]) {
    if (p === 53) return DnsKind.Dns;
    if (p === 5353) return DnsKind.Mdns;
    if (p === 5355) return DnsKind.Llmnr;
  }
  return DnsKind.Dns;
}

const tcpEp: DnsEndpoints = { srcPort: 0, dstPort: 0, transport: 't' };

/** One length-prefixed message from a reassembled TCP stream (RFC 7766 8). */
export function decodeDnsTcp(pkt: Packet, off: number, end: number, _rep: number, parent: number): void {
  tcpEp.srcPort = pkt.srcPort;
  tcpEp.dstPort = pkt.dstPort;
  const len = u16(pkt.data, off);
  decodeDnsMessage(pkt, off + 2, Math.min(end, off + 2 + len), off + 2 + len, parent, kindOfPorts(pkt.srcPort, pkt.dstPort), tcpEp, len);
}

/**
 * DNS, mDNS and LLMNR over UDP are three dissectors, as in Wireshark (`udp.port` 53 dns, 5353 mdns,
 * 5355 llmnr): the dissector, not the port, says which, so `-d udp.port==5354,mdns` decodes mDNS.
 */
function udpDecoder(kind: DnsKind) {
  return (pkt: Packet, off: number, end: number, rep: number, parent: number): void => {
    // An empty datagram is not handed to DNS (Wireshark's UDP calls no subdissector for it).
    if (rep <= off) return;
    udpEp.srcPort = pkt.srcPort;
    udpEp.dstPort = pkt.dstPort;
    decodeDnsMessage(pkt, off, end, rep, parent, kind, udpEp);
  };
}
const decodeUdp = udpDecoder(DnsKind.Dns);

/** Header offsets and limits of Wireshark's DNS-over-UDP heuristic (packet-dns.c, "dns_udp"). */
const HEUR = { hdrLen: 12, maxAnswers: 100, maxAuthority: 10, maxAdditional: 10 } as const;

/**
 * Wireshark's UDP heuristic for DNS on ports no dissector claims ("dns_udp", enabled by default in
 * 4.0): opcode 0 (a standard query or its response) with more than a header; a query has one
 * question and no answers or authority records, a response at most one question, 100 answers and
 * 10 authority records; at most 10 additional records. Nothing else: tshark 4.0 takes a response
 * with no records at all, and does not check that the records fit (test/dissectors/heuristics.test.ts
 * probes each limit against it).
 */
export function looksLikeDns(d: Uint8Array, off: number, end: number, rep: number): boolean {
  if (rep - off <= HEUR.hdrLen || off + HEUR.hdrLen > end) return false;
  const flags = u16(d, off + 2);
  if (flags & 0x7800) return false;
  const qd = u16(d, off + 4);
  const an = u16(d, off + 6);
  const ns = u16(d, off + 8);
  const ar = u16(d, off + 10);
  if (!(flags & 0x8000)) {
    if (qd !== 1 || an !== 0 || ns !== 0) return false;
  } else if (qd > 1 || an > HEUR.maxAnswers || ns > HEUR.maxAuthority) return false;
  return ar <= HEUR.maxAdditional;
}

function dnsHeuristic(pkt: Packet, off: number, end: number, rep: number, parent: number): boolean {
  if (!looksLikeDns(pkt.data, off, end, rep)) return false;
  decodeUdp(pkt, off, end, rep, parent);
  return true;
}


const dnsTcp: Dissector = { name: 'dns', longName: 'Domain Name System (TCP)', decode: decodeDnsTcp };
for (const port of [53, 5353, 5355]) registerStreamProtocol(port, { parser: lengthPrefixed16, dissector: dnsTcp });

register({
  name: 'dns',
  longName: 'Domain Name System',
  bind: [['udp.port', 53]],
  heuristics: [['udp.port', dnsHeuristic, 'dns_udp']],
  decode: decodeUdp,
  emit,
});
register({ name: 'mdns', longName: 'Multicast Domain Name System', bind: [['udp.port', 5353]], decode: udpDecoder(DnsKind.Mdns), emit });
register({ name: 'llmnr', longName: 'Link-local Multicast Name Resolution', bind: [['udp.port', 5355]], decode: udpDecoder(DnsKind.Llmnr), emit });

void toHex;

/** Query/response pairing per conversation and transaction id, as Wireshark does (dns.response_in, dns.response_to, dns.time, retransmissions). */
import { annotate, annotation, sessionState, Severity, type Packet } from '../packet.js';
import { timeDiff } from '../frame.js';
import { F } from './fields.js';
// --- per-message context

/** Which flavour of the protocol a message is (Protocol column, tree root, flag names). */
export const enum DnsKind {
  Dns = 0,
  Mdns = 1,
  Llmnr = 2,
}

export const KIND_COL = ['DNS', 'MDNS', 'LLMNR'];
export const KIND_LAYER = ['dns', 'mdns', 'llmnr'];

interface Pending {
  frame: number;
  sec: number;
  nsec: number;
  /** The frame of the first response, or 0. */
  rep: number;
}

/**
 * Conversation endpoints for pairing, as Wireshark's conversation (addresses and ports, either
 * direction): set by the transport before calling `decodeDnsMessage`.
 */
export interface DnsEndpoints {
  srcPort: number;
  dstPort: number;
  /** 'u' UDP or 't' TCP (separate conversations). */
  transport: string;
}

function endpointKey(pkt: Packet, ep: DnsEndpoints): string {
  const h = pkt.ipHdr;
  const n = pkt.ipVersion === 6 ? 16 : pkt.ipVersion === 4 ? 4 : 0;
  if (n === 0) return ep.transport;
  let cmp = 0;
  for (let i = 0; i < n && cmp === 0; i++) cmp = h[pkt.ipSrcOff + i]! - h[pkt.ipDstOff + i]!;
  const rev = cmp > 0 || (cmp === 0 && ep.srcPort > ep.dstPort);
  const a = rev ? pkt.ipDstOff : pkt.ipSrcOff;
  const b = rev ? pkt.ipSrcOff : pkt.ipDstOff;
  let s = ep.transport;
  for (let i = 0; i < n; i += 2) s += String.fromCharCode((h[a + i]! << 8) | h[a + i + 1]!);
  s += String.fromCharCode(rev ? ep.dstPort : ep.srcPort);
  for (let i = 0; i < n; i += 2) s += String.fromCharCode((h[b + i]! << 8) | h[b + i + 1]!);
  return s + String.fromCharCode(rev ? ep.srcPort : ep.dstPort);
}

/**
 * Pairs a query with its response (Wireshark's dns_transaction_t): the latest query with the same
 * id in the conversation. A second query within the retransmission timer before any answer is a
 * retransmission; a second answer is a retransmitted response.
 */
export function track(pkt: Packet, top: number, ep: DnsEndpoints, id: number, response: boolean): void {
  const frame = pkt.frame.number;
  const s = pkt.session;
  trackPeer = 0;
  trackTime = 0;
  trackRetrans = false;
  if (pkt.fence > 0) return;
  let reqFrame = 0;
  let repFrame = 0;
  let retrans = false;
  let ms = 0;
  if (s.pass === 2) {
    reqFrame = annotation(pkt, frame, 'dns.req') ?? 0;
    repFrame = annotation(pkt, frame, 'dns.rep') ?? 0;
    retrans = annotation(pkt, frame, 'dns.retrans') === 1;
    ms = annotation(pkt, frame, 'dns.time') ?? 0;
  } else {
    const pending = sessionState(pkt, 'dns.trans', () => new Map<string, Pending>());
    const key = endpointKey(pkt, ep) + String.fromCharCode(id);
    const t = pending.get(key);
    if (!response) {
      if (t && t.rep === 0 && t.frame !== frame && timeDiff(pkt.frame.tsSec, pkt.frame.tsNsec, t.sec, t.nsec) < pkt.session.limits.dns.retransmissionTimer) {
        retrans = true;
        reqFrame = t.frame;
      } else {
        pending.delete(key);
        if (pending.size >= pkt.session.limits.dns.maxPendingTransactions) pending.delete(pending.keys().next().value as string);
        pending.set(key, { frame, sec: pkt.frame.tsSec, nsec: pkt.frame.tsNsec, rep: 0 });
        reqFrame = frame;
      }
    } else if (t && t.frame < frame) {
      reqFrame = t.frame;
      if (t.rep === 0 || t.rep === frame) {
        t.rep = frame;
        ms = timeDiff(pkt.frame.tsSec, pkt.frame.tsNsec, t.sec, t.nsec);
        annotate(pkt, t.frame, 'dns.rep', frame);
      } else {
        retrans = true;
        repFrame = t.rep;
      }
    }
    if (s.pass === 1) {
      if (response && reqFrame) annotate(pkt, frame, 'dns.req', reqFrame);
      if (!response && retrans) annotate(pkt, frame, 'dns.req', reqFrame);
      if (retrans) annotate(pkt, frame, 'dns.retrans', 1);
      if (response && retrans) annotate(pkt, frame, 'dns.rep', repFrame);
      if (response && !retrans && reqFrame) annotate(pkt, frame, 'dns.time', ms);
    }
    // A query's own response is known only in the second pass.
    if (!response && !retrans) reqFrame = 0;
  }
  trackPeer = response ? reqFrame : retrans ? 0 : repFrame;
  trackTime = response && reqFrame && !retrans ? ms : 0;
  trackRetrans = retrans;
  if (!response) {
    if (retrans && reqFrame) {
      pkt.addExpert(top, Severity.Warn, 'Protocol', 'dns.retransmit_request', `DNS query retransmission. Original request in frame ${reqFrame}`);
      pkt.add(F.retransmit_request_in, 0, 0, top, reqFrame);
      pkt.add(F.retransmission, 0, 0, top, 1);
    } else if (repFrame) {
      pkt.add(F.response_in, 0, 0, top, repFrame);
    }
  } else if (reqFrame) {
    if (retrans && repFrame) {
      pkt.addExpert(top, Severity.Warn, 'Protocol', 'dns.retransmit_response', `DNS response retransmission. Original response in frame ${repFrame}`);
      pkt.add(F.retransmit_response_in, 0, 0, top, repFrame);
      pkt.add(F.retransmission, 0, 0, top, 1);
    } else {
      pkt.add(F.response_to, 0, 0, top, reqFrame);
      pkt.add(F.time, 0, 0, top, ms);
    }
  } else if (s.pass !== 0) {
    pkt.add(F.unsolicited, 0, 0, top, 1);
  }
}

/** What `track` found for the current message (read by the tap). */
export let trackPeer = 0;
export let trackTime = 0;
export let trackRetrans = false;

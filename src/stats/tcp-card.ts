/**
 * The text card of one TCP connection (a row of ./tcp.ts), as `wirelite stats FILE tcp` prints it
 * and the terminal UI's connection doctor shows it: a pure renderer of the typed row.
 */
import type { ConnectionSummary, DirectionSummary } from '../analysis/tcp-connection/types.js';

const num = (n: number) => n.toLocaleString('en-US');

function rate(bps: number | null): string {
  if (bps === null) return '-';
  if (bps >= 1e9) return `${(bps / 1e9).toFixed(2)} Gbit/s`;
  if (bps >= 1e6) return `${(bps / 1e6).toFixed(2)} Mbit/s`;
  if (bps >= 1e3) return `${(bps / 1e3).toFixed(1)} kbit/s`;
  return `${bps} bit/s`;
}

function secs(v: number): string {
  return v >= 1 ? `${v.toFixed(3)} s` : `${(v * 1000).toFixed(3)} ms`;
}

function pct(a: number, b: number): string {
  return b > 0 ? `${Math.round((a / b) * 100)}%` : '-';
}

/** One connection as a text card. */
export function tcpCard(s: ConnectionSummary): string {
  const o = s.orig;
  const r = s.resp;
  const ep = (e: { address: string; port: number }) => (e.address.includes(':') ? `[${e.address}]:${e.port}` : `${e.address}:${e.port}`);
  const d = new Date(s.startTime * 1000);
  // A time outside what a Date can show (a damaged or odd capture) prints as epoch seconds.
  const start = Number.isNaN(d.getTime()) ? `epoch ${s.startTime} s` : d.toISOString().replace('T', ' ').replace('Z', ' UTC');
  let out = `TCP stream ${s.stream}: ${ep(s.originator)} -> ${ep(s.responder)}${s.flipped ? ' (roles from the SYN/ACK)' : ''}\n`;
  out += `  Frames ${s.firstFrame}-${s.lastFrame}, ${secs(s.duration)}, from ${start}\n`;
  out += `  State: ${s.state.summary}\n`;
  out += `  Zeek: conn_state ${s.connState}, history ${s.history || '-'}\n`;
  const hs = s.handshake;
  const hsParts: string[] = [];
  if (hs.rttMs !== null) hsParts.push(`RTT ${hs.rttMs} ms${hs.synToSynAckMs !== null && hs.synAckToAckMs !== null ? ` (SYN->SYN/ACK ${hs.synToSynAckMs} ms, SYN/ACK->ACK ${hs.synAckToAckMs} ms)` : ''}`);
  else if (hs.synToSynAckMs !== null) hsParts.push(`SYN->SYN/ACK ${hs.synToSynAckMs} ms`);
  hsParts.push(`MSS ${o.mss ?? '-'}/${r.mss ?? '-'}`);
  const ws = s.windowScaling;
  hsParts.push(ws.negotiated === null ? 'window scale unknown (handshake not seen)' : ws.negotiated ? `window scale ${ws.originatorShift}/${ws.responderShift} (negotiated)` : ws.originatorShift === null && ws.responderShift === null ? 'window scaling not negotiated (not offered)' : `window scaling not negotiated (offered by the ${ws.originatorShift === null ? 'responder' : 'originator'} only)`);
  if (s.sackPermitted !== null) hsParts.push(s.sackPermitted ? 'SACK permitted' : 'no SACK');
  hsParts.push(s.ecn.negotiated ? `ECN negotiated${s.ecn.used ? `, used (${s.ecn.ceMarks} CE marks)` : ', not used'}` : s.ecn.used ? `ECN not negotiated but marks seen (${s.ecn.ceMarks} CE)` : 'no ECN');
  out += `  Handshake: ${hsParts.join('; ')}\n`;

  const rows: Array<[string, (d: DirectionSummary) => string]> = [
    ['Packets', (d) => num(d.packets)],
    ['Bytes (frames)', (d) => num(d.bytes)],
  ];
  if (s.detailed) {
    rows.push(
      ['Payload / unique bytes', (d) => `${num(d.payloadBytes ?? 0)} / ${num(d.uniqueBytes ?? 0)}`],
      ['Goodput', (d) => rate(d.goodputBitsPerSecond)],
      ['RTT ms min/p50/p95/max', (d) => (d.rttMs ? `${d.rttMs.min}/${d.rttMs.p50}/${d.rttMs.p95}/${d.rttMs.max} (${d.rttMs.count})` : '-')],
      ['Retrans (early) / fast / spurious', (d) => `${d.retransmissions!.retransmission} (${d.retransmissions!.early}) / ${d.retransmissions!.fast} / ${d.retransmissions!.spurious}`],
      ['Out-of-order / lost / ACKed unseen', (d) => `${d.retransmissions!.outOfOrder} / ${d.retransmissions!.lostSegment} / ${d.retransmissions!.ackedUnseen}`],
      ['Dup ACKs sent', (d) => num(d.retransmissions!.dupAcks)],
      ['Window advertised max/min', (d) => (d.maxWindow === null ? '-' : `${num(d.maxWindow)} / ${num(d.minWindow!)}`)],
      ['Zero windows sent (time)', (d) => `${d.zeroWindow!.advertisements} (${secs(d.zeroWindow!.seconds)})`],
      ['Window-full segments', (d) => num(d.windowFull!.count)],
      ['ECN: ECE / CWR / CE', (d) => `${d.ecn!.ece} / ${d.ecn!.cwr} / ${d.ecn!.ce}`],
    );
  }
  const w = Math.max(...rows.map(([l]) => l.length)) + 2;
  const w2 = Math.max(16, ...rows.map(([, f]) => f(o).length)) + 3;
  out += `  ${''.padEnd(w)}${'originator ->'.padEnd(w2)}responder ->\n`;
  for (const [label, f] of rows) out += `  ${label.padEnd(w)}${f(o).padEnd(w2)}${f(r)}\n`;

  for (const [name, d] of [['originator', o], ['responder', r]] as const) {
    const c = d.congestion;
    if (!c || !d.dataPackets) continue;
    out += `  Congestion (${name} sending): ${c.rounds} round(s), largest flight ${num(c.maxFlight)} bytes; slow start ${c.phases.slowStart}, avoidance ${c.phases.congestionAvoidance}, fast recovery ${c.phases.fastRecovery}, RTO recovery ${c.phases.rtoRecovery}, flat ${c.phases.flat}\n`;
    if (c.flightPerRound.length) {
      const shown = c.flightPerRound.slice(0, 24).map((f) => num(f));
      out += `    cwnd estimate per ${c.roundsPerEntry > 1 ? `${c.roundsPerEntry} rounds` : 'round'}: ${shown.join(' ')}${c.flightPerRound.length > 24 ? ' ...' : ''}\n`;
    }
    for (const e of c.lossEvents.events.slice(0, 5)) {
      out += `    loss at frame ${e.frame} (${e.kind === 'fast' ? 'fast retransmission' : 'timeout'}, +${secs(e.time)}): flight ${num(e.flightBefore)} -> ${e.flightAfter === null ? '?' : num(e.flightAfter)} bytes${e.cutPercent === null ? '' : e.cutPercent > 0 ? ` (cut ${e.cutPercent}%)` : ' (not reduced)'}\n`;
    }
    if (c.lossEvents.count > 5) out += `    ... ${c.lossEvents.count - 5} more loss event(s)\n`;
    const l = d.limitedBy!;
    out += `    limited by: receiver window ${pct(l.receiverWindow, l.transferSeconds)}, congestion ${pct(l.congestion, l.transferSeconds)}, application ${pct(l.application, l.transferSeconds)} (of ${secs(l.transferSeconds)})\n`;
  }
  out += `  Verdict: ${s.verdict.text}\n`;
  for (const d of s.detectors) out += `  ! ${d.text}\n`;
  if (!s.detailed && (o.packets + r.packets > 3)) out += '  (no detail: more connections than TCP_CONNECTION_LIMITS.maxDetailed)\n';
  return out + '\n';
}

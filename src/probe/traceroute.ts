/**
 * traceroute on wirelite's own stack: probes with a rising TTL (hop limit), ICMP echo, UDP to
 * rising ports or TCP SYN, sent N at a time; each answer (time exceeded from a router, the
 * destination's echo reply / port unreachable / SYN-ACK or RST, an unreachable with its `!`
 * annotation) is matched to its probe by what it quotes (match.ts), and the hops are printed as
 * traceroute 2.x prints them. `--paris` keeps every probe's flow identity (addresses, protocol,
 * ports; ICMP: identifier and checksum) the same, so per-flow load balancers send them one way:
 * probes are told apart by the IPv4 identification, the UDP checksum (IPv6) or the TCP sequence.
 */
import type { LayerSpec } from '../dissectors/build.js';
import type { Frame } from '../capture/frame.js';
import { answers, ECHO, type Answer, type ProbeKey } from './match.js';
import { openStack, PROBE_EXIT, ProbeError, pathTo, sleep } from './common.js';
import { formatAddress } from './route.js';
import type { Output } from './ping.js';
import type { Received } from './stack.js';

export type TraceMethod = 'icmp' | 'udp' | 'tcp';

export interface TraceOptions {
  /** Every frame sent and received (--show-packets, -w). */
  tap?: (frame: Frame) => void;
  host: string;
  method: TraceMethod;
  /** UDP: the first destination port (33434, one more per probe; --paris: all the same); TCP: the port (80). */
  port?: number;
  maxTtl: number;
  firstTtl: number;
  queries: number;
  /** Seconds to wait for each probe's answer. */
  wait: number;
  /** Probes in flight at once. */
  simultaneous: number;
  paris: boolean;
  numeric: boolean;
  family?: 4 | 6;
  iface?: string;
  json: boolean;
  explain: boolean;
  /** The whole packet's length (traceroute's packetlen: 60 for IPv4, 80 for IPv6). */
  packetLen?: number;
  /** mtr's report mode: this many rounds of one probe per hop, then the per-hop statistics. */
  report?: { cycles: number; interval: number; hostname: string };
  /** Report mode: the per-hop statistics after each round (the terminal UI's feed). */
  onReport?: (rows: HopRow[]) => void;
  /** Report mode: stops after the round in progress (the terminal UI's q). */
  signal?: AbortSignal;
  /** traceroute --mtu: DF set, one probe at a time, the size lowered at each Frag needed / Packet too big, F=NUM shown. */
  mtu?: boolean;
}

interface TraceProbe {
  ttl: number;
  index: number;
  key: ProbeKey;
  layers: LayerSpec[];
  /** The whole packet's length. */
  size: number;
  sentMs: number;
  deadline: number;
  done: boolean;
  from?: bigint;
  rttMs?: number;
  annotation?: string;
  /** The destination answered, or an unreachable ends the trace. */
  final: boolean;
}

/** traceroute's `!` annotation for an ICMP(v6) unreachable or too-big, or undefined. */
export function annotationOf(family: 4 | 6, type: number, code: number, mtu: number): string | undefined {
  if (family === 4) {
    if (type === 3) {
      switch (code) {
        case 0: case 6: case 8: case 11: return '!N';
        case 1: case 7: case 12: return '!H';
        case 2: return '!P';
        case 3: return undefined;
        case 4: return `!F-${mtu}`;
        case 5: return '!S';
        case 9: case 10: case 13: return '!X';
        case 14: return '!V';
        case 15: return '!C';
        default: return `!<${code}>`;
      }
    }
    return undefined;
  }
  if (type === 1) {
    switch (code) {
      case 0: return '!N';
      case 1: return '!X';
      case 2: return '!S';
      case 3: return '!H';
      case 4: return undefined;
      default: return `!<${code}>`;
    }
  }
  if (type === 2) return `!F-${mtu}`;
  return undefined;
}

export async function traceroute(o: TraceOptions, io: Output): Promise<number> {
  for (const [v, name, lo, hi] of [[o.maxTtl, '-m', 1, 255], [o.firstTtl, '-f', 1, 255], [o.queries, '-q', 1, 10], [o.simultaneous, '-N', 1, 128]] as const) {
    if (!Number.isInteger(v) || v < lo || v > hi) throw new ProbeError(`${name} ${v}: must be an integer from ${lo} to ${hi}`);
  }
  if (o.firstTtl > o.maxTtl) throw new ProbeError(`first hop out of range (-f ${o.firstTtl} is above -m ${o.maxTtl})`);
  if (!(o.wait > 0)) throw new ProbeError(`-w ${o.wait}: must be a positive number of seconds`);
  if (o.port !== undefined && (!Number.isInteger(o.port) || o.port < 1 || o.port > 65535)) throw new ProbeError(`-p ${o.port}: not a port`);
  const { target, fam, choice, explain } = await pathTo(o, (s) => io.err(s));
  const ipHeader = fam === 4 ? 20 : 40;
  const transport = o.method === 'tcp' ? 20 : 8;
  const packetLen = o.packetLen ?? (fam === 4 ? 60 : 80);
  if (packetLen < ipHeader + transport) throw new ProbeError(`packet length ${packetLen} is too small for the headers (${ipHeader + transport})`);
  /** TCP's header carries 20 bytes of options (MSS, SACK permitted, timestamps, window scale). */
  const headers = ipHeader + (o.method === 'tcp' ? 40 : transport);
  const dst = formatAddress(target.address, fam);
  const src = formatAddress(choice.source.address, fam);
  const proto = o.method === 'icmp' ? (fam === 4 ? 1 : 58) : o.method === 'udp' ? 17 : 6;
  const filter = `icmp or icmp6 or (${o.method === 'tcp' ? 'tcp' : 'udp'} and host ${dst})`;
  const stack = await openStack(choice, filter, explain, o.tap);
  try {
    if (packetLen > stack.mtu && !o.mtu) throw new ProbeError(`packet length ${packetLen} is above the interface's MTU ${stack.mtu}`);
    // --mtu starts at the interface's MTU (traceroute asks for 65000 and the kernel cuts it there).
    let curSize = o.mtu ? Math.min(o.packetLen ?? stack.mtu, stack.mtu) : packetLen;
    const shownLen = o.mtu && o.packetLen === undefined ? 65000 : packetLen;
    const json = (x: object) => io.out(JSON.stringify(x));
    if (!o.json && !o.report) io.out(`traceroute to ${o.host} (${dst}), ${o.maxTtl} hops max, ${shownLen} byte packets`);
    const rand16 = () => (Math.random() * 0x10000) & 0xffff;
    const icmpId = rand16();
    const sport = 33000 + (rand16() % 28000);
    let ipId = rand16();
    let n = 0;
    const basePort = o.port ?? (o.method === 'tcp' ? 80 : 33434);

    const makeProbe = (ttl: number, index: number, size = curSize): TraceProbe => {
      const seq = n++;
      const id = (ipId = (ipId + 1) & 0xffff);
      const dataLen = Math.max(0, size - headers);
      const ip: LayerSpec = fam === 4 ? { proto: 'ip', src, dst, ttl, id, df: !!o.mtu } : { proto: 'ipv6', src, dst, hlim: ttl };
      const key: ProbeKey = { family: fam, src: choice.source.address, dst: target.address, proto };
      let layers: LayerSpec[];
      if (o.method === 'icmp') {
        // Paris: the sequence changes, two data bytes compensate, so the checksum stays the same.
        const data = new Uint8Array(dataLen);
        for (let i = 0; i < dataLen; i++) data[i] = 0x40 + (i & 0x3f);
        const echoSeq = (seq + 1) & 0xffff;
        if (o.paris && dataLen >= 2) {
          // Keep sum(seq, data[0..1]) constant: data word = base - (seq - 1) in one's complement.
          const base = (data[0]! << 8) | data[1]!;
          const w = onesAdd(onesAdd(base, 1), 0xffff - echoSeq);
          data[0] = w >> 8;
          data[1] = w & 0xff;
        }
        key.icmpId = icmpId;
        key.icmpSeq = echoSeq;
        layers = [ip, { proto: fam === 4 ? 'icmp' : 'icmpv6', type: ECHO[fam].request, id: icmpId, seq: echoSeq, data } as LayerSpec];
      } else if (o.method === 'udp') {
        const dport = o.paris ? basePort : (basePort + seq) & 0xffff;
        key.sport = sport;
        key.dport = dport;
        const data = new Uint8Array(dataLen);
        for (let i = 0; i < dataLen; i++) data[i] = 0x40 + (i & 0x3f);
        if (o.paris && dataLen >= 2) {
          // IPv6 has no identification: the probe number goes in the payload (so the checksum
          // differs per probe; the ports, which balancers hash, do not).
          data[0] = (seq >> 8) & 0xff;
          data[1] = seq & 0xff;
        }
        if (fam === 4) key.ipId = id;
        else if (o.paris) key.udpData = seq & 0xffff;
        layers = [ip, { proto: 'udp', sport, dport }, { proto: 'data', bytes: data }];
      } else {
        const tcpSeq = (Math.random() * 0x1_0000_0000) >>> 0;
        key.sport = o.paris ? sport : (sport + seq) & 0xffff;
        key.dport = basePort;
        key.tcpSeq = tcpSeq;
        layers = [ip, { proto: 'tcp', sport: key.sport, dport: basePort, seq: tcpSeq, flags: 'S', window: 5840, options: { mss: 1460, sackPerm: true, ts: [tcpSeq, 0], wscale: 7 } }];
        if (dataLen) layers.push({ proto: 'data', bytes: new Uint8Array(dataLen) });
      }
      return { ttl, index, key, layers, size, sentMs: 0, deadline: 0, done: false, final: false };
    };

    const probes: TraceProbe[] = [];
    if (!o.report) for (let ttl = o.firstTtl; ttl <= o.maxTtl; ttl++) for (let i = 0; i < o.queries; i++) probes.push(makeProbe(ttl, i));
    const inFlight = new Set<TraceProbe>();
    const onAnswer = (r: Received) => {
      if (r.outbound) return;
      for (const p of inFlight) {
        const a = answers(r.ip, p.key);
        if (!a) continue;
        if (o.mtu && a.kind === 'error' && (fam === 4 ? a.icmp.type === 3 && a.icmp.code === 4 : a.icmp.type === 2) && a.icmp.mtu < p.size && a.icmp.mtu >= headers) {
          // Too big for the next link: the same probe again at the size it names.
          curSize = a.icmp.mtu;
          const again = makeProbe(p.ttl, p.index, curSize);
          p.key = again.key;
          p.layers = again.layers;
          p.size = again.size;
          sendProbe(p);
          return;
        }
        settle(p, a, r);
        inFlight.delete(p);
        return;
      }
    };
    const settle = (p: TraceProbe, a: Answer, r: Received) => {
      p.done = true;
      p.from = r.ip.src;
      p.rttMs = r.timeMs - p.sentMs;
      if (a.kind === 'reply' || a.kind === 'tcp') p.final = true;
      else {
        const { type, code, mtu } = a.icmp;
        const ann = annotationOf(fam, type, code, mtu);
        const unreach = fam === 4 ? type === 3 : type === 1 || type === 2;
        if (ann) p.annotation = ann;
        if (unreach) p.final = true;
      }
    };
    const sendProbe = (p: TraceProbe) => {
      const t = stack.send(p.layers, (ts) => {
        p.sentMs = ts;
      });
      p.sentMs = t;
      p.deadline = t + o.wait * 1000;
    };
    stack.on(onAnswer);
    let shownF: number | undefined;

    if (o.report) {
      await mtrReport(o, fam, target.address, makeProbe, inFlight, (p) => {
        const t = stack.send(p.layers, (ts) => {
          p.sentMs = ts;
        });
        p.sentMs = t;
        p.deadline = t + o.wait * 1000;
      }, io);
      return PROBE_EXIT.OK;
    }
    let next = 0;
    let printedTtl = o.firstTtl - 1;
    let finalTtl = Infinity;
    let reached = false;
    const hopsOut: number[] = [];
    const printHop = (ttl: number) => {
      const hop = probes.filter((p) => p.ttl === ttl);
      if (o.json) {
        json({ type: 'hop', ttl, probes: hop.map((p) => (p.from !== undefined ? { from: formatAddress(p.from, fam), rtt_ms: round3(p.rttMs!), ...(p.annotation ? { annotation: p.annotation } : {}) } : { from: null })) });
      } else {
        let line = `${String(ttl).padStart(2)} `;
        let prev: bigint | undefined;
        for (const p of hop) {
          if (p.from === undefined) {
            line += ' *';
            continue;
          }
          if (p.from !== prev) {
            const a = formatAddress(p.from, fam);
            line += o.numeric ? ` ${a}` : ` ${a} (${a})`;
            prev = p.from;
          }
          line += `  ${p.rttMs!.toFixed(3)} ms`;
          if (o.mtu && p.size !== shownF) {
            line += ` F=${p.size}`;
            shownF = p.size;
          }
          if (p.annotation) line += ` ${p.annotation}`;
        }
        io.out(line);
      }
      hopsOut.push(ttl);
    };
    let stop = false;
    const onSigint = () => {
      stop = true;
    };
    process.on('SIGINT', onSigint);
    try {
      while (!stop) {
        const now = performance.timeOrigin + performance.now();
        // Expire what waited too long.
        for (const p of inFlight) {
          if (now >= p.deadline) {
            p.done = true;
            inFlight.delete(p);
          }
        }
        // Finished hops, in order; a hop with a final answer ends the trace.
        while (printedTtl + 1 <= Math.min(o.maxTtl, finalTtl)) {
          const ttl = printedTtl + 1;
          const hop = probes.filter((p) => p.ttl === ttl);
          if (!hop.every((p) => p.done)) break;
          printHop(ttl);
          printedTtl = ttl;
          if (hop.some((p) => p.final)) {
            finalTtl = ttl;
            reached = hop.some((p) => p.from === target.address);
          }
        }
        if (printedTtl >= Math.min(o.maxTtl, finalTtl)) break;
        // A final answer at some TTL: nothing beyond it is sent (or printed).
        for (const p of probes) if (p.final && p.ttl < finalTtl) finalTtl = p.ttl;
        while (next < probes.length && inFlight.size < (o.mtu ? 1 : o.simultaneous) && probes[next]!.ttl <= finalTtl) {
          const p = probes[next++]!;
          if (o.mtu && p.size !== curSize) {
            const again = makeProbe(p.ttl, p.index, curSize);
            p.key = again.key;
            p.layers = again.layers;
            p.size = again.size;
          }
          inFlight.add(p);
          sendProbe(p);
        }
        // Probes beyond a final hop that were never sent are done (not printed).
        for (let k = next; k < probes.length; k++) if (probes[k]!.ttl > finalTtl) probes[k]!.done = true;
        await sleep(inFlight.size ? 2 : 0);
      }
    } finally {
      process.off('SIGINT', onSigint);
    }
    if (o.json) json({ type: 'summary', destination: dst, method: o.method, paris: o.paris, reached, hops: hopsOut.length ? hopsOut[hopsOut.length - 1] : 0 });
    return PROBE_EXIT.OK;
  } finally {
    await stack.close();
  }
}

function round3(x: number): number {
  return Math.round(x * 1000) / 1000;
}

/** a + b in 16-bit one's complement arithmetic. */
function onesAdd(a: number, b: number): number {
  const t = a + b;
  return (t & 0xffff) + (t >>> 16);
}

interface HopStats {
  hosts: bigint[];
  sent: number;
  rtts: number[];
  last?: number;
  /** The MTU a Frag needed / Packet too big from this hop named. */
  mtu?: number;
}

/** One hop of mtr's report: its responders (the first is the hop's), Loss%, Snt and times in ms. */
export interface HopRow {
  ttl: number;
  hosts: string[];
  loss: number;
  sent: number;
  last: number;
  avg: number;
  best: number;
  worst: number;
  stdev: number;
  /** The MTU this hop said the next link has (a Frag needed / Packet too big), if it said one. */
  mtu?: number;
}

/** The report's rows from the hops' statistics (up to the last TTL that matters). */
function reportRows(hops: Map<number, HopStats>, lastTtl: number, fam: 4 | 6): HopRow[] {
  return [...hops.entries()].filter(([ttl]) => ttl <= lastTtl).sort((a, b) => a[0] - b[0]).map(([ttl, h]) => {
    const n = h.rtts.length;
    const avg = n ? h.rtts.reduce((a, b) => a + b, 0) / n : 0;
    const sd = n > 1 ? Math.sqrt(h.rtts.reduce((a, b) => a + (b - avg) ** 2, 0) / (n - 1)) : 0;
    return {
      ttl, hosts: h.hosts.map((x) => formatAddress(x, fam)), loss: h.sent ? ((h.sent - n) * 100) / h.sent : 0, sent: h.sent,
      last: h.last ?? 0, avg, best: n ? Math.min(...h.rtts) : 0, worst: n ? Math.max(...h.rtts) : 0, stdev: sd,
      ...(h.mtu !== undefined ? { mtu: h.mtu } : {}),
    };
  });
}

/**
 * mtr's report (`mtr --report`): CYCLES rounds of one probe per TTL (up to the destination, once
 * it answered), then per hop Loss%, Snt, Last, Avg, Best, Wrst and StDev (the sample standard
 * deviation), and the other hosts seen at that hop on lines of their own.
 */
async function mtrReport(
  o: TraceOptions, fam: 4 | 6, dst: bigint,
  makeProbe: (ttl: number, index: number) => TraceProbe, inFlight: Set<TraceProbe>,
  send: (p: TraceProbe) => void, io: Output,
): Promise<void> {
  const rep = o.report!;
  const hops = new Map<number, HopStats>();
  let lastTtl = o.maxTtl;
  const start = new Date();
  for (let c = 0; c < rep.cycles && !o.signal?.aborted; c++) {
    const cycleStart = performance.timeOrigin + performance.now();
    const round: TraceProbe[] = [];
    for (let ttl = o.firstTtl; ttl <= lastTtl; ttl++) round.push(makeProbe(ttl, 0));
    let next = 0;
    while (round.some((p) => !p.done)) {
      const now = performance.timeOrigin + performance.now();
      for (const p of inFlight) if (now >= p.deadline) {
        p.done = true;
        inFlight.delete(p);
      }
      const fin = round.find((p) => p.final);
      if (fin && fin.ttl < lastTtl) lastTtl = fin.ttl;
      while (next < round.length && inFlight.size < o.simultaneous) {
        const p = round[next++]!;
        if (p.ttl > lastTtl) {
          p.done = true;
          continue;
        }
        inFlight.add(p);
        send(p);
      }
      for (const p of round) if (p.ttl > lastTtl && !p.done) {
        p.done = true;
        inFlight.delete(p);
      }
      await sleep(2);
    }
    for (const p of round) {
      if (p.ttl > lastTtl) continue;
      const h = hops.get(p.ttl) ?? { hosts: [], sent: 0, rtts: [] };
      hops.set(p.ttl, h);
      h.sent++;
      if (p.from !== undefined) {
        if (!h.hosts.includes(p.from)) h.hosts.push(p.from);
        h.rtts.push(p.rttMs!);
        h.last = p.rttMs!;
        if (p.annotation?.startsWith('!F-')) h.mtu = Number(p.annotation.slice(3));
      }
    }
    o.onReport?.(reportRows(hops, lastTtl, fam));
    // Sleep the interval, but wake for a stop.
    const until = cycleStart + rep.interval * 1000;
    while (c + 1 < rep.cycles && !o.signal?.aborted && performance.timeOrigin + performance.now() < until) await sleep(Math.min(50, until - (performance.timeOrigin + performance.now())));
  }
  const rows = reportRows(hops, lastTtl, fam);
  if (o.json) {
    io.out(JSON.stringify({
      type: 'report', destination: formatAddress(dst, fam), method: o.method, cycles: rep.cycles,
      hubs: rows.map((r) => ({
        count: r.ttl, host: r.hosts[0] ?? '???', ...(r.hosts.length > 1 ? { others: r.hosts.slice(1) } : {}),
        'Loss%': round3(r.loss), Snt: r.sent, Last: round3(r.last), Avg: round3(r.avg), Best: round3(r.best), Wrst: round3(r.worst), StDev: round3(r.stdev),
      })),
    }));
    return;
  }
  const f1 = (x: number) => x.toFixed(1);
  io.out(`Start: ${start.toISOString().replace(/\.\d{3}Z$/, '+0000')}`);
  io.out(`HOST: ${rep.hostname.padEnd(28)}Loss%   Snt   Last   Avg  Best  Wrst StDev`);
  for (const r of rows) {
    const host = r.hosts[0] ?? '???';
    io.out(`${String(r.ttl).padStart(3)}.|-- ${host.padEnd(25)}${(f1(r.loss) + '%').padStart(6)}${String(r.sent).padStart(6)}${f1(r.last).padStart(7)}${f1(r.avg).padStart(6)}${f1(r.best).padStart(6)}${f1(r.worst).padStart(6)}${f1(r.stdev).padStart(6)}`);
    for (const other of r.hosts.slice(1)) io.out(`    |  \`-- ${other}`);
  }
}

/**
 * ping on wirelite's own stack: ICMP/ICMPv6 echo requests built by the dissectors' builders and
 * injected, replies and errors read from the capture, printed as iputils ping prints them.
 * Each probe's round trip runs from the kernel's time stamp of the request as it left to the one
 * of the reply as it arrived (the capture sees both).
 */
import { formatAddress } from './route.js';
import { answers, ECHO, type ProbeKey } from './match.js';
import type { LayerSpec } from '../dissectors/build.js';
import type { Frame } from '../capture/frame.js';
import { PingStats, formatG, formatRtt, icmpErrorText, icmpv6ErrorText } from './ping-stats.js';
import { openStack, PROBE_EXIT, ProbeError, pathTo, sleep } from './common.js';
import type { Received } from './stack.js';

/** What a reply may wait in the capture worker before it reaches us (its poll interval and more). */
const CAPTURE_LATENCY_MS = 150;

export interface PingOptions {
  /** Every frame sent and received (--show-packets, -w). */
  tap?: (frame: Frame) => void;
  host: string;
  count?: number;
  /** Seconds between requests. */
  interval: number;
  /** Echo data bytes (56). */
  size: number;
  ttl?: number;
  pmtu: 'do' | 'dont' | 'want';
  /** Seconds to wait for a reply after the last request (-W). */
  timeout: number;
  /** Seconds after which ping stops whatever happened (-w). */
  deadline?: number;
  iface?: string;
  family?: 4 | 6;
  quiet: boolean;
  json: boolean;
  explain: boolean;
  /** Each request as it is sent, each reply and error as it comes (the terminal UI's feed). */
  onEvent?: (e: PingEvent) => void;
  /** Stops the run as SIGINT does (the terminal UI's q). */
  signal?: AbortSignal;
}

/** What happened to one request: `--json`'s records, and the request's own. */
export type PingEvent =
  | { type: 'sent'; icmp_seq: number }
  | { type: 'reply'; bytes: number; from: string; icmp_seq: number; ttl: number; time?: number; duplicate: boolean }
  | { type: 'error'; from: string; icmp_seq: number; icmp_type: number; icmp_code: number; mtu?: number; message: string };

export interface Output {
  out(line: string): void;
  err(line: string): void;
}

interface Probe {
  seq: number;
  key: ProbeKey;
  /** ms since the epoch: the kernel's stamp of the request when seen, else the time of inject. */
  sentMs: number;
  answered: boolean;
}

/** Echo data as iputils builds it: a struct timeval (when there is room), then bytes 16, 17, ... */
function echoData(size: number, nowMs: number): Uint8Array {
  const d = new Uint8Array(size);
  if (size >= 16) {
    const v = new DataView(d.buffer);
    v.setBigUint64(0, BigInt(Math.floor(nowMs / 1000)), true);
    v.setBigUint64(8, BigInt(Math.floor((nowMs % 1000) * 1000)), true);
  }
  for (let i = size >= 16 ? 16 : 0; i < size; i++) d[i] = i & 0xff;
  return d;
}

export async function ping(o: PingOptions, io: Output): Promise<number> {
  if (o.count !== undefined && (!Number.isInteger(o.count) || o.count < 1)) throw new ProbeError(`invalid argument: '${o.count}': out of range: 1 <= value <= 2147483647`);
  if (!(o.interval >= 0)) throw new ProbeError(`bad timing interval: ${o.interval}`);
  if (o.interval < 0.2 && process.getuid?.() !== 0) throw new ProbeError('cannot flood; minimal interval allowed for user is 200ms');
  if (!Number.isInteger(o.size) || o.size < 0 || o.size > 65507) throw new ProbeError(`invalid argument: '${o.size}': out of range: 0 <= value <= 65507`);
  if (o.ttl !== undefined && (!Number.isInteger(o.ttl) || o.ttl < 1 || o.ttl > 255)) throw new ProbeError(`invalid argument: '${o.ttl}': out of range: 1 <= value <= 255`);
  if (!(o.timeout >= 0)) throw new ProbeError(`bad linger time: ${o.timeout}`);
  if (o.deadline !== undefined && !(o.deadline >= 0)) throw new ProbeError(`bad wait time: ${o.deadline}`);

  const { target, fam, choice, explain } = await pathTo(o, (s) => io.err(s));
  const src = choice.source.address;
  const ipHeader = fam === 4 ? 20 : 40;
  const icmpLen = 8 + o.size;
  const filter = fam === 4 ? 'icmp' : 'icmp6';
  const stack = await openStack(choice, filter, explain, o.tap);
  const stats = new PingStats();
  const id = (Math.random() * 0x10000) & 0xffff;
  const probes = new Map<number, Probe>();
  const srcText = formatAddress(src, fam);
  const dstText = target.text;
  let ipId = (Math.random() * 0x10000) & 0xffff;
  /** The path MTU a Frag needed / Packet too big taught this run (the kernel's cache for a socket). */
  let learnedMtu: number | undefined;
  /** The last request sent or answer received: the summary's time runs to it, as iputils'. */
  let lastEvent = 0;
  const json = (x: object) => io.out(JSON.stringify(x));

  try {
    if (icmpLen + ipHeader > stack.mtu && o.pmtu !== 'dont') {
      // iputils: the kernel refuses the send (EMSGSIZE) and ping says so.
      throw new ProbeError(`local error: message too long, mtu=${stack.mtu}`);
    }
    if (icmpLen + ipHeader > stack.mtu) throw new ProbeError(`-s ${o.size}: larger than the interface's MTU ${stack.mtu} and wirelite does not fragment (use -M do to see where the path's MTU is)`);
    if (!o.json) {
      io.out(fam === 4 ? `PING ${o.host} (${dstText}) ${o.size}(${icmpLen + ipHeader}) bytes of data.` : `PING ${o.host}(${dstText}) ${o.size} data bytes`);
    }
    const timed = o.size >= 16;
    const onAnswer = (r: Received) => {
      if (r.outbound) return;
      for (const p of probes.values()) {
        const a = answers(r.ip, p.key);
        if (!a) continue;
        lastEvent = Math.max(lastEvent, performance.timeOrigin + performance.now());
        if (a.kind === 'reply') {
          const dup = p.answered;
          if (dup) stats.duplicates++;
          else stats.received++;
          p.answered = true;
          const rttUs = (r.timeMs - p.sentMs) * 1000;
          if (timed) stats.addRtt(rttUs);
          const bytes = r.ip.end - r.ip.l4;
          const from = formatAddress(r.ip.src, fam);
          const e: PingEvent = { type: 'reply', bytes, from, icmp_seq: p.seq, ttl: r.ip.ttl, ...(timed ? { time: Number((rttUs / 1000).toFixed(3)) } : {}), duplicate: dup };
          o.onEvent?.(e);
          if (o.json) json(e);
          else if (!o.quiet) io.out(`${bytes} bytes from ${from}: icmp_seq=${p.seq} ttl=${r.ip.ttl}${timed ? ` time=${formatRtt(rttUs)} ms` : ''}${dup ? ' (DUP!)' : ''}`);
        } else if (a.kind === 'error') {
          stats.errors++;
          p.answered = true;
          if (isMtuError(fam, a.icmp.type, a.icmp.code) && a.icmp.mtu >= (fam === 4 ? 68 : 1280)) learnedMtu = Math.min(learnedMtu ?? Infinity, a.icmp.mtu);
          const from = formatAddress(r.ip.src, fam);
          const text = fam === 4 ? icmpErrorText(a.icmp.type, a.icmp.code, a.icmp.mtu) : icmpv6ErrorText(a.icmp.type, a.icmp.code, a.icmp.mtu);
          const e: PingEvent = { type: 'error', from, icmp_seq: p.seq, icmp_type: a.icmp.type, icmp_code: a.icmp.code, ...(isMtuError(fam, a.icmp.type, a.icmp.code) ? { mtu: a.icmp.mtu } : {}), message: text };
          o.onEvent?.(e);
          if (o.json) json(e);
          else if (!o.quiet) io.out(`From ${from} icmp_seq=${p.seq} ${text}`);
        }
        return;
      }
    };
    stack.on(onAnswer);

    let stop = false;
    const onSigint = () => {
      stop = true;
    };
    process.on('SIGINT', onSigint);
    o.signal?.addEventListener('abort', onSigint);
    if (o.signal?.aborted) stop = true;
    const start = performance.timeOrigin + performance.now();
    const deadlineAt = o.deadline !== undefined ? start + o.deadline * 1000 : Infinity;
    const done = () => o.count !== undefined && stats.received + stats.errors >= o.count;
    let seq = 0;
    try {
      while (!stop && (o.count === undefined || seq < o.count) && performance.timeOrigin + performance.now() < deadlineAt) {
        seq++;
        const s = seq & 0xffff;
        const key: ProbeKey = { family: fam, src, dst: target.address, proto: fam === 4 ? 1 : 58, icmpId: id, icmpSeq: s };
        const nowMs = performance.timeOrigin + performance.now();
        const data = echoData(o.size, nowMs);
        const layers: LayerSpec[] = fam === 4
          ? [{ proto: 'ip', src: srcText, dst: dstText, ttl: o.ttl ?? 64, id: (ipId = (ipId + 1) & 0xffff), df: o.pmtu !== 'dont' }, { proto: 'icmp', type: ECHO[4].request, id, seq: s, data }]
          : [{ proto: 'ipv6', src: srcText, dst: dstText, hlim: o.ttl ?? 64 }, { proto: 'icmpv6', type: ECHO[6].request, id, seq: s, data }];
        const probe: Probe = { seq, key, sentMs: 0, answered: false };
        probes.delete(s);
        if (learnedMtu !== undefined && o.pmtu !== 'dont' && icmpLen + ipHeader > learnedMtu) {
          // A socket's send fails once the kernel knows the path MTU (EMSGSIZE); ping counts it.
          io.err(`wirelite ping: local error: message too long, mtu${fam === 4 ? '=' : ': '}${learnedMtu}`);
          stats.errors++;
        } else {
          probes.set(s, probe);
          probe.sentMs = stack.send(layers, (t) => {
            probe.sentMs = t;
          });
        }
        stats.transmitted++;
        o.onEvent?.({ type: 'sent', icmp_seq: seq });
        lastEvent = performance.timeOrigin + performance.now();
        if (o.deadline !== undefined && stats.errors) break;
        if (o.count !== undefined && seq >= o.count) break;
        // Sleep the interval, but wake for a stop.
        const until = Math.min(nowMs + o.interval * 1000, deadlineAt);
        while (!stop && performance.timeOrigin + performance.now() < until && !(o.deadline !== undefined && stats.errors)) {
          await sleep(Math.min(20, Math.max(1, until - (performance.timeOrigin + performance.now()))));
          if (o.count !== undefined && done() && seq >= o.count) break;
        }
      }
      // After the last request: wait for what is outstanding (iputils: 2 x the longest RTT once
      // something came back, else -W), never past the deadline.
      // (Plus what the capture takes to hand a frame over: its batches come every few ms.)
      const linger = stats.received ? Math.max(1, (2 * stats.maxUs) / 1000) + CAPTURE_LATENCY_MS : o.timeout * 1000;
      const until = Math.min(performance.timeOrigin + performance.now() + (o.deadline !== undefined && o.count === undefined ? Infinity : linger), deadlineAt);
      while (!stop && !done() && performance.timeOrigin + performance.now() < until && [...probes.values()].some((p) => !p.answered)) {
        await sleep(Math.min(10, Math.max(1, until - (performance.timeOrigin + performance.now()))));
      }
      // Let a reply already in the capture's last batch arrive.
      await sleep(5);
    } finally {
      process.off('SIGINT', onSigint);
      o.signal?.removeEventListener('abort', onSigint);
    }
    const elapsed = Math.max(lastEvent, start) - start;
    if (o.json) {
      const r = stats.rtt();
      json({
        type: 'summary', host: o.host, address: dstText, transmitted: stats.transmitted, received: stats.received,
        duplicates: stats.duplicates, errors: stats.errors, loss: Number(formatG(stats.loss())), time: Math.round(elapsed),
        ...(r && stats.received ? { rtt: { min: r.min / 1000, avg: r.avg / 1000, max: r.max / 1000, mdev: r.mdev / 1000 } } : {}),
      });
    } else {
      io.out('');
      io.out(`--- ${o.host} ping statistics ---`);
      const lines = stats.summaryLines(elapsed);
      for (const l of lines) io.out(l);
      // iputils ends with an empty line when it has no rtt line.
      if (lines.length === 1) io.out('');
    }
    const failed = stats.received === 0 || (o.deadline !== undefined && o.count !== undefined && stats.received < o.count);
    return failed ? PROBE_EXIT.NO_REPLY : PROBE_EXIT.OK;
  } finally {
    await stack.close();
  }
}

function isMtuError(fam: 4 | 6, type: number, code: number): boolean {
  return fam === 4 ? type === 3 && code === 4 : type === 2;
}

/**
 * Path-MTU discovery on wirelite's own stack. Probes with DF set (IPv6 never fragments on the way)
 * start at the interface's MTU; a Fragmentation Needed / Packet Too Big names the next MTU and
 * the router that cannot forward more (RFC 1191, RFC 8201), until the destination answers. When a
 * too-big probe vanishes with no such answer (an ICMP black hole), the search goes on by probe
 * loss (packetization-layer PMTUD, RFC 4821 / RFC 8899): sizes by binary search between one that
 * was answered and one that was lost, each size tried `tries` times before it counts as lost;
 * then the limiting hop is found by TTL: the last router that still answers a probe one byte
 * too big, with time exceeded.
 */
import type { LayerSpec } from '../dissectors/build.js';
import type { Frame } from '../capture/frame.js';
import { answers, ECHO, type Answer, type ProbeKey } from './match.js';
import { openStack, PROBE_EXIT, ProbeError, pathTo } from './common.js';
import { formatAddress } from './route.js';
import type { Output } from './ping.js';
import type { ProbeStack, Received } from './stack.js';
import type { TraceMethod } from './traceroute.js';

export interface PmtudOptions {
  /** Every frame sent and received (--show-packets, -w). */
  tap?: (frame: Frame) => void;
  host: string;
  method: TraceMethod;
  port?: number;
  /** The first size tried (default: the interface's MTU). */
  maxMtu?: number;
  /** Seconds to wait for each probe's answer. */
  wait: number;
  /** Tries of a size before it counts as lost. */
  tries: number;
  family?: 4 | 6;
  iface?: string;
  json: boolean;
  explain: boolean;
  /** The search as it goes: each probe's `--json` record, then the summary's (the terminal UI's feed). */
  onEvent?: (e: PmtudEvent) => void;
  /** Stops the search: no more probes are sent (the terminal UI's q). */
  signal?: AbortSignal;
}

/** `--json`'s records: one per size tried, then the result. */
export type PmtudEvent =
  | { type: 'start'; destination: string; iface: string; mtu: number; floor: number }
  | { type: 'probe'; size: number; result: 'reached' | 'too-big' | 'lost'; from?: string; mtu?: number; hop?: number; tries?: number }
  | { type: 'summary'; destination: string; pmtu: number; mss: number; limited_by: string | null; limited_hop?: number; method: string; confidence: string; probes: number };

type Outcome =
  | { kind: 'reached'; from: bigint }
  | { kind: 'too-big'; from: bigint; mtu: number; hop?: number }
  | { kind: 'time-exceeded'; from: bigint }
  | { kind: 'unreachable'; from: bigint; type: number; code: number }
  | { kind: 'lost' };

const INITIAL_TTL = 64;

export async function pmtud(o: PmtudOptions, io: Output): Promise<number> {
  if (!(o.wait > 0)) throw new ProbeError(`-w ${o.wait}: must be a positive number of seconds`);
  if (!Number.isInteger(o.tries) || o.tries < 1 || o.tries > 10) throw new ProbeError(`--tries ${o.tries}: must be an integer from 1 to 10`);
  if (o.port !== undefined && (!Number.isInteger(o.port) || o.port < 1 || o.port > 65535)) throw new ProbeError(`-p ${o.port}: not a port`);
  const { target, fam, choice, explain } = await pathTo(o, (s) => io.err(s));
  const ipHeader = fam === 4 ? 20 : 40;
  const transport = o.method === 'tcp' ? 20 : 8;
  const floor = fam === 4 ? 576 : 1280; // every IPv4 host takes 576 (RFC 791), every IPv6 link 1280 (RFC 8200)
  const dst = formatAddress(target.address, fam);
  const src = formatAddress(choice.source.address, fam);
  const proto = o.method === 'icmp' ? (fam === 4 ? 1 : 58) : o.method === 'udp' ? 17 : 6;
  const stack = await openStack(choice, `icmp or icmp6 or (${o.method === 'tcp' ? 'tcp' : 'udp'} and host ${dst})`, explain, o.tap);
  try {
    const ifMtu = stack.mtu;
    if (o.maxMtu !== undefined && (!Number.isInteger(o.maxMtu) || o.maxMtu > ifMtu)) throw new ProbeError(`--max-mtu ${o.maxMtu}: above the MTU of ${choice.route.iface} (${ifMtu}): a probe that size cannot leave this host`);
    if (o.maxMtu !== undefined && o.maxMtu < floor) throw new ProbeError(`--max-mtu ${o.maxMtu}: below the IPv${fam} minimum (${floor})`);
    const json = (x: object) => io.out(JSON.stringify(x));
    const say = (line: string, rec: PmtudEvent) => {
      o.onEvent?.(rec);
      if (o.json) json(rec);
      else io.out(line);
    };
    o.onEvent?.({ type: 'start', destination: dst, iface: choice.route.iface, mtu: ifMtu, floor });
    if (!o.json) io.out(`pmtud to ${o.host} (${dst}) with ${o.method.toUpperCase()} probes, ${choice.route.iface} MTU ${ifMtu}`);
    const rand16 = () => (Math.random() * 0x10000) & 0xffff;
    const icmpId = rand16();
    const sport = 33000 + (rand16() % 28000);
    const port = o.port ?? (o.method === 'tcp' ? 80 : 33434);
    let n = 0;
    let ipId = rand16();
    let sent = 0;

    /** One probe of `size` bytes (the whole IP packet) with `ttl`; resolves with what answered it. */
    const probe = (size: number, ttl = INITIAL_TTL): Promise<Outcome> => {
      if (o.signal?.aborted) return Promise.resolve({ kind: 'lost' });
      const seq = ++n & 0xffff;
      const id = (ipId = (ipId + 1) & 0xffff);
      const data = new Uint8Array(Math.max(0, size - ipHeader - transport));
      const ip: LayerSpec = fam === 4 ? { proto: 'ip', src, dst, ttl, id, df: true } : { proto: 'ipv6', src, dst, hlim: ttl };
      const key: ProbeKey = { family: fam, src: choice.source.address, dst: target.address, proto };
      let layers: LayerSpec[];
      if (o.method === 'icmp') {
        key.icmpId = icmpId;
        key.icmpSeq = seq;
        layers = [ip, { proto: fam === 4 ? 'icmp' : 'icmpv6', type: ECHO[fam].request, id: icmpId, seq, data } as LayerSpec];
      } else if (o.method === 'udp') {
        key.sport = sport;
        key.dport = port;
        if (fam === 4) key.ipId = id;
        else {
          data[0] = seq >> 8;
          data[1] = seq & 0xff;
          key.udpData = seq;
        }
        layers = [ip, { proto: 'udp', sport, dport: port }, { proto: 'data', bytes: data }];
      } else {
        const tcpSeq = (Math.random() * 0x1_0000_0000) >>> 0;
        key.sport = (sport + seq) & 0xffff;
        key.dport = port;
        key.tcpSeq = tcpSeq;
        layers = [ip, { proto: 'tcp', sport: key.sport, dport: port, seq: tcpSeq, flags: 'S', window: 5840 }, { proto: 'data', bytes: data }];
      }
      sent++;
      return awaitAnswer(stack, key, layers, o.wait * 1000).then((a) => outcomeOf(a, fam, target.address));
    };
    /** A size tried up to `tries` times: the first answer, or lost. */
    const tryHard = async (size: number): Promise<Outcome> => {
      for (let t = 0; t < o.tries; t++) {
        const r = await probe(size);
        if (r.kind !== 'lost') return r;
      }
      return { kind: 'lost' };
    };

    let size = o.maxMtu ?? ifMtu;
    let limitedBy: bigint | undefined;
    let limitedHop: number | undefined;
    let method: 'icmp' | 'loss' | 'interface' = 'interface';
    let pmtu: number | undefined;
    let confidence = '';
    const fromText = (a: bigint) => formatAddress(a, fam);
    let lostAt: number | undefined;
    for (;;) {
      const r = await tryHard(size);
      if (r.kind === 'reached') {
        say(`probe ${size} bytes: answered by ${fromText(r.from)}`, { type: 'probe', size, result: 'reached', from: fromText(r.from) });
        pmtu = size;
        confidence = method === 'icmp' ? `the destination answered a ${size}-byte probe after the routers' ${fam === 4 ? 'Fragmentation Needed' : 'Packet Too Big'}` : `the destination answered a probe of the interface's MTU`;
        break;
      }
      if (r.kind === 'too-big') {
        const hopText = r.hop !== undefined ? ` (hop ${r.hop})` : '';
        say(`probe ${size} bytes: ${fam === 4 ? 'Frag needed' : 'Packet too big'} from ${fromText(r.from)}${hopText}: mtu ${r.mtu}`, { type: 'probe', size, result: 'too-big', from: fromText(r.from), mtu: r.mtu, ...(r.hop !== undefined ? { hop: r.hop } : {}) });
        if (r.mtu >= size || r.mtu < floor) {
          // No usable MTU in it (RFC 1191's old routers say 0): search by loss below this size.
          lostAt = size;
          limitedBy = r.from;
          limitedHop = r.hop;
          break;
        }
        limitedBy = r.from;
        limitedHop = r.hop;
        method = 'icmp';
        size = r.mtu;
        continue;
      }
      if (r.kind === 'unreachable' || r.kind === 'time-exceeded') {
        throw new ProbeError(`${fromText(r.from)} answered a ${size}-byte probe with ${r.kind === 'time-exceeded' ? 'time exceeded' : `unreachable (type ${r.kind === 'unreachable' ? r.type : 0}, code ${r.kind === 'unreachable' ? r.code : 0})`}: the destination cannot be reached this way`, PROBE_EXIT.NO_REPLY);
      }
      say(`probe ${size} bytes: no answer (${o.tries} tries)`, { type: 'probe', size, result: 'lost', tries: o.tries });
      lostAt = size;
      break;
    }
    if (pmtu === undefined && lostAt !== undefined) {
      // Packetization-layer search: is the floor answered at all?
      let lo = floor;
      let hi = lostAt;
      if (!o.json) io.out(`no ${fam === 4 ? 'Fragmentation Needed' : 'Packet Too Big'} came for ${lostAt} bytes: searching by loss between ${lo} and ${hi} (each size tried ${o.tries} times before it counts as lost)`);
      const base = await tryHard(lo);
      say(`probe ${lo} bytes: ${base.kind === 'reached' ? 'answered' : 'no answer'}`, { type: 'probe', size: lo, result: base.kind === 'reached' ? 'reached' : 'lost' });
      if (base.kind !== 'reached') throw new ProbeError(`${dst} does not answer even ${lo}-byte probes (${o.tries} tries): no path MTU can be found this way`, PROBE_EXIT.NO_REPLY);
      while (hi - lo > 1) {
        const mid = (lo + hi) >> 1;
        const r = await tryHard(mid);
        if (r.kind === 'too-big' && r.mtu < mid && r.mtu >= lo) {
          hi = r.mtu + 1;
          limitedBy = r.from;
          limitedHop = r.hop;
          say(`probe ${mid} bytes: too big for ${fromText(r.from)}: mtu ${r.mtu}`, { type: 'probe', size: mid, result: 'too-big', from: fromText(r.from), mtu: r.mtu });
          continue;
        }
        const ok = r.kind === 'reached';
        say(`probe ${mid} bytes: ${ok ? 'answered' : `lost ${o.tries} times`}`, { type: 'probe', size: mid, result: ok ? 'reached' : 'lost', ...(ok ? {} : { tries: o.tries }) });
        if (ok) lo = mid;
        else hi = mid;
      }
      pmtu = lo;
      method = 'loss';
      confidence = `${lo} bytes answered, ${hi} bytes lost ${o.tries} times in a row; no ${fam === 4 ? 'Fragmentation Needed' : 'Packet Too Big'} came (an ICMP black hole, or the loss is something else)`;
      // The limiting hop: the last router that still answers a one-byte-too-big probe in time.
      let last: { hop: number; from: bigint } | undefined;
      for (let ttl = 1; ttl <= 30; ttl++) {
        let r: Outcome = { kind: 'lost' };
        for (let t = 0; t < o.tries && r.kind === 'lost'; t++) r = await probe(hi, ttl);
        if (r.kind === 'time-exceeded') last = { hop: ttl, from: r.from };
        else break;
      }
      if (last) {
        limitedBy = last.from;
        limitedHop = last.hop;
      }
    }
    const mss = pmtu! - ipHeader - 20;
    const summary: PmtudEvent = {
      type: 'summary', destination: dst, pmtu: pmtu!, mss, limited_by: limitedBy !== undefined ? fromText(limitedBy) : null,
      ...(limitedHop !== undefined ? { limited_hop: limitedHop } : {}), method, confidence, probes: sent,
    };
    o.onEvent?.(summary);
    if (o.json) {
      json(summary);
    } else {
      const lim = limitedBy !== undefined
        ? `limited by ${fromText(limitedBy)}${limitedHop !== undefined ? ` (hop ${limitedHop})` : ''}${method === 'loss' ? ': the last router that forwards or answers a probe one byte bigger' : ''}`
        : `limited by this host's interface ${choice.route.iface}`;
      io.out(`path MTU ${pmtu} (${method === 'loss' ? 'found by loss' : method === 'icmp' ? `found by ${fam === 4 ? 'Fragmentation Needed' : 'Packet Too Big'}` : 'the interface\'s'}), MSS ${mss} (${pmtu} - ${ipHeader} IP - 20 TCP), ${lim}`);
      io.out(`how sure: ${confidence}`);
    }
    return PROBE_EXIT.OK;
  } finally {
    await stack.close();
  }
}

function outcomeOf(a: Answer | undefined, fam: 4 | 6, dst: bigint): Outcome {
  if (!a) return { kind: 'lost' };
  if (a.kind === 'reply' || a.kind === 'tcp') return { kind: 'reached', from: a.ip.src };
  const { type, code, mtu } = a.icmp;
  if ((fam === 4 && type === 3 && code === 4) || (fam === 6 && type === 2)) {
    // The quoted header's TTL is as the router received it: its hop number.
    const q = a.icmp.quoted;
    return { kind: 'too-big', from: a.ip.src, mtu, ...(q ? { hop: INITIAL_TTL - q.ttl + 1 } : {}) };
  }
  if ((fam === 4 && type === 11) || (fam === 6 && type === 3)) return { kind: 'time-exceeded', from: a.ip.src };
  // The destination's port unreachable answers a UDP probe.
  if (a.ip.src === dst && ((fam === 4 && type === 3 && code === 3) || (fam === 6 && type === 1 && code === 4))) return { kind: 'reached', from: a.ip.src };
  return { kind: 'unreachable', from: a.ip.src, type, code };
}

function awaitAnswer(stack: ProbeStack, key: ProbeKey, layers: LayerSpec[], waitMs: number): Promise<Answer | undefined> {
  return new Promise((resolve) => {
    let timer: NodeJS.Timeout | undefined;
    const off = stack.on((r: Received) => {
      if (r.outbound) return;
      const a = answers(r.ip, key);
      if (!a) return;
      clearTimeout(timer);
      off();
      resolve(a);
    });
    timer = setTimeout(() => {
      off();
      resolve(undefined);
    }, waitMs);
    try {
      stack.send(layers);
    } catch (e) {
      clearTimeout(timer);
      off();
      throw e;
    }
  });
}

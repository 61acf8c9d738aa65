/**
 * wirelite's own packet stack for probes: what the kernel does for a socket, done in the open.
 * A route is chosen (route.ts), the next hop's MAC found (the kernel's neighbour table, else our
 * own ARP request or IPv6 neighbour solicitation, with retries), frames are built only through the
 * dissectors' builders (buildPacket) and sent with libpcap's inject; answers come from a live
 * capture in the capture worker, time-stamped by the kernel. A sent frame's own capture gives its
 * send time, so a round trip is measured kernel stamp to kernel stamp.
 *
 * Nothing is left behind: no neighbour entry, no route; close() ends the capture and the handle.
 */
import { readFileSync } from 'node:fs';
import { buildPacket, type LayerSpec } from '../dissectors/build.js';
import { formatMac } from '../dissectors/bytes.js';
import { openHandle, type NativeHandle } from '../capture/live/binding.js';
import { LiveCapture } from '../capture/live/capture-session.js';
import { LiveCaptureError } from '../capture/live/live-error.js';
import type { Frame } from '../capture/frame.js';
import { LinkType } from '../capture/frame.js';
import { addressBytes, formatAddress, type Family, type RouteChoice } from './route.js';
import { frameIp, readIcmp, type IpView } from './match.js';

/** A captured datagram with its kernel time stamp (ms since the epoch, µs precision). */
export interface Received {
  ip: IpView;
  timeMs: number;
  /** The whole frame, copied (for --show-packets and -w). */
  frame: Uint8Array;
  /** True for a frame this host sent (its source MAC is ours). */
  outbound: boolean;
}

export type Listener = (r: Received) => void;

export interface StackOptions {
  /** Prints each step in words (--explain). */
  explain?: (line: string) => void;
  /** Neighbour resolution: tries and the wait for each (ms). */
  neighbourTries?: number;
  neighbourWaitMs?: number;
  /** Every frame the capture sees (sent and received, ARP and NS included), in order: --show-packets, -w. */
  tap?: (frame: Frame) => void;
}

/** /proc/net/arp: the complete entries (flags & ATF_COM) as ip -> MAC on an interface. */
export function parseArpTable(text: string): Array<{ ip: string; mac: string; iface: string }> {
  const out: Array<{ ip: string; mac: string; iface: string }> = [];
  for (const line of text.split('\n').slice(1)) {
    const f = line.trim().split(/\s+/);
    if (f.length < 6) continue;
    if (!(parseInt(f[2]!, 16) & 0x2)) continue;
    out.push({ ip: f[0]!, mac: f[3]!.toLowerCase(), iface: f[5]! });
  }
  return out;
}

function sysfs(iface: string, what: string): string | undefined {
  try {
    return readFileSync(`/sys/class/net/${iface}/${what}`, 'utf8').trim();
  } catch {
    return undefined;
  }
}

/** The interface's MTU from sysfs (1500 when unknown). */
export function interfaceMtu(iface: string): number {
  return Number(sysfs(iface, 'mtu') ?? 1500) || 1500;
}

/** The solicited-node multicast address of an IPv6 address (RFC 4291 2.7.1). */
export function solicitedNode(addr: bigint): bigint {
  return (0xff020000000000000000000000000000n | 0x1ff000000n) + (addr & 0xffffffn);
}

export class ProbeStack {
  private listeners = new Set<Listener>();
  private capture: LiveCapture | undefined;
  private inject: NativeHandle | undefined;
  private ethernet = true;
  /** Frames sent and not yet seen by the capture: key (first bytes of the IP datagram) -> callback. */
  private pendingSent = new Map<string, (timeMs: number) => void>();
  readonly family: Family;
  readonly mac: string;
  dstMac = 'ff:ff:ff:ff:ff:ff';
  readonly mtu: number;
  readonly recorded: Array<{ timeMs: number; frame: Uint8Array }> = [];
  record = false;

  private constructor(readonly choice: RouteChoice, private readonly opts: StackOptions) {
    this.family = choice.route.family;
    this.mac = choice.source.mac || '00:00:00:00:00:00';
    this.mtu = choice.route.mtu || interfaceMtu(choice.route.iface);
  }

  get linkType(): number {
    return this.ethernet ? LinkType.ETHERNET : LinkType.RAW;
  }

  /**
   * Opens the capture (BPF `filter`) and the inject handle on the route's interface and resolves
   * the next hop's MAC. Throws LiveCaptureError (EPERM, ENODEV, ENETDOWN, EUNAVAILABLE) or
   * NeighbourError.
   */
  static async open(choice: RouteChoice, filter: string, opts: StackOptions = {}): Promise<ProbeStack> {
    const s = new ProbeStack(choice, opts);
    const iface = choice.route.iface;
    if (sysfs(iface, 'operstate') === 'down' || (sysfs(iface, 'flags') !== undefined && !(Number(sysfs(iface, 'flags')) & 1))) {
      throw new LiveCaptureError('ENETDOWN', `interface ${iface} is down`);
    }
    const neighbourFilter = s.family === 4 ? 'arp' : 'icmp6';
    s.capture = await LiveCapture.open(
      { device: iface, filter: `(${filter}) or ${neighbourFilter}`, immediate: true, promisc: false, snaplen: 65535 },
      (f) => s.onFrame(f),
    );
    s.ethernet = s.capture.info.linkType === LinkType.ETHERNET;
    if (!s.ethernet && s.capture.info.linkType !== LinkType.RAW && s.capture.info.linkType !== LinkType.IPV4 && s.capture.info.linkType !== LinkType.IPV6) {
      await s.close();
      throw new LiveCaptureError('ELINKTYPE', `interface ${iface} has link type ${s.capture.info.linkType}: probes need Ethernet or raw IP`);
    }
    s.capture.start();
    try {
      s.inject = openHandle(iface, { snaplen: 64, immediate: true, promisc: false });
      // This handle only sends: it keeps nothing of what it sees.
      s.inject.setFilter('less 1');
    } catch (e) {
      await s.close();
      throw LiveCaptureError.from(e);
    }
    if (s.ethernet) {
      try {
        s.dstMac = await s.resolveNeighbour(choice.nextHop);
      } catch (e) {
        await s.close();
        throw e;
      }
    } else opts.explain?.(`link: ${iface} carries raw IP: no link-layer address needed`);
    return s;
  }

  on(l: Listener): () => void {
    this.listeners.add(l);
    return () => this.listeners.delete(l);
  }

  private tapped = 0;

  private onFrame(f: Frame): void {
    const now = f.tsSec * 1000 + f.tsNsec / 1e6;
    const frame = f.data.slice();
    if (this.opts.tap) this.opts.tap({ ...f, number: ++this.tapped, data: frame, interfaceId: 0 });
    const ip = frameIp(frame, this.ethernet);
    const outbound = this.ethernet && frame.length >= 12 && formatMac(frame, 6) === this.mac && this.mac !== '00:00:00:00:00:00';
    if (ip) {
      const key = sentKey(ip.bytes, ip.off);
      const cb = this.pendingSent.get(key);
      if (cb && (outbound || !this.ethernet || this.mac === '00:00:00:00:00:00')) {
        this.pendingSent.delete(key);
        cb(now);
        if (this.record) this.recorded.push({ timeMs: now, frame });
        return;
      }
    }
    if (this.record && (ip || !outbound)) this.recorded.push({ timeMs: now, frame });
    if (!ip) {
      this.onRaw?.(frame, now);
      return;
    }
    const r: Received = { ip, timeMs: now, frame, outbound };
    for (const l of [...this.listeners]) l(r);
  }

  /** Frames that are not IP (ARP), for the neighbour resolution. */
  private onRaw: ((frame: Uint8Array, timeMs: number) => void) | undefined;

  /** Sends a datagram (layers from the IP header in), returning the wall-clock time of the inject. */
  send(layers: LayerSpec[], onSent?: (timeMs: number) => void): number {
    const all: LayerSpec[] = this.ethernet ? [{ proto: 'eth', src: this.mac, dst: this.dstMac }, ...layers] : layers;
    const bytes = buildPacket(all);
    const ipOff = this.ethernet ? 14 : 0;
    if (onSent) this.pendingSent.set(sentKey(bytes, ipOff), onSent);
    const t = performance.timeOrigin + performance.now();
    try {
      this.inject!.inject(bytes);
    } catch (e) {
      if (onSent) this.pendingSent.delete(sentKey(bytes, ipOff));
      throw LiveCaptureError.from(e);
    }
    return t;
  }

  /** Sends a whole frame (ARP, neighbour solicitation). */
  private sendFrame(layers: LayerSpec[]): void {
    this.inject!.inject(buildPacket(layers));
  }

  /**
   * The next hop's MAC: loopback has none; else the kernel's table (IPv4), else our own request:
   * ARP who-has (IPv4) or a neighbour solicitation to the solicited-node address (IPv6), retried.
   */
  async resolveNeighbour(nextHop: bigint): Promise<string> {
    const ex = this.opts.explain;
    const iface = this.choice.route.iface;
    const hop = formatAddress(nextHop, this.family);
    if (iface === 'lo' || sysfs(iface, 'type') === '772') {
      ex?.(`neighbour: ${iface} is a loopback: no link-layer address needed`);
      return '00:00:00:00:00:00';
    }
    if (this.family === 4) {
      try {
        const hit = parseArpTable(readFileSync('/proc/net/arp', 'utf8')).find((e) => e.ip === hop && e.iface === iface);
        if (hit) {
          ex?.(`neighbour: ${hop} is ${hit.mac} (the kernel's ARP table)`);
          return hit.mac;
        }
      } catch {
        /* no table: ask */
      }
    }
    const tries = this.opts.neighbourTries ?? 3;
    const wait = this.opts.neighbourWaitMs ?? 1000;
    const src = this.choice.source;
    for (let i = 1; i <= tries; i++) {
      const got = new Promise<string | undefined>((resolve) => {
        const timer = setTimeout(() => {
          this.onRaw = undefined;
          off();
          resolve(undefined);
        }, wait);
        const done = (mac: string) => {
          clearTimeout(timer);
          this.onRaw = undefined;
          off();
          resolve(mac);
        };
        // ARP replies come as non-IP frames; neighbour advertisements as ICMPv6.
        this.onRaw = (frame) => {
          if (frame.length < 42 || frame[12] !== 0x08 || frame[13] !== 0x06 || frame[21] !== 2) return;
          const spa = `${frame[28]}.${frame[29]}.${frame[30]}.${frame[31]}`;
          if (spa === hop) done(formatMac(frame, 22));
        };
        const off = this.on((r) => {
          if (this.family !== 6 || r.outbound) return;
          const icmp = readIcmp(r.ip);
          if (!icmp || icmp.type !== 136) return;
          const b = r.ip.bytes;
          const o = r.ip.l4 + 8;
          if (o + 16 > r.ip.end) return;
          let t = 0n;
          for (let k = 0; k < 16; k++) t = (t << 8n) | BigInt(b[o + k]!);
          if (t !== nextHop) return;
          // The target link-layer address option (type 2), else the frame's source.
          let mac = formatMac(r.frame, 6);
          for (let p = o + 16; p + 8 <= r.ip.end && b[p + 1]! > 0; p += b[p + 1]! * 8) {
            if (b[p] === 2) mac = formatMac(b, p + 2);
          }
          done(mac);
        });
      });
      if (this.family === 4) {
        ex?.(`neighbour: ${hop} is not in the kernel's ARP table: ARP who-has ${hop} tell ${formatAddress(src.address, 4)} (try ${i} of ${tries})`);
        this.sendFrame([
          { proto: 'eth', src: this.mac, dst: 'ff:ff:ff:ff:ff:ff' },
          { proto: 'arp', op: 'request', srcMac: this.mac, srcIp: formatAddress(src.address, 4), dstIp: hop },
        ]);
      } else {
        const sn = solicitedNode(nextHop);
        const snb = addressBytes(sn, 6);
        const mcMac = `33:33:${[...snb.subarray(12)].map((x) => x.toString(16).padStart(2, '0')).join(':')}`;
        ex?.(`neighbour: neighbour solicitation for ${hop} to ${formatAddress(sn, 6)} (try ${i} of ${tries})`);
        const macBytes = this.mac.split(':').map((x) => parseInt(x, 16));
        this.sendFrame([
          { proto: 'eth', src: this.mac, dst: mcMac },
          { proto: 'ipv6', src: formatAddress(src.address, 6), dst: formatAddress(sn, 6), hlim: 255 },
          { proto: 'icmpv6', type: 135, target: hop, options: Uint8Array.of(1, 1, ...macBytes) },
        ]);
      }
      const mac = await got;
      if (mac) {
        ex?.(`neighbour: ${hop} is at ${mac}${this.family === 4 ? ' (ARP reply)' : ' (neighbour advertisement)'}`);
        return mac;
      }
    }
    throw new NeighbourError(`${hop} does not answer ${this.family === 4 ? 'ARP' : 'neighbour solicitation'} on ${iface} (${tries} tries, ${wait} ms each)`);
  }

  async close(): Promise<void> {
    this.listeners.clear();
    this.onRaw = undefined;
    try {
      this.inject?.close();
    } catch {
      /* already closed */
    }
    this.inject = undefined;
    const c = this.capture;
    this.capture = undefined;
    if (c) {
      c.stop('now');
      await c.ended;
    }
  }
}

export class NeighbourError extends Error {
  override readonly name = 'NeighbourError';
}

function sentKey(b: Uint8Array, off: number): string {
  let s = '';
  const end = Math.min(b.length, off + 64);
  for (let i = off; i < end; i++) {
    // The TTL/hop limit is the same on the wire as built (the capture sees the frame as sent).
    s += b[i]!.toString(16).padStart(2, '0');
  }
  return s;
}

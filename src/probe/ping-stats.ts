/**
 * ping's counters and the lines iputils prints from them (ping_common.c, iputils 20221126):
 * the round trip as `time=` with 3, 2, 1 or 0 decimals by size, the summary with `+N duplicates`
 * and `+N errors`, the loss as `%g`, and min/avg/max/mdev in microseconds with integer arithmetic
 * (mdev = sqrt(mean of squares - square of mean), as iputils' llsqrt).
 */

export class PingStats {
  transmitted = 0;
  received = 0;
  duplicates = 0;
  errors = 0;
  /** Round trips in whole microseconds (as iputils keeps them). */
  private tmin = Number.MAX_SAFE_INTEGER;
  private tmax = 0;
  private tsum = 0n;
  private tsum2 = 0n;
  private timed = 0;

  /** A reply (or a duplicate: counted in the RTT sums too, as iputils does). */
  addRtt(us: number): void {
    const t = Math.max(0, Math.round(us));
    if (t < this.tmin) this.tmin = t;
    if (t > this.tmax) this.tmax = t;
    this.tsum += BigInt(t);
    this.tsum2 += BigInt(t) * BigInt(t);
    this.timed++;
  }

  get maxUs(): number {
    return this.tmax;
  }

  /** min/avg/max/mdev in microseconds (undefined before any reply). */
  rtt(): { min: number; avg: number; max: number; mdev: number } | undefined {
    if (!this.timed) return undefined;
    const n = BigInt(this.timed);
    const avg = this.tsum / n;
    const sq = this.tsum2 / n;
    const v = sq - avg * avg;
    return { min: this.tmin, avg: Number(avg), max: this.tmax, mdev: llsqrt(v < 0n ? 0n : v) };
  }

  /** Loss in percent as iputils computes it (a float, printed with %g). */
  loss(): number {
    return this.transmitted ? ((this.transmitted - this.received) * 100) / this.transmitted : 0;
  }

  /** The two summary lines (the second only when something was received). */
  summaryLines(elapsedMs: number): string[] {
    let s = `${this.transmitted} packets transmitted, ${this.received} received`;
    if (this.duplicates) s += `, +${this.duplicates} duplicates`;
    if (this.errors) s += `, +${this.errors} errors`;
    if (this.transmitted) s += `, ${formatG(this.loss())}% packet loss, time ${Math.floor(elapsedMs)}ms`;
    const lines = [s];
    const r = this.rtt();
    if (r && this.received) lines.push(`rtt min/avg/max/mdev = ${ms3(r.min)}/${ms3(r.avg)}/${ms3(r.max)}/${ms3(r.mdev)} ms`);
    return lines;
  }
}

/** Integer square root (iputils' llsqrt). */
function llsqrt(a: bigint): number {
  let prev = -1n;
  let x = a;
  if (x > 0n) {
    while (x !== prev) {
      prev = x;
      x = (x + a / x) / 2n;
      if (x > prev && prev !== -1n) {
        x = prev;
        break;
      }
    }
  }
  return Number(x);
}

/** Microseconds as `%ld.%03ld` milliseconds. */
export function ms3(us: number): string {
  const t = Math.round(us);
  return `${Math.floor(t / 1000)}.${String(t % 1000).padStart(3, '0')}`;
}

/** `time=` of a reply line: iputils' precision by size (microseconds in). */
export function formatRtt(us: number): string {
  const t = Math.round(us);
  if (t >= 100000 - 50) return `${Math.floor((t + 500) / 1000)}`;
  if (t >= 10000 - 5) return `${Math.floor((t + 50) / 1000)}.${Math.floor(((t + 50) % 1000) / 100)}`;
  if (t >= 1000) return `${Math.floor((t + 5) / 1000)}.${String(Math.floor(((t + 5) % 1000) / 10)).padStart(2, '0')}`;
  return `${Math.floor(t / 1000)}.${String(t % 1000).padStart(3, '0')}`;
}

/** C's %g for a percentage (6 significant digits, no trailing zeros). */
export function formatG(x: number): string {
  if (x === 0) return '0';
  let s = x.toPrecision(6);
  if (s.includes('e')) return s;
  if (s.includes('.')) s = s.replace(/0+$/, '').replace(/\.$/, '');
  return s;
}

/** What iputils' pr_icmph says about an ICMP error (IPv4). */
export function icmpErrorText(type: number, code: number, mtu: number): string {
  if (type === 3) {
    const t = [
      'Destination Net Unreachable', 'Destination Host Unreachable', 'Destination Protocol Unreachable',
      'Destination Port Unreachable', `Frag needed and DF set (mtu = ${mtu})`, 'Source Route Failed',
      'Destination Net Unknown', 'Destination Host Unknown', 'Source Host Isolated', 'Destination Net Prohibited',
      'Destination Host Prohibited', 'Destination Net Unreachable for Type of Service',
      'Destination Host Unreachable for Type of Service', 'Packet filtered', 'Precedence Violation', 'Precedence Cutoff',
    ][code];
    return t ?? `Dest Unreachable, Bad Code: ${code}`;
  }
  if (type === 11) return code === 0 ? 'Time to live exceeded' : code === 1 ? 'Frag reassembly time exceeded' : `Time exceeded, Bad Code: ${code}`;
  if (type === 12) return `Parameter problem: pointer = ${mtu >> 8}`;
  if (type === 4) return 'Source Quench';
  if (type === 5) return ['Redirect Network', 'Redirect Host', 'Redirect Type of Service and Network', 'Redirect Type of Service and Host'][code] ?? `Redirect, Bad Code: ${code}`;
  return `Bad ICMP type: ${type}`;
}

/** What iputils' ping6 says about an ICMPv6 error. */
export function icmpv6ErrorText(type: number, code: number, mtu: number): string {
  if (type === 1) {
    const t = ['No route', 'Administratively prohibited', 'Beyond scope of source address', 'Address unreachable', 'Port unreachable', 'Source address failed ingress/egress policy', 'Reject route to destination'][code];
    return `Destination unreachable: ${t ?? `Unknown code ${code}`}`;
  }
  if (type === 2) return `Packet too big: mtu=${mtu}`;
  if (type === 3) return `Time exceeded: ${code === 0 ? 'Hop limit' : code === 1 ? 'Defragmentation failure' : `code ${code}`}`;
  if (type === 4) return `Parameter problem: ${['Wrong header field ', 'Unknown header ', 'Unknown option '][code] ?? `code ${code} `}at ${mtu}`;
  return `unknown icmp type: ${type}`;
}

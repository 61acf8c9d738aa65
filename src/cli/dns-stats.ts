/**
 * `wirelite stats FILE dns`: queries by name and type, response codes, response times
 * (min/p50/p95/max over paired responses) and unanswered queries, from the DNS dissector's tap
 * (no tree is built). Two passes, as `tshark -2`, so a query knows whether it was answered.
 */
import { setDnsTap, type DnsTapRecord } from '../dissectors/dns/dissector.js';
import { dnsTypeName } from '../dissectors/dns/values.js';

/** Named limits: distinct (name, type) rows and unanswered frames kept; counts stay exact. */
export const DNS_STATS_LIMITS = { maxNames: 100_000, framesPerList: 10_000 };

const RCODE_NAMES: Record<number, string> = {
  0: 'No error', 1: 'Format error', 2: 'Server failure', 3: 'No such name', 4: 'Not implemented', 5: 'Refused',
  6: 'Name exists', 7: 'RRset exists', 8: 'RRset does not exist', 9: 'Not authoritative', 10: 'Name out of zone',
};

export interface DnsStatsJson {
  messages: number;
  queries: number;
  responses: number;
  retransmissions: number;
  names: Array<{ name: string; type: string; count: number }>;
  /** Names beyond DNS_STATS_LIMITS.maxNames, counted together. */
  otherNames: number;
  rcodes: Array<{ rcode: number; name: string; count: number }>;
  responseTimeMs: { count: number; min: number; p50: number; p95: number; max: number } | null;
  unanswered: { count: number; frames: number[] };
}

export class DnsStats {
  queries = 0;
  responses = 0;
  retransmissions = 0;
  otherNames = 0;
  private names = new Map<string, { name: string; type: number; count: number }>();
  private rcodes = new Map<number, number>();
  private times: number[] = [];
  private unanswered = 0;
  private unansweredFrames: number[] = [];

  add(r: DnsTapRecord): void {
    if (r.retransmission) this.retransmissions++;
    if (r.response) {
      this.responses++;
      this.rcodes.set(r.rcode, (this.rcodes.get(r.rcode) ?? 0) + 1);
      if (r.peer && !r.retransmission) this.times.push(r.time * 1000);
      return;
    }
    this.queries++;
    if (r.qname) {
      const key = `${r.qtype}\u0000${r.qname.toLowerCase()}`;
      const row = this.names.get(key);
      if (row) row.count++;
      else if (this.names.size < DNS_STATS_LIMITS.maxNames) this.names.set(key, { name: r.qname, type: r.qtype, count: 1 });
      else this.otherNames++;
    }
    if (!r.peer && !r.retransmission) {
      this.unanswered++;
      if (this.unansweredFrames.length < DNS_STATS_LIMITS.framesPerList) this.unansweredFrames.push(r.frame);
    }
  }

  /** Collects statistics while `run` reads the file (the tap is removed afterwards). */
  async collect(run: () => Promise<unknown>): Promise<this> {
    setDnsTap((r) => this.add(r));
    try {
      await run();
    } finally {
      setDnsTap(null);
    }
    return this;
  }

  json(): DnsStatsJson {
    const t = [...this.times].sort((a, b) => a - b);
    const q = (p: number) => t[Math.min(t.length - 1, Math.max(0, Math.ceil(p * t.length) - 1))]!;
    const round = (v: number) => Math.round(v * 1000) / 1000;
    return {
      messages: this.queries + this.responses,
      queries: this.queries,
      responses: this.responses,
      retransmissions: this.retransmissions,
      names: [...this.names.values()].sort((a, b) => b.count - a.count || (a.name < b.name ? -1 : 1)).map((n) => ({ name: n.name, type: dnsTypeName(n.type), count: n.count })),
      otherNames: this.otherNames,
      rcodes: [...this.rcodes].sort((a, b) => a[0] - b[0]).map(([rcode, count]) => ({ rcode, name: RCODE_NAMES[rcode] ?? `Unknown (${rcode})`, count })),
      responseTimeMs: t.length ? { count: t.length, min: round(t[0]!), p50: round(q(0.5)), p95: round(q(0.95)), max: round(t[t.length - 1]!) } : null,
      unanswered: { count: this.unanswered, frames: this.unansweredFrames },
    };
  }

  text(): string {
    const j = this.json();
    let out = `DNS: ${j.messages} messages, ${j.queries} queries, ${j.responses} responses, ${j.retransmissions} retransmissions\n`;
    out += '\nQueries by name and type\n   Count  Type        Name\n';
    for (const n of j.names) out += `${String(n.count).padStart(8)}  ${n.type.padEnd(10)}  ${n.name}\n`;
    if (j.otherNames) out += `${String(j.otherNames).padStart(8)}  (more names than ${DNS_STATS_LIMITS.maxNames})\n`;
    out += '\nResponse codes\n   Count  Code\n';
    for (const r of j.rcodes) out += `${String(r.count).padStart(8)}  ${r.name} (${r.rcode})\n`;
    const rt = j.responseTimeMs;
    out += `\nResponse times (ms, ${rt ? rt.count : 0} answered queries)${rt ? `: min ${rt.min}  p50 ${rt.p50}  p95 ${rt.p95}  max ${rt.max}` : ': none'}\n`;
    out += `\nUnanswered queries: ${j.unanswered.count}${j.unanswered.count ? ` (frames ${j.unanswered.frames.slice(0, 20).join(', ')}${j.unanswered.count > 20 ? ', ...' : ''})` : ''}\n`;
    return out;
  }
}

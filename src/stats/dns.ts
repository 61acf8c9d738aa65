/**
 * DNS statistics from the DNS dissector's tap (no tree is built): queries by name and type,
 * response codes, response times (min/p50/p95/max over paired responses) and unanswered queries.
 * A consumer: `add(record)` per DNS tap record, `result()` the typed statistics; read in two
 * passes so a query knows whether it was answered. The text writer is in src/cli/dns-stats.ts.
 */
import { dnsTypeName } from '../dissectors/dns/values.js';
import type { DnsTapRecord } from '../dissectors/dns/dissector.js';

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

export class DnsTable {
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

  /** The statistics, as `stats dns --json` prints them. */
  result(): DnsStatsJson {
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
}

/**
 * `wirelite stats FILE dns`: the DNS statistics of src/stats/dns.ts read from a file and written as
 * text (or, by the command, as one JSON object).
 */
import { DNS_TAP } from '../dissectors/dns/dissector.js';
import { dissectFile, tap, withDisplayFilter, type CompiledFilter } from '../pipeline/index.js';
import { DNS_STATS_LIMITS, DnsTable, type DnsStatsJson } from '../stats/dns.js';

export { DNS_STATS_LIMITS, type DnsStatsJson };

export class DnsStats extends DnsTable {
  /**
   * Reads `file` in two passes (as tshark -2: pairing is final) and adds every DNS message the
   * session's tap delivers (behind the display filter, if one is given).
   */
  async collect(file: string, filter?: CompiledFilter): Promise<this> {
    await dissectFile(file, withDisplayFilter({ columns: false, twoPass: true, count: 0, fields: [], taps: [tap(DNS_TAP, (r) => this.add(r))] }, filter));
    return this;
  }

  json(): DnsStatsJson {
    return this.result();
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

/**
 * DNS transactions (the terminal UI's DNS view): one row per query, paired with its response by
 * the DNS dissector (a two-pass read: `peer`, `time` of the DNS tap), slowest first, unanswered
 * ones marked. A consumer of the DNS tap (src/dissectors/dns/dissector.ts DNS_TAP): `add(record)`,
 * `result()` the rows. Retransmitted queries are rows of their own, marked (as tshark marks them).
 */
import { dnsTypeName } from '../dissectors/dns/values.js';
import type { DnsTapRecord } from '../dissectors/dns/dissector.js';

export const DNS_TRANSACTION_LIMITS = {
  /** Queries kept (later ones are counted in `untracked`). */
  maxRows: 200_000,
};

export interface DnsTransaction {
  /** Frame of the query (0: a response whose query is not in the capture). */
  queryFrame: number;
  /** Frame of the response (0: unanswered). */
  responseFrame: number;
  name: string;
  type: string;
  /** Response time in ms (null: unanswered). */
  timeMs: number | null;
  /** Response code name, e.g. "No error" (null: unanswered). */
  rcode: string | null;
  rcodeNumber: number | null;
  retransmission: boolean;
}

const RCODE_NAMES: Record<number, string> = {
  0: 'No error', 1: 'Format error', 2: 'Server failure', 3: 'No such name', 4: 'Not implemented', 5: 'Refused',
  6: 'Name exists', 7: 'RRset exists', 8: 'RRset does not exist', 9: 'Not authoritative', 10: 'Name out of zone',
};

export class DnsTransactions {
  private readonly rows: DnsTransaction[] = [];
  /** Row index by query frame. */
  private readonly byQuery = new Map<number, number>();
  untracked = 0;

  add(r: DnsTapRecord): void {
    if (!r.response) {
      if (this.rows.length >= DNS_TRANSACTION_LIMITS.maxRows) {
        this.untracked++;
        return;
      }
      this.byQuery.set(r.frame, this.rows.length);
      this.rows.push({ queryFrame: r.frame, responseFrame: r.peer, name: r.qname, type: dnsTypeName(r.qtype), timeMs: null, rcode: null, rcodeNumber: null, retransmission: r.retransmission });
      return;
    }
    const i = r.peer ? this.byQuery.get(r.peer) : undefined;
    const rcode = RCODE_NAMES[r.rcode] ?? `Unknown (${r.rcode})`;
    if (i === undefined) {
      if (r.peer) return; // its query was beyond the limit
      if (this.rows.length >= DNS_TRANSACTION_LIMITS.maxRows) {
        this.untracked++;
        return;
      }
      // A response without its query in the capture.
      this.rows.push({ queryFrame: 0, responseFrame: r.frame, name: r.qname, type: dnsTypeName(r.qtype), timeMs: null, rcode, rcodeNumber: r.rcode, retransmission: r.retransmission });
      return;
    }
    const row = this.rows[i]!;
    if (row.responseFrame && row.responseFrame !== r.frame && row.rcode !== null) return; // a retransmitted response
    row.responseFrame = r.frame;
    row.timeMs = Math.round(r.time * 1e6) / 1000;
    row.rcode = rcode;
    row.rcodeNumber = r.rcode;
  }

  /** Slowest first; then unanswered queries (in frame order); then responses without their query. */
  result(): DnsTransaction[] {
    const rank = (t: DnsTransaction) => (t.timeMs !== null ? 0 : t.queryFrame ? 1 : 2);
    return [...this.rows].sort((a, b) => rank(a) - rank(b) || (b.timeMs ?? 0) - (a.timeMs ?? 0) || (a.queryFrame || a.responseFrame) - (b.queryFrame || b.responseFrame));
  }
}

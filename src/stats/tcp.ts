/**
 * The TCP connections of a capture as a statistic (`wirelite stats FILE tcp`, the terminal UI's
 * connection doctor): a consumer of the TCP tap (src/dissectors/tcp/tap.ts) over the
 * per-connection model of src/analysis/tcp-connection/ (state, Zeek conn_state and history,
 * sizes, handshake, RTT, retransmissions, windows, ECN, congestion rounds and loss events, the
 * limited-by split, the verdict and the detectors; rules in docs/tcp-connection-model.md).
 *
 * A read registers `add` on its session's taps (`tap(TCP_TAP, (r) => t.add(r))`), one pass: a
 * segment's TCP verdicts depend only on earlier segments, so one pass gives tshark -2's values.
 * The table keeps to the named limits it is given: that session's `limits.tcpConnection`.
 * `rows()` yields one typed row (ConnectionSummary, the `--json` schema) per connection in
 * stream order, made as it is asked for (a SYN flood has millions: nothing is held per row).
 * The text card is ./tcp-card.ts.
 */
import { TcpConnections } from '../analysis/tcp-connection/connections.js';
import type { ConnectionSummary } from '../analysis/tcp-connection/types.js';
import type { TcpConnectionLimits } from '../analysis/tcp-connection/store.js';
import type { TcpTapRecord } from '../dissectors/tcp/tap.js';

export type { ConnectionSummary, DirectionSummary } from '../analysis/tcp-connection/types.js';
export { TCP_CONNECTION_LIMITS, type TcpConnectionLimits } from '../analysis/tcp-connection/store.js';

/** The connections of one read, fed by the TCP tap. */
export class TcpConnectionTable {
  readonly connections: TcpConnections;

  /** `limits`: the read's session's (`session.limits.tcpConnection`); default TCP_CONNECTION_LIMITS. */
  constructor(opts: { recordSegments?: boolean; limits?: Readonly<TcpConnectionLimits> } = {}) {
    this.connections = new TcpConnections(opts);
  }

  /** One TCP tap record (copied into the model: the record is reused by the session). */
  add(r: TcpTapRecord): void {
    this.connections.add(r);
  }

  /** Connections beyond the limits' maxConnections (counted, not shown). */
  get untracked(): number {
    return this.connections.untracked;
  }

  /** Connections tracked. */
  get count(): number {
    return this.connections.count;
  }

  /** The rows in stream order, each made when it is asked for. */
  rows(): Generator<ConnectionSummary> {
    return this.connections.summaries();
  }

  /** The same as `rows()` (TcpConnections' name). */
  summaries(): Generator<ConnectionSummary> {
    return this.rows();
  }

  /** Every row (a small capture's; a large one's should be walked with `rows()`). */
  result(): ConnectionSummary[] {
    return [...this.rows()];
  }

  /** The row of one stream (null: not tracked). */
  row(stream: number): ConnectionSummary | null {
    for (const s of this.rows()) if (s.stream === stream) return s;
    return null;
  }
}

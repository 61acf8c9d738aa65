/**
 * `wirelite stats FILE tcp`: one card per TCP connection (stream) from the statistic of
 * src/stats/tcp.ts (the per-connection model of src/analysis/tcp-connection/), read from a file
 * through the pipeline and written as text cards (src/stats/tcp-card.ts) or, with `--json`, one
 * object per connection per line (the ConnectionSummary type; schema in the README). The file is
 * read once (same verdicts as `tshark -2`).
 */
import { TCP_TAP } from '../dissectors/tcp/tap.js';
import { newSession } from '../dissectors/session.js';
import { collectGarbage, dissectFile, tap, withDisplayFilter, type CompiledFilter } from '../pipeline/index.js';
import { commandSessionOptions } from '../pipeline/session-options.js';
import { CaptureFileError } from '../capture/capture-error.js';
import { OutBuffer } from '../render/output.js';
import { TcpConnectionTable } from '../stats/tcp.js';
import { tcpCard } from '../stats/tcp-card.js';

export { tcpCard };

/**
 * Reads `file` once and returns the connections. One pass gives tshark -2's values: the TCP
 * verdicts of a segment depend only on earlier segments (src/dissectors/tcp/analysis.ts), and the
 * handshake RTT is taken from the segments after the handshake. A file damaged after some frames
 * gives the connections of those frames and the error in `error`. The table keeps to the named
 * limits of the read's session (made from the command's session options).
 */
export async function collectTcpConnections(file: string, filter?: CompiledFilter): Promise<TcpConnectionTable & { error?: CaptureFileError }> {
  const session = newSession(commandSessionOptions());
  const table: TcpConnectionTable & { error?: CaptureFileError } = new TcpConnectionTable({ limits: session.limits.tcpConnection });
  try {
    await dissectFile(file, withDisplayFilter({ columns: false, twoPass: false, count: 0, fields: [], session, taps: [tap(TCP_TAP, (r) => table.add(r))] }, filter));
  } catch (e) {
    if (!(e instanceof CaptureFileError) || e.framesRead === 0) throw e;
    table.error = e;
  }
  // The dissection's tables (conversations, reassembly) are garbage now: give their memory back
  // before the cards are made, so the two never add up in the peak (a SYN flood has a million).
  collectGarbage();
  return table;
}

/**
 * Writes the cards (or JSON lines) of `file` to `write`; then throws the capture error, if the
 * file was damaged, so the command exits as the other stats commands do (2).
 */
export async function tcpStats(file: string, json: boolean, write: (s: string) => void, filter?: CompiledFilter): Promise<void> {
  const conns = await collectTcpConnections(file, filter);
  let n = 0;
  for (const s of conns.rows()) {
    write(json ? JSON.stringify(s) + '\n' : tcpCard(s));
    // The written text is garbage once flushed: collect now and then (see src/pipeline/gc.ts).
    if ((++n & 0x3ffff) === 0) collectGarbage();
  }
  if (!json) {
    let tail = `${n} TCP connection(s)`;
    if (conns.untracked) tail += `; ${conns.untracked} more not tracked (TCP_CONNECTION_LIMITS.maxConnections)`;
    write(tail + '\n');
  } else if (conns.untracked) write(JSON.stringify({ untrackedConnections: conns.untracked }) + '\n');
  if (conns.error) throw conns.error;
}

/** `stats FILE tcp [--json]` to standard output (buffered; flushed before a capture error is rethrown). */
export async function printTcpStats(file: string, json: boolean, filter?: CompiledFilter): Promise<void> {
  const out = new OutBuffer();
  try {
    await tcpStats(file, json, (s) => out.write(s), filter);
  } finally {
    out.flush();
  }
}

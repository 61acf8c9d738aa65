/**
 * `wirelite stats FILE tls [--json] [--tls-keylog FILE]`: the TLS connections of src/stats/tls.ts
 * read from a file through the pipeline (two passes, as `tshark -2`; the TLS and TCP taps
 * registered on the read's session) and written as text cards (src/stats/tls-card.ts) or JSON lines.
 */
import { TCP_TAP } from '../dissectors/tcp/tap.js';
import { TLS_TAP } from '../dissectors/tls/types.js';
import { DSB_TLS_KEY_LOG, TlsKeyLog } from '../dissectors/tls/keylog.js';
import type { DecryptionSecrets } from '../capture/capture-parser.js';
import { CaptureFileError } from '../capture/capture-error.js';
import { dissectFile, tap, withDisplayFilter, type CompiledFilter } from '../pipeline/index.js';
import { OutBuffer } from '../render/output.js';
import { TlsConnectionTable, type TlsConnectionSummary } from '../stats/tls.js';
import { tlsCard } from '../stats/tls-card.js';

/** Everything `stats FILE tls` prints, computed from a file. */
export interface TlsStatsResult {
  connections: TlsConnectionSummary[];
  untracked: number;
  keyLog: { secrets: number; clientRandoms: number; bad: number; badLines: string[]; rsa: number; fromCapture: number } | null;
  error?: CaptureFileError;
}

/**
 * Reads `file` (two passes) and returns its TLS connections. `keyLog` (from `--tls-keylog`) is
 * completed with the capture's own DSB key logs. A file damaged after some frames gives the
 * connections of those frames and the error in `error`.
 */
export async function collectTlsStats(file: string, keyLog: TlsKeyLog | null, filter?: CompiledFilter): Promise<TlsStatsResult> {
  const log = keyLog ?? new TlsKeyLog();
  // The capture's own key logs (pcapng DSBs) arrive while it is read; which connections they would
  // decrypt is decided when the cards are made, after the read.
  let fromCapture = 0;
  const onDecryptionSecrets = (sec: DecryptionSecrets): void => {
    if (sec.type !== DSB_TLS_KEY_LOG) return;
    fromCapture++;
    log.add(sec.data, `${file} (DSB ${fromCapture})`);
  };
  const stats = new TlsConnectionTable(() => (keyLog !== null || fromCapture > 0 ? log : null));
  const useKeys = (): boolean => keyLog !== null || fromCapture > 0;
  let error: CaptureFileError | undefined;
  try {
    // Both taps are queued by the session and delivered after the packet (its TCP record first),
    // behind the display filter.
    const opts = { columns: false, twoPass: true, count: 0, fields: [], onDecryptionSecrets, taps: [tap(TCP_TAP, (r) => stats.addTcp(r)), tap(TLS_TAP, (r) => stats.addTls(r))] };
    await dissectFile(file, withDisplayFilter(opts, filter));
  } catch (e) {
    if (!(e instanceof CaptureFileError) || e.framesRead === 0) throw e;
    error = e;
  }
  const k = log.counts;
  return {
    connections: stats.summaries(),
    untracked: stats.untracked,
    keyLog: useKeys() ? { secrets: k.secrets, clientRandoms: log.size, bad: k.bad, badLines: k.badLines, rsa: k.rsa, fromCapture } : null,
    error,
  };
}

/** `stats FILE tls [--json]` to `write`; a damaged file's error is thrown after the output. */
export async function tlsStats(file: string, json: boolean, keyLog: TlsKeyLog | null, write: (s: string) => void, filter?: CompiledFilter): Promise<void> {
  const r = await collectTlsStats(file, keyLog, filter);
  for (const s of r.connections) write(json ? JSON.stringify(s) + '\n' : tlsCard(s));
  if (json) {
    if (r.untracked || r.keyLog) write(JSON.stringify({ untrackedConnections: r.untracked, keyLog: r.keyLog }) + '\n');
  } else {
    let tail = `${r.connections.length} TLS connection(s)`;
    if (r.untracked) tail += `; ${r.untracked} more not tracked (TLS_STATS_LIMITS.maxConnections)`;
    if (r.keyLog) {
      const k = r.keyLog;
      const yes = r.connections.filter((c) => c.keys?.available === 'yes').length;
      tail += `\nkey log: ${k.secrets} secrets for ${k.clientRandoms} client randoms${k.fromCapture ? ` (${k.fromCapture} from the capture's DSBs)` : ''}; ${yes} connection(s) decryptable`;
      if (k.rsa) tail += `; ${k.rsa} RSA line(s) (found by the encrypted pre-master secret: ${r.connections.filter((c) => c.keys?.detail.startsWith('RSA line')).length} connection(s) decrypted with one)`;
      if (k.bad) tail += `; ${k.bad} bad line(s) skipped (${k.badLines.join(', ')}${k.bad > k.badLines.length ? ', ...' : ''})`;
    }
    write(tail + '\n');
  }
  if (r.error) throw r.error;
}

/** `stats FILE tls` to standard output (buffered; flushed before a capture error is rethrown). */
export async function printTlsStats(file: string, json: boolean, keyLog: TlsKeyLog | null, filter?: CompiledFilter): Promise<void> {
  const out = new OutBuffer();
  try {
    await tlsStats(file, json, keyLog, (s) => out.write(s), filter);
  } finally {
    out.flush();
  }
}


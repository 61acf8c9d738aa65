/**
 * `wirelite stats FILE expert`: the expert items of a capture grouped by severity, like
 * `tshark -2 -q -z expert`: a block per severity (Errors, Warns, Notes, Chats) with, per distinct
 * (group, protocol, message), how often it occurred. `--json` prints one object per line instead,
 * with typed numbers and the frames where it occurred (the first `EXPERT_LIMITS.framesPerRow`, src/stats/expert.ts).
 *
 * The file is read in two passes, as `tshark -2`, so TCP-analysis verdicts are final.
 *
 * Exit codes: 0 success; 1 bad usage; 2 the file cannot be read.
 */
import { Command } from '@commander-js/extra-typings';
import { existsSync, statSync } from 'node:fs';
import { isGzipFile } from '../../capture/reader.js';
import { availableParallelism } from 'node:os';
import { dissectFile, withDisplayFilter } from '../../pipeline/index.js';
import { compileOption } from '../../filter/cli.js';
import { SEVERITY_NAMES } from '../../dissectors/packet.js';
import { ExpertTable, type ExpertRow } from '../../stats/expert.js';
import { UsageError } from '../errors.js';
import { addDissectOptions, applyDissectOptions } from '../dissect-options.js';
import { CONV_TYPES, ConvStats, type ConvType } from '../conv-stats.js';
import { IO_DEFAULT_INTERVAL, IoStats, parseInterval } from '../io-stats.js';
import { OutBuffer } from '../../render/output.js';
import { collectHttpStats, HTTP_TREES, writeHttpStatsJson, writeHttpStatsText } from '../http-stats.js';
// The statistics that one kind alone uses are loaded when it runs (`await import`): each module
// loaded at start costs every command its compilation (stats conv tcp on the 200k capture is about 1 s).

/** Statistics `stats` knows. */
const KINDS = ['expert', 'dns', 'conv', 'endpoints', 'io', 'phs', 'tcp', 'tls', 'http'] as const;
/** The statistics' names, for the help text and the shell completion (src/cli/program.ts). */
export const STATS_KINDS: readonly string[] = KINDS;

/** The text of `tshark -z expert`: a block per severity, most severe first. */
function expertText(rows: readonly ExpertRow[]): string {
  const titles = ['', 'Chats', 'Notes', 'Warns', 'Errors'];
  let out = '';
  for (let sev = 4; sev >= 1; sev--) {
    const block = rows.filter((r) => r.severity === sev);
    if (!block.length) continue;
    const total = block.reduce((n, r) => n + r.count, 0);
    out += `\n${titles[sev]} (${total})\n=============\n   Frequency      Group           Protocol  Summary\n`;
    for (const r of block) out += `${String(r.count).padStart(12)}${r.group.padStart(11)}${r.protocol.padStart(19)}  ${r.summary}\n`;
  }
  return out;
}

/**
 * Parallel reads: at most this many workers when not asked, on files of at least this size. Each
 * worker costs ~0.2 s to start and ~50 MB (its own heap and its share of the state held apart),
 * which pays off on large files only: below 256 MiB (~400,000 packets of mixed traffic, a
 * second or two in one thread) one thread reads; a 1,000,000-SYN flood (82 MB) so stays in one
 * thread's memory (under 500 MB).
 */
const MAX_AUTO_THREADS = 4;
const AUTO_THREADS_MIN_BYTES = 256 * 2 ** 20;

/**
 * Workers for a parallel read of `file` when --threads is not given: one per core up to
 * MAX_AUTO_THREADS on a large, uncompressed file (each worker reads the whole file: a gzip stream
 * would be decompressed once per worker), else one (starting workers costs ~0.2 s).
 */
function autoThreads(file: string): number {
  if (file === '-') return 1;
  try {
    if (statSync(file).size < AUTO_THREADS_MIN_BYTES || isGzipFile(file)) return 1;
  } catch {
    return 1; // the read itself says what is wrong with the file
  }
  return Math.max(1, Math.min(MAX_AUTO_THREADS, availableParallelism()));
}

/**
 * The file, the statistic and its arguments from the positional arguments, in either of the two
 * orders users type: `FILE KIND [ARG...]` (wirelite's) or `KIND [ARG...] FILE` (the file last, as
 * in `stats conv tcp FILE`). The first order wins when both read and a file of the first's name exists.
 */
export function splitArgs(args: readonly string[]): { file: string; kind: string; rest: string[] } {
  const isKind = (a: string | undefined) => a !== undefined && (KINDS as readonly string[]).includes(a);
  if (args.length < 2) throw new UsageError(`stats needs a capture file and a statistic (${KINDS.join(', ')}), e.g. "stats FILE conv tcp" or "stats conv tcp FILE"`);
  // `conv tcp FILE` reads both ways (tcp is a statistic too): the kind is first unless a file of that name exists.
  const kindFirst = isKind(args[0]) && (!isKind(args[1]) || !existsSync(args[0]!));
  if (!kindFirst) {
    if (!isKind(args[1])) throw new UsageError(`unknown statistics "${args[1]}" (known: ${KINDS.join(', ')})`);
    return { file: args[0]!, kind: args[1]!, rest: args.slice(2) };
  }
  return { file: args[args.length - 1]!, kind: args[0]!, rest: args.slice(1, -1) };
}

/** tshark's invl_prec: the decimals an interval of `us` microseconds needs (0 for whole seconds). */
function intervalPrecision(us: number): number {
  let prec = 6;
  for (let d = 10; d <= 1e6 && us % d === 0; d *= 10) prec--;
  return prec;
}

export function statsCommand() {
  return addDissectOptions(new Command('stats')
    .description('statistics over a capture file (read in two passes, as tshark -2): expert = expert items by severity (tshark -z expert); phs = protocol hierarchy, frames and bytes per protocol path (tshark -z io,phs); dns = queries by name/type, rcodes, response times, unanswered queries; tcp = one card per TCP connection (state, Zeek conn_state/history, RTT, retransmissions, congestion, what limited it); tls = one card per TLS connection (version, cipher, SNI, ALPN, certificates, handshake time, alerts, JA3/JA4, keys); http = requests by method and responses by status code (tshark -z http,tree) and the slowest requests, http req = requests by host and URI (http_req,tree), http srv = by server address (http_srv,tree)')
    .usage('[options] FILE KIND [ARG...]   (or: KIND [ARG...] FILE)')
    .argument('<args...>', `the capture file (pcap or pcapng, possibly gzip-compressed) and which statistics: ${KINDS.join(', ')}, in either order (the file first, or last as in "stats conv tcp FILE"); then conv/endpoints: ${CONV_TYPES.join('|')} (default tcp); http: ${Object.keys(HTTP_TREES).join('|')} (default tree); io: the interval in seconds (default ${IO_DEFAULT_INTERVAL}), then optionally tshark io,stat columns (FRAMES, BYTES, COUNT(field), SUM(field), MIN(field), MAX(field), AVG(field), each optionally followed by a display filter; or a display filter alone)`)
    .option('--json', 'one JSON object per line (typed numbers, with frame numbers)')
    .option('-Y <filter>', 'display filter in front of the statistic: only the packets that match are counted (as tshark -2 -z conv,tcp,FILTER); every packet is still dissected, in two passes')
    .option('--threads <n>', `conv/endpoints: worker threads, each dissecting a share of the hosts (default: up to ${MAX_AUTO_THREADS} on files of ${AUTO_THREADS_MIN_BYTES / 2 ** 20} MiB or more, else 1)`, (v) => {
      const n = Number(v);
      if (!Number.isInteger(n) || n < 1 || n > 64) throw new UsageError(`--threads takes an integer from 1 to 64, not "${v}"`);
      return n;
    }))
    .action(async (args, o) => {
      applyDissectOptions(o);
      const filter = compileOption('-Y', o.Y, o.N);
      const { file, kind, rest } = splitArgs(args);
      if (kind === 'io' && rest.length > 1) {
        // tshark's io,stat columns: the interval first, then the columns.
        const intervalUs = Math.round(parseInterval(rest.shift()) * 1e6);
        const { IoColumnError, parseColumn, splitColumns } = await import('../../stats/io-stat.js');
        const { collectIoColumns, writeIoColumnsJson, writeIoColumnsText } = await import('../io-columns-stats.js');
        let columns;
        try {
          columns = splitColumns(rest).map(parseColumn);
        } catch (e) {
          if (e instanceof IoColumnError) throw new UsageError(e.message);
          throw e;
        }
        const { table, error } = await collectIoColumns(file, columns, intervalUs, filter);
        const out = new OutBuffer();
        if (o.json) writeIoColumnsJson(table, out);
        else writeIoColumnsText(table, intervalPrecision(intervalUs), out);
        out.flush();
        if (error) throw error;
        return;
      }
      if (rest.length > 1) throw new UsageError(`stats ${kind} takes at most one argument (got ${rest.map((a) => `"${a}"`).join(' ')})`);
      const arg = rest[0];
      if (o.tlsKeylog !== undefined && kind !== 'tls') throw new UsageError('--tls-keylog applies to stats tls only');
      if (o.threads !== undefined && kind !== 'conv' && kind !== 'endpoints') throw new UsageError('--threads applies to stats conv and endpoints only');
      if (o.threads !== undefined && o.threads > 1 && file === '-') throw new UsageError('--threads: standard input can be read only once (one thread)');
      if (o.threads !== undefined && o.threads > 1 && filter) throw new UsageError('--threads: a display filter (-Y) is read in one thread');
      if (kind === 'conv' || kind === 'endpoints') {
        const type = arg ?? 'tcp';
        if (!(CONV_TYPES as readonly string[]).includes(type)) throw new UsageError(`unknown ${kind} type "${type}" (known: ${CONV_TYPES.join(', ')})`);
        const t = new ConvStats(type as ConvType);
        t.filterText = o.Y;
        await t.collect(file, filter ? 1 : (o.threads ?? autoThreads(file)), filter);
        const out = new OutBuffer();
        if (kind === 'conv') o.json ? t.writeConvJson(out) : t.writeConvText(out);
        else o.json ? t.writeEndpointsJson(out) : t.writeEndpointsText(out);
        out.flush();
        if (t.error) throw t.error;
        return;
      }
      if (kind === 'io') {
        const io = await new IoStats(parseInterval(arg)).collect(file, filter);
        const out = new OutBuffer();
        if (o.json) io.writeJson(out);
        else io.writeText(out);
        out.flush();
        if (io.error) throw io.error;
        return;
      }
      if (kind === 'http') {
        const tree = HTTP_TREES[arg ?? 'tree'];
        if (!tree || !Object.hasOwn(HTTP_TREES, arg ?? 'tree')) throw new UsageError(`unknown http statistics "${arg}" (known: ${Object.keys(HTTP_TREES).join(', ')})`);
        const { stats, error } = await collectHttpStats(file, tree, filter);
        const out = new OutBuffer();
        if (o.json) writeHttpStatsJson(stats.result(), out);
        else writeHttpStatsText(stats.result(), out);
        out.flush();
        if (error) throw error;
        return;
      }
      if (arg !== undefined) throw new UsageError(`stats ${kind} takes no argument (got "${arg}")`);
      if (kind === 'phs') {
        const { collectPhs, writePhsJson, writePhsText } = await import('../phs-stats.js');
        const { phs, error } = await collectPhs(file, filter);
        const out = new OutBuffer();
        if (o.json) writePhsJson(phs.result(), out);
        else writePhsText(phs.result(), out, o.Y);
        out.flush();
        if (error) throw error;
        return;
      }
      if (kind === 'tcp') {
        const { printTcpStats } = await import('../tcp-stats.js');
        await printTcpStats(file, o.json === true, filter);
        return;
      }
      if (kind === 'tls') {
        const { printTlsStats } = await import('../tls-stats.js');
        const { readKeyLogFile } = await import('../../dissectors/tls/keylog.js');
        let keyLog = null;
        if (o.tlsKeylog !== undefined) {
          try {
            keyLog = readKeyLogFile(o.tlsKeylog);
          } catch (e) {
            throw new UsageError(`cannot read the key log ${o.tlsKeylog}: ${(e as Error).message}`);
          }
        }
        await printTlsStats(file, o.json === true, keyLog, filter);
        return;
      }
      if (kind === 'dns') {
        const { DnsStats } = await import('../dns-stats.js');
        const dns = await new DnsStats().collect(file, filter);
        process.stdout.write(o.json ? JSON.stringify(dns.json()) + '\n' : dns.text());
        return;
      }
      const table = new ExpertTable();
      await dissectFile(file, withDisplayFilter({ columns: false, twoPass: true, count: 0, fields: [] }, filter), (pkt) => table.add(pkt));
      const rows = table.result();
      if (o.json) {
        let out = '';
        for (const r of rows) {
          out += JSON.stringify({ severity: SEVERITY_NAMES[r.severity]!.toLowerCase(), group: r.group, protocol: r.protocol, summary: r.summary, count: r.count, frames: r.frames }) + '\n';
        }
        process.stdout.write(out);
      } else process.stdout.write(expertText(rows));
    });
}

/**
 * `wirelite stats FILE http [req|srv]`: the HTTP statistics of src/stats/http.ts read from a file
 * (two passes, as tshark -2, the HTTP tap delivered through the session's taps after the display
 * filter) and written as tshark 4.0 writes its stats trees (`-z http,tree`, `-z http_req,tree`,
 * `-z http_srv,tree`: byte for byte), with the slowest requests after the packet counter, or as
 * JSON lines.
 */
import { CaptureFileError } from '../capture/capture-error.js';
import { HTTP_TAP } from '../dissectors/http/dissector.js';
import { dissectFile, tap, withDisplayFilter, type CompiledFilter } from '../pipeline/index.js';
import type { TextSink } from '../render/output.js';
import { fixed } from '../render/printf.js';
import { displayName, HttpStats, type HttpStatsResult, type HttpStatsTree, type HttpTreeName } from '../stats/http.js';

/** The statistic's argument and the tree it prints (tshark's -z name). */
export const HTTP_TREES: Readonly<Record<string, HttpTreeName>> = { tree: 'http', req: 'http_req', srv: 'http_srv' };

/** Reads `file` into the statistics; a file damaged after some frames gives those frames' counts and the error. */
export async function collectHttpStats(file: string, tree: HttpTreeName, filter?: CompiledFilter): Promise<{ stats: HttpStats; error: CaptureFileError | undefined }> {
  const stats = new HttpStats([tree]);
  let error: CaptureFileError | undefined;
  try {
    await dissectFile(file, withDisplayFilter({ columns: false, twoPass: true, count: 0, fields: [], taps: [tap(HTTP_TAP, (r) => stats.add(r))] }, filter));
  } catch (e) {
    if (!(e instanceof CaptureFileError) || e.framesRead === 0) throw e;
    error = e;
  }
  return { stats, error };
}

/** stats_tree's INDENT_MAX. */
const INDENT_MAX = 32;
/** The columns after the name (stats_tree_get_column_name), each 12 wide plus a space. */
const COLUMNS = ['Count', 'Average', 'Min Val', 'Max Val', 'Rate (ms)', 'Percent', 'Burst Rate', 'Burst Start'];

const bytes = (s: string) => Buffer.byteLength(s);
/** printf's %-Ns: pads to N bytes. */
const pad = (s: string, n: number) => s + ' '.repeat(Math.max(0, n - bytes(s)));

/** stats_tree_format_as_str(ST_FORMAT_PLAIN): the tree as tshark prints it. */
export function httpTreeText(t: HttpStatsTree): string {
  let width = bytes(displayName(t.title));
  for (const r of t.rows) width = Math.max(width, bytes(r.name) + Math.min(r.depth + 1, INDENT_MAX));
  const sep = width + COLUMNS.length * 14;
  let s = `\n${'='.repeat(sep)}\n${t.title}:\n${pad('Topic / Item', width)}`;
  for (const c of COLUMNS) s += ` ${pad(c, 13)}`;
  s += `\n${'-'.repeat(sep)}\n`;
  for (const r of t.rows) {
    const indent = Math.min(r.depth, INDENT_MAX);
    const values = [
      String(r.count),
      '',
      '',
      '',
      r.ratePerMs === null ? '' : fixed(r.ratePerMs, 4),
      // A child of the root: its parent (the root) counts nothing, tshark prints "100%".
      r.depth === 0 ? '100%' : r.percent === null ? '' : `${fixed(r.percent, 2)}%`,
      r.burstRate === null ? '-' : fixed(r.burstRate, 4),
      r.burstStart === null ? '-' : fixed(r.burstStart, 3),
    ];
    s += ' '.repeat(indent) + pad(r.name, width - indent);
    for (const v of values) s += ` ${pad(v, 13)}`;
    s += '\n';
  }
  return `${s}\n${'-'.repeat(sep)}\n`;
}

/** The slowest requests (wirelite's own section after the packet counter). */
export function slowestText(res: HttpStatsResult): string {
  let s = `\nSlowest requests (${res.slowest.length} of ${res.answered} answered)\n`;
  if (!res.slowest.length) return s;
  s += '    Time (s)  Request  Response  Method   URI\n';
  for (const q of res.slowest) s += `${q.time.toFixed(6).padStart(12)}  ${String(q.requestFrame).padStart(7)}  ${String(q.responseFrame).padStart(8)}  ${q.method.padEnd(7)}  ${q.uri}\n`;
  return s;
}

/** The text of `stats http`: the tree, and after the packet counter the slowest requests. */
export function writeHttpStatsText(res: HttpStatsResult, out: TextSink): void {
  for (const t of res.trees) {
    out.write(httpTreeText(t));
    if (t.abbrev === 'http') out.write(slowestText(res));
  }
}

/**
 * `--json`: one object per row, `{"tree","depth","name","count","ratePerMs","percent","burstRate","burstStart"}`
 * in the text's order (null where tshark prints nothing or "-"), then one `{"slowest":...}` per slow request.
 */
export function writeHttpStatsJson(res: HttpStatsResult, out: TextSink): void {
  for (const t of res.trees) {
    for (const r of t.rows) out.write(JSON.stringify({ tree: t.abbrev, depth: r.depth, name: r.name, count: r.count, ratePerMs: r.ratePerMs, percent: r.percent, burstRate: r.burstRate, burstStart: r.burstStart }) + '\n');
    if (t.abbrev === 'http') for (const q of res.slowest) out.write(JSON.stringify({ slowest: q, answered: res.answered }) + '\n');
  }
}

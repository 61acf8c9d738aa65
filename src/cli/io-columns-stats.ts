/**
 * `wirelite stats FILE io INTERVAL COLUMN...`: tshark's io,stat columns (src/stats/io-stat.ts) read
 * from a file and printed as `tshark -q -z io,stat,INTERVAL,COLUMN,...` prints them (the layout of
 * ui/cli/tap-iostat.c: widths from the largest value of each column, labels centred, the last
 * row `<> Dur`), or as JSON lines.
 *
 * One pass, as tshark without -2; the tree keeps only the fields the columns and their filters read.
 */
import { CaptureFileError } from '../capture/capture-error.js';
import { IoStatTable, type IoCell, type IoColumn } from '../stats/io-stat.js';
import type { TextSink } from '../render/output.js';
import { dissectFile, withDisplayFilter, type CompiledFilter } from '../pipeline/index.js';
import { IO_LIMITS } from '../stats/io.js';

export async function collectIoColumns(file: string, columns: IoColumn[], intervalUs: number, filter?: CompiledFilter): Promise<{ table: IoStatTable; error: CaptureFileError | undefined }> {
  const table = new IoStatTable(columns, intervalUs);
  let error: CaptureFileError | undefined;
  try {
    await dissectFile(file, withDisplayFilter({ columns: false, twoPass: false, count: 0, fields: IoStatTable.fieldsOf(columns), periodicGc: false }, filter), (pkt) => table.add(pkt));
  } catch (e) {
    if (!(e instanceof CaptureFileError) || e.framesRead === 0) throw e;
    error = e;
  }
  return { table, error };
}

/** Decimal digits of a number, at most `max` (Wireshark's magnitude()). */
function magnitude(v: number, max: number): number {
  let m = 0;
  let x = Math.floor(Math.abs(v));
  for (let i = 0; i < max; i++) {
    m++;
    x = Math.floor(x / 10);
    if (x === 0) break;
  }
  return m;
}

/** Wireshark's printcenter(): a label centred in a column of `width`, or the bare label, or nothing. */
function center(label: string, width: number): string {
  const len = 6 - (Math.trunc((width - label.length) / 2) + 1);
  if (len > 0 && len < 6) {
    const sp = ' '.repeat(6 - len);
    return (width - label.length) % 2 === 0 ? `${sp}${label}${sp}|` : ` ${sp}${label}${sp}|`;
  }
  if (len > 0 && len <= 15) return `${label}|`;
  return '';
}

/** The value of a cell as tshark computes it (times in µs, AVG divided). */
function cellValue(col: IoColumn, c: IoCell): number {
  if (col.calc === 'AVG') {
    const num = c.num || 1;
    if (col.kind === 'time') return Math.floor((Math.floor(c.counter / num) + 500) / 1000);
    if (col.kind === 'float') return c.counter / num;
    return Math.trunc(c.counter / num);
  }
  if (col.kind === 'time' && col.calc !== 'COUNT') return Math.floor((c.counter + 500) / 1000);
  return c.counter;
}

function timeText(us: number, width: number): string {
  return `${String(Math.floor(us / 1e6)).padStart(width)}.${String(us % 1e6).padStart(6, '0')}`;
}

/** Seconds with `prec` decimals, rounded (Wireshark's nstime_rounded + display_signed_time). */
function secsText(us: number, prec: number): string {
  const dv = 10 ** (6 - prec);
  const r = Math.round(us / dv);
  if (prec === 0) return String(r);
  return `${Math.floor(r / 10 ** prec)}.${String(r % 10 ** prec).padStart(prec, '0')}`;
}

/**
 * tshark's text. `intervalUs` as given; `intervalPrec` is the number of decimals the interval was
 * written with (tshark's invl_prec).
 */
export function writeIoColumnsText(table: IoStatTable, intervalPrec: number, out: TextSink): void {
  const cols = table.columns;
  const rows = table.result();
  const elapsed = table.durationUs;
  let duration = elapsed;
  let interval = table.intervalUs;
  const whole = interval > duration;
  if (whole) interval = duration;
  let durMag = magnitude(Math.floor(duration / 1e6), 5);
  const invlMag = magnitude(Math.floor(interval / 1e6), 5);
  let prec: number;
  let border: number;
  if (interval === duration) {
    prec = durMag >= 2 ? 1 : durMag === 1 ? 3 : 6;
    border = 30 + durMag + (prec === 0 ? 0 : prec + 1);
  } else {
    prec = intervalPrec;
    border = 25 + Math.max(invlMag, durMag) + (prec === 0 ? 0 : prec + 1);
  }
  const dv = 10 ** (6 - prec);
  if (duration % dv > 5 * (dv / 10)) {
    duration = Math.floor((duration + 5 * (dv / 10)) / dv) * dv;
    durMag = magnitude(Math.floor(duration / 1e6), 5);
  }
  if (whole) interval = duration;
  let invlColW = prec === 0 ? 2 * durMag + 8 : 2 * durMag + 2 * prec + 10;
  invlColW = Math.max(invlColW, 12);

  // Column widths from the largest value of each column.
  const fr: number[] = [];
  const val: number[] = [];
  let tab = invlColW;
  cols.forEach((c, j) => {
    const maxFrames = table.maxFrames[j]!;
    let maxVal = table.maxVals[j]!;
    if (c.kind === 'time' && c.calc !== 'COUNT' && c.calc !== 'AVG') maxVal = Math.floor((maxVal + 5e8) / 1e9);
    const nameLen = c.calc === 'FRAMES BYTES' ? 5 : c.calc.length;
    if (c.calc === 'FRAMES' || c.calc === 'FRAMES BYTES') {
      fr[j] = Math.max(6, magnitude(maxFrames, 15));
      tab += fr[j]! + 3;
      if (c.calc === 'FRAMES BYTES') {
        val[j] = Math.max(5, magnitude(maxVal, 15));
        tab += val[j]! + 3;
      }
      return;
    }
    if (c.calc === 'BYTES' || c.calc === 'COUNT') val[j] = Math.max(5, magnitude(maxVal, 15));
    else if (c.kind === 'float' || c.kind === 'time') val[j] = magnitude(maxVal, 15) + 7;
    else val[j] = Math.max(nameLen, magnitude(maxVal, 15));
    tab += val[j]! + 3;
  });
  border = Math.max(border, tab);
  const maxFilter = Math.max(0, ...cols.map((c) => (c.spec === null ? 26 : c.spec.length + 11)));
  if (maxFilter > border && border < 102) border = Math.min(maxFilter, 102);
  if (border - tab === 1) border++;
  const filler = tab < border ? '|'.padStart(border - tab) : '';
  const pad = (s: string) => s + '|'.padStart(Math.max(1, border - s.length));

  let o = `\n${'='.repeat(border)}\n|${' IO Statistics'.padEnd(border - 2)}|\n|${''.padEnd(border - 2)}|\n`;
  const durPrec = prec === 0 ? 6 : prec;
  const durW = magnitude(Math.floor(elapsed / 1e6), 5) + (prec === 0 ? 0 : prec + 1);
  o += pad(`| Duration: ${secsText(elapsed, durPrec).padStart(durW)} secs`) + '\n';
  o += pad(`| Interval: ${secsText(interval, prec).padStart(durW)} secs`) + '\n';
  o += `|${''.padEnd(border - 2)}|\n`;
  cols.forEach((c, j) => {
    let line = j === 0 ? `| Col ${j + 1}: ` : `|    ${String(j + 1).padStart(2)}: `;
    if (c.spec === null) line += 'Frames and bytes';
    else {
      let f = c.spec;
      const maxW = border - 11;
      while (f.length > maxW) {
        const sp = f.lastIndexOf(' ', maxW - 1);
        const len = sp > 0 ? sp : maxW;
        o += pad(line + f.slice(0, len)) + '\n';
        line = '|         ';
        f = f.slice(sp > 0 ? len + 1 : len);
      }
      line += f;
    }
    o += pad(line) + '\n';
  });
  o += `|-${'-'.repeat(border - 3)}|\n`;

  // Column numbers, then labels.
  o += '|' + '|'.padStart(invlColW - 1);
  cols.forEach((c, j) => {
    const w = c.calc === 'FRAMES BYTES' ? fr[j]! + val[j]! + 3 : c.calc === 'FRAMES' ? fr[j]! : val[j]!;
    o += `${String(j + 1).padEnd(2)}${' '.repeat(w)}|`;
  });
  o += filler + '\n';
  o += '| Interval' + '|'.padStart(invlColW - 10);
  cols.forEach((c, j) => {
    if (c.calc === 'FRAMES') o += center('FRAMES', fr[j]!);
    else if (c.calc === 'FRAMES BYTES') o += center('Frames', fr[j]!) + center('Bytes', val[j]!);
    else o += center(c.calc, val[j]!);
  });
  o += filler + `\n|-${'-'.repeat(tab - 3)}|${filler}\n`;
  out.write(o);

  for (let t = 0, k = 0; t < duration; t += interval, k++) {
    let end = t + interval;
    const last = end >= duration;
    if (last) end = duration;
    let line: string;
    const s = (us: number) => String(Math.floor(us / 1e6)).padStart(durMag);
    if (prec === 0) {
      if (last) line = `| ${durMag === 1 ? ' ' : ''}${s(t)} <> ${'Dur'.padEnd(durMag >= 3 ? durMag + 1 : 3)}|`;
      else line = durMag === 1 ? `|  ${s(t)} <> ${s(end)}  |` : `| ${s(t)} <> ${s(end)} |`;
    } else {
      const fracOf = (us: number) => String(Math.floor((us % 1e6) / dv)).padStart(prec, '0');
      line = `| ${s(t)}.${fracOf(t)} <> ${s(end)}.${fracOf(end)} |`;
    }
    const row = rows[k];
    cols.forEach((c, j) => {
      const cell = row?.cells[j] ?? { frames: 0, counter: 0, num: 0 };
      if (c.calc === 'FRAMES') line += ` ${String(cell.frames).padStart(fr[j]!)} |`;
      else if (c.calc === 'FRAMES BYTES') line += ` ${String(cell.frames).padStart(fr[j]!)} | ${String(cell.counter).padStart(val[j]!)} |`;
      else if (c.calc === 'BYTES' || c.calc === 'COUNT') line += ` ${String(cell.counter).padStart(val[j]!)} |`;
      else {
        const v = cellValue(c, cell);
        if (c.kind === 'time') line += ` ${timeText(v, val[j]! - 7)} |`;
        else if (c.kind === 'float') line += ` ${v.toFixed(6).padStart(val[j]! - 7)} |`;
        else line += ` ${String(v).padStart(val[j]!)} |`;
      }
    });
    out.write(line + filler + '\n');
  }
  out.write(`${'='.repeat(border)}\n`);
  if (table.beyondFrames) out.write(`(${table.beyondFrames} frames, ${table.beyondBytes} bytes later than ${IO_LIMITS.maxIntervals} intervals are not in the table)\n`);
}

/** `--json`: per interval `{"start","end","values":[...]}`, a value per column (`{frames, bytes}` for frames-and-bytes columns; times in seconds). */
export function writeIoColumnsJson(table: IoStatTable, out: TextSink): void {
  const iv = table.intervalUs;
  for (const r of table.result()) {
    const values = table.columns.map((c, j) => {
      const cell = r.cells[j]!;
      if (c.calc === 'FRAMES') return cell.frames;
      if (c.calc === 'FRAMES BYTES') return { frames: cell.frames, bytes: cell.counter };
      if (c.calc === 'BYTES' || c.calc === 'COUNT') return cell.counter;
      const v = cellValue(c, cell);
      return c.kind === 'time' ? v / 1e6 : v;
    });
    out.write(JSON.stringify({ start: (r.index * iv) / 1e6, end: ((r.index + 1) * iv) / 1e6, values }) + '\n');
  }
  if (table.beyondFrames) out.write(JSON.stringify({ beyond: true, limit: IO_LIMITS.maxIntervals, frames: table.beyondFrames, bytes: table.beyondBytes }) + '\n');
}

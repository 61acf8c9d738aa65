/**
 * Frame-by-frame agreement with tshark 4.0 over every capture of ../shared/corpus/public that has
 * an oracle. Every difference must be listed, with its reason, in docs/conformance.md; a new or
 * unexplained difference fails the test.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compareCapture, corpusPresent, readIndex, repoRoot, type Difference } from './oracle.js';

/** The fields of the foundation issue (link to transport). */
export const FOUNDATION_FIELDS = [
  'frame.number',
  'frame.time_epoch',
  'frame.len',
  'frame.cap_len',
  'eth.src',
  'eth.dst',
  'eth.type',
  'vlan.id',
  'arp.opcode',
  'arp.src.proto_ipv4',
  'arp.dst.proto_ipv4',
  'ip.src',
  'ip.dst',
  'ip.proto',
  'ip.ttl',
  'ip.id',
  'ip.flags.df',
  'ip.flags.mf',
  'ip.frag_offset',
  'ip.checksum.status',
  'ipv6.src',
  'ipv6.dst',
  'icmp.type',
  'icmp.code',
  'icmp.seq',
  'icmp.mtu',
  'udp.srcport',
  'udp.dstport',
  'udp.length',
  'tcp.srcport',
  'tcp.dstport',
  'tcp.stream',
  'tcp.seq',
  'tcp.seq_raw',
  'tcp.ack',
  'tcp.ack_raw',
  'tcp.len',
  'tcp.flags',
  'tcp.window_size_value',
  'tcp.window_size',
  'tcp.options.mss_val',
  'tcp.options.wscale.shift',
  '_ws.col.Protocol',
  '_ws.col.Info',
] as const;

interface KnownRow {
  capture: string;
  frames: Set<number> | '*';
  field: string;
  reason: string;
}

/** Parses the table of docs/conformance.md between the `<!-- differences -->` markers. */
function knownDifferences(): KnownRow[] {
  const doc = readFileSync(join(repoRoot, 'docs/conformance.md'), 'utf8');
  const m = /<!-- differences:begin -->([\s\S]*?)<!-- differences:end -->/.exec(doc);
  if (!m) return [];
  const rows: KnownRow[] = [];
  for (const line of m[1]!.split('\n')) {
    const cells = line.split('|').map((c) => c.trim());
    if (cells.length < 6 || cells[1] === 'capture' || cells[1]!.startsWith('---')) continue;
    const [, capture, frames, field, reason] = cells;
    const set = new Set<number>();
    if (frames !== '*') {
      for (const part of frames!.split(',')) {
        const [a, b] = part.split('-').map(Number);
        for (let f = a!; f <= (b ?? a!); f++) set.add(f);
      }
    }
    rows.push({ capture: capture!.replace(/`/g, ''), frames: frames === '*' ? '*' : set, field: field!.replace(/`/g, ''), reason: reason! });
  }
  return rows;
}

function explained(d: Difference, known: KnownRow[]): boolean {
  return known.some((k) => (k.capture === d.capture || k.capture === '*') && (k.field === d.field || k.field === '*') && (k.frames === '*' || k.frames.has(d.frame)));
}

describe.skipIf(!corpusPresent)('conformance with tshark 4.0 over ../shared/corpus (skipped: ../shared/corpus missing)', () => {
  it('agrees frame by frame on every foundation field, or the difference is documented', async () => {
    const index = readIndex().filter((e) => !e.path.includes('malformed/'));
    const known = knownDifferences();
    const totals = new Map<string, { total: number; agree: number }>();
    const unexplained: Difference[] = [];
    const frameMismatch: string[] = [];
    for (const entry of index) {
      const r = await compareCapture(entry.path, FOUNDATION_FIELDS);
      if (r.framesOurs !== r.framesOracle) frameMismatch.push(`${entry.path}: ours ${r.framesOurs} frames, tshark ${r.framesOracle}${r.error ? ` (${r.error})` : ''}`);
      for (const [f, c] of r.compared) {
        const t = totals.get(f) ?? { total: 0, agree: 0 };
        t.total += c.total;
        t.agree += c.agree;
        totals.set(f, t);
      }
      for (const d of r.differences) if (!explained(d, known)) unexplained.push(d);
    }
    const table = [...totals].map(([f, t]) => `${f.padEnd(28)} ${String(t.agree).padStart(7)}/${String(t.total).padEnd(7)} ${((100 * t.agree) / t.total).toFixed(3)}%`);
    console.log(`per-field agreement with tshark over ${index.length} captures:\n${table.join('\n')}`);
    expect(frameMismatch).toEqual([]);
    const sample = unexplained.slice(0, 40).map((d) => `${d.capture} #${d.frame} ${d.field}: ours ${JSON.stringify(d.ours)} tshark ${JSON.stringify(d.tshark)}`);
    expect(sample, `${unexplained.length} undocumented differences (first 40 shown)`).toEqual([]);
  }, 600_000);
});

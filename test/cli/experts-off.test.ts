/**
 * A read that collects no experts and keeps no tree (statistics that read only the TCP tap:
 * `stats conv|endpoints|io`; the one-line summary and -q, which print no field) skips what only
 * feeds them (IPv4 header checksums, the TCP options' details, the experts themselves) and must
 * hand the tap exactly what a full read hands it, and print the same summary lines.
 */
import { readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { unreadProtocols } from '../../src/cli/conv-stats.js';
import { dissectFile } from '../../src/pipeline/index.js';
import { TCP_TAP, type TcpTapRecord } from '../../src/dissectors/tcp/tap.js';
import { tap } from '../../src/pipeline/index.js';
import { corpusPresent, corpusRoot } from '../conformance/oracle.js';
import { describeCorpusMissing } from '../corpus.js';
import { newTimeContext, summaryLine } from '../../src/render/output.js';

const root = resolve(import.meta.dirname, '../..');

async function read(file: string, experts: boolean): Promise<{ taps: string[]; experts: number }> {
  const taps: string[] = [];
  let count = 0;
  const listener = tap(TCP_TAP, (r: TcpTapRecord) => {
    const { addrBytes: _bytes, ...rest } = r;
    taps.push(JSON.stringify(rest));
  });
  await dissectFile(file, { columns: false, twoPass: false, count: 0, fields: [], periodicGc: false, disabledProtocols: unreadProtocols(), experts, reuseFrames: true, taps: [listener] }, (pkt) => {
    count += pkt.expert.length;
  });
  return { taps, experts: count };
}

// Without the corpus these suites run on the fixtures alone: in CI that is a failure.
if (!corpusPresent) describeCorpusMissing('a read without experts (the corpus captures)');
describe('a read without experts', () => {
  const files = [resolve(root, 'fixtures/synthetic.pcapng')];
  // Real captures (retransmissions, SACK, resets, large segments), when the corpus is beside us.
  if (corpusPresent) for (const f of ['filesamples/200722_tcp_anon.pcapng', 'tcpdump/ssh.pcap', 'suricata-verify/bug-3616-smtp/input.pcap', 'suricata-verify/tcp-empty-sack/tcp-opt.pcap']) files.push(resolve(corpusRoot, 'public', f));

  it.each(files)('gives the TCP tap the same records as a full read, and collects no experts (%s)', async (file) => {
    const full = await read(file, true);
    const lean = await read(file, false);
    expect(full.taps.length).toBeGreaterThan(0);
    expect(full.experts).toBeGreaterThan(0);
    expect(lean.experts).toBe(0);
    expect(lean.taps).toEqual(full.taps);
  });
});

/** The one-line summary of every frame (two passes, as `read` prints it), with or without experts. */
async function summary(file: string, experts: boolean): Promise<string[]> {
  const lines: string[] = [];
  const time = newTimeContext('r', 6);
  await dissectFile(file, { columns: true, twoPass: true, count: 0, fields: [], experts }, (pkt) => {
    lines.push(summaryLine(pkt, time));
  }).catch(() => undefined);
  return lines;
}

/** Every capture under `dir`. */
function capturesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && /\.(pcap|pcapng|cap)$/.test(e.name))
    .map((e) => join(e.parentPath, e.name))
    .sort();
}

if (!corpusPresent) describeCorpusMissing('the one-line summary without experts (the corpus captures)');
describe.runIf(corpusPresent)('the one-line summary without experts', () => {
  // The corpus's malformed and truncated captures: where an Info text says what the experts say
  // ("[Malformed Packet]", a DNS message's "[Packet size limited during capture]").
  const files = corpusPresent ? capturesUnder(resolve(corpusRoot, 'public/malformed')) : [];

  it('is the summary with experts, line for line, on every malformed capture of the corpus', async () => {
    expect(files.length).toBeGreaterThan(50);
    let marked = 0;
    for (const f of files) {
      const full = await summary(f, true);
      const lean = await summary(f, false);
      expect(lean, f).toEqual(full);
      marked += full.filter((l) => l.includes('[Malformed Packet]') || l.includes('[Packet size limited during capture]')).length;
    }
    // The captures do exercise the texts that came from the expert list.
    expect(marked).toBeGreaterThan(20);
  }, 120_000);
});

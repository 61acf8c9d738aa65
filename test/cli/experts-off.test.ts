/**
 * A read that collects no experts and keeps no tree (statistics that read only the TCP tap:
 * `stats conv|endpoints|io`) skips what only feeds them (IPv4 header checksums, the TCP options'
 * details, the experts themselves) and must hand the tap exactly what a full read hands it.
 */
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { unreadProtocols } from '../../src/cli/conv-stats.js';
import { dissectFile } from '../../src/pipeline/index.js';
import { TCP_TAP, type TcpTapRecord } from '../../src/dissectors/tcp/tap.js';
import { tap } from '../../src/pipeline/index.js';
import { corpusPresent, corpusRoot } from '../conformance/oracle.js';
import { describeCorpusMissing } from '../corpus.js';

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

/**
 * `wirelite stats FILE expert`: the non-TCP expert items, against live `tshark -n -2 -q -z expert`
 * (tshark 4.0; the test fails, not skips, without it), row for row and count for count, on corpus
 * captures where tshark reports them: Ethernet's "Source MAC must not be a group address" and the
 * ethertype dissector's "Didn't find padding of zeros, and an undecoded trailer exists" (the 14
 * Notes of smtp.pcap that wirelite lacked: it listed 10 Notes where tshark lists 24).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { corpusPresent, corpusRoot } from '../conformance/oracle.js';
import { describeCorpusMissing } from '../corpus.js';
import { expertRows } from './expert-rows.js';

const root = resolve(import.meta.dirname, '../..');
const bin = join(root, 'bin/wirelite');
const scratch = mkdtempSync(join(tmpdir(), 'wl-expert-test-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

beforeAll(() => {
  expect(spawnSync('tshark', ['--version']).status, 'tshark must be installed (apt-get install tshark)').toBe(0);
});

/** The protocols whose every expert row wirelite must give as tshark does. */
const PROTOCOLS = ['Ethernet', 'Ethertype'];
const ours = (m: Map<string, number>) => new Map([...m].filter(([k]) => PROTOCOLS.includes(k.split('|')[2]!)));

const CASES = [
  'zeek/smtp.pcap',
  'zeek/http/206_example_a.pcap',
  'zeek/arp-who-has.pcap',
  'zeek/dns/dns_notify2.pcap',
  'tcpdump/pptp.pcap',
  'suricata-verify/detect-vlan-id/input.pcap',
  'pcapplusplus/Packet++Test/PacketExamples/packet_trailer.pcap',
  'pcapplusplus/Pcap++Test/PcapExamples/one_tcp_stream.pcap',
  'malformed/suricata-verify/output-eve-anomaly-packethdr/anomaly.pcap',
];

if (!corpusPresent) describeCorpusMissing('stats expert beside tshark on the corpus');
describe.skipIf(!corpusPresent).each(CASES)('stats %s expert beside tshark -2 -z expert (SKIPPED: ../shared/corpus missing when absent)', (name) => {
  it(`gives tshark's ${PROTOCOLS.join('/')} rows, count for count`, () => {
    const file = join(corpusRoot, 'public', name);
    const theirs = ours(expertRows(execFileSync('tshark', ['-n', '-2', '-q', '-r', file, '-z', 'expert'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], env: { ...process.env, WIRESHARK_CONFIG_DIR: scratch } })));
    const r = spawnSync(bin, ['stats', file, 'expert'], { encoding: 'utf8' });
    expect(r.status).toBe(0);
    expect(theirs.size).toBeGreaterThan(0);
    expect(ours(expertRows(r.stdout))).toEqual(theirs);
  });
});

it.skipIf(!corpusPresent)('smtp.pcap: the Notes block counts 24, as tshark\'s', () => {
  const r = spawnSync(bin, ['stats', join(corpusRoot, 'public/zeek/smtp.pcap'), 'expert'], { encoding: 'utf8' });
  expect(r.stdout).toMatch(/\nNotes \(24\)\n/);
});

/** Per frame, how often `text` occurs in the Info column and among the expert messages. */
function perFrame(cmd: string, args: string[], text: string): Map<number, { info: number; expert: number }> {
  const out = execFileSync(cmd, args, { encoding: 'utf8', maxBuffer: 1 << 28, stdio: ['ignore', 'pipe', 'ignore'], env: { ...process.env, WIRESHARK_CONFIG_DIR: scratch } });
  const m = new Map<number, { info: number; expert: number }>();
  for (const line of out.split('\n')) {
    const [n, info = '', experts = ''] = line.split('\t');
    if (!n) continue;
    m.set(Number(n), { info: info.split(text).length - 1, expert: experts.split(text).length - 1 });
  }
  return m;
}

describe.skipIf(!corpusPresent)('TLS "Ignored Unknown Record" (Warn, Protocol) beside tshark -2 (SKIPPED: ../shared/corpus missing when absent)', () => {
  it.each(['pcapplusplus/ExamplesTest/pcap_examples/tls2.pcap', 'suricata-verify/tls/tls-subjectaltname/input.pcap'])('%s: on every frame both Info columns name, as many expert items as tshark gives', (name) => {
    const file = join(corpusRoot, 'public', name);
    const text = 'Ignored Unknown Record';
    const fields = ['-T', 'fields', '-e', 'frame.number', '-e', '_ws.col.Info', '-e', '_ws.expert.message', '-E', 'occurrence=a'];
    const theirs = perFrame('tshark', ['-n', '-2', '-r', file, ...fields], text);
    const mine = perFrame(bin, ['read', file, ...fields], text);
    let both = 0;
    for (const [n, t] of theirs) {
      const o = mine.get(n);
      if (!t.info || !o?.info) continue;
      both++;
      expect({ frame: n, expert: o.expert }).toEqual({ frame: n, expert: t.expert });
    }
    expect(both).toBeGreaterThan(50);
    // wirelite's expert rows count the records its Info names (the frames where the two Info columns differ are a TLS dissection difference).
    const rows = expertRows(spawnSync(bin, ['stats', file, 'expert'], { encoding: 'utf8' }).stdout);
    expect(rows.get(`Warns|Protocol|TLS|${text}`)).toBe([...mine.values()].reduce((s, v) => s + v.info, 0));
  });
});

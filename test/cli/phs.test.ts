/**
 * `wirelite stats FILE phs` against live `tshark -n -q -z io,phs` (tshark 4.0; the test fails, not
 * skips, without it): byte for byte on corpus captures whose protocols wirelite
 * all dissects (DNS/mDNS/LLMNR, TLS over IPv4/IPv6, SLL, BSD loopback, VLAN and QinQ, IPv4 and
 * IPv6 fragments, ICMP/ICMPv6/ARP, malformed packets); then `--json`.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { corpusPresent, corpusRoot } from '../conformance/oracle.js';
import { describeCorpusMissing } from '../corpus.js';

const root = resolve(import.meta.dirname, '../..');
const bin = join(root, 'bin/wirelite');
const scratch = mkdtempSync(join(tmpdir(), 'wl-phs-test-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function wl(args: string[]) {
  const r = spawnSync(bin, args, { cwd: root, encoding: 'utf8' });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

function tsharkPhs(file: string): string {
  return execFileSync('tshark', ['-n', '-q', '-r', file, '-z', 'io,phs'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], env: { ...process.env, WIRESHARK_CONFIG_DIR: scratch } });
}

beforeAll(() => {
  expect(spawnSync('tshark', ['--version']).status, 'tshark must be installed (apt-get install tshark)').toBe(0);
});

const CORPUS = [
  'pcapplusplus/Pcap++Test/PcapExamples/DnsPackets.pcap',
  'pcapplusplus/Packet++Test/PacketExamples/tls1_3.pcap',
  'pcapplusplus/Pcap++Test/PcapExamples/ip6_fragments.pcap',
  'pcapplusplus/Pcap++Test/PcapExamples/frag_with_padding.pcap',
  'pcapplusplus/Packet++Test/PacketExamples/QinQ_802.1_AD.pcapng',
  'pcapplusplus/Pcap++Test/PcapExamples/sll2.pcap',
  'illustrated-tls13/captures/capture.pcap',
  'suricata-verify/decode-arp-2/arp.pcap',
  'malformed/zeek/dns-edns-ecs-bad.pcap',
  'malformed/zeek/icmp/icmp6-nd-short-options.pcap',
  'filesamples/200722_tcp_anon.pcapng',
];

// Not the fixtures: loopback.pcap holds HTTP (tshark: http, tcp.segments), synthetic.pcapng a TCP
// segment cut by the snap length (wirelite: data under it, tshark: none).
if (!corpusPresent) describeCorpusMissing('stats phs beside tshark on the corpus');
describe.skipIf(!corpusPresent).each(CORPUS.map((p) => join(corpusRoot, 'public', p)))('stats %s phs beside tshark -q -z io,phs (SKIPPED: ../shared/corpus missing when absent)', (file) => {
  it('prints the same text, byte for byte', () => {
    const r = wl(['stats', file, 'phs']);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toBe(tsharkPhs(file));
  });
});

describe.skipIf(!corpusPresent)('stats phs on the corpus (SKIPPED: ../shared/corpus missing when absent)', () => {
  it('the cases cover nesting deeper than four levels, several protocols at one level and malformed packets', () => {
    const all = CORPUS.map((p) => tsharkPhs(join(corpusRoot, 'public', p))).join('');
    expect(all).toMatch(/\n {8}\S+ +frames:/);
    expect(all).toContain('_ws.malformed');
    for (const p of ['dns', 'mdns', 'llmnr', 'tls', 'sll', 'null', 'vlan', 'ieee8021ad', 'ipv6', 'icmpv6', 'arp', 'data']) expect(all, p).toMatch(new RegExp(`\\n *${p} +frames:`));
  });
});

describe('stats FILE phs --json', () => {
  it('one object per row, in the text order, with typed numbers and the path', () => {
    const file = join(root, 'fixtures/synthetic.pcapng');
    const r = wl(['stats', file, 'phs', '--json']);
    expect(r.code).toBe(0);
    const objs = r.out.trim().split('\n').map((l) => JSON.parse(l) as { protocol: string; depth: number; path: string[]; frames: number; bytes: number });
    const text = wl(['stats', file, 'phs']).out.split('\n').filter((l) => / frames:\d+ bytes:\d+$/.test(l));
    expect(objs.length).toBe(text.length);
    objs.forEach((o, i) => {
      expect(text[i]).toBe(`${(' '.repeat(2 * o.depth) + o.protocol).padEnd(40)} frames:${o.frames} bytes:${o.bytes}`);
      expect(o.path.length).toBe(o.depth + 1);
      expect(o.path[o.depth]).toBe(o.protocol);
    });
    // The outermost rows add up to every frame of the file (tshark's count).
    const frames = Number(execFileSync('capinfos', ['-c', '-M', file], { encoding: 'utf8' }).match(/Number of packets:\s+(\d+)/)![1]);
    expect(objs.filter((o) => o.depth === 0).reduce((n, o) => n + o.frames, 0)).toBe(frames);
  });
});

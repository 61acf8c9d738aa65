/**
 * `read -T fields` of header fields only (frame, Ethernet, IP, IPv6, TCP ports and raw numbers,
 * UDP: read's HEADER_FIELDS) is one pass without the application protocols. It must print, byte for
 * byte, what the two passes with everything dissected print: the same command with one field more
 * (frame.protocols, which needs every protocol) takes that path, and its other columns are compared.
 * The captures bring IPv4 and IPv6 fragments, ICMP and ICMPv6 errors quoting TCP and UDP, TCP
 * retransmissions, DNS over TCP, TLS and HTTP, stacked VLANs. The five fields of bench/real.mjs are
 * compared with tshark 4.0 run live too.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { corpusFile, corpusPresent, itCorpusMissing, itMissing, repoRoot } from '../corpus.js';

const bin = join(repoRoot, 'bin/wirelite');

function run(cmd: string, args: string[]): { code: number | null; out: string; err: string } {
  const r = spawnSync(cmd, args, { cwd: repoRoot, encoding: 'utf8', maxBuffer: 1 << 28 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

const HEADER = [
  'frame.number', 'frame.time_relative', 'frame.time_delta', 'frame.len', 'frame.cap_len', 'eth.src', 'eth.dst', 'eth.type',
  'ip.src', 'ip.dst', 'ip.addr', 'ip.proto', 'ip.ttl', 'ip.len', 'ip.id', 'ip.hdr_len', 'ipv6.src', 'ipv6.dst', 'ipv6.nxt', 'ipv6.plen', 'ipv6.hlim',
  'tcp.srcport', 'tcp.dstport', 'tcp.port', 'tcp.len', 'tcp.flags', 'tcp.seq_raw', 'tcp.ack_raw', 'tcp.hdr_len', 'tcp.window_size_value',
  'udp.srcport', 'udp.dstport', 'udp.port', 'udp.length',
];
const BENCH = ['frame.number', 'ip.src', 'ip.dst', 'tcp.srcport', 'tcp.dstport'];
const e = (fields: string[]) => fields.flatMap((f) => ['-e', f]);

/** The header-only read and the full read (one more column, dropped) print the same. */
function sameAsFull(file: string, fields: string[], extra: string[] = []): void {
  const fast = run(bin, ['read', file, '-T', 'fields', ...e(fields), ...extra]);
  const full = run(bin, ['read', file, '-T', 'fields', ...e(fields), '-e', 'frame.protocols', ...extra]);
  expect(fast.code, `${file}: exit code`).toBe(full.code);
  expect(fast.err, `${file}: stderr`).toBe(full.err);
  const dropLast = full.out.split('\n').map((l) => (l === '' ? l : l.slice(0, l.lastIndexOf('\t')))).join('\n');
  expect(fast.out.split('\n').length, `${file}: lines`).toBeGreaterThan(1);
  expect(fast.out === dropLast, `${file} ${extra.join(' ')}: stdout differs from the full read's`).toBe(true);
}

const FIXTURES = ['fixtures/loopback.pcap', 'fixtures/synthetic.pcapng', 'fixtures/tls.pcap'];
const CORPUS = [
  'zeek/ipv4/fragmented-4.pcap',
  'zeek/ipv6-fragmented-dns.pcap',
  'zeek/icmp/icmp-timeexceeded.pcap',
  'zeek/icmp/icmp-destunreach-udp.pcap',
  'zeek/icmp/icmp6-destunreach-ip6ext-udp.pcap',
  'zeek/tcp/retransmit-fast009.pcap',
  'zeek/vlan-qinqinq.pcap',
  'tcpdump/dns_tcp.pcap',
  'zeek/tls/tls1.2.pcap',
  'pcapplusplus/ExamplesTest/pcap_examples/many-protocols.pcap',
];

describe('read -T fields of header fields only (one pass, no application protocols)', () => {
  it('prints what the full two-pass read prints, on the fixtures', () => {
    for (const f of FIXTURES) {
      sameAsFull(join(repoRoot, f), HEADER);
      sameAsFull(join(repoRoot, f), BENCH, ['--threads', '2']);
    }
  }, 120_000);

  if (corpusPresent) {
    it('prints what the full two-pass read prints, on real captures', () => {
      for (const f of CORPUS) {
        sameAsFull(corpusFile(f), HEADER);
        sameAsFull(corpusFile(f), BENCH, ['-E', 'occurrence=f']);
      }
    }, 300_000);
  } else itCorpusMissing();

  const tshark = spawnSync('tshark', ['--version'], { encoding: 'utf8' }).status === 0;
  if (tshark) {
    it('prints what tshark 4.0 prints for bench/real.mjs five fields', () => {
      const files = [...FIXTURES.map((f) => join(repoRoot, f)), ...(corpusPresent ? CORPUS.map(corpusFile) : [])];
      for (const f of files) {
        const ours = run(bin, ['read', f, '-T', 'fields', ...e(BENCH)]);
        const theirs = run('tshark', ['-n', '-2', '-r', f, '-T', 'fields', ...e(BENCH)]);
        expect(ours.out === theirs.out, `${f}: stdout differs from tshark's`).toBe(true);
      }
    }, 300_000);
  } else itMissing('SKIPPED: tshark 4.0 not installed (CI installs it)');
});

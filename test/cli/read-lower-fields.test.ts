/**
 * `read -T fields` of fields of the layers below the application protocols only (read's
 * LOWER_FIELDS: TCP relative numbers, tcp.stream, analysis, ICMP pairing, IP "reassembled in") is
 * two passes with DNS, TLS and HTTP dissected in neither. It must print, byte for byte, what the
 * two passes with everything dissected print: the same command with one field more
 * (frame.protocols, which needs every protocol) takes that path, and its other columns are
 * compared. The captures bring TLS and HTTP over reassembled TCP, retransmissions and lost
 * segments, DNS over TCP, IPv4 and IPv6 fragments, ICMP echoes and errors quoting TCP and UDP.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { corpusFile, corpusPresent, itCorpusMissing, repoRoot } from '../corpus.js';

const bin = join(repoRoot, 'bin/wirelite');

function run(args: string[]): { code: number | null; out: string; err: string } {
  const r = spawnSync(bin, args, { cwd: repoRoot, encoding: 'utf8', maxBuffer: 1 << 28 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

const TCP = [
  'frame.number', 'tcp.stream', 'tcp.seq', 'tcp.ack', 'tcp.nxtseq', 'tcp.len', 'tcp.window_size', 'tcp.window_size_scalefactor',
  'tcp.analysis.flags', 'tcp.analysis.ack_rtt', 'tcp.analysis.acks_frame', 'tcp.analysis.bytes_in_flight', 'tcp.analysis.initial_rtt',
  'tcp.analysis.push_bytes_sent', 'tcp.analysis.retransmission', 'tcp.analysis.duplicate_ack_num', 'tcp.time_relative', 'tcp.time_delta',
];
const OTHER = [
  'frame.number', 'ip.reassembled_in', 'ipv6.reassembled.in', 'icmp.resp_in', 'icmp.resp_to', 'icmp.resptime', 'icmpv6.resp_in',
  'icmpv6.resptime', 'udp.checksum.status', 'tcp.checksum.status', 'tcp.options.timestamp.tsval', 'eth.src',
];
const e = (fields: string[]) => fields.flatMap((f) => ['-e', f]);

/** The lower-layer read and the full read (one more column, dropped) print the same. */
function sameAsFull(file: string, fields: string[], extra: string[] = []): void {
  const light = run(['read', file, '-T', 'fields', ...e(fields), ...extra]);
  const full = run(['read', file, '-T', 'fields', ...e(fields), '-e', 'frame.protocols', ...extra]);
  expect(light.code, `${file}: exit code`).toBe(full.code);
  expect(light.err, `${file}: stderr`).toBe(full.err);
  const dropLast = full.out.split('\n').map((l) => (l === '' ? l : l.slice(0, l.lastIndexOf('\t')))).join('\n');
  expect(light.out.split('\n').length, `${file}: lines`).toBeGreaterThan(1);
  expect(light.out === dropLast, `${file} ${extra.join(' ')}: stdout differs from the full read's`).toBe(true);
}

const FIXTURES = ['fixtures/loopback.pcap', 'fixtures/synthetic.pcapng', 'fixtures/tls.pcap'];
const CORPUS = [
  'zeek/tls/tls1.2.pcap',
  'zeek/tcp/retransmit-fast009.pcap',
  'zeek/wikipedia.pcap',
  'zeek/ipv4/fragmented-4.pcap',
  'zeek/ipv6-fragmented-dns.pcap',
  'zeek/icmp/5-pings.pcap',
  'zeek/icmp/icmp-timeexceeded.pcap',
  'zeek/icmp/icmp-destunreach-udp.pcap',
  'zeek/icmp/icmp6-destunreach-ip6ext-udp.pcap',
  'tcpdump/dns_tcp.pcap',
  'pcapplusplus/ExamplesTest/pcap_examples/many-protocols.pcap',
];

describe('read -T fields of lower-layer fields (two passes, no application protocols)', () => {
  it('prints what the full two-pass read prints, on the fixtures', () => {
    for (const f of FIXTURES) {
      sameAsFull(join(repoRoot, f), TCP);
      sameAsFull(join(repoRoot, f), OTHER, ['-E', 'occurrence=f']);
    }
  }, 120_000);

  if (corpusPresent) {
    it('prints what the full two-pass read prints, on real captures', () => {
      for (const f of CORPUS) {
        sameAsFull(corpusFile(f), TCP);
        sameAsFull(corpusFile(f), OTHER);
      }
    }, 300_000);
  } else itCorpusMissing();
});

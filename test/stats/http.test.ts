/**
 * `stats FILE http [req|srv]` against tshark 4.0 run live: the three HTTP stats trees (`-z
 * http,tree`, `-z http_req,tree`, `-z http_srv,tree`) byte for byte over the corpus captures with
 * HTTP, unfiltered and with display filters (tshark's filter in the tap's argument, as the other
 * statistics: test/stats/display-filter.test.ts), and the command's text and JSON.
 *
 * Captures whose HTTP dissection has a documented difference from tshark's
 * (test/conformance/http-live.test.ts EXCEPTIONS: snapshot-cut segments, capture gaps, binary
 * continuation read as headers) are left out of the tree comparison: there the counts differ
 * because the messages do.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collectHttpStats, httpTreeText } from '../../src/cli/http-stats.js';
import { compileOption } from '../../src/filter/cli.js';
import type { HttpTreeName } from '../../src/stats/http.js';
import { corpusPublic, itCorpusMissing, repoRoot } from '../corpus.js';

const bin = join(repoRoot, 'bin/wirelite');
const scratch = mkdtempSync(join(tmpdir(), 'wl-http-stats-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** Corpus captures with HTTP whose messages wirelite dissects as tshark does. */
const CAPTURES = [
  'filesamples/simple_http.pcap', 'filesamples/simple_http_sll2.pcap', 'tcpdump/accecn_handshake.pcap', 'tcpdump/ipv4_tcp_http_xml.pcap',
  'tcpdump/print-flags.pcap', 'suricata-verify/bug-4376/syn_retransmit_with_ts.pcap', 'suricata-verify/http-mime-truncated/input.pcap',
  'suricata-verify/decode-sll2-02/input.pcap', 'suricata-verify/decode-sll2-01/input.pcap', 'pcapplusplus/Packet++Test/PacketExamples/TcpPacketWithOptions.pcap',
  'pcapplusplus/Pcap++Test/PcapExamples/sll.pcap', 'pcapplusplus/Pcap++Test/PcapExamples/one_tcp_stream.pcap', 'pcapplusplus/Pcap++Test/PcapExamples/nanosecs_big_endian.pcap',
  'pcapplusplus/Pcap++Test/PcapExamples/frag_http_req.pcap', 'zeek/http-qinq-0.pcap', 'zeek/tcp/retransmit-timeout.pcapng', 'zeek/tcp/tcp-fast-open.pcap',
  'zeek/tcp/payload-syn.pcap', 'zeek/tcp/options.pcap', 'zeek/tcp/qi_internet_SYNACK_curl_jsonip.pcap', 'zeek/tcp/missing-syn.pcap', 'zeek/tcp/handshake-reorder.pcap',
  'zeek/wikipedia.pcap', 'zeek/http/206_example_b.pcap', 'zeek/http/206_example_a.pcap', 'zeek/http/m57-long-49583-80.pcap', 'zeek/http-vlan-0.pcap',
  'zeek/vlan-collisions.pcap', 'zeek/vlan-qinqinq.pcap', 'gopacket/pcap/test_ethernet.pcap',
];

/** Display filters in front of the trees: frames, addresses, HTTP fields and pairing (final in two passes). */
const EXPRESSIONS = ['frame.number <= 40', 'http.response.code == 200', 'http.request', 'tcp.port == 80', 'ip.src == 10.0.0.0/8', 'http.response_in', 'not http.request.method == "GET"'];

const TREES: HttpTreeName[] = ['http', 'http_req', 'http_srv'];

const present = CAPTURES.every((c) => existsSync(join(corpusPublic, c)));

function tshark(args: string[]): string {
  // tshark exits 2 on a capture cut short; its statistics are printed all the same.
  return spawnSync('tshark', ['-n', '-2', '-q', ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], env: { ...process.env, WIRESHARK_CONFIG_DIR: scratch }, maxBuffer: 1 << 28 }).stdout;
}

async function ours(file: string, tree: HttpTreeName, expr?: string): Promise<string> {
  const { stats } = await collectHttpStats(file, tree, compileOption('-Y', expr));
  return stats.result().trees.map(httpTreeText).join('');
}

beforeAll(() => {
  expect(spawnSync('tshark', ['--version']).status, 'tshark must be installed (apt-get install tshark)').toBe(0);
});

describe('stats http: the HTTP stats trees of tshark -2 -z http,tree / http_req,tree / http_srv,tree', () => {
  if (!present) itCorpusMissing();

  it.runIf(present).each(CAPTURES)('%s', async (capture) => {
    const file = join(corpusPublic, capture);
    // One tshark run per capture: every tree unfiltered and with every expression (each -z its own tap).
    const theirs = tshark(['-r', file, ...TREES.flatMap((z) => ['-z', `${z},tree`, ...EXPRESSIONS.flatMap((e) => ['-z', `${z},tree,${e}`])])]);
    for (const z of TREES) {
      const t = await ours(file, z);
      expect(theirs.includes(t), `${z}:\n${t}`).toBe(true);
    }
    // The filters on the captures with some HTTP in both directions (the others count nothing either way).
    if (!/HTTP Response Packets +[1-9]/.test(theirs)) return;
    for (const z of TREES) {
      for (const expr of EXPRESSIONS) {
        const t = await ours(file, z, expr);
        expect(theirs.includes(t), `${z} -Y ${expr}:\n${t}`).toBe(true);
      }
    }
  });

  it.runIf(present)('the command: text as tshark plus the slowest requests, JSON lines, a bad argument is exit 1', () => {
    const file = join(corpusPublic, 'zeek/wikipedia.pcap');
    const text = spawnSync(bin, ['stats', file, 'http'], { encoding: 'utf8' });
    expect(text.status).toBe(0);
    const tree = tshark(['-r', file, '-z', 'http,tree']);
    expect(text.stdout.startsWith(tree)).toBe(true);
    // The slowest requests: response frame after request frame, times as tshark's http.time, longest first.
    const slow = [...text.stdout.slice(tree.length).matchAll(/^ +([\d.]+) +(\d+) +(\d+) +GET +(\S+)$/gm)];
    expect(slow.length).toBe(10);
    const times = tshark(['-r', file, '-Y', 'http.time', '-T', 'fields', '-e', 'frame.number', '-e', 'http.request_in', '-e', 'http.time']).trim().split('\n').map((l) => l.split('\t'));
    const longest = times.sort((a, b) => Number(b[2]) - Number(a[2])).slice(0, 10);
    expect(slow.map((m) => [m[3], m[2], m[1]])).toEqual(longest.map(([res, req, t]) => [res, req, Number(t).toFixed(6)]));
    for (const arg of ['req', 'srv']) {
      const r = spawnSync(bin, ['stats', 'http', arg, file], { encoding: 'utf8' });
      expect(r.stdout).toBe(tshark(['-r', file, '-z', `http_${arg},tree`]));
    }
    const json = spawnSync(bin, ['stats', file, 'http', '--json'], { encoding: 'utf8' });
    const rows = json.stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(rows[0]).toMatchObject({ tree: 'http', depth: 0, name: 'Total HTTP Packets', count: 30, percent: 100 });
    expect(rows.filter((r) => 'slowest' in r)).toHaveLength(10);
    const bad = spawnSync(bin, ['stats', file, 'http', 'nope'], { encoding: 'utf8' });
    expect(bad.status).toBe(1);
    expect(bad.stderr).toMatch(/unknown http statistics "nope"/);
  });
});

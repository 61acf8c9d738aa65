/**
 * `stats FILE ... -Y EXPR` against tshark 4.0, live: a display filter in front of a statistic is
 * tshark's filter in the tap's argument (`tshark -2 -q -z conv,tcp,EXPR`; tshark's own -Y does
 * not narrow -z statistics), so the tables must be byte for byte tshark's, Filter line included.
 * Each statistic is compared on the captures where its unfiltered output is already tshark's (the
 * documented differences, e.g. no HTTP dissector, stay out of this test); io compares the frames
 * and bytes of each interval with tshark's io,stat column of the same filter.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConvStats, type ConvType } from '../../src/cli/conv-stats.js';
import { IoStats } from '../../src/cli/io-stats.js';
import { DnsStats } from '../../src/cli/dns-stats.js';
import { collectPhs, writePhsText } from '../../src/cli/phs-stats.js';
import { compileOption } from '../../src/filter/cli.js';
import { corpusRoot, repoRoot } from '../conformance/oracle.js';
import { itCorpusMissing } from '../corpus.js';

const bin = join(repoRoot, 'bin/wirelite');
const scratch = mkdtempSync(join(tmpdir(), 'wl-stats-filter-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const CAPTURES = [
  'public/zeek/wikipedia.pcap',
  'public/filesamples/simple_http.pcap',
  'public/zeek/tcp/retransmit-fast009.pcap',
  'public/pcapplusplus/Pcap++Test/PcapExamples/DnsPackets.pcap',
  'public/zeek/tls/tls1.2.pcap',
  'public/tcpdump/dns_udp.pcap',
  'public/tcpdump/dns_tcp.pcap',
];

/** Expressions over the layers every statistic sees, analysis and pairing fields (final in two passes) among them. */
const EXPRESSIONS = [
  'tcp.len > 0',
  'tcp.analysis.retransmission',
  'tcp.analysis.ack_rtt > 0.01',
  'tcp.flags.syn == 1 && tcp.flags.ack == 0',
  'ip.addr == 10.0.0.0/8',
  'ip.src == 192.168.0.0/16 or ipv6',
  'frame.len > 100',
  'not tcp',
  'udp.port == 53',
  'dns',
  'dns.flags.response == 1',
  'dns.response_in',
  'tls.handshake.type == 1',
  'tcp.analysis.flags',
  'frame.number <= 10',
];

/** tshark's -z name and ours: the conversation and endpoint tables, and the protocol hierarchy. */
const TABLES: [string, (file: string, expr: string | undefined) => Promise<string>][] = [
  ...(['tcp', 'udp', 'ip', 'ipv6', 'eth'] as ConvType[]).flatMap((t): [string, (file: string, expr: string | undefined) => Promise<string>][] => [
    [`conv,${t}`, async (file, expr) => (await conv(t, file, expr)).convText()],
    [`endpoints,${t}`, async (file, expr) => (await conv(t, file, expr)).endpointsText()],
  ]),
  ['io,phs', async (file, expr) => {
    const { phs } = await collectPhs(file, compileOption('-Y', expr));
    const parts: string[] = [];
    writePhsText(phs.result(), { write: (x) => void parts.push(x) }, expr);
    return parts.join('');
  }],
];

async function conv(type: ConvType, file: string, expr: string | undefined): Promise<ConvStats> {
  const s = new ConvStats(type);
  s.filterText = expr;
  return s.collect(file, 1, compileOption('-Y', expr));
}

const present = CAPTURES.every((c) => existsSync(join(corpusRoot, c)));

function tshark(args: string[]): string {
  return execFileSync('tshark', ['-n', '-2', '-q', ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], env: { ...process.env, WIRESHARK_CONFIG_DIR: scratch }, maxBuffer: 1 << 28 });
}

function wl(args: string[]) {
  const r = spawnSync(bin, args, { cwd: repoRoot, encoding: 'utf8' });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

/** The frames and bytes of each interval, per column, of tshark's io,stat table. */
function ioColumns(text: string, columns: number): number[][][] {
  const rows = [...text.matchAll(/^\| *[\d.]+ <> *(?:[\d.]+|Dur) *((?:\| *\d+ *)+)\|$/gm)].map((m) => m[1]!.split('|').slice(1).map((v) => Number(v.trim())));
  return Array.from({ length: columns }, (_, c) => rows.map((r) => [r[2 * c]!, r[2 * c + 1]!]));
}

beforeAll(() => {
  expect(spawnSync('tshark', ['--version']).status, 'tshark must be installed (apt-get install tshark)').toBe(0);
});

describe('stats -Y: the tables of tshark -2 -z STAT,FILTER', () => {
  if (!present) itCorpusMissing();
  it.runIf(present).each(CAPTURES)('%s', async (capture) => {
    const file = join(corpusRoot, capture);
    // One tshark run per capture: every table unfiltered and with every expression (each -z its own tap).
    const theirs = tshark(['-r', file, ...TABLES.flatMap(([z]) => ['-z', z, ...EXPRESSIONS.flatMap((e) => ['-z', `${z},${e}`])])]);
    let compared = 0;
    for (const [z, ours] of TABLES) {
      // Only where the statistic itself is already tshark's on this capture.
      if (!theirs.includes(await ours(file, undefined))) continue;
      for (const expr of EXPRESSIONS) {
        const t = await ours(file, expr);
        expect(theirs.includes(t), `${z} -Y ${expr}:\n${t}`).toBe(true);
        compared++;
      }
    }
    expect(compared).toBeGreaterThanOrEqual(EXPRESSIONS.length);

    // io: frames and bytes per interval, as tshark's io,stat with the filter as a column.
    const io = ioColumns(tshark(['-r', file, '-z', ['io,stat,0.5', ...EXPRESSIONS].join(',')]), EXPRESSIONS.length);
    for (const [c, expr] of EXPRESSIONS.entries()) {
      const rows = (await new IoStats(0.5).collect(file, compileOption('-Y', expr))).rows();
      const want = io[c]!;
      expect(want.length, expr).toBeGreaterThan(0);
      // tshark runs the intervals to the last frame of the file; ours to the last frame counted.
      const n = Math.max(want.length, rows.length);
      const a = Array.from({ length: n }, (_, i) => [rows[i]?.frames ?? 0, rows[i]?.bytes ?? 0]);
      const b = Array.from({ length: n }, (_, i) => want[i] ?? [0, 0]);
      expect(a, `io -Y ${expr}`).toEqual(b);
    }
  });

  it.runIf(present).each(CAPTURES.filter((c) => /dns|Dns/.test(c)))('dns %s: messages, queries and responses of the frames tshark -2 -Y selects', async (capture) => {
    const file = join(corpusRoot, capture);
    const counts = async (expr: string | undefined) => {
      const j = (await new DnsStats().collect(file, compileOption('-Y', expr))).json();
      return [j.messages, j.queries, j.responses];
    };
    const theirs = (expr: string) => {
      const flags = tshark(['-r', file, '-Y', expr, '-T', 'fields', '-e', 'dns.flags.response', '-E', 'occurrence=a']).split(/[\n,]/).filter(Boolean);
      return [flags.length, flags.filter((f) => f === '0' || f === 'False').length, flags.filter((f) => f === '1' || f === 'True').length];
    };
    // Only where the statistic itself counts tshark's DNS messages (MDNS and LLMNR share its fields in tshark).
    if (JSON.stringify(await counts(undefined)) !== JSON.stringify(theirs('dns'))) return;
    for (const expr of EXPRESSIONS) expect(await counts(expr), expr).toEqual(theirs(`(${expr}) && dns`));
  });

  it('a bad expression is a usage error with the caret, before anything is read (exit 1)', () => {
    const r = wl(['stats', join(corpusRoot, CAPTURES[0]!), 'conv', 'tcp', '-Y', 'tcp.prot == 1']);
    expect(r.code).toBe(1);
    expect(r.out).toBe('');
    expect(r.err).toContain('tcp.prot is neither a field nor a protocol name');
    expect(r.err).toContain('^');
  });

  it('--threads with -Y is refused (a filtered read is one thread)', () => {
    const r = wl(['stats', join(corpusRoot, CAPTURES[0]!), 'conv', 'tcp', '-Y', 'tcp', '--threads', '2']);
    expect(r.code).toBe(1);
    expect(r.err).toContain('--threads');
  });
});

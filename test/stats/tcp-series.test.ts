/**
 * The connection doctor's per-packet series (src/stats/tcp-series.ts) against tshark run live:
 * `tshark -r F -Y "tcp.stream==N" -T fields -e frame.time_relative -e tcp.seq ...` (tshark -2,
 * as the series' read), every field of every packet of the stream, on corpus captures with
 * retransmissions, SACK blocks and RTT samples. And the DNS transactions (src/stats/dns-transactions.ts)
 * against tshark's dns.time / dns.response_in.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { compile } from '../../src/filter/index.js';
import { dissectFile, tap } from '../../src/pipeline/index.js';
import { DNS_TAP } from '../../src/dissectors/dns/dissector.js';
import { Retrans, TcpSeries, type TcpSeriesPoint } from '../../src/stats/tcp-series.js';
import { DnsTransactions } from '../../src/stats/dns-transactions.js';
import { CORPUS_MISSING, corpusFile, corpusPresent, describeCorpusMissing } from '../corpus.js';

const hasTshark = spawnSync('tshark', ['-v']).status === 0;
const ready = corpusPresent && hasTshark;
const why = !corpusPresent ? CORPUS_MISSING : 'SKIPPED: tshark not installed';

const FIELDS = ['frame.number', 'frame.time_relative', 'tcp.seq', 'tcp.ack', 'tcp.len', 'tcp.window_size', 'tcp.options.sack_le', 'tcp.options.sack_re', 'tcp.analysis.bytes_in_flight', 'tcp.analysis.ack_rtt', 'tcp.analysis.retransmission', 'tcp.analysis.fast_retransmission', 'tcp.analysis.spurious_retransmission', 'tcp.nxtseq'];

function tshark(file: string, filter: string, fields: string[]): string[][] {
  const out = execFileSync('tshark', ['-n', '-2', '-r', file, '-Y', filter, '-T', 'fields', '-E', 'occurrence=a', '-E', 'aggregator=,', ...fields.flatMap((f) => ['-e', f])], { encoding: 'utf8', maxBuffer: 1 << 28, stdio: ['ignore', 'pipe', 'ignore'] });
  return out.split('\n').filter((l) => l).map((l) => l.split('\t'));
}

async function series(file: string, stream: number): Promise<TcpSeriesPoint[]> {
  const f = compile(`tcp.stream == ${stream}`);
  if (!f.ok) throw new Error(f.error.message);
  const s = new TcpSeries(stream);
  await dissectFile(file, { columns: false, twoPass: true, count: 0, fields: [...TcpSeries.fieldIds(), ...f.fields], displayFilter: { test: f.filter } }, (pkt) => s.add(pkt));
  return s.result().points;
}

/** Our point in tshark's text. */
function asTshark(p: TcpSeriesPoint): string[] {
  const t = (v: number) => v.toFixed(9);
  return [
    String(p.frame), t(p.time), String(p.seq), String(p.ack < 0 ? 0 : p.ack), String(p.len), String(p.win),
    p.sack.map((b) => b[0]).join(','), p.sack.map((b) => b[1]).join(','),
    p.bytesInFlight < 0 ? '' : String(p.bytesInFlight), p.ackRtt < 0 ? '' : t(p.ackRtt),
    p.retrans !== Retrans.None ? '1' : '', p.retrans === Retrans.Fast ? '1' : '', p.retrans === Retrans.Spurious ? '1' : '',
    p.nxtseq ? String(p.nxtseq) : '',
  ];
}

describe.skipIf(!ready)('the series of a TCP stream equal tshark -Y tcp.stream==N -T fields', () => {
  const cases: Array<[string, number]> = [
    ['zeek/tcp/retransmit-fast009.pcap', 0],
    ['zeek/tcp/ssh-dups.pcap', 0],
    ['zeek/smtp.pcap', 0], // with 4 ICMP fragmentation-needed errors quoting it
  ];
  for (const [rel, stream] of cases) {
    it(`${rel} stream ${stream}: every packet, every field`, async () => {
      const file = corpusFile(rel);
      // ICMP errors that quote a segment of the stream carry its tcp.stream in tshark too; they are not the connection's segments.
      const want = tshark(file, `tcp.stream==${stream} && !icmp && !icmpv6`, FIELDS);
      const got = (await series(file, stream)).map(asTshark);
      expect(got.length).toBe(want.length);
      expect(got).toEqual(want);
    }, 60_000);
  }

  it('retransmit-fast009.pcap: the fast retransmission, the SACK blocks and the direction of each packet', async () => {
    const pts = await series(corpusFile('zeek/tcp/retransmit-fast009.pcap'), 0);
    const f32 = pts.find((p) => p.frame === 32)!;
    expect([f32.retrans, f32.dir, f32.len]).toEqual([Retrans.Fast, 1, 1430]);
    expect(pts.find((p) => p.frame === 33)!.sack).toEqual([[21451, 22881], [14301, 18591]]);
    expect(pts.filter((p) => p.dir === 0).length).toBe(17);
  });
});

describe.skipIf(!ready)('DNS transactions equal tshark dns.response_in / dns.time', () => {
  it('dns-edns-ecs.pcap: each query its response frame and time; slowest first; unanswered last', async () => {
    const file = corpusFile('zeek/dns-edns-ecs.pcap');
    const d = new DnsTransactions();
    await dissectFile(file, { columns: false, twoPass: true, count: 0, fields: [], taps: [tap(DNS_TAP, (r) => d.add(r))] });
    const rows = d.result();
    const queries = tshark(file, 'dns.flags.response == 0', ['frame.number', 'dns.response_in', 'dns.qry.name']);
    const responses = new Map(tshark(file, 'dns.flags.response == 1', ['frame.number', 'dns.time']).map(([f, t]) => [Number(f), Number(t)]));
    expect(rows.filter((r) => r.queryFrame).length).toBe(queries.length);
    for (const [frame, respIn, name] of queries) {
      const r = rows.find((x) => x.queryFrame === Number(frame))!;
      expect([r.name, r.responseFrame]).toEqual([name, respIn ? Number(respIn) : 0]);
      if (respIn) expect(r.timeMs).toBeCloseTo(responses.get(Number(respIn))! * 1000, 3);
      else expect(r.timeMs).toBeNull();
    }
    const times = rows.map((r) => r.timeMs).filter((t): t is number => t !== null);
    expect(times).toEqual([...times].sort((a, b) => b - a));
    const firstUnanswered = rows.findIndex((r) => r.timeMs === null);
    if (firstUnanswered >= 0) expect(rows.slice(firstUnanswered).every((r) => r.timeMs === null)).toBe(true);
  });
});

if (!ready) describeCorpusMissing('series vs tshark', why);

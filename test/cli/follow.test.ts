/**
 * `wirelite follow FILE --stream N` against `tshark -q -z follow,tcp,ascii|hex,N` (tshark 4.0,
 * installed by .ci/run; the test fails, not skips, without it): a conversation built with our own
 * packet builders that has everything follow must handle (segments out of order, a
 * retransmission, a retransmission carrying more data, bytes acknowledged but not captured, both
 * directions interleaved), and captures of the corpus when it is there. The ascii and hex outputs
 * must be tshark's byte for byte; raw and json carry the same chunks.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildPacket } from '../../src/dissectors/build.js';
import { encodeCapture } from '../../src/capture/writer.js';
import { FOLLOW_LIMITS, FollowAssembler, type FollowChunk } from '../../src/dissectors/tcp/reassembly.js';
import { corpusPublic, describeCorpusMissing } from '../corpus.js';

const root = resolve(import.meta.dirname, '../..');
const bin = join(root, 'bin/wirelite');
const scratch = mkdtempSync(join(tmpdir(), 'wl-follow-test-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

beforeAll(() => {
  expect(spawnSync('tshark', ['--version']).status, 'tshark must be installed (apt-get install tshark)').toBe(0);
});

function tsharkFollow(file: string, mode: string, stream: number): string {
  return execFileSync('tshark', ['-n', '-r', file, '-q', '-z', `follow,tcp,${mode},${stream}`], {
    encoding: 'latin1', stdio: ['ignore', 'pipe', 'ignore'], env: { ...process.env, WIRESHARK_CONFIG_DIR: scratch }, maxBuffer: 64 << 20,
  });
}

function wl(args: string[], encoding: BufferEncoding = 'latin1') {
  const r = spawnSync(bin, args, { cwd: root, encoding, maxBuffer: 64 << 20 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

interface Seg {
  c: boolean;
  seq: number;
  ack?: number;
  flags: string;
  data?: string;
}

const C = { ip: '10.0.0.1', port: 40000 };
const S = { ip: '10.0.0.2', port: 80 };

function write(name: string, segs: Seg[], client = C, server = S): string {
  const frames = segs.map((s, i) => {
    const [a, b] = s.c ? [client, server] : [server, client];
    const v6 = a.ip.includes(':');
    const data = buildPacket([
      { proto: 'eth', src: '02:00:00:00:00:01', dst: '02:00:00:00:00:02' },
      v6 ? { proto: 'ipv6', src: a.ip, dst: b.ip, hlim: 64 } : { proto: 'ip', src: a.ip, dst: b.ip, ttl: 64 },
      { proto: 'tcp', sport: a.port, dport: b.port, seq: s.seq >>> 0, ack: (s.ack ?? 0) >>> 0, flags: s.flags, window: 1000 },
      { proto: 'data', bytes: Buffer.from(s.data ?? '', 'latin1') },
    ]);
    return { number: i + 1, tsSec: 1_700_000_000, tsNsec: i * 1_000_000, hasTime: true, capLen: data.length, origLen: data.length, linkType: 1, interfaceId: 0, direction: 0, data };
  });
  const path = join(scratch, name);
  writeFileSync(path, encodeCapture('pcap', { interfaces: [{ id: 0, linkType: 1, snapLen: 65535, fcsLen: 0 }] }, frames));
  return path;
}

/** A conversation with out-of-order, retransmitted, overlapping and missing segments. */
const SCENARIO: Seg[] = [
  { c: true, seq: 100, flags: 'S' },
  { c: false, seq: 500, ack: 101, flags: 'SA' },
  { c: true, seq: 101, ack: 501, flags: 'A' },
  { c: true, seq: 101, ack: 501, flags: 'PA', data: 'GET / HTTP/1.1\r\n' },
  { c: true, seq: 117, ack: 501, flags: 'PA', data: 'Host: x\r\n\r\n' },
  { c: false, seq: 501, ack: 128, flags: 'A', data: 'HTTP/1.1 200 OK\r\n' },
  // Out of order: 528.. arrives before 518..528, then a retransmission of 518..528.
  { c: false, seq: 528, ack: 128, flags: 'PA', data: 'world\n' },
  { c: false, seq: 518, ack: 128, flags: 'A', data: 'Hello:1\r\n\r' },
  { c: false, seq: 518, ack: 128, flags: 'A', data: 'Hello:1\r\n\r' },
  // A retransmission that carries 4 new bytes after the old ones, with bytes 0x00-0x1f and 0x80-0xff.
  { c: false, seq: 530, ack: 128, flags: 'PA', data: 'rld\n\x00\x01\x7f\xff' },
  { c: true, seq: 128, ack: 538, flags: 'PA', data: 'bye' },
  // 10 bytes (538..548) never captured; the client's FIN acknowledges beyond them.
  { c: false, seq: 548, ack: 131, flags: 'PA', data: 'after-gap ' },
  { c: true, seq: 131, ack: 558, flags: 'FA' },
  { c: false, seq: 558, ack: 132, flags: 'FA' },
  { c: true, seq: 132, ack: 559, flags: 'A' },
];

describe('wirelite follow on a built conversation, against tshark -z follow,tcp', () => {
  it('ascii and hex are tshark\'s output byte for byte', () => {
    const f = write('scenario.pcap', SCENARIO);
    for (const mode of ['ascii', 'hex']) {
      const ours = wl(['follow', f, '--stream', '0', '--format', mode]);
      expect(ours.code).toBe(0);
      expect(ours.out).toBe(tsharkFollow(f, mode, 0));
    }
    // ascii is the default format.
    expect(wl(['follow', f, '--stream', '0']).out).toBe(tsharkFollow(f, 'ascii', 0));
  });

  it('also for IPv6 and for a capture that starts with the server\'s data', () => {
    const v6 = write('v6.pcap', SCENARIO, { ip: '2001:db8::1', port: 40000 }, { ip: '2001:db8::2', port: 80 });
    const late = write('late.pcap', SCENARIO.slice(5));
    for (const f of [v6, late]) {
      for (const mode of ['ascii', 'hex']) expect(wl(['follow', f, '--stream', '0', '--format', mode]).out).toBe(tsharkFollow(f, mode, 0));
    }
  });

  it('raw writes the payload bytes themselves, json one object per chunk with the gap', () => {
    const f = write('scenario2.pcap', SCENARIO);
    const raw = spawnSync(bin, ['follow', f, '--stream', '0', '--format', 'raw'], { cwd: root });
    expect(raw.status).toBe(0);
    expect(raw.stdout.toString('latin1')).toBe('GET / HTTP/1.1\r\nHost: x\r\n\r\nHTTP/1.1 200 OK\r\nHello:1\r\n\rworld\n\x00\x01\x7f\xffbyeafter-gap ');
    const lines = wl(['follow', f, '--stream', '0', '--format', 'json'], 'utf8').out.trimEnd().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines[0]).toEqual({ stream: 0, node0: '10.0.0.1:40000', node1: '10.0.0.2:80' });
    const chunks = lines.slice(1).map((c) => ({ ...c, bytes: c.bytes === undefined ? undefined : Buffer.from(c.bytes as string, 'base64').toString('latin1') }));
    expect(chunks).toEqual([
      { dir: 0, frame: 4, offset: 0, len: 16, bytes: 'GET / HTTP/1.1\r\n' },
      { dir: 0, frame: 5, offset: 16, len: 11, bytes: 'Host: x\r\n\r\n' },
      { dir: 1, frame: 6, offset: 0, len: 17, bytes: 'HTTP/1.1 200 OK\r\n' },
      { dir: 1, frame: 8, offset: 17, len: 10, bytes: 'Hello:1\r\n\r' },
      { dir: 1, frame: 7, offset: 27, len: 6, bytes: 'world\n' },
      { dir: 1, frame: 10, offset: 33, len: 4, bytes: '\x00\x01\x7f\xff' },
      { dir: 0, frame: 11, offset: 27, len: 3, bytes: 'bye' },
      { dir: 1, frame: 13, offset: 37, len: 0, gap: 10, bytes: undefined },
      { dir: 1, frame: 12, offset: 47, len: 10, bytes: 'after-gap ' },
    ]);
  });

  it('says clearly when the stream is not there, or the arguments are bad (exit 1)', () => {
    const f = write('scenario3.pcap', SCENARIO);
    const none = wl(['follow', f, '--stream', '1']);
    expect(none.code).toBe(1);
    expect(none.err).toBe(`wirelite: no TCP stream 1 in ${f}\n`);
    expect(none.out).toBe('');
    for (const bad of [['--stream', 'x'], ['--stream', '-1'], ['--stream', '0', '--format', 'yaml'], []]) {
      const r = wl(['follow', f, ...bad]);
      expect(r.code, bad.join(' ')).toBe(1);
      expect(r.err).not.toBe('');
    }
    const missing = wl(['follow', join(scratch, 'nope.pcap'), '--stream', '0']);
    expect(missing.code).toBe(2);
  });
});

describe('FollowAssembler limits', () => {
  it('declares the gap when more out-of-order segments are held than FOLLOW_LIMITS allows', () => {
    {
      const got: string[] = [];
      const a = new FollowAssembler((c: FollowChunk) => got.push(c.gap ? `gap ${c.gap}@${c.offset}` : `${Buffer.from(c.data).toString()}@${c.offset}`), { ...FOLLOW_LIMITS, maxHeldSegments: 3 });
      const seg = (seq: number, text: string) => a.segment(0, seq, seq, 0, 0x18, Buffer.from(text), text.length);
      seg(1000, 'ab');
      // 1002..1004 is lost; four segments follow it.
      for (let i = 0; i < 4; i++) seg(1004 + 2 * i, `${i}${i}`);
      expect(got).toEqual(['ab@0', 'gap 2@2', '00@4', '11@6', '22@8', '33@10']);
      expect(a.heldSegments()).toBe(0);
    }
  });
});

const corpus = corpusPublic;
const corpusPresent = existsSync(corpus);
/** Captures with retransmissions, a port reuse and long streams, and the streams followed. */
const CAPTURES: [string, number[]][] = [
  ['tcpdump/ipv4_tcp_http_xml.pcap', [0]],
  ['filesamples/simple_http.pcap', [0]],
  // Stream 0 reuses the ports of an earlier connection (the server's ISN changes): relative numbers continue.
  ['suricata-verify/tls/tls-subjectaltname/input.pcap', [0]],
  ['suricata-verify/bug-4376/syn_retransmit_with_ts.pcap', [0]],
];

if (!corpusPresent) describeCorpusMissing('wirelite follow over corpus captures, against tshark');
describe.skipIf(!corpusPresent)(corpusPresent ? 'wirelite follow over corpus captures, against tshark' : 'SKIPPED: ../shared/corpus missing (no captures to follow)', () => {
  for (const [file, streams] of CAPTURES) {
    it(file, () => {
      const f = join(corpus, file);
      for (const s of streams) {
        for (const mode of ['ascii', 'hex']) expect(wl(['follow', f, '--stream', String(s), '--format', mode]).out, `${file} stream ${s} ${mode}`).toBe(tsharkFollow(f, mode, s));
      }
    }, 60_000);
  }
});

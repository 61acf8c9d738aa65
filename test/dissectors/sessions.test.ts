/**
 * State per session: two sessions in one process, made with different options (-o, -d, disabled
 * protocols, heuristics, limits) and fed the same capture interleaved packet by packet (both
 * passes), give what two `wirelite read` processes with those options print.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { encodeCapture } from '../../src/capture/writer.js';
import type { Frame } from '../../src/capture/frame.js';
import { buildPacket, type LayerSpec } from '../../src/dissectors/build.js';
import { parseDecodeAs } from '../../src/dissectors/decode-as.js';
import { dissectFrame, newSession, Packet, secondPass, type SessionOptions } from '../../src/dissectors/index.js';
import type { Session } from '../../src/dissectors/packet.js';
import { vals } from './helpers.js';

const root = resolve(import.meta.dirname, '../..');
const bin = join(root, 'bin/wirelite');
const scratch = mkdtempSync(join(tmpdir(), 'wl-sessions-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const eth = { proto: 'eth', src: '02:00:00:00:00:01', dst: '02:00:00:00:00:02' } as const;
const query = { id: 0x1234, questions: [{ name: 'www.example.com', type: 'A' }] };
const answer = { ...query, response: true, answers: [{ name: 'www.example.com', type: 'A', ttl: 60, data: '192.0.2.7' }] };

function udp(src: string, dst: string, sport: number, dport: number, dns: object, ipChecksum?: number): Uint8Array {
  return buildPacket([eth, { proto: 'ip', src, dst, ttl: 64, ...(ipChecksum !== undefined ? { checksum: ipChecksum } : {}) }, { proto: 'udp', sport, dport }, { proto: 'dns', ...dns }] as LayerSpec[]);
}

function tcp(src: string, dst: string, sport: number, dport: number, seq: number, ack: number, flags: string, payload = '', checksum?: number): Uint8Array {
  const layers = [eth, { proto: 'ip', src, dst, ttl: 64 }, { proto: 'tcp', sport, dport, seq, ack, flags, window: 8192, ...(checksum !== undefined ? { checksum } : {}) }];
  if (payload) layers.push({ proto: 'data', bytes: payload } as never);
  return buildPacket(layers as LayerSpec[]);
}

const c = '10.0.0.1';
const s = '10.0.0.2';
const frames: Uint8Array[] = [
  udp(c, s, 40000, 5354, query), // DNS only where -d udp.port==5354,dns (and the heuristic finds it elsewhere)
  udp(s, c, 5354, 40000, answer),
  udp(c, s, 40001, 53, query, 0xbeef), // bad IPv4 checksum; DNS unless disabled
  udp(s, c, 53, 40001, answer),
  tcp(c, s, 50000, 80, 1000, 0, 'S'),
  tcp(s, c, 80, 50000, 9000, 1001, 'SA'),
  tcp(c, s, 50001, 81, 2000, 0, 'S'), // a second conversation: evicts the first where only one is kept
  tcp(c, s, 50000, 80, 1001, 9001, 'PA', 'hello', 0x1234), // bad TCP checksum
  tcp(s, c, 80, 50000, 9001, 1006, 'A'),
];

const file = join(scratch, 'mixed.pcap');
const asFrames: Frame[] = frames.map((data, i) => ({
  number: i + 1, tsSec: 1_700_000_000 + i, tsNsec: 0, hasTime: true, capLen: data.length, origLen: data.length, linkType: 1, interfaceId: 0, direction: 0, data,
}));
writeFileSync(file, encodeCapture('pcap', { interfaces: [{ id: 0, linkType: 1, snapLen: 65535, fcsLen: 0 }] }, asFrames));

const FIELDS = ['frame.number', '_ws.col.Protocol', '_ws.col.Info', 'ip.checksum.status', 'tcp.stream', 'tcp.checksum.status', 'dns.qry.name', 'data.len'];

/** Two configurations: the CLI arguments and the same as session options. */
const configs: Array<{ args: string[]; options: SessionOptions }> = [
  {
    args: ['-d', 'udp.port==5354,dns', '-o', 'tcp.check_checksum:TRUE', '-o', 'tcp.max_conversations:1'],
    options: { decodeAs: [parseDecodeAs('udp.port==5354,dns').rule], prefs: ['tcp.check_checksum:TRUE', 'tcp.max_conversations:1'] },
  },
  {
    args: ['--disable-protocol', 'dns', '--disable-heuristic', 'dns_udp', '-o', 'ip.check_checksum:FALSE'],
    options: { disabledProtocols: ['dns'], disableHeuristics: ['dns_udp'], prefs: ['ip.check_checksum:FALSE'] },
  },
];

function processLines(args: string[]): string[] {
  const r = spawnSync(bin, ['read', file, '-T', 'fields', ...FIELDS.flatMap((f) => ['-e', f]), ...args], { encoding: 'utf8' });
  // The one message: the conversations the limit evicted (-o tcp.max_conversations:1).
  expect(r.stderr).toMatch(/^(wirelite: \d+ TCP conversations evicted \(limit 1; raise it with -o tcp.max_conversations:N\)\n)?$/);
  expect(r.status).toBe(0);
  return r.stdout.replace(/\n$/, '').split('\n');
}

/** A packet's line as `-T fields` prints it (the occurrences of a field joined by commas). */
function line(pkt: Packet): string {
  return FIELDS.map((f) => (f === '_ws.col.Protocol' ? pkt.colProtocol : f === '_ws.col.Info' ? pkt.colInfo : vals(pkt, f).join(','))).join('\t');
}

describe('two sessions in one process', () => {
  it('interleaved packet by packet, they give what two processes give', () => {
    const sessions: Session[] = configs.map((cfg) => newSession(cfg.options));
    const packets = sessions.map((sess) => new Packet(sess, true));
    const run = (pass: 1 | 2): string[][] => {
      const out: string[][] = sessions.map(() => []);
      for (const f of asFrames) {
        sessions.forEach((sess, k) => {
          sess.pass = pass;
          const pkt = packets[k]!;
          pkt.reset(f);
          dissectFrame(pkt);
          out[k]!.push(line(pkt));
        });
      }
      return out;
    };
    run(1);
    for (const sess of sessions) secondPass(sess);
    const inProcess = run(2);
    const byProcess = configs.map((cfg) => processLines(cfg.args));
    expect(inProcess).toEqual(byProcess);
    // The two configurations do differ (else the test would prove nothing).
    expect(byProcess[0]).not.toEqual(byProcess[1]);
    expect(byProcess[0]![0]).toContain('www.example.com');
    expect(byProcess[1]![2]).not.toContain('DNS');
  });

  it('a session made later with default options is not changed by the others', () => {
    const plain = newSession();
    expect(plain.prefs['tcp.check_checksum']).toBe(false);
    expect(plain.limits.tcp.maxConversations).toBeGreaterThan(1);
    expect(plain.disabledIds).toBeNull();
    expect(plain.decodeAs).toBeNull();
  });

  it('refuses a bad option with a clear message, as -o does (a getter name is no preference)', () => {
    expect(() => newSession({ prefs: ['ipCheckChecksum:TRUE'] })).toThrow(/^unknown preference "ipCheckChecksum" \(known: ip\.check_checksum/);
    expect(() => newSession({ prefs: ['tcp.max_conversations:0'] })).toThrow('preference tcp.max_conversations takes a positive integer, not "0"');
    expect(() => newSession({ limits: { tcp: { nosuch: 1 } as never } })).toThrow('unknown limit tcp.nosuch');
    const r = spawnSync(bin, ['read', file, '-o', 'ipCheckChecksum:TRUE'], { encoding: 'utf8' });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/^wirelite: unknown preference "ipCheckChecksum"/);
  });
});

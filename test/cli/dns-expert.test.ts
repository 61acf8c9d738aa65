/**
 * DNS transactions against tshark 4.0 on a capture built with our own builders: retransmitted
 * queries and responses, their expert items (`stats FILE expert` vs `tshark -2 -q -z expert`), and
 * names holding bytes that are not printable (tshark escapes them as \\ddd or \\x, wirelite must print
 * the same text in `-T fields`).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { encodeCapture } from '../../src/capture/writer.js';
import { buildPacket, type LayerSpec } from '../../src/dissectors/build.js';
import type { DnsMessageSpec } from '../../src/dissectors/dns/build.js';
import { expertRows } from './expert-rows.js';

const root = resolve(import.meta.dirname, '../..');
const bin = join(root, 'bin/wirelite');
const scratch = mkdtempSync(join(tmpdir(), 'wl-dns-expert-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function tshark(args: string[]): string {
  return execFileSync('tshark', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], env: { ...process.env, WIRESHARK_CONFIG_DIR: scratch } });
}

function udp(dns: DnsMessageSpec | Uint8Array, toServer: boolean, port = 33333): Uint8Array {
  const c = '10.0.0.1';
  const s = '10.0.0.53';
  const layers: LayerSpec[] = [
    { proto: 'eth', src: '02:00:00:00:00:01', dst: '02:00:00:00:00:02' },
    { proto: 'ip', src: toServer ? c : s, dst: toServer ? s : c, ttl: 64 },
    { proto: 'udp', sport: toServer ? port : 53, dport: toServer ? 53 : port },
    dns instanceof Uint8Array ? { proto: 'data', bytes: dns } : { proto: 'dns', ...dns },
  ];
  return buildPacket(layers);
}

function write(name: string, frames: Array<[data: Uint8Array, ms: number]>): string {
  const path = join(scratch, name);
  writeFileSync(path, encodeCapture('pcap', { interfaces: [{ id: 0, linkType: 1, snapLen: 65535, fcsLen: 0 }] }, frames.map(([data, ms], i) => ({
    number: i + 1, tsSec: 1_700_000_000 + Math.floor(ms / 1000), tsNsec: (ms % 1000) * 1e6, hasTime: true, capLen: data.length, origLen: data.length, linkType: 1, interfaceId: 0, direction: 0, data,
  }))));
  return path;
}

const rows = expertRows;

const query: DnsMessageSpec = { id: 0x1234, questions: [{ name: 'www.example.com', type: 'A' }] };
const answer: DnsMessageSpec = { id: 0x1234, response: true, ra: true, questions: [{ name: 'www.example.com', type: 'A' }], answers: [{ name: 'www.example.com', type: 'A', ttl: 60, data: '192.0.2.7' }] };

describe('DNS retransmissions as tshark -2 sees them', () => {
  const file = write('retrans.pcap', [
    [udp(query, true), 0],
    [udp(query, true), 300], // retransmitted query (no answer yet)
    [udp(answer, false), 320],
    [udp(answer, false), 330], // retransmitted response
    [udp({ ...query, id: 0x4321 }, true, 40000), 2000], // never answered
  ]);

  it('expert rows equal tshark -z expert (group, protocol, severity, text, count)', () => {
    const ours = spawnSync(bin, ['stats', file, 'expert'], { encoding: 'utf8' });
    expect(ours.status, ours.stderr).toBe(0);
    const theirs = rows(tshark(['-n', '-2', '-q', '-r', file, '-z', 'expert']));
    expect(theirs.size).toBeGreaterThanOrEqual(2);
    expect(rows(ours.stdout)).toEqual(theirs);
  });

  it('transaction fields equal tshark -T fields', () => {
    const fields = ['dns.response_in', 'dns.response_to', 'dns.retransmission', 'dns.retransmit_request_in', 'dns.retransmit_response_in', 'dns.unsolicited', '_ws.col.Info'];
    const args = fields.flatMap((f) => ['-e', f]);
    const ours = spawnSync(bin, ['read', file, '-T', 'fields', ...args], { encoding: 'utf8' });
    expect(ours.status, ours.stderr).toBe(0);
    expect(ours.stdout).toBe(tshark(['-n', '-2', '-r', file, '-T', 'fields', ...args]));
  });
});

describe('DNS names with bytes that are not printable', () => {
  /** A query whose name has the given raw labels. */
  function rawQuery(labels: number[][]): Uint8Array {
    const name = labels.flatMap((l) => [l.length, ...l]);
    return Uint8Array.from([0xab, 0xcd, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0, ...name, 0, 0, 1, 0, 1]);
  }
  const ascii = (s: string) => [...s].map((c) => c.charCodeAt(0));
  const file = write('names.pcap', [
    [udp(rawQuery([ascii('a b'), ascii('ex')]), true), 0],
    [udp(rawQuery([[0x61, 0x00, 0x62], ascii('ex')]), true), 10],
    [udp(rawQuery([[0xc3, 0xa9, 0x74, 0xe9], ascii('ex')]), true), 20],
    [udp(rawQuery([ascii('a.b'), ascii('ex')]), true), 30],
    [udp(rawQuery([ascii('a\\b'), [0x7f, 0x09, 0x22]]), true), 40],
    [udp(rawQuery([[0xc3, 0xa9], [0xe2, 0x82, 0xac], [0xf0, 0x9f, 0x98, 0x80]]), true), 50],
    [udp(rawQuery([[0xc3], [0xe2, 0x82]]), true), 60],
    // Every byte value inside a label.
    ...Array.from({ length: 256 }, (_, b): [Uint8Array, number] => [udp(rawQuery([[0x61, b, 0x62], ascii('ex')]), true), 100 + b]),
  ]);

  it('dns.qry.name and the Info column equal tshark', () => {
    const args = ['-e', 'dns.qry.name', '-e', 'dns.qry.name.len', '-e', 'dns.count.labels', '-e', '_ws.col.Info'];
    const ours = spawnSync(bin, ['read', file, '-T', 'fields', ...args], { encoding: 'utf8' });
    expect(ours.status, ours.stderr).toBe(0);
    expect(ours.stdout).toBe(tshark(['-n', '-2', '-r', file, '-T', 'fields', ...args]));
  });
});

/**
 * `wirelite stats FILE dns`: counts, names, rcodes, response times and unanswered queries over a
 * capture built with our builders (checked against tshark -2: dns.flags.response, dns.response_in,
 * dns.time give the same counts, unanswered frames and times).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildPacket } from '../../src/dissectors/build.js';
import { encodeCapture } from '../../src/capture/writer.js';
import { DnsStats } from '../../src/cli/dns-stats.js';
import type { DnsMessageSpec } from '../../src/dissectors/dns/build.js';

const dir = mkdtempSync(join(tmpdir(), 'wirelite-dns-stats-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function udp(dns: DnsMessageSpec, fromServer: boolean): Uint8Array {
  const [src, dst, sport, dport] = fromServer ? ['10.0.0.53', '10.0.0.1', 53, 33333] : ['10.0.0.1', '10.0.0.53', 33333, 53];
  return buildPacket([{ proto: 'eth' }, { proto: 'ip', src, dst }, { proto: 'udp', sport, dport }, { proto: 'dns', ...dns }]);
}

describe('stats dns', () => {
  it('counts queries by name and type, rcodes, response times and unanswered queries', async () => {
    const q = (id: number, name: string, type = 'A'): DnsMessageSpec => ({ id, questions: [{ name, type }] });
    const r = (id: number, name: string, rcode = 0): DnsMessageSpec => ({ id, response: true, rcode, questions: [{ name }], answers: rcode ? [] : [{ name, type: 'A', data: '192.0.2.1' }] });
    const packets: Array<[Uint8Array, number]> = [
      [udp(q(1, 'a.example'), false), 0],
      [udp(r(1, 'a.example'), true), 10],
      [udp(q(2, 'a.example'), false), 20],
      [udp(r(2, 'a.example'), true), 50],
      [udp(q(3, 'nope.example'), false), 60],
      [udp(r(3, 'nope.example', 3), true), 62],
      [udp(q(4, 'lost.example', 'AAAA'), false), 70],
    ];
    const frames = packets.map(([data, ms], i) => ({ number: i + 1, tsSec: 1000, tsNsec: ms * 1_000_000, hasTime: true, capLen: data.length, origLen: data.length, linkType: 1, interfaceId: 0, direction: 0, data }));
    const file = join(dir, 'dns.pcap');
    writeFileSync(file, encodeCapture('pcap', { interfaces: [{ id: 0, linkType: 1, snapLen: 65535, fcsLen: 0 }] }, frames));
    const stats = await new DnsStats().collect(file);
    const j = stats.json();
    expect([j.messages, j.queries, j.responses]).toEqual([7, 4, 3]);
    expect(j.names).toEqual([
      { name: 'a.example', type: 'A', count: 2 },
      { name: 'lost.example', type: 'AAAA', count: 1 },
      { name: 'nope.example', type: 'A', count: 1 },
    ]);
    expect(j.rcodes).toEqual([{ rcode: 0, name: 'No error', count: 2 }, { rcode: 3, name: 'No such name', count: 1 }]);
    expect(j.responseTimeMs).toEqual({ count: 3, min: 2, p50: 10, p95: 30, max: 30 });
    expect(j.unanswered).toEqual({ count: 1, frames: [7] });
    expect(stats.text()).toContain('Unanswered queries: 1 (frames 7)');
  });
});

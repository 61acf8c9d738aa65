/**
 * 64-bit integers in filters, as tshark 4.0: literals up to 2^64-1 (beyond: "causes an integer
 * overflow."), the 64-bit fields (frame.drop_count, http.content_length) taking them, and values
 * beyond 2^53 compared exactly (a bigint, never a rounded double).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { encodeCapture } from '../../src/capture/writer.js';
import { buildPacket } from '../../src/dissectors/build.js';
import { fieldByName } from '../../src/dissectors/fields.js';
import { Packet } from '../../src/dissectors/packet.js';
import { newSession } from '../../src/dissectors/session.js';
import { dissectFile } from '../../src/pipeline/driver.js';
import { compile } from '../../src/filter/index.js';
import { repoRoot } from '../corpus.js';
import '../../src/dissectors/index.js';

const scratch = mkdtempSync(join(tmpdir(), 'wl-int64-'));
const LOOP = join(repoRoot, 'fixtures/loopback.pcap');

function tshark(args: string[]): { code: number; out: string; err: string } {
  const r = spawnSync('tshark', args, { encoding: 'utf8', env: { ...process.env, WIRESHARK_CONFIG_DIR: scratch } });
  return { code: r.status ?? -1, out: r.stdout, err: r.stderr.replace(/^Running as user.*\n/m, '') };
}

function message(expr: string): string {
  const r = compile(expr);
  return r.ok ? 'ok' : r.error.message;
}

describe('64-bit integer literals', () => {
  it.each([
    ['http.content_length == 18446744073709551615', 'ok'],
    ['http.content_length == 0xffffffffffffffff', 'ok'],
    ['frame.drop_count == 18446744073709551615', 'ok'],
    ['http.content_length in {1 .. 18446744073709551615}', 'ok'],
    ['http.content_length == 18446744073709551616', '"18446744073709551616" causes an integer overflow.'],
    ['http.content_length == 0x10000000000000000', '"0x10000000000000000" causes an integer overflow.'],
    ['frame.number == 99999999999999999999999', '"99999999999999999999999" causes an integer overflow.'],
    ['frame.number == 4294967296', '"4294967296" too big for this field, maximum 4294967295.'],
  ])('%s: %s, as tshark', (expr, want) => {
    expect(message(expr)).toBe(want);
    const t = tshark(['-r', LOOP, '-Y', expr, '-T', 'fields', '-e', 'frame.number']);
    if (want === 'ok') expect(t.code, t.err).toBe(0);
    else {
      expect(t.code).not.toBe(0);
      expect(t.err).toContain(`tshark: ${want}`);
    }
  });

  it('frame.drop_count beyond 32 bits selects the frames tshark selects', async () => {
    const data = buildPacket([{ proto: 'eth' }, { proto: 'ip', src: '10.0.0.1', dst: '10.0.0.2' }, { proto: 'udp', sport: 1000, dport: 2000 }]);
    const drops = [5, 2 ** 32, 2 ** 40 + 1, 2 ** 52 + 3];
    const frames = drops.map((d, i) => ({ number: i + 1, tsSec: 1000 + i, tsNsec: 0, hasTime: true, capLen: data.length, origLen: data.length, linkType: 1, interfaceId: 0, direction: 0, data, dropCount: d }));
    const file = join(scratch, 'drops.pcapng');
    writeFileSync(file, encodeCapture('pcapng', { interfaces: [{ id: 0, linkType: 1, snapLen: 65535, fcsLen: 0 }] }, frames));
    for (const expr of ['frame.drop_count == 1099511627777', 'frame.drop_count > 4294967295', 'frame.drop_count >= 4503599627370499', 'frame.drop_count in {5, 4294967296}', 'frame.drop_count & 0x10000000000 != 0', 'frame.drop_count + 1 == 4503599627370500']) {
      const r = compile(expr);
      if (!r.ok) throw new Error(r.error.message);
      const ours: number[] = [];
      await dissectFile(file, { columns: false, twoPass: true, count: 0, fields: r.fields }, (pkt) => {
        if (r.filter(pkt)) ours.push(pkt.frame.number);
      });
      const t = tshark(['-2', '-r', file, '-Y', expr, '-T', 'fields', '-e', 'frame.number']);
      expect(t.code, t.err).toBe(0);
      expect(ours.map((n) => `${n}\n`).join(''), expr).toBe(t.out);
      expect(ours.length, expr).toBeGreaterThan(0);
    }
  });

  it('a value beyond 2^53 (a bigint item, as format.ts prints it) compares exactly', () => {
    const pkt = new Packet(newSession({}), false);
    pkt.reset({ number: 1, tsSec: 0, tsNsec: 0, hasTime: true, capLen: 0, origLen: 0, linkType: 1, interfaceId: 0, direction: 0, data: new Uint8Array(0) });
    const id = fieldByName('http.content_length')!.id;
    const v = 2n ** 53n + 1n; // 9007199254740993: a double rounds it to ...992
    pkt.add(id, 0, 0, -1, Number(v), v);
    const test = (expr: string) => {
      const r = compile(expr);
      if (!r.ok) throw new Error(r.error.message);
      return r.filter(pkt);
    };
    expect(test('http.content_length == 9007199254740993')).toBe(true);
    expect(test('http.content_length == 9007199254740992')).toBe(false);
    expect(test('http.content_length > 9007199254740992')).toBe(true);
    expect(test('http.content_length < 9007199254740994')).toBe(true);
    expect(test('http.content_length in {1, 9007199254740993}')).toBe(true);
    expect(test('http.content_length in {9007199254740992}')).toBe(false);
    expect(test('http.content_length + 1 == 9007199254740994')).toBe(true);
    expect(test('http.content_length - 9007199254740992 == 1')).toBe(true);
    expect(test('http.content_length & 1 == 1')).toBe(true);
    expect(test('abs(http.content_length) == 9007199254740993')).toBe(true);
    expect(test('max(http.content_length, 5) == 9007199254740993')).toBe(true);
    expect(test('http.content_length != 18446744073709551615')).toBe(true);
  });
});

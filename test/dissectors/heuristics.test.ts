/**
 * The UDP heuristics tshark applies where no dissector is bound to either port (Wireshark's
 * "dns_udp" heuristic): DNS-looking datagrams on the edges of each of its limits, built with our
 * builders into one capture, and compared frame by frame with live tshark 4.0's frame.protocols.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildPacket } from '../../src/dissectors/build.js';
import { concatBytes } from '../../src/dissectors/bytes.js';

const root = resolve(import.meta.dirname, '../..');
const bin = join(root, 'bin/wirelite');
const scratch = mkdtempSync(join(tmpdir(), 'wl-heur-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** A DNS header (id 0x1234) with these flags and counts, then `rest` bytes (a question, or zeros). */
function dnsHeader(flags: number, qd: number, an: number, ns: number, ar: number, rest: Uint8Array | number): Uint8Array {
  const body = typeof rest === 'number' ? new Uint8Array(rest) : rest;
  const h = new Uint8Array(12 + body.length);
  const v = new DataView(h.buffer);
  v.setUint16(0, 0x1234);
  v.setUint16(2, flags);
  v.setUint16(4, qd);
  v.setUint16(6, an);
  v.setUint16(8, ns);
  v.setUint16(10, ar);
  h.set(body, 12);
  return h;
}

/** The question `a.example IN A`. */
const QUESTION = Uint8Array.of(1, 0x61, 7, ...new TextEncoder().encode('example'), 0, 0, 1, 0, 1);

/** Payloads on either side of each of the heuristic's limits (the name says what tshark should see). */
const CASES: Array<[string, Uint8Array]> = [
  ['query', dnsHeader(0x0100, 1, 0, 0, 0, QUESTION)],
  ['query, opcode 1 (inverse)', dnsHeader(0x0900, 1, 0, 0, 0, QUESTION)],
  ['query, opcode 2 (status)', dnsHeader(0x1000, 1, 0, 0, 0, QUESTION)],
  ['query, two questions', dnsHeader(0x0100, 2, 0, 0, 0, 24)],
  ['query, an answer', dnsHeader(0x0100, 1, 1, 0, 0, 40)],
  ['query, an authority record', dnsHeader(0x0100, 1, 0, 1, 0, 40)],
  ['query, no question', dnsHeader(0x0100, 0, 0, 0, 0, 12)],
  ['header only', dnsHeader(0x0100, 1, 0, 0, 0, 0)],
  ['query, 10 additional', dnsHeader(0x0100, 1, 0, 0, 10, 6 + 110)],
  ['query, 11 additional', dnsHeader(0x0100, 1, 0, 0, 11, 6 + 121)],
  ['query, no room for its records', dnsHeader(0x0100, 1, 0, 0, 5, 1)],
  ['query, one byte past the header', dnsHeader(0x0100, 1, 0, 0, 0, 1)],
  ['response, 100 answers', dnsHeader(0x8180, 1, 100, 0, 0, 6 + 1100)],
  ['response, 101 answers', dnsHeader(0x8180, 1, 101, 0, 0, 6 + 1111)],
  ['response, 10 authority', dnsHeader(0x8180, 1, 0, 10, 0, 6 + 110)],
  ['response, 11 authority', dnsHeader(0x8180, 1, 0, 11, 0, 6 + 121)],
  ['response, no question, one answer', dnsHeader(0x8180, 0, 1, 0, 0, 11)],
  ['response, two questions', dnsHeader(0x8180, 2, 1, 0, 0, 40)],
  ['response, nothing', dnsHeader(0x8180, 0, 0, 0, 0, 20)],
  ['zeros', new Uint8Array(40)],
];

/** A little-endian microsecond pcap of Ethernet frames. */
function pcap(frames: Uint8Array[]): Uint8Array {
  const parts: Uint8Array[] = [];
  const g = new DataView(new ArrayBuffer(24));
  g.setUint32(0, 0xa1b2c3d4, true);
  g.setUint16(4, 2, true);
  g.setUint16(6, 4, true);
  g.setUint32(16, 65535, true);
  g.setUint32(20, 1, true);
  parts.push(new Uint8Array(g.buffer));
  frames.forEach((f, i) => {
    const r = new DataView(new ArrayBuffer(16));
    r.setUint32(0, 1_700_000_000 + i, true);
    r.setUint32(8, f.length, true);
    r.setUint32(12, f.length, true);
    parts.push(new Uint8Array(r.buffer), f);
  });
  return concatBytes(...parts);
}

function frame(payload: Uint8Array, sport: number, dport: number): Uint8Array {
  return buildPacket([
    { proto: 'eth', src: '02:00:00:00:00:01', dst: '02:00:00:00:00:02' },
    { proto: 'ip', src: '192.0.2.1', dst: '192.0.2.2' },
    { proto: 'udp', sport, dport },
    { proto: 'data', bytes: payload },
  ]);
}

function columns(cmd: string, args: string[]): string[] {
  const r = spawnSync(cmd, args, { encoding: 'utf8', env: { ...process.env, WIRESHARK_CONFIG_DIR: scratch } });
  expect(r.status, r.stderr).toBe(0);
  return r.stdout.trim().split('\n');
}

describe('UDP heuristics (as tshark 4.0)', () => {
  it("takes DNS on unbound ports exactly where Wireshark's dns_udp heuristic does", () => {
    // Both ports unbound (the heuristic decides), then DNS on 53 (the table decides: DNS whatever
    // the bytes) and on 5353 (mDNS, bound, before any heuristic).
    const frames = [...CASES.map(([, p]) => frame(p, 40000, 5354)), frame(CASES.at(-1)![1], 40000, 53), frame(CASES[0]![1], 5353, 5353)];
    const file = join(scratch, 'heur.pcap');
    writeFileSync(file, pcap(frames));
    const fields = ['-T', 'fields', '-e', 'frame.protocols'];
    // Whether a short message is marked malformed is the DNS dissector's business, not the
    // heuristic's (tshark 4.0 leaves _ws.malformed out of frame.protocols here; wirelite does not).
    const ours = columns(bin, ['read', file, ...fields]).map((p) => p.replace(/:_ws\.malformed$/, ''));
    const theirs = columns('tshark', ['-n', '-r', file, ...fields]);
    const names = [...CASES.map(([n]) => n), 'zeros on port 53', 'query on 5353'];
    expect(ours.map((p, i) => `${names[i]}: ${p}`)).toEqual(theirs.map((p, i) => `${names[i]}: ${p}`));
    // Both sides of the limits occur: the heuristic took some and left some.
    expect(theirs.filter((p) => p.endsWith(':dns')).length).toBeGreaterThan(4);
    expect(theirs.filter((p) => p.endsWith(':data')).length).toBeGreaterThan(4);
  });

  it('tries no heuristic on a port Wireshark gives to a dissector wirelite lacks (NBNS on 137 is no DNS)', () => {
    const file = join(scratch, 'nbns.pcap');
    writeFileSync(file, pcap([frame(CASES[0]![1], 137, 137), frame(CASES[0]![1], 40000, 5354)]));
    const fields = ['-T', 'fields', '-e', 'frame.protocols'];
    expect(columns('tshark', ['-n', '-r', file, ...fields])).toEqual(['eth:ethertype:ip:udp:nbns', 'eth:ethertype:ip:udp:dns']);
    expect(columns(bin, ['read', file, ...fields])).toEqual(['eth:ethertype:ip:udp:data', 'eth:ethertype:ip:udp:dns']);
  });

  it('--disable-heuristic dns_udp turns it off, as tshark; an unknown name is refused with exit 1', () => {
    const loopback = join(root, 'fixtures/loopback.pcap');
    const args = ['-r', loopback, '--disable-heuristic', 'dns_udp', '-T', 'fields', '-e', 'frame.protocols'];
    const theirs = columns('tshark', ['-n', ...args]).slice(10, 14);
    expect(theirs).toEqual(Array(4).fill('eth:ethertype:ip:udp:data'));
    expect(columns(bin, ['read', ...args]).slice(10, 14)).toEqual(theirs);
    const r = spawnSync(bin, ['read', loopback, '--disable-heuristic', 'nosuch'], { encoding: 'utf8' });
    expect(r.status).toBe(1);
    expect(r.stderr).toBe("wirelite: No such protocol nosuch, can't disable (heuristics: dns_udp, http_tcp, tls_tcp)\n");
  });
});

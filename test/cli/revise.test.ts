/**
 * Single-pass reads (stdin, live capture) print each packet as it comes; when a later frame reveals
 * a fact about an earlier one (its response, the frame that reassembled it), JSON lines carry an
 * update object for that frame. Merged, the updates must give what a two-pass `tshark -2` shows.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { corpusPublic } from '../corpus.js';

const root = resolve(import.meta.dirname, '../..');
const bin = join(root, 'bin/wirelite');
const scratch = mkdtempSync(join(tmpdir(), 'wl-revise-test-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** The fields a later frame can revise, by the layer the update names. */
const REVISABLE: Array<[layer: string, field: string]> = [
  ['ip', 'ip.reassembled_in'],
  ['ipv6', 'ipv6.reassembled.in'],
  ['icmp', 'icmp.resp_in'],
  ['icmpv6', 'icmpv6.resp_in'],
  ['dns', 'dns.response_in'],
  ['tcp', 'tcp.reassembled_in'],
  ['tcp', 'tcp.analysis.initial_rtt'],
];

/** Reads `file` through stdin (one pass) as JSON lines; returns field -> "frame=value" rows from the updates. */
function updatesFromStdin(file: string): { rows: Map<string, string[]>; packets: number; firstUpdateAfter: boolean } {
  const r = spawnSync(bin, ['read', '-r', '-', '-T', 'json'], { input: readFileSync(file), encoding: 'utf8', maxBuffer: 1 << 28 });
  expect(r.status, r.stderr).toBe(0);
  const rows = new Map<string, string[]>();
  const seen = new Set<number>();
  let packets = 0;
  let firstUpdateAfter = true;
  for (const line of r.stdout.trimEnd().split('\n')) {
    const o = JSON.parse(line) as { number: number; update?: boolean; layers: Record<string, Record<string, unknown>> };
    if (!o.update) {
      packets++;
      seen.add(o.number);
      // What the packet itself showed of the revisable fields (merged with the updates below).
      for (const [layer, field] of REVISABLE) {
        const v = o.layers[layer]?.[field];
        if (v === undefined) continue;
        const list = rows.get(field) ?? [];
        list.push(`${o.number}=${num(v)}`);
        rows.set(field, list);
      }
      continue;
    }
    // An update always follows the packet it revises.
    if (!seen.has(o.number)) firstUpdateAfter = false;
    for (const [layer, fields] of Object.entries(o.layers)) {
      for (const [k, v] of Object.entries(fields)) {
        expect(REVISABLE.some(([l, f]) => l === layer && f === k), `${layer}.${k}`).toBe(true);
        const list = rows.get(k) ?? [];
        list.push(`${o.number}=${num(v)}`);
        rows.set(k, list);
      }
    }
  }
  return { rows, packets, firstUpdateAfter };
}

/** A value as tshark prints it in -T fields (times with 9 decimals). */
function num(v: unknown): string {
  return typeof v === 'number' && !Number.isInteger(v) ? v.toFixed(9) : String(v);
}

function tsharkRows(file: string): Map<string, string[]> {
  const fields = REVISABLE.map(([, f]) => f);
  const out = execFileSync('tshark', ['-2', '-n', '-r', file, '-T', 'fields', ...fields.flatMap((f) => ['-e', f]), '-e', 'frame.number'], {
    encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], env: { ...process.env, WIRESHARK_CONFIG_DIR: scratch },
  });
  const rows = new Map<string, string[]>();
  for (const line of out.trimEnd().split('\n')) {
    const cols = line.split('\t');
    const frame = cols[fields.length];
    fields.forEach((f, i) => {
      if (!cols[i]) return;
      const list = rows.get(f) ?? [];
      list.push(`${frame}=${cols[i]}`);
      rows.set(f, list);
    });
  }
  return rows;
}

const corpus = corpusPublic;

/** Captures and the revisable fields to compare on them (those wirelite dissects in that capture). */
const CASES: Array<[file: string, fields: string[]]> = [
  [join(root, 'fixtures/synthetic.pcapng'), ['ip.reassembled_in', 'ipv6.reassembled.in', 'icmp.resp_in', 'icmpv6.resp_in']],
  // The DNS there is on port 5354 (found by the dns_udp heuristic, as tshark).
  [join(root, 'fixtures/loopback.pcap'), ['icmp.resp_in', 'icmpv6.resp_in', 'tcp.analysis.initial_rtt', 'dns.response_in']],
  [join(corpus, 'tcpdump/dnssec.pcap'), ['dns.response_in']],
  [join(corpus, 'tcpdump/edns-opts.pcap'), ['dns.response_in']],
];

function pick(rows: Map<string, string[]>, fields: string[]): Record<string, string[]> {
  const o: Record<string, string[]> = {};
  for (const f of fields) {
    const list = rows.get(f);
    if (list) o[f] = [...list].sort();
  }
  return o;
}

describe('single-pass JSON revises earlier frames', () => {
  for (const [file, fields] of CASES) {
    it(`${file.replace(root + '/', '').replace(corpus + '/', 'corpus:')}: merged updates equal tshark -2 (${fields.join(', ')})`, () => {
      if (file.startsWith(corpus)) expect(existsSync(file), `corpus capture missing: ${file} (../shared/corpus/public is needed)`).toBe(true);
      const ours = updatesFromStdin(file);
      const theirs = pick(tsharkRows(file), fields);
      expect(ours.firstUpdateAfter).toBe(true);
      expect(Object.keys(theirs).length).toBeGreaterThanOrEqual(1);
      expect(pick(ours.rows, fields)).toEqual(theirs);
      // Nothing else is revised on these captures (but the TCP fields shown by the packets themselves).
      expect([...ours.rows.keys()].filter((k) => !fields.includes(k) && !k.startsWith('tcp.'))).toEqual([]);
    });
  }

  it('TCP-reassembled PDUs: the segments learn their "reassembled in" frame as the two-pass read shows it', () => {
    const file = join(corpus, 'suricata-verify/tls/tls-subjectaltname/input.pcap');
    expect(existsSync(file), `corpus capture missing: ${file}`).toBe(true);
    const ours = updatesFromStdin(file);
    const twoPass = spawnSync(bin, ['read', file, '-T', 'fields', '-e', 'frame.number', '-e', 'tcp.reassembled_in'], { encoding: 'utf8', maxBuffer: 1 << 28 });
    const expected = twoPass.stdout.trimEnd().split('\n').map((l) => l.split('\t')).filter((c) => c[1]).map((c) => `${c[0]}=${c[1]}`).sort();
    expect(expected.length).toBeGreaterThan(100);
    expect([...(ours.rows.get('tcp.reassembled_in') ?? [])].sort()).toEqual(expected);
  });

  it('text and -T fields output print no updates (as tshark)', () => {
    const file = join(root, 'fixtures/loopback.pcap');
    const text = spawnSync(bin, ['read', '-r', '-'], { input: readFileSync(file), encoding: 'utf8' });
    expect(text.status).toBe(0);
    expect(text.stdout.trimEnd().split('\n').length).toBe(30);
  });
});

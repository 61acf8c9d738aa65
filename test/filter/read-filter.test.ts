/**
 * `wirelite read -Y` against `tshark -2 -Y`, live, on the project's fixtures: the printed lines
 * (time column included), `-w` writing only the matching frames, bad expressions (exit 1, a caret,
 * nothing read or written), and what the tree keeps for a filter.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { dissectFile } from '../../src/pipeline/index.js';
import { fieldById } from '../../src/dissectors/fields.js';
import { withFilterFields } from '../../src/filter/cli.js';
import { compile } from '../../src/filter/index.js';
import { repoRoot } from '../conformance/oracle.js';

const WL = join(repoRoot, 'bin/wirelite');
const LOOP = join(repoRoot, 'fixtures/loopback.pcap');
const SYN = join(repoRoot, 'fixtures/synthetic.pcapng');

function wl(args: string[]) {
  return spawnSync(WL, args, { encoding: 'utf8' });
}
function tshark(args: string[]): string {
  return execFileSync('tshark', ['-n', ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
}

describe('read -Y prints what tshark -2 -Y prints', () => {
  it.each([
    [LOOP, 'tcp.flags.syn == 1'],
    [LOOP, 'tcp.len == 0 && tcp.srcport == 8080'],
    [LOOP, '!tcp'],
    [SYN, 'udp'],
    [SYN, 'ip.addr == 10.0.0.0/8 || ipv6'],
  ])('%s -Y %s', (file, expr) => {
    for (const t of ['r', 'd', 'dd']) {
      const ours = wl(['read', file, '-Y', expr, '-t', t]);
      expect(ours.status, ours.stderr).toBe(0);
      expect(ours.stdout, `-t ${t}`).toBe(tshark(['-2', '-r', file, '-Y', expr, '-t', t]));
    }
  });

  it('-T fields -e frame.number: the file\'s frame numbers', () => {
    const e = 'frame.number > 10 && tcp';
    expect(wl(['read', LOOP, '-Y', e, '-T', 'fields', '-e', 'frame.number']).stdout).toBe(tshark(['-2', '-r', LOOP, '-Y', e, '-T', 'fields', '-e', 'frame.number']));
  });

  it('-w writes only the matching frames', () => {
    const out = join(mkdtempSync(join(tmpdir(), 'wl-y-')), 'out.pcap');
    const r = wl(['read', LOOP, '-Y', 'tcp.port == 8080', '-w', out]);
    expect(r.status, r.stderr).toBe(0);
    const want = tshark(['-2', '-r', LOOP, '-Y', 'tcp.port == 8080', '-T', 'fields', '-e', 'frame.len']);
    expect(tshark(['-r', out, '-T', 'fields', '-e', 'frame.len'])).toBe(want);
  });

  it('a huge set selects what one comparison does', () => {
    const set = Array.from({ length: 8000 }, (_, i) => 10000 + i);
    set.push(8080);
    const a = wl(['read', LOOP, '-Y', `tcp.port in {${set.join(', ')}}`]);
    expect(a.status, a.stderr).toBe(0);
    expect(a.stdout).toBe(wl(['read', LOOP, '-Y', 'tcp.port == 8080']).stdout);
    expect(a.stdout.length).toBeGreaterThan(0);
  });
});

describe('read -R is tshark -2 -R', () => {
  it('only the matching frames are analysed and printed, numbered 1, 2, ...', () => {
    const f = ['-T', 'fields', '-e', 'frame.number', '-e', 'tcp.stream', '-e', 'tcp.analysis.bytes_in_flight', '-e', 'tcp.seq', '-e', 'frame.time_relative'];
    for (const [file, r] of [[LOOP, 'tcp.port == 8080'], [LOOP, 'tcp.flags.syn == 1 || frame.number > 20'], [SYN, 'udp || icmp']] as const) {
      const ours = wl(['read', file, '-R', r, ...f]);
      expect(ours.status, ours.stderr).toBe(0);
      expect(ours.stdout, r).toBe(tshark(['-2', '-r', file, '-R', r, ...f]));
    }
  });
  it('with -Y too, and the time column', () => {
    expect(wl(['read', SYN, '-R', 'ip', '-Y', 'frame.number > 2']).stdout).toBe(tshark(['-2', '-r', SYN, '-R', 'ip', '-Y', 'frame.number > 2']));
  });
});

describe('a bad expression is a usage error, before anything is read', () => {
  it('exit 1, the message, a caret under the place, the suggestion; nothing printed or written', () => {
    const dir = mkdtempSync(join(tmpdir(), 'wl-y-'));
    const out = join(dir, 'out.pcap');
    const r = wl(['read', LOOP, '-Y', 'ip && tcp.prot == 80', '-w', out]);
    expect(r.status).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe('wirelite: -Y: tcp.prot is neither a field nor a protocol name.\n    ip && tcp.prot == 80\n          ^~~~~~~~\ndid you mean tcp.port?\n');
    expect(existsSync(out)).toBe(false);
  });

  it.each([
    ['ip.addr == abc', '"abc" is not a valid hostname or IPv4 address.'],
    ['dns.qry.name matches "(a+)+$"', 'exponential time'],
    ['tcp.port ==', 'Unexpected end of filter expression.'],
  ])('%s', (expr, msg) => {
    const r = wl(['read', LOOP, '-Y', expr]);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(msg);
    expect(r.stderr).not.toMatch(/at .*\.js:\d+/);
  });
});

describe('the tree keeps only what the output and the filter read', () => {
  it('a filter on TCP fields keeps TCP items only, not DNS or TLS ones', async () => {
    const f = compile('tcp.port == 53 || tcp.flags.syn == 1');
    expect(f.ok).toBe(true);
    if (!f.ok) return;
    expect(f.fieldNames.sort()).toEqual(['tcp.flags.syn', 'tcp.port']);
    const kept = new Set<string>();
    await dissectFile(SYN, { columns: true, twoPass: true, count: 0, fields: withFilterFields([], { filter: f.filter, fields: f.fields }) }, (pkt) => {
      for (let i = 0; i < pkt.n; i++) kept.add(fieldById(pkt.fid[i]!).abbrev);
    });
    expect([...kept].sort()).toEqual(['tcp.flags.syn', 'tcp.port']);
  });
});

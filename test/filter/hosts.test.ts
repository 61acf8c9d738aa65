/**
 * Host names in address literals, against tshark 4.0 live. tshark resolves `ip.addr == localhost`
 * only with `-N nN` (network names and external resolvers); otherwise it says
 * `"localhost" is not a valid hostname or IPv4 address.` wirelite resolves from the system's hosts
 * file (never a DNS query: only names of /etc/hosts and localhost are used here).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { dissectFile } from '../../src/pipeline/driver.js';
import { compile, hostsResolver } from '../../src/filter/index.js';
import { repoRoot } from '../corpus.js';

const WL = join(repoRoot, 'bin/wirelite');
const LOOP = join(repoRoot, 'fixtures/loopback.pcap');
const SYN = join(repoRoot, 'fixtures/synthetic.pcapng');
const scratch = mkdtempSync(join(tmpdir(), 'wl-hosts-'));

function tshark(args: string[]): { code: number; out: string; err: string } {
  const r = spawnSync('tshark', args, { encoding: 'utf8', env: { ...process.env, WIRESHARK_CONFIG_DIR: scratch, XDG_CONFIG_HOME: scratch } });
  return { code: r.status ?? -1, out: r.stdout, err: r.stderr.replace(/^Running as user.*\n/m, '') };
}

async function frames(file: string, expr: string, resolve: boolean): Promise<string> {
  const r = compile(expr, resolve ? { resolveHost: hostsResolver() } : {});
  if (!r.ok) throw new Error(r.error.message);
  const out: number[] = [];
  await dissectFile(file, { columns: false, twoPass: true, count: 0, fields: r.fields }, (pkt) => {
    if (r.filter(pkt)) out.push(pkt.frame.number);
  });
  return out.map((n) => `${n}\n`).join('');
}

describe('host names in address literals', () => {
  it('without -N nN a name is refused, in tshark words', () => {
    for (const [expr, message] of [
      ['ip.addr == localhost', '"localhost" is not a valid hostname or IPv4 address.'],
      ['ipv6.addr == localhost', '"localhost" is not a valid hostname or IPv6 address.'],
    ] as const) {
      const r = compile(expr);
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.error.message).toBe(message);
      const t = tshark(['-r', LOOP, '-Y', expr]);
      expect(t.code).not.toBe(0);
      expect(t.err).toContain(message);
    }
  });

  it.each([
    [LOOP, 'ip.addr == localhost'],
    [LOOP, 'ip.dst != localhost && tcp'],
    [LOOP, 'ipv6.addr == localhost'],
    [SYN, 'ip.src == localhost || ip.addr in {localhost, 10.0.0.1}'],
  ])('-N nN: %s -Y %s selects the frames tshark -N nN does', async (file, expr) => {
    const t = tshark(['-2', '-N', 'nN', '-r', file, '-Y', expr, '-T', 'fields', '-e', 'frame.number']);
    expect(t.code, t.err).toBe(0);
    expect(await frames(file, expr, true)).toBe(t.out);
  });

  it('a name from the hosts file; an unknown name; a name with a netmask (tshark reads "/" as division)', () => {
    const hosts = join(scratch, 'hosts');
    writeFileSync(hosts, '# test\n10.1.2.3  wl-one wl-alias\nfe80::1%eth0 wl-six\n127.0.0.1 localhost\n');
    const resolveHost = hostsResolver(hosts);
    const ok = (expr: string) => {
      const r = compile(expr, { resolveHost });
      expect(r.ok, expr).toBe(true);
    };
    ok('ip.addr == wl-one');
    ok('ip.addr == WL-ALIAS');
    ok('ipv6.addr == wl-six');
    ok('ipv6.addr == localhost');
    const err = (expr: string) => {
      const r = compile(expr, { resolveHost });
      return r.ok ? 'compiled' : `${r.error.message} @${r.error.start}-${r.error.end}`;
    };
    expect(err('ip.addr == wl-nothere')).toBe('"wl-nothere" is not a valid hostname or IPv4 address. @11-21');
    expect(err('ip.addr == wl-six')).toBe('"wl-six" is not a valid hostname or IPv4 address. @11-17');
    expect(err('ip.addr == wl-one/8')).toBe('FT_IPv4 cannot /. @11-19');
  });

  it('the command line: read -N nN -Y prints what tshark -N nN -Y prints', () => {
    const args = ['-r', LOOP, '-N', 'nN', '-Y', 'ip.addr == localhost && tcp.flags.syn == 1', '-T', 'fields', '-e', 'frame.number', '-e', 'ip.src'];
    const ours = spawnSync(WL, ['read', ...args.slice(1)], { encoding: 'utf8' });
    expect(ours.status, ours.stderr).toBe(0);
    expect(ours.stdout.length).toBeGreaterThan(0);
    expect(ours.stdout).toBe(tshark(['-2', ...args]).out);
  });

  it('the command line: stats -Y with -N nN, and the error without it (exit 1)', () => {
    const ours = spawnSync(WL, ['stats', LOOP, 'conv', 'ip', '-N', 'nN', '-Y', 'ip.addr == localhost'], { encoding: 'utf8' });
    expect(ours.status, ours.stderr).toBe(0);
    expect(ours.stdout).toContain('Filter:ip.addr == localhost');
    const bad = spawnSync(WL, ['stats', LOOP, 'conv', 'ip', '-Y', 'ip.addr == localhost'], { encoding: 'utf8' });
    expect(bad.status).toBe(1);
    expect(bad.stderr).toBe('wirelite: -Y: "localhost" is not a valid hostname or IPv4 address.\n    ip.addr == localhost\n               ^~~~~~~~~\n');
  });
});

// The table tshark -N nN prints for the same statistic, where it names the addresses (wirelite's
// conversation tables print addresses, not names, with -N too: that is not the filter's doing).
it('stats conv ip -N nN -Y: the rows of tshark -N nN -z conv,ip,FILTER', () => {
  const ours = execFileSync(WL, ['stats', LOOP, 'conv', 'ip', '-N', 'nN', '-Y', 'ip.addr == localhost'], { encoding: 'utf8' });
  const t = tshark(['-q', '-2', '-N', 'nN', '-r', LOOP, '-z', 'conv,ip,ip.addr == localhost']);
  expect(t.code, t.err).toBe(0);
  const unnamed = t.out.split('\n').map((l) => (l.startsWith('Filter:') ? l : l.replaceAll('localhost', '127.0.0.1'))).join('\n');
  expect(ours).toBe(unnamed);
});

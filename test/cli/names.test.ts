/**
 * Name resolution (`wirelite read -N mnt...`, tshark's letters) side by side with live tshark 4.0
 * on the same files: transport names (`t`) in Info and the UDP/TCP tree, MAC vendor names (`m`,
 * from the IEEE registry) in the columns and the Ethernet tree, host names from a hosts file (`n`)
 * and from the capture's own DNS answers (`nd`, two passes as tshark -2). Never a network lookup:
 * tshark is run without `N` (its external resolver) here.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { corpusPresent, corpusRoot } from '../conformance/oracle.js';
import { shortVendorName } from '../../src/dissectors/names.js';
import { itCorpusMissing, itMissing } from '../corpus.js';

const root = resolve(import.meta.dirname, '../..');
const bin = join(root, 'bin/wirelite');
const scratch = mkdtempSync(join(tmpdir(), 'wl-names-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
const LOOPBACK = join(root, 'fixtures/loopback.pcap');
const SYNTHETIC = join(root, 'fixtures/synthetic.pcapng');

/** A Wireshark configuration directory with a hosts file (tshark -N n reads it; so does wirelite). */
const config = join(scratch, 'config');
mkdirSync(join(config, 'wireshark'), { recursive: true });
writeFileSync(join(config, 'wireshark', 'hosts'), '192.0.2.10 alpha\n192.0.2.11 beta.example\n203.0.113.80 server\n');
const ENV = { ...process.env, XDG_CONFIG_HOME: config, WIRESHARK_CONFIG_DIR: join(config, 'wireshark') };

function run(cmd: string, args: string[]): string[] {
  const r = spawnSync(cmd, args, { cwd: root, encoding: 'utf8', env: ENV, maxBuffer: 1 << 26 });
  expect(r.status, `${cmd} ${args.join(' ')}: ${r.stderr}`).toBe(0);
  return r.stdout.split('\n');
}

/**
 * wirelite's and tshark -2's one-line output for the same options, but the frames whose tshark
 * line matches `skip` (HTTP: a protocol wirelite does not dissect).
 */
function sameAsTshark(file: string, opts: string[], skip = /\bHTTP\b|reassembled PDU/): string[] {
  const ours = run(bin, ['read', file, ...opts]);
  const theirs = run('tshark', ['-2', '-r', file, ...opts]);
  expect(ours.length).toBe(theirs.length);
  const keep = (lines: string[]) => lines.filter((_, i) => !skip.test(theirs[i]!));
  expect(keep(ours)).toEqual(keep(theirs));
  return keep(ours);
}

/** The -V lines `pick` selects, from wirelite and from tshark -2 (other parts of the tree may differ). */
function sameTreeLines(file: string, opts: string[], pick: (l: string) => boolean): string[] {
  const ours = run(bin, ['read', file, '-V', ...opts]).filter(pick);
  expect(ours).toEqual(run('tshark', ['-2', '-r', file, '-V', ...opts]).filter(pick));
  expect(ours.length).toBeGreaterThan(0);
  return ours;
}

describe('read -N (name resolution)', () => {
  it('t: port names in Info, as tshark (http-alt(8080), terabase(4000))', () => {
    const a = sameAsTshark(LOOPBACK, ['-N', 't']);
    expect(a.join('\n')).toContain('58418 → http-alt(8080)');
    const b = sameAsTshark(SYNTHETIC, ['-N', 't']);
    expect(b.join('\n')).toContain('terabase(4000) → newoak(4001)');
  });

  it('t: port names in the UDP and TCP tree, as tshark (Src Port: 58418 (58418), Dst Port: http-alt (8080))', () => {
    // Every header's lines, also those quoted in ICMP errors.
    const top = (l: string) => /^ *(User Datagram|Transmission Control)|^ *(Source|Destination) Port:/.test(l);
    const lines = sameTreeLines(SYNTHETIC, ['-N', 't'], top);
    expect(lines).toContain('User Datagram Protocol, Src Port: terabase (4000), Dst Port: newoak (4001)');
    expect(lines).toContain('    Source Port: 51000 (51000)');
    expect(lines).toContain('        Destination Port: cslistener (9000)');
    sameTreeLines(LOOPBACK, ['-N', 't'], top);
  });

  it('n: host names from the hosts file in the columns and the IP tree, as tshark', () => {
    const lines = sameAsTshark(SYNTHETIC, ['-N', 'n']);
    expect(lines.join('\n')).toContain('alpha → beta.example');
    const tree = sameTreeLines(SYNTHETIC, ['-N', 'n'], (l) => l.startsWith('Internet Protocol Version 4'));
    expect(tree).toContain('Internet Protocol Version 4, Src: alpha (192.0.2.10), Dst: beta.example (192.0.2.11)');
    const items = sameTreeLines(SYNTHETIC, ['-N', 'n'], (l) => /^ {4}(Source|Destination) Address:/.test(l));
    expect(items).toContain('    Source Address: alpha (192.0.2.10)');
    expect(items).toContain('    Source Address: 198.51.100.1 (198.51.100.1)');
  });

  it("nd: names from the capture's DNS answers, the last one for an address (as tshark -2)", () => {
    const lines = sameAsTshark(LOOPBACK, ['-N', 'nd']);
    expect(lines.join('\n')).toContain('fixture.test → fixture.test');
    // The host fields carry the names too.
    const hosts = sameAsTshark(LOOPBACK, ['-N', 'nd', '-T', 'fields', '-e', 'ip.src_host', '-e', 'ip.host', '-e', 'ipv6.dst_host'], /^$/);
    expect(hosts[0]).toBe('fixture.test\tfixture.test,fixture.test\t');
    // d alone names nothing (tshark's d needs n).
    expect(run(bin, ['read', LOOPBACK, '-N', 'd']).join('\n')).not.toContain('fixture.test →');
  });

  it('m: MAC vendor names (Broadcast, and none for locally administered addresses), as tshark', () => {
    expect(sameAsTshark(SYNTHETIC, ['-N', 'm']).join('\n')).toContain('→ Broadcast');
  });

  if (!corpusPresent) itCorpusMissing();
  else if (!existsSync('/usr/share/ieee-data/oui.csv')) itMissing('SKIPPED: /usr/share/ieee-data/oui.csv missing (apt-get install ieee-data)');
  it.skipIf(!corpusPresent || !existsSync('/usr/share/ieee-data/oui.csv'))(
    corpusPresent ? 'm: vendor names from the IEEE registry in the columns and the Ethernet tree (Cisco_dc:80:c0 (00:24:c4:dc:80:c0))' : 'SKIPPED: ../shared/corpus missing',
    () => {
      const file = join(corpusRoot, 'public/zeek/http/206_example_b.pcap');
      const eth = (l: string) => /^Ethernet II|^ {4}(Source|Destination):/.test(l);
      const lines = sameTreeLines(file, ['-N', 'm', '-c', '20'], eth);
      expect(lines).toContain('Ethernet II, Src: Cisco_dc:80:c0 (00:24:c4:dc:80:c0), Dst: Cisco_1f:cd:40 (00:26:ca:1f:cd:40)');
      const resolved = sameAsTshark(file, ['-N', 'm', '-c', '20', '-T', 'fields', '-e', 'eth.src_resolved', '-e', 'eth.addr_resolved'], /^$/);
      expect(resolved[0]).toBe('Cisco_dc:80:c0\tCisco_1f:cd:40,Cisco_dc:80:c0');
      // An ARP capture shows the names in the columns.
      sameAsTshark(join(corpusRoot, 'public/zeek/arp-who-has.pcap'), ['-N', 'm']);
    },
  );

  it("shortens the IEEE registry's names as Wireshark's manuf file does", () => {
    expect(shortVendorName('Cisco Systems, Inc')).toBe('Cisco');
    expect(shortVendorName('Intel Corporate')).toBe('IntelCor');
    expect(shortVendorName('IGT')).toBe('Igt');
    expect(shortVendorName('AMERICAN MICRO-FUEL DEVICE CORP.')).toBe('American');
  });

  it('-n (the default) and no -N resolve nothing; a letter tshark does not know is refused (exit 1)', () => {
    const plain = run(bin, ['read', SYNTHETIC]);
    expect(run(bin, ['read', SYNTHETIC, '-n'])).toEqual(plain);
    expect(plain.join('\n')).not.toContain('terabase');
    const r = spawnSync(bin, ['read', SYNTHETIC, '-N', 'mx'], { encoding: 'utf8' });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/^wirelite: -N specifies unknown resolving option 'x'; valid options are: d /);
    expect(r.stderr.split('\n').filter(Boolean)).toHaveLength(1);
  });
});

/**
 * Decode as (`wirelite read -d layer==selector,protocol`, tshark's -d): side by side with live
 * tshark 4.0 on the fixtures and corpus captures (every protocol bound to udp.port, a range, a
 * count, a hex selector, tcp.port to data and back, ip.proto), and every bad value with tshark's
 * message and exit 1.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { corpusPresent, corpusRoot } from '../conformance/oracle.js';
import { itCorpusMissing } from '../corpus.js';

const root = resolve(import.meta.dirname, '../..');
const bin = join(root, 'bin/wirelite');
const scratch = mkdtempSync(join(tmpdir(), 'wl-decode-as-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const FIELDS = ['-T', 'fields', '-e', 'frame.number', '-e', 'frame.protocols', '-e', '_ws.col.Protocol', '-e', '_ws.col.Info'];
const LOOPBACK = join(root, 'fixtures/loopback.pcap');
/** The loopback fixture's UDP frames (its HTTP exchange is tshark's HTTP dissector, not a -d matter). */
const UDP = /:udp/;

function tshark(args: string[]): { code: number | null; out: string; err: string } {
  const r = spawnSync('tshark', args, { encoding: 'utf8', env: { ...process.env, WIRESHARK_CONFIG_DIR: scratch }, maxBuffer: 1 << 28 });
  return { code: r.status, out: r.stdout, err: r.stderr.split('\n').filter((l) => l && !l.startsWith('Running as user')).join('\n') };
}

function wl(args: string[]) {
  const r = spawnSync(bin, args, { cwd: root, encoding: 'utf8' });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

/** Protocols tshark dissects in these captures and wirelite does not: their frames are not compared. */
const NOT_OURS = /:(http|x509sat)\b/;

/**
 * wirelite's and tshark's output for the same -d rules (the frames whose tshark line matches `only`);
 * the rules must change wirelite's output.
 */
function sameAsTshark(file: string, rules: string[], only = /./): void {
  const d = rules.flatMap((r) => ['-d', r]);
  const ours = wl(['read', file, ...d, ...FIELDS]);
  expect(ours.code, ours.err).toBe(0);
  const theirs = tshark(['-n', '-2', '-r', file, ...d, ...FIELDS]).out.split('\n');
  const keep = (text: string) => text.split('\n').filter((_, i) => only.test(theirs[i] ?? '') && !NOT_OURS.test(theirs[i] ?? ''));
  expect(keep(ours.out), `${file} -d ${rules.join(' -d ')}`).toEqual(keep(theirs.join('\n')));
  expect(keep(wl(['read', file, ...FIELDS]).out), 'the rule changed nothing').not.toEqual(keep(ours.out));
}

describe('read -d (decode as)', () => {
  it('decodes UDP 5354 as each protocol bound to udp.port, and as data, as tshark', () => {
    for (const p of ['mdns', 'llmnr', 'data']) sameAsTshark(LOOPBACK, [`udp.port==5354,${p}`], UDP);
  });

  it('takes ranges (a-b, a:count) and hex selectors, as tshark', () => {
    sameAsTshark(LOOPBACK, ['udp.port==5350-5360,mdns'], UDP);
    sameAsTshark(LOOPBACK, ['udp.port==5352:3,llmnr'], UDP);
    sameAsTshark(LOOPBACK, ['udp.port==0x14ea,mdns'], UDP);
    // The later rule wins.
    sameAsTshark(LOOPBACK, ['udp.port==5354,data', 'udp.port==5354,mdns'], UDP);
  });

  it('looks the lower port up first, then the higher, then the heuristics, as tshark', () => {
    // 44256 <-> 5354: 5354 is unbound, so the rule on the higher port beats the DNS heuristic.
    sameAsTshark(LOOPBACK, ['udp.port==44256,llmnr'], UDP);
    // Both bound: the lower port (5354) wins.
    sameAsTshark(LOOPBACK, ['udp.port==44256,llmnr', 'udp.port==5354,mdns'], UDP);
  });

  if (!corpusPresent) itCorpusMissing();
  it.skipIf(!corpusPresent)(corpusPresent ? 'turns TLS, DNS, TCP off by their tables (tcp.port, udp.port, ip.proto), as tshark' : 'SKIPPED: ../shared/corpus missing', () => {
    const tls = join(corpusRoot, 'public/suricata-verify/tls/tls-client-hello-frag-01/dump_mtu300.pcap');
    sameAsTshark(tls, ['tcp.port==443,data']);
    sameAsTshark(tls, ['ip.proto==6,data']);
    sameAsTshark(join(corpusRoot, 'public/zeek/dns-caa.pcap'), ['udp.port==53,data']);
  });

  it('refuses bad values with tshark\'s message and exit 1', () => {
    const cases: Array<[string, string]> = [
      ['udp.port==5354', 'Parameter "udp.port==5354" doesn\'t follow the template "<layer_type>==<selector>,<decode_as_protocol>"'],
      ['udp.port==abc,dns', 'Invalid selector number "abc"'],
      ['udp.port==,dns', 'Invalid selector number ""'],
      ['udp.port==-5,dns', 'Invalid selector number "-5"'],
      ['udp.port==99999999999,dns', 'Invalid selector number "99999999999"'],
      ['udp.port==5360-5350,dns', 'Invalid selector numeric range "5360-5350"'],
      ['udp.port==5-,dns', 'Invalid selector numeric range "5-"'],
      ['udp.port==1:0,dns', 'Invalid selector numeric range "1:0"'],
      ['udp.port==5354,', 'No protocol name specified'],
      ['udp.port==5354,nosuch', 'Unknown protocol -- "nosuch"'],
      ['udp.port==5354,DNS', 'Unknown protocol -- "DNS"'],
      ['udp.port==5354,dns,x', 'Unknown protocol -- "dns,x"'],
      ['udp.port==5354,tls', 'Protocol "tls" isn\'t valid for layer type "udp.port"'],
      ['nosuch.port==5354,dns', 'Unknown layer type -- nosuch.port'],
      ['udp.port5354,dns', 'Unknown layer type -- udp.port5354'],
    ];
    for (const [value, message] of cases) {
      const ours = wl(['read', LOOPBACK, '-d', value]);
      expect(ours.code, value).toBe(1);
      expect(ours.err.split('\n').filter(Boolean), value).toHaveLength(1);
      expect(ours.err, value).toContain(`wirelite: -d: ${message}`);
      expect(ours.out).toBe('');
      const theirs = tshark(['-n', '-r', LOOPBACK, '-d', value]);
      expect(theirs.code, value).toBe(1);
      expect(theirs.err.split('\n')[0], value).toBe(`tshark: ${message}`);
    }
  });

  it('takes a single = with tshark\'s warning', () => {
    const ours = wl(['read', LOOPBACK, '-d', 'udp.port=5354,mdns', ...FIELDS]);
    expect(ours.code).toBe(0);
    const warning = '-d requires "==" instead of "=". Option will be treated as "udp.port==5354,mdns"';
    expect(ours.err).toBe(`wirelite: warning: ${warning}\n`);
    const theirs = tshark(['-n', '-2', '-r', LOOPBACK, '-d', 'udp.port=5354,mdns', ...FIELDS]);
    expect(theirs.err).toBe(`tshark: WARNING: ${warning}`);
    const frames = (t: string) => t.split('\n').slice(10, 14);
    expect(frames(ours.out)).toEqual(frames(theirs.out));
    expect(frames(ours.out).join('\n')).toContain('MDNS');
  });

  it('is an option of every command that dissects (read, capture, stats, follow)', () => {
    // stats dns counts the DNS that tshark's heuristic and wirelite's find on 5354, and none once 5354 is data.
    expect(wl(['stats', LOOPBACK, 'dns']).out).toContain('DNS: 4 messages');
    expect(wl(['stats', LOOPBACK, 'dns', '-d', 'udp.port==5354,data']).out).toContain('DNS: 0 messages');
    expect(wl(['follow', LOOPBACK, '--stream', '0', '-d', 'tcp.port==8080,tls']).code).toBe(0);
    for (const cmd of [['read', LOOPBACK], ['stats', LOOPBACK, 'dns'], ['follow', LOOPBACK, '--stream', '0'], ['capture', '-i', 'lo', '-c', '1']]) {
      const r = wl([...cmd, '-d', 'udp.port==5354']);
      expect(r.code, cmd[0]).toBe(1);
      expect(r.err, cmd[0]).toMatch(/^wirelite: -d: Parameter "udp.port==5354" doesn't follow the template/);
    }
  });
});

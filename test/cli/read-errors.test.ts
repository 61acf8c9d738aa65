/**
 * `wirelite read` on bad input (issue 11): every bad option is refused before anything is read,
 * with one line on stderr and a defined exit code, where tshark 4.0 also refuses it (tshark runs
 * live here: its exit code is the reference, its wording is its own). Also the field names it
 * cannot print, and link types it cannot dissect.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '../..');
const bin = join(root, 'bin/wirelite');
const fixture = join(root, 'fixtures/loopback.pcap');
const scratch = mkdtempSync(join(tmpdir(), 'wl-read-errors-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function wl(args: string[]) {
  const r = spawnSync(bin, args, { cwd: root, encoding: 'utf8', maxBuffer: 1 << 26 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

function tshark(args: string[]) {
  const r = spawnSync('tshark', args, { encoding: 'utf8', env: { ...process.env, WIRESHARK_CONFIG_DIR: scratch }, maxBuffer: 1 << 26 });
  return { code: r.status, out: r.stdout, err: r.stderr.replace(/^Running as user .*\n/m, '') };
}

beforeAll(() => {
  expect(spawnSync('tshark', ['--version']).status, 'tshark must be installed (apt-get install tshark)').toBe(0);
});

/** One line on stderr, no stack trace, nothing on stdout. */
function expectOneLine(r: { out: string; err: string }, message: string) {
  expect(r.err).toBe(`wirelite: ${message}\n`);
  expect(r.out).toBe('');
}

describe('read -w: the output file is checked before reading, as capture does', () => {
  it('a missing directory, a directory, an unknown -F: exit 2, 2, 1 with one line (tshark: the same codes)', () => {
    const cases: [string[], number, string][] = [
      [['-w', '/no/such/dir/x.pcap'], 2, 'cannot create /no/such/dir/x.pcap: no such directory'],
      [['-w', scratch], 2, `cannot create ${scratch}: is a directory`],
      [['-F', 'foo', '-w', join(scratch, 'x')], 1, 'unknown capture file type "foo" (supported: pcap, nsecpcap, pcapng)'],
    ];
    for (const [args, code, message] of cases) {
      const r = wl(['read', fixture, ...args]);
      expect(r.code, args.join(' ')).toBe(code);
      expectOneLine(r, message);
      expect(tshark(['-r', fixture, ...args]).code, `tshark ${args.join(' ')}`).toBe(code);
    }
    expect(existsSync(join(scratch, 'x'))).toBe(false);
  });

  it('a full disk: exit 2 with one line (tshark: exit 2)', () => {
    const r = wl(['read', fixture, '-w', '/dev/full']);
    expect(r.code).toBe(2);
    expectOneLine(r, 'cannot write /dev/full: no space left on device');
    expect(tshark(['-r', fixture, '-w', '/dev/full']).code).toBe(2);
  });

  it('a directory the user cannot write to: exit 2, "permission denied" (tshark: exit 2)', () => {
    const ro = join(scratch, 'read-only');
    mkdirSync(ro, { mode: 0o555 });
    chmodSync(scratch, 0o755);
    const target = join(ro, 'x.pcap');
    // Root writes anywhere: run both tools as nobody, as a user would meet it.
    const asUser = (cmd: string, args: string[]) => (process.getuid?.() === 0 ? ['setpriv', ['--reuid', '65534', '--regid', '65534', '--clear-groups', cmd, ...args]] : [cmd, args]) as [string, string[]];
    const [c, a] = asUser(bin, ['read', fixture, '-w', target]);
    const r = spawnSync(c, a, { cwd: root, encoding: 'utf8' });
    expect(r.status).toBe(2);
    expect(r.stderr).toBe(`wirelite: cannot create ${target}: permission denied\n`);
    const [tc, ta] = asUser('tshark', ['-r', fixture, '-w', target]);
    expect(spawnSync(tc, ta, { encoding: 'utf8', env: { ...process.env, WIRESHARK_CONFIG_DIR: ro } }).status).toBe(2);
    expect(existsSync(target)).toBe(false);
  });

  it('a path under a file (not a directory): exit 2', () => {
    const r = wl(['read', fixture, '-w', `${fixture}/x.pcap`]);
    expect(r.code).toBe(2);
    expectOneLine(r, `cannot create ${fixture}/x.pcap: a part of the path is not a directory`);
  });

  it('-w onto the file being read is refused (exit 1) and leaves it untouched', () => {
    const before = readFileSync(fixture);
    const r = wl(['read', fixture, '-w', fixture]);
    expect(r.code).toBe(1);
    expectOneLine(r, `-w ${fixture} is the file being read: write to another file`);
    expect(readFileSync(fixture).equals(before)).toBe(true);
  });

  it('-F without -w, and -w - with printing, are usage errors', () => {
    const f = wl(['read', fixture, '-F', 'pcap']);
    expect(f.code).toBe(1);
    expectOneLine(f, '-F needs -w FILE');
    const p = wl(['read', fixture, '-w', '-', '-P']);
    expect(p.code).toBe(1);
    expectOneLine(p, '-w - writes the capture to standard output: packets cannot be printed there too (drop -P, -V, -x)');
  });

  it('a missing input file creates no output file (exit 2)', () => {
    const out = join(scratch, 'never.pcap');
    const r = wl(['read', join(scratch, 'missing.pcap'), '-w', out]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/^wirelite: .*no such file.*\n$/);
    expect(existsSync(out)).toBe(false);
  });

  it('an empty input or one that is not a capture leaves no zero-byte -w file (exit 2)', () => {
    const out = join(scratch, 'from-empty.pcap');
    const empty = join(scratch, 'empty.pcap');
    writeFileSync(empty, '');
    for (const input of [empty, join(root, 'package.json')]) {
      const r = wl(['read', input, '-w', out]);
      expect(r.code).toBe(2);
      expect(r.err).toMatch(/^wirelite: (file is empty|not a pcap or pcapng file .*)\n$/);
      expect(existsSync(out), input).toBe(false);
    }
  });

  it('-c 0 and -c -1 are refused (exit 1), as tshark refuses them', () => {
    for (const c of ['0', '-1']) {
      const r = wl(['read', fixture, '-c', c]);
      expect(r.code).toBe(1);
      expectOneLine(r, `-c takes a positive integer, not "${c}"`);
      expect(tshark(['-r', fixture, '-c', c]).code).toBe(1);
    }
  });

  it('-w writes the file and prints nothing, as tshark; -P prints the summary too', () => {
    const out = join(scratch, 'copy.pcap');
    const quiet = wl(['read', fixture, '-w', out]);
    expect(quiet.code).toBe(0);
    expect(quiet.out).toBe(tshark(['-r', fixture, '-w', join(scratch, 'tshark-copy.pcap')]).out);
    expect(quiet.out).toBe('');
    expect(statSync(out).size).toBe(statSync(fixture).size);
    const p = wl(['read', fixture, '-w', out, '-P']);
    expect(p.out.split('\n')).toHaveLength(31);
  });
});

describe('read -e: a field of a protocol wirelite does not dissect is not a typo', () => {
  it('sip.Method: a warning that SIP is not dissected, an empty column, exit 0 (tshark: a valid field)', () => {
    const r = wl(['read', fixture, '-c', '2', '-T', 'fields', '-e', 'frame.number', '-e', 'sip.Method']);
    expect(r.code).toBe(0);
    expect(r.err).toBe('wirelite: warning: -e sip.Method: SIP is not dissected by wirelite; its column stays empty\n');
    expect(r.out).toBe('1\t\n2\t\n');
    // tshark knows the field (and prints nothing for these ICMP frames).
    const t = tshark(['-r', fixture, '-c', '2', '-T', 'fields', '-e', 'frame.number', '-e', 'sip.Method']);
    expect(t.code).toBe(0);
    expect(t.out).toBe(r.out);
  });

  it('a typo: exit 1 with the closest wirelite field (tshark: exit 1, "Some fields aren\'t valid")', () => {
    for (const [typo, near] of [['ip.scr', 'ip.src'], ['tcp.srcprot', 'tcp.srcport'], ['dns.qry.nmae', 'dns.qry.name']]) {
      const r = wl(['read', fixture, '-T', 'fields', '-e', typo!]);
      expect(r.code).toBe(1);
      expectOneLine(r, `unknown field "${typo}" (did you mean ${near}?)`);
      const t = tshark(['-r', fixture, '-T', 'fields', '-e', typo!]);
      expect(t.code).toBe(1);
      expect(t.err).toContain("Some fields aren't valid");
    }
    const far = wl(['read', fixture, '-T', 'fields', '-e', 'foo.bar']);
    expect(far.code).toBe(1);
    expectOneLine(far, 'unknown field "foo.bar" (wirelite fields lists the fields it knows)');
  });

  it('every protocol of the table is a real Wireshark protocol (tshark -G protocols)', async () => {
    const src = readFileSync(join(root, 'src/dissectors/field-names.ts'), 'utf8');
    const names = [...src.matchAll(/\['([^']+)', '[^']*'\]/g)].map((m) => m[1]!);
    expect(names.length).toBeGreaterThan(100);
    const known = new Set(execFileSync('tshark', ['-G', 'protocols'], { encoding: 'utf8', env: { ...process.env, WIRESHARK_CONFIG_DIR: scratch }, maxBuffer: 1 << 26 })
      .split('\n').map((l) => l.split('\t')[2]));
    expect(names.filter((n) => !known.has(n))).toEqual([]);
  });
});

describe('read: option combinations tshark 4.0 refuses', () => {
  it('-e without -T fields/json/ek/pdml, and -x with -T fields/psml/pdml: exit 1, as tshark', () => {
    const cases: [string[], string][] = [
      [['-e', 'ip.src'], '-e FIELD needs -T fields, json, ek or pdml (as tshark 4.0)'],
      [['-T', 'psml', '-x'], '-x (hex dump) can be printed only with -T text, json or ek, not with -T psml (as tshark 4.0)'],
      [['-T', 'fields', '-e', 'ip.src', '-x'], '-x (hex dump) can be printed only with -T text, json or ek, not with -T fields (as tshark 4.0)'],
      [['-T', 'pdml', '-x'], '-x (hex dump) can be printed only with -T text, json or ek, not with -T pdml (as tshark 4.0)'],
    ];
    for (const [args, message] of cases) {
      const r = wl(['read', fixture, ...args]);
      expect(r.code, args.join(' ')).toBe(1);
      expectOneLine(r, message);
      expect(tshark(['-r', fixture, ...args]).code, `tshark ${args.join(' ')}`).toBe(1);
    }
    // tshark 4.0 takes -e with -T psml and ignores it; wirelite says so instead of ignoring it.
    const psml = wl(['read', fixture, '-T', 'psml', '-e', 'ip.src']);
    expect(psml.code).toBe(1);
    expectOneLine(psml, '-e FIELD needs -T fields, json, ek or pdml (-T psml prints only the summary columns)');
  });

  it('capture shares the checks: refused before any device is opened (exit 1)', () => {
    expectOneLine(wl(['capture', '-e', 'ip.src']), '-e FIELD needs -T fields, json, ek or pdml (as tshark 4.0)');
    expectOneLine(wl(['capture', '-T', 'pdml', '-x']), '-x (hex dump) can be printed only with -T text, json or ek, not with -T pdml (as tshark 4.0)');
    const typo = wl(['capture', '-T', 'fields', '-e', 'ip.scr']);
    expect(typo.code).toBe(1);
    expectOneLine(typo, 'unknown field "ip.scr" (did you mean ip.src?)');
  });

  it('-T json -e prints only those fields; -T json -x adds the *_raw bytes tshark adds', () => {
    const only = wl(['read', fixture, '-c', '16', '-T', 'json', '-e', 'ip.src', '-e', 'tcp.srcport']).out.trim().split('\n').map((l) => JSON.parse(l));
    const t = JSON.parse(tshark(['-r', fixture, '-c', '16', '-T', 'json', '-e', 'ip.src', '-e', 'tcp.srcport']).out) as { _source: { layers: Record<string, string[]> } }[];
    expect(only.map((o) => Object.keys(o.layers))).toEqual(t.map((p) => Object.keys(p._source.layers)));
    expect(only[15].layers).toEqual({ 'ip.src': ['127.0.0.1'], 'tcp.srcport': [8080] });
    const raw = JSON.parse(wl(['read', fixture, '-c', '1', '-T', 'json', '-x']).out);
    const tr = JSON.parse(tshark(['-r', fixture, '-c', '1', '-T', 'json', '-x']).out)[0]._source.layers;
    expect(raw.layers.frame_raw).toBe(tr.frame_raw[0]);
    expect(raw.layers.ip_raw).toBe(tr.ip_raw[0]);
    expect(raw.layers.ip['ip.src_raw']).toBe(tr.ip['ip.src_raw'][0]);
    expect(raw.layers.icmp['icmp.checksum_raw']).toBe(tr.icmp['icmp.checksum_raw'][0]);
  });
});

describe('read: a link type wirelite cannot dissect', () => {
  it('says once on stderr which link type it is (editcap -T user0 / frelay), and shows the frames as data', () => {
    const u0 = join(scratch, 'user0.pcap');
    execFileSync('editcap', ['-T', 'user0', fixture, u0]);
    const r = wl(['read', u0]);
    expect(r.code).toBe(0);
    expect(r.err).toBe('wirelite: warning: link type 147 (USER0) is not dissected by wirelite: its frames show as data\n');
    expect(r.out.trim().split('\n')).toHaveLength(30);
    // tshark calls it the same encapsulation.
    expect(execFileSync('capinfos', ['-E', u0], { encoding: 'utf8' })).toMatch(/USER 0/);
    const fr = join(scratch, 'frelay.pcapng');
    execFileSync('editcap', ['-F', 'pcapng', '-T', 'frelay', fixture, fr]);
    const f = wl(['read', fr, '-q']);
    expect(f.err).toMatch(/^wirelite: warning: link type 107 \(FRELAY(: Frame Relay)?\) is not dissected by wirelite: its frames show as data\n$/);
    expect(wl(['read', fixture]).err).toBe('');
  });
});

/**
 * The command line's surface (issue 11): `wirelite -r FILE ...` as tshark's `-r`, the top-level
 * help's examples (one per command and statistic, each run here), and `capture -D` / `capture -i N`
 * side by side with tshark 4.0 on this machine's interfaces.
 */
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXAMPLES } from '../../src/cli/program.js';
import { STATS_KINDS } from '../../src/cli/commands/stats.js';
import { ensureBuilt, liveEnabled } from '../capture/live/helpers.js';
import buildIfStale from '../global-setup.js';

const root = resolve(import.meta.dirname, '../..');
const bin = join(root, 'bin/wirelite');
const fixture = join(root, 'fixtures/synthetic.pcapng');
const scratch = mkdtempSync(join(tmpdir(), 'wl-surface-test-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
beforeAll(() => buildIfStale());

function wl(args: string[]) {
  const r = spawnSync(bin, args, { cwd: root, encoding: 'utf8', maxBuffer: 1 << 26 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

/** Runs a program without blocking (so that captures can run side by side). */
function run(cmd: string, args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((done) => {
    const p = spawn(cmd, args, { cwd: root, env: { ...process.env, ...env } });
    let out = '';
    let err = '';
    p.stdout.on('data', (d: Buffer) => (out += d.toString()));
    p.stderr.on('data', (d: Buffer) => (err += d.toString()));
    p.on('close', (code) => done({ code, out, err }));
  });
}

function tshark(args: string[]) {
  const r = spawnSync('tshark', args, { encoding: 'utf8', env: { ...process.env, WIRESHARK_CONFIG_DIR: scratch } });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

describe('wirelite -r FILE (tshark -r habit)', () => {
  it('is read -r FILE, with any of read\'s options after it (or before it)', () => {
    const long = wl(['read', '-r', fixture, '-c', '3', '-T', 'fields', '-e', 'frame.number', '-e', 'eth.src']);
    expect(long.code).toBe(0);
    for (const args of [
      ['-r', fixture, '-c', '3', '-T', 'fields', '-e', 'frame.number', '-e', 'eth.src'],
      ['-c', '3', '-r', fixture, '-T', 'fields', '-e', 'frame.number', '-e', 'eth.src'],
      [`-r${fixture}`, '-c', '3', '-T', 'fields', '-e', 'frame.number', '-e', 'eth.src'],
    ]) {
      const short = wl(args);
      expect(short.err, args.join(' ')).toBe('');
      expect(short.code, args.join(' ')).toBe(0);
      expect(short.out, args.join(' ')).toBe(long.out);
    }
    // The same lines as tshark's -r.
    const t = tshark(['-r', fixture, '-c', '3', '-T', 'fields', '-e', 'frame.number', '-e', 'eth.src']);
    expect(t.code).toBe(0);
    expect(long.out).toBe(t.out);
  });

  it('takes -V and -x as read does', () => {
    expect(wl(['-r', fixture, '-c', '1', '-V', '-x']).out).toBe(wl(['read', fixture, '-c', '1', '-V', '-x']).out);
  });

  it('leaves --help, -v, the commands and unknown options as they were', () => {
    const help = wl(['--help']);
    expect(help.code).toBe(0);
    expect(help.out).toMatch(/^Usage: wirelite \[options\] \[command\]/);
    expect(wl(['-v'])).toMatchObject({ code: 0, out: '0.1.0\n' });
    expect(wl(['--version']).out).toBe('0.1.0\n');
    expect(wl(['read', '--help']).out).toMatch(/^Usage: wirelite read/);
    expect(wl(['-r', fixture, '--help']).out).toMatch(/^Usage: wirelite read/);
    const bad = wl(['-V', fixture]);
    expect(bad.code).toBe(1);
    expect(bad.err).toMatch(/unknown option '-V'/);
    expect(wl(['-r']).code).toBe(1); // -r without its file: read's own usage error
  });
});

describe('top-level --help', () => {
  const help = wl(['--help']).out;
  const commandList = help.slice(help.indexOf('\nCommands:\n'), help.indexOf('\nExamples'));
  const commands = [...commandList.matchAll(/^ {2}([a-z]+) /gm)].map((m) => m[1]!).filter((c) => c !== 'help');
  const examples = help.slice(help.indexOf('\nExamples'));

  it('lists every command, each with an example', () => {
    expect(commands).toEqual(['read', 'fields', 'capture', 'interfaces', 'stats', 'follow', 'completion', 'ping', 'traceroute', 'pmtud', 'tui']);
    for (const c of commands) {
      expect(examples, `no example of "${c}" in wirelite --help`).toMatch(new RegExp(`^ {2}(source <\\()?wirelite ${c === 'read' ? '(read|-r)' : c} `, 'm'));
    }
  });

  it('has an example of every statistic', () => {
    expect(STATS_KINDS.length).toBeGreaterThanOrEqual(7);
    for (const k of STATS_KINDS) expect(examples, `no example of "stats FILE ${k}" in wirelite --help`).toMatch(new RegExp(`^ {2}wirelite stats FILE ${k}\\b`, 'm'));
  });

  it('lists the exit codes', () => {
    for (const c of [0, 1, 2, 3, 4, 5]) expect(help).toMatch(new RegExp(`^ {2}${c} {2}\\S`, 'm'));
  });

  // Every example on a file runs, on the project's fixture (live capture and `source` aside).
  // Probes (ping, traceroute, pmtud) send packets: they run in the probes' lab tests (test/probe/), never here.
  // tui needs a terminal: test/tui/e2e.test.ts runs it in tmux.
  const runnable = EXAMPLES.filter((e) => e.line.startsWith('wirelite ') && !e.topic.startsWith('capture') && e.topic !== 'interfaces' && !['ping', 'traceroute', 'pmtud', 'tui'].includes(e.topic));
  it.each(runnable.map((e) => [e.line]))('%s runs', (line) => {
    const args = line.split(' ').slice(1).map((w) => (w === 'FILE' ? fixture : w));
    const r = wl(args);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out.length).toBeGreaterThan(0);
  });
});

describe.skipIf(!liveEnabled)('capture -D and capture -i N, as tshark (needs root: CI runs as root)', () => {
  beforeAll(() => ensureBuilt());

  /** The interface tshark names in "Capturing on 'Loopback: lo'" / "Capturing on 'eth0'". */
  const tsharkDevice = (err: string) => /Capturing on '(?:[^':]+: )?([^']+)'/.exec(err)?.[1];

  it('capture -D prints the list of tshark -D (its libpcap devices: dumpcap -D), in its format', () => {
    // Interfaces come and go while other tests build namespaces: compare once more if they moved.
    let ours = '';
    let dumpcap = '';
    let t = '';
    for (let attempt = 0; attempt < 3; attempt++) {
      ours = wl(['capture', '-D']).out;
      dumpcap = execFileSync('dumpcap', ['-D'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
      t = tshark(['-D']).out;
      if (ours === dumpcap && t.startsWith(ours)) break;
    }
    expect(ours).toMatch(/^1\. \S+/);
    expect(ours).toMatch(/^\d+\. lo \(Loopback\)$/m);
    expect(ours).toBe(dumpcap);
    // tshark -D: the same lines, then its extcap interfaces (numbered on).
    expect(t.startsWith(ours), `tshark -D:\n${t}\nwirelite capture -D:\n${ours}`).toBe(true);
  });

  it('capture -i N captures on the interface tshark -i N captures on', async () => {
    const list = wl(['capture', '-D']).out;
    // The four one-second captures run at once.
    const runs = ['lo', 'any'].map(async (name) => {
      const n = new RegExp(`^(\\d+)\\. ${name}\\b`, 'm').exec(list)?.[1];
      expect(n, `${name} in capture -D`).toBeDefined();
      const [t, ours] = await Promise.all([
        run('tshark', ['-i', n!, '-a', 'duration:1', '-q'], { WIRESHARK_CONFIG_DIR: scratch }),
        run(bin, ['capture', '-i', n!, '-a', 'duration:1', '-q']),
      ]);
      expect(t.code, t.err).toBe(0);
      expect(tsharkDevice(t.err)).toBe(name);
      expect(ours.code, ours.err).toBe(0);
      expect(ours.err).toMatch(new RegExp(`^wirelite: listening on ${name}, `));
    });
    await Promise.all(runs);
  });

  it('wirelite interfaces numbers the devices as capture -D', () => {
    const json = JSON.parse(wl(['interfaces', '--json']).out) as { index: number; name: string }[];
    const list = wl(['capture', '-D']).out.trim().split('\n').map((l) => /^(\d+)\. (\S+)/.exec(l)!.slice(1, 3).join(' '));
    expect(json.map((d) => `${d.index} ${d.name}`)).toEqual(list);
  });

  it('a number no interface has is a usage error (exit 1), as tshark', () => {
    const count = wl(['capture', '-D']).out.trim().split('\n').length;
    const t = tshark(['-i', '999', '-c', '1']);
    expect(t.code).toBe(1);
    expect(t.err).toMatch(/There is no interface with that adapter index/);
    expect(wl(['capture', '-i', '999', '-c', '1'])).toMatchObject({ code: 1, out: '', err: `wirelite: there is no interface number 999 (capture -D lists 1 to ${count})\n` });
  });
});

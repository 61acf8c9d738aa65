/**
 * Parallel statistics reads (`stats FILE conv|endpoints --threads N`): each worker dissects the
 * frames of one shard of the hosts (src/capture/flow-hash.ts) and the tables are merged. The
 * output must be byte for byte what one thread gives (itself checked against tshark in
 * conv-stats.test.ts), for every table type, text and JSON; and the bench capture's TCP table must
 * still be tshark's.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { corpusPresent, corpusRoot } from '../conformance/oracle.js';
import { describeCorpusMissing } from '../corpus.js';

const root = resolve(import.meta.dirname, '../..');
const bin = join(root, 'bin/wirelite');
const scratch = mkdtempSync(join(tmpdir(), 'wl-conv-parallel-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
const mixed = join(scratch, 'mixed.pcap');

beforeAll(() => {
  // The bench's generator, small: 200 interleaved TCP connections, DNS, UDP and ICMP between many hosts.
  execFileSync(process.execPath, [join(root, 'bench/generate.mjs'), '30000', mixed], { cwd: root, stdio: 'ignore' });
});

function wl(args: string[]) {
  const r = spawnSync(bin, args, { cwd: root, encoding: 'utf8', maxBuffer: 1 << 28 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

const CORPUS = [
  'pcapplusplus/ExamplesTest/pcap_examples/many-protocols.pcap',
  'pcapplusplus/ExamplesTest/pcap_examples/tls2.pcap',
  'suricata-verify/decode-sll2-02/input.pcap',
  'zeek/smtp.pcap',
  'filesamples/200722_tcp_anon.pcapng',
];

// Without the corpus these suites run on the fixtures alone: in CI that is a failure.
if (!corpusPresent) describeCorpusMissing('stats conv/endpoints --threads (the corpus captures)');
describe('stats conv/endpoints --threads', () => {
  it('gives one thread\'s output with 2 and 3 threads, every table type, text and JSON', () => {
    // [file, kind, type, extra args]: every table on the mixed capture, a few on the others.
    const runs: Array<[string, string, string, string[]]> = [];
    for (const kind of ['conv', 'endpoints']) for (const type of ['tcp', 'udp', 'ip', 'ipv6', 'eth']) runs.push([mixed, kind, type, []]);
    runs.push([mixed, 'conv', 'tcp', ['--json']], [mixed, 'endpoints', 'ip', ['--json']], [mixed, 'conv', 'tcp', ['--threads', '3']], [mixed, 'conv', 'eth', ['--threads', '3']]);
    const others = [join(root, 'fixtures/synthetic.pcapng'), ...(corpusPresent ? CORPUS.map((f) => join(corpusRoot, 'public', f)) : [])];
    for (const file of others) runs.push([file, 'conv', 'tcp', []], [file, 'endpoints', 'eth', []]);
    for (const [file, kind, type, extra] of runs) {
      const one = wl(['stats', file, kind, type, '--threads', '1', ...extra.filter((a) => a === '--json')]);
      expect(one.code, one.err).toBe(0);
      const many = wl(['stats', file, kind, type, '--threads', '2', ...extra]);
      expect(many.code, many.err).toBe(0);
      expect(many.out, `${file} ${kind} ${type} ${extra.join(' ')}`).toBe(one.out);
    }
  }, 240_000);

  it('splits the work: the mixed capture\'s conversations are spread over the workers and equal tshark\'s', () => {
    const ours = wl(['stats', mixed, 'conv', 'tcp', '--threads', '2']);
    const theirs = execFileSync('tshark', ['-n', '-2', '-q', '-z', 'conv,tcp', '-r', mixed], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], env: { ...process.env, WIRESHARK_CONFIG_DIR: scratch } });
    const rows = (t: string) => t.split('\n').filter((l) => l.includes(' <-> '));
    expect(rows(ours.out).length).toBeGreaterThan(500);
    expect(rows(ours.out)).toEqual(rows(theirs));
  });

  it('a damaged file: the same table of the frames before the damage, the message, exit 2', () => {
    const cut = join(scratch, 'cut.pcap');
    const whole = readFileSync(mixed);
    writeFileSync(cut, whole.subarray(0, Math.floor(whole.length * 0.6) + 7));
    const one = wl(['stats', cut, 'conv', 'tcp', '--threads', '1']);
    const two = wl(['stats', cut, 'conv', 'tcp', '--threads', '2']);
    expect(one.code).toBe(2);
    expect(two.code).toBe(2);
    expect(two.out).toBe(one.out);
    expect(two.err).toBe(one.err);
    expect(two.err).toMatch(/truncated/);
  });

  it('refuses --threads where it does not apply', () => {
    expect(wl(['stats', 'fixtures/loopback.pcap', 'conv', 'tcp', '--threads', '0']).code).toBe(1);
    expect(wl(['stats', 'fixtures/loopback.pcap', 'expert', '--threads', '2']).code).toBe(1);
    expect(wl(['stats', '-', 'conv', 'tcp', '--threads', '2']).code).toBe(1);
  });
});

/**
 * `wirelite read` end to end, against tshark 4.0 on the project's own fixtures (tshark is
 * installed by .ci/run; these tests fail, not skip, when it is missing).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '../..');
const bin = join(root, 'bin/wirelite');
const fixture = join(root, 'fixtures/loopback.pcap');

function wl(args: string[], input?: Buffer) {
  const r = spawnSync(bin, args, { cwd: root, input, encoding: 'buffer', maxBuffer: 1 << 28 });
  return { code: r.status, out: r.stdout.toString('utf8'), err: r.stderr.toString('utf8') };
}

/** One scratch folder for this file (tshark's empty config, written files), removed at the end. */
const scratch = mkdtempSync(join(tmpdir(), 'wl-read-test-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function tshark(args: string[]): string {
  return execFileSync('tshark', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], env: { ...process.env, WIRESHARK_CONFIG_DIR: scratch } });
}

beforeAll(() => {
  expect(spawnSync('tshark', ['--version']).status, 'tshark must be installed (apt-get install tshark)').toBe(0);
});

describe('wirelite read', () => {
  it('prints one line per packet like tshark for TCP/UDP frames', () => {
    const ours = wl(['read', fixture]);
    expect(ours.code).toBe(0);
    const theirs = tshark(['-2', '-n', '-r', fixture]);
    const o = ours.out.trimEnd().split('\n');
    const t = theirs.trimEnd().split('\n');
    expect(o.length).toBe(t.length);
    // Frames whose top protocol is TCP or plain UDP carry the same line (Info included).
    let compared = 0;
    for (let i = 0; i < t.length; i++) {
      if (/ (TCP|UDP|ICMP|ICMPv6|ARP) \d+ /.test(t[i]!)) {
        // The reassembled-PDU suffix included: HTTP on 8080 is reassembled as tshark does.
        expect(o[i]).toBe(t[i]);
        compared++;
      }
    }
    expect(compared).toBeGreaterThan(15);
  });

  it('-T fields prints values exactly as tshark does', () => {
    const fields = ['frame.number', 'frame.time_epoch', 'frame.len', 'eth.src', 'eth.type', 'ip.src', 'ip.dst', 'ip.id', 'ip.flags', 'ip.flags.df', 'ip.dsfield', 'ip.ttl', 'ip.checksum', 'ipv6.src', 'ipv6.dst', 'udp.srcport', 'udp.length', 'udp.checksum', 'tcp.srcport', 'tcp.dstport', 'tcp.seq', 'tcp.seq_raw', 'tcp.ack', 'tcp.flags', 'tcp.flags.syn', 'tcp.window_size_value', 'tcp.window_size', 'tcp.hdr_len', 'tcp.len', 'tcp.options.mss_val', 'tcp.options.wscale.shift', 'tcp.options.timestamp.tsval', 'tcp.stream', 'tcp.payload', 'frame.protocols'];
    const args = ['-T', 'fields', ...fields.flatMap((f) => ['-e', f]), '-E', 'header=y', '-E', 'separator=|'];
    const ours = wl(['read', fixture, ...args]);
    expect(ours.err).toBe('');
    const theirs = tshark(['-2', '-n', '-r', fixture, ...args]);
    const o = ours.out.split('\n');
    const t = theirs.split('\n');
    expect(o.length).toBe(t.length);
    for (let i = 0; i < t.length; i++) {
      const oc = o[i]!.split('|');
      const tc = t[i]!.split('|');
      fields.forEach((f, k) => {
        // Application layers come later; a segment that tshark hands to its HTTP reassembly shows no `data`.
        if (f === 'frame.protocols' && (/icmp|dns|http/.test(tc[k] ?? '') || ((tc[k] ?? '').endsWith(':tcp') && oc[k] === `${tc[k]}:data`))) return;
        expect(`${f}=${oc[k]}`, `line ${i}`).toBe(`${f}=${tc[k]}`);
      });
    }
  });

  it('-E occurrence and aggregator select values of repeated fields', () => {
    const a = wl(['read', fixture, '-c', '1', '-T', 'fields', '-e', 'eth.lg', '-E', 'aggregator=;']);
    expect(a.out).toBe('0;0\n');
    const f = wl(['read', fixture, '-c', '1', '-T', 'fields', '-e', 'eth.lg', '-E', 'occurrence=f']);
    expect(f.out).toBe('0\n');
  });

  it('-T json writes one typed object per packet', () => {
    const r = wl(['read', fixture, '-T', 'json']);
    expect(r.code).toBe(0);
    const lines = r.out.trim().split('\n').map((l) => JSON.parse(l));
    expect(lines).toHaveLength(30);
    const syn = lines[14];
    expect(syn.schema).toBe(1);
    expect(syn.number).toBe(15);
    expect(syn.time).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z$/);
    expect(syn.layers.tcp['tcp.flags.syn']).toBe(true);
    expect(syn.layers.tcp['tcp.dstport']).toBe(8080);
    expect(syn.layers.ip['ip.src']).toBe('127.0.0.1');
    expect(syn.layers.ip['ip.ttl']).toBe(64);
    expect(syn.protocols).toBe('eth:ethertype:ip:tcp');
    const epoch = tshark(['-n', '-r', fixture, '-c', '15', '-T', 'fields', '-e', 'frame.time_epoch']).trim().split('\n')[14];
    expect(syn.time_epoch).toBe(epoch);
  });

  it('-c stops early, -x dumps bytes, -V prints the tree', () => {
    expect(wl(['read', fixture, '-c', '3']).out.trim().split('\n')).toHaveLength(3);
    const x = wl(['read', fixture, '-c', '1', '-x']).out;
    expect(x).toContain('0000  00 00 00 00 00 00 00 00 00 00 00 00 08 00 45 00   ..............E.');
    const v = wl(['read', fixture, '-c', '15', '-V']).out;
    expect(v).toContain('Transmission Control Protocol, Src Port: 58418, Dst Port: 8080, Seq: 0, Len: 0');
    expect(v).toContain('    .... .... ..1. = Syn: Set');
  });

  it('-t selects the time format as tshark does', () => {
    for (const t of ['r', 'a', 'ad', 'd', 'e', 'u', 'ud']) {
      const ours = wl(['read', fixture, '-c', '4', '-t', t]).out.split('\n').map((l) => l.slice(0, 40));
      const theirs = tshark(['-n', '-r', fixture, '-c', '4', '-t', t]).split('\n').map((l) => l.slice(0, 40));
      expect(ours, `-t ${t}`).toEqual(theirs);
    }
  });

  it('reads stdin and gzip-compressed files', () => {
    const plain = wl(['read', fixture]).out;
    expect(wl(['read', '-'], readFileSync(fixture)).out.split('\n').length).toBe(plain.split('\n').length);
    const dir = mkdtempSync(join(scratch, 'case-'));
    const gz = join(dir, 'f.pcap.gz');
    execFileSync('sh', ['-c', `gzip -c '${fixture}' > '${gz}'`]);
    expect(wl(['read', gz]).out).toBe(plain);
  });

  it('-w writes pcap and pcapng that tshark reads back identically', () => {
    const dir = mkdtempSync(join(scratch, 'case-'));
    for (const name of ['out.pcap', 'out.pcapng']) {
      const path = join(dir, name);
      const r = wl(['read', fixture, '-q', '-w', path]);
      expect(r.code).toBe(0);
      const a = tshark(['-n', '-r', fixture, '-T', 'fields', '-e', 'frame.time_epoch', '-e', 'frame.len', '-e', 'frame.cap_len']);
      const b = tshark(['-n', '-r', path, '-T', 'fields', '-e', 'frame.time_epoch', '-e', 'frame.len', '-e', 'frame.cap_len']);
      expect(b).toBe(a);
    }
  });

  it('exits 2 with a clear message on a truncated file, after printing every readable frame', () => {
    const dir = mkdtempSync(join(scratch, 'case-'));
    const cut = join(dir, 'cut.pcap');
    const bytes = readFileSync(fixture);
    writeFileSync(cut, bytes.subarray(0, bytes.length - 20));
    const r = wl(['read', cut]);
    expect(r.code).toBe(2);
    expect(r.out.trim().split('\n')).toHaveLength(29);
    expect(r.err).toMatch(/truncated inside record 30 .*\(read 29 frames\)/);
  });

  it('rejects bad usage with exit 1 and a message', () => {
    const missing = wl(['read', '/nonexistent.pcap']);
    expect(missing.code).toBe(2);
    expect(missing.err).toMatch(/no such file/);
    const badField = wl(['read', fixture, '-T', 'fields', '-e', 'ip.nonsense']);
    expect(badField.code).toBe(1);
    expect(badField.err).toMatch(/unknown field "ip.nonsense"/);
    expect(wl(['read', fixture, '-c', 'x']).code).toBe(1);
    const notCapture = wl(['read', join(root, 'package.json')]);
    expect(notCapture.code).toBe(2);
    expect(notCapture.err).toMatch(/not a pcap or pcapng file/);
  });
});

describe('wirelite fields', () => {
  it('lists field names with their types, filtered by prefix', () => {
    const r = wl(['fields', 'ip.']);
    expect(r.code).toBe(0);
    const lines = r.out.trim().split('\n');
    expect(lines).toContain('ip.src\tSource Address\tFT_IPv4\tBASE_NONE');
    expect(lines.every((l) => l.startsWith('ip.'))).toBe(true);
    const json = wl(['fields', 'tcp.flags.syn', '--json']).out.trim().split('\n').map((l) => JSON.parse(l));
    expect(json).toEqual([{ name: 'tcp.flags.syn', label: 'Syn', type: 'FT_BOOLEAN', base: 'BASE_NONE', generated: false }]);
  });
});

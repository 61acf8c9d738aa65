/**
 * The one-line summary of a file is one patched pass (src/dissectors/patch.ts), not two: its lines
 * are spooled with holes where a later frame decides a column (an echo's reply, the frame that
 * reassembles a fragment, a TLS stream's final version), filled at the end. The output must be
 * byte for byte the two passes' (WIRELITE_PATCH=0 runs those): checked here on real captures with
 * every kind of hole, in one thread and two, for a capture cut short, and when the spool cannot
 * write its temporary file. Where the one pass could differ (an HTTP conversation with frames
 * before its first request, a TLS stream's version changing how records parse, a TCP stream whose
 * base sequence number came late), the read goes back to two passes: which captures take which
 * way is checked too, so a patched read that silently fell back everywhere would fail here. (That
 * two passes print what tshark prints is read.test.ts's and fixtures-vs-tshark.test.ts's.)
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { dissectFile } from '../../src/pipeline/index.js';
import type { PatchLog } from '../../src/dissectors/patch.js';
import { CORPUS_MISSING, corpusFile, corpusPresent, itCorpusMissing, repoRoot } from '../corpus.js';

const bin = join(repoRoot, 'bin/wirelite');
const scratch = mkdtempSync(join(tmpdir(), 'wl-read-patched-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function wl(args: string[], env: Record<string, string> = {}) {
  const r = spawnSync(bin, args, { cwd: repoRoot, encoding: 'utf8', maxBuffer: 1 << 28, env: { ...process.env, ...env } });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

/** Patched (one and two threads) against the two passes: stdout, stderr and exit code. */
function sameAsTwoPasses(file: string, extra: string[] = [], env: Record<string, string> = {}): string {
  const two = wl(['read', file, ...extra, '--threads', '1'], { WIRELITE_PATCH: '0' });
  for (const threads of ['1', '2']) {
    const one = wl(['read', file, ...extra, '--threads', threads], env);
    expect(one.code, `${file} --threads ${threads}: exit code`).toBe(two.code);
    expect(one.err, `${file} --threads ${threads}: stderr`).toBe(two.err);
    expect(one.out === two.out, `${file} ${extra.join(' ')} --threads ${threads}: stdout differs from two passes`).toBe(true);
  }
  return two.out;
}

/** Why a patched pass of `file` would go back to two passes (null: it holds). */
async function unsafeOf(file: string): Promise<string | null> {
  let log: PatchLog | undefined;
  await dissectFile(file, { columns: true, fields: [], twoPass: true, patched: true, count: 0, onPatched: (l) => (log = l) });
  return log!.unsafe;
}

/** Captures the patched pass prints alone, with the hole each one needs. */
const PATCHED: [string, string][] = [
  ['zeek/icmp/5-pings.pcap', '(reply in'],
  ['tcpdump/dhcp-rfc4388.pcap', '(no response found!)'],
  ['zeek/icmp/icmp6-ping.pcap', '(reply in'],
  ['pcapplusplus/Pcap++Test/PcapExamples/ip4_fragments.pcap', '[Reassembled in #'],
  ['zeek/ipv4/fragmented-1.pcap', '[Reassembled in #'],
  ['suricata-verify/tls/tls-client-hello-frag-01/dump_mtu300.pcap', 'Client Hello'],
  ['zeek/tls/tls1.2.pcap', 'TLSv1.2'],
  ['zeek/tls/tls13_wolfssl.pcap', 'TLSv1.3'],
];

/** Captures where one pass could differ: the read goes back to two passes. */
const FALLBACK: [string, RegExp][] = [
  ['pcapplusplus/ExamplesTest/pcap_examples/many-protocols.pcap', /HTTP conversation/],
  ['pcapplusplus/ExamplesTest/pcap_examples/tls2.pcap', /TLS/],
  ['suricata-verify/tls/tls-subjectaltname/input.pcap', /TCP stream/],
];

if (!corpusPresent) describe(CORPUS_MISSING, () => itCorpusMissing());
else describe('read: the one-line summary in one patched pass', () => {
  for (const [rel, text] of PATCHED) {
    it(`${rel}: one pass, holes filled as two passes fill them`, async () => {
      const f = corpusFile(rel);
      expect(await unsafeOf(f)).toBeNull();
      const out = sameAsTwoPasses(f);
      // The capture has what the hole is for, and the second pass's text is there.
      expect(out).toContain(text);
      // Each time format (the columns before the holes move).
      sameAsTwoPasses(f, ['-t', 'ad']);
    });
  }

  for (const [rel, why] of FALLBACK) {
    it(`${rel}: goes back to two passes (${why.source})`, async () => {
      const f = corpusFile(rel);
      expect(await unsafeOf(f)).toMatch(why);
      sameAsTwoPasses(f);
    });
  }

  it('a capture cut short: the frames before the damage, then the same message and exit code', () => {
    const src = readFileSync(corpusFile('tcpdump/dhcp-rfc4388.pcap'));
    const cut = join(scratch, 'cut.pcap');
    writeFileSync(cut, src.subarray(0, Math.floor(src.length * 0.6)));
    sameAsTwoPasses(cut);
    const r = wl(['read', cut]);
    expect(r.code).not.toBe(0);
    expect(r.out.split('\n').length).toBeGreaterThan(10);
  });

  it('a spool that cannot write its temporary file: two passes, the same output', () => {
    const f = corpusFile('zeek/icmp/5-pings.pcap');
    // Past 100 bytes the spool needs its file, in a directory that is not there.
    sameAsTwoPasses(f, [], { WIRELITE_SPOOL_MEMORY: '100', TMPDIR: join(scratch, 'no-such-dir') });
    // And with a temporary file it can write.
    sameAsTwoPasses(f, [], { WIRELITE_SPOOL_MEMORY: '100', TMPDIR: scratch });
  });
});

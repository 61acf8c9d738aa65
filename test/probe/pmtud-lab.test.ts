/**
 * wirelite pmtud against tracepath in the probes' lab (link MTUs 1500 -> 1400 -> 1280 -> 1500):
 * the same path MTU and the right limiting hop (R2, which cannot send more than 1280 on), over
 * IPv4 and IPv6 and with each probe method; with R2's Fragmentation Needed / Packet Too Big
 * blocked (an ICMP black hole), tracepath gives no answer but wirelite still finds 1280 by probe
 * loss and says so; bad input.
 *
 * Needs root, iproute2, iptables and tracepath: outside CI the tests skip with the reason; in CI
 * (CI=true, root, .ci/run installs them) a missing piece is a failure.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createProbeLab, missingForLab, runInNs, type ProbeLab, type Run } from '../lab/probe-lab.js';
import { itMissing } from '../corpus.js';
import { ensureBuilt, root } from '../capture/live/helpers.js';

const missing = missingForLab([['iputils-tracepath', 'tracepath', ['-V']]]);
const enabled = missing.length === 0;

const runInC = (lab: ProbeLab, cmd: string, args: string[], timeoutMs = 90_000): Promise<Run> => runInNs(lab.ns.C, cmd, args, timeoutMs);

const wl = (lab: ProbeLab, args: string[]) => runInC(lab, process.execPath, [join(root, 'dist/cli/main.js'), 'pmtud', ...args]);
const summary = (r: Run) => JSON.parse(r.stdout.trim().split('\n').at(-1)!) as Record<string, unknown>;
/** tracepath's answer: the Resume line's pmtu, and the router that reported it. */
function tracepath(out: string): { pmtu?: number; limitedBy?: string } {
  const pmtu = /Resume: pmtu (\d+)/.exec(out)?.[1];
  const lines = out.split('\n');
  const lim = pmtu ? lines.find((l) => new RegExp(`pmtu ${pmtu}\\s*$`).test(l) && !l.includes('LOCALHOST')) : undefined;
  return { ...(pmtu ? { pmtu: Number(pmtu) } : {}), ...(lim ? { limitedBy: /^\s*\d+:\s+(\S+)/.exec(lim)![1]! } : {}) };
}

describe.runIf(enabled)('wirelite pmtud vs tracepath in a routed namespace lab', () => {
  let lab: ProbeLab;
  beforeAll(() => {
    ensureBuilt();
    lab = createProbeLab();
    // Second addresses on S for the black-hole runs: C's kernel keeps no path MTU for them yet
    // (tracepath reads the kernel's; a cached 1280 would answer for it).
    lab.run('S', 'ip', ['addr', 'add', '198.18.4.3/24', 'dev', lab.ifOf('S', 4)]);
    lab.run('S', 'ip', ['-6', 'addr', 'add', '2001:db8:4::3/64', 'dev', lab.ifOf('S', 4), 'nodad']);
  });
  afterAll(() => lab?.destroy());

  for (const dst of ['198.18.4.2', '2001:db8:4::2']) {
    it(`${dst}: the path MTU and limiting hop of tracepath, by Frag needed / Packet too big, with ICMP, UDP and TCP probes`, async () => {
      const theirs = tracepath((await runInC(lab, 'tracepath', ['-n', dst])).stdout);
      const v6 = dst.includes(':');
      expect(theirs).toEqual({ pmtu: 1280, limitedBy: v6 ? '2001:db8:2::2' : '198.18.2.2' });
      for (const method of ['icmp', 'udp', 'tcp']) {
        const r = await wl(lab, ['-P', method, '-w', '0.5', '--json', dst]);
        expect(r.code, r.stderr).toBe(0);
        expect(summary(r), method).toMatchObject({ pmtu: theirs.pmtu, mss: 1280 - (v6 ? 40 : 20) - 20, limited_by: theirs.limitedBy, limited_hop: 2, method: 'icmp' });
      }
      const text = await wl(lab, ['-w', '0.5', dst]);
      expect(text.stdout).toContain(`path MTU 1280 (found by ${v6 ? 'Packet Too Big' : 'Fragmentation Needed'}), MSS ${v6 ? 1220 : 1240} (1280 - ${v6 ? 40 : 20} IP - 20 TCP), limited by ${theirs.limitedBy} (hop 2)`);
    });
  }

  for (const [dst, chain, rule] of [
    ['198.18.4.3', 'iptables', ['-p', 'icmp', '--icmp-type', 'fragmentation-needed']],
    ['2001:db8:4::3', 'ip6tables', ['-p', 'icmpv6', '--icmpv6-type', 'packet-too-big']],
  ] as const) {
    it(`${dst} through an ICMP black hole at R2: tracepath has no answer, wirelite finds 1280 by loss and says so`, async () => {
      lab.run('R2', chain, ['-I', 'OUTPUT', ...rule, '-j', 'DROP']);
      try {
        const [theirs, ours] = await Promise.all([
          runInC(lab, 'timeout', ['12', 'tracepath', '-n', dst]),
          wl(lab, ['-w', '0.3', '--json', dst]),
        ]);
        expect(tracepath(theirs.stdout).pmtu).not.toBe(1280);
        expect(ours.code, ours.stderr).toBe(0);
        expect(summary(ours)).toMatchObject({ pmtu: 1280, method: 'loss', limited_by: dst.includes(':') ? '2001:db8:2::2' : '198.18.2.2', limited_hop: 2 });
        expect(String(summary(ours).confidence)).toMatch(/1280 bytes answered, 1281 bytes lost 3 times in a row/);
        const text = await wl(lab, ['-w', '0.3', '-P', 'udp', dst]);
        expect(text.stdout).toMatch(/searching by loss between \d+ and 1400 \(each size tried 3 times before it counts as lost\)/);
        expect(text.stdout).toContain('path MTU 1280 (found by loss)');
      } finally {
        lab.run('R2', chain, ['-D', 'OUTPUT', ...rule, '-j', 'DROP']);
      }
    });
  }

  it('bad input: a clear message and exit 2', async () => {
    for (const [args, msg] of [
      [['--max-mtu', '9000', '198.18.4.2'], /--max-mtu 9000: above the MTU of \S+ \(1500\)/],
      [['--max-mtu', '500', '198.18.4.2'], /below the IPv4 minimum \(576\)/],
      [['-P', 'sctp', '198.18.4.2'], /-P sctp: icmp, udp or tcp/],
      [['--tries', '0', '198.18.4.2'], /--tries 0/],
      [['bogus..name'], /Name or service not known/],
    ] as const) {
      const r = await wl(lab, [...args]);
      expect(r.stderr, args.join(' ')).toMatch(msg);
      expect(r.code, args.join(' ')).toBe(2);
    }
    // A destination that answers nothing: exit 1.
    lab.run('R3', 'iptables', ['-I', 'FORWARD', '-d', '198.18.4.2', '-j', 'DROP']);
    try {
      const r = await wl(lab, ['-w', '0.2', '--tries', '1', '198.18.4.2']);
      expect(r.stderr).toMatch(/does not answer even 576-byte probes/);
      expect(r.code).toBe(1);
    } finally {
      lab.run('R3', 'iptables', ['-D', 'FORWARD', '-d', '198.18.4.2', '-j', 'DROP']);
    }
  });
});

if (!enabled) {
  describe('wirelite pmtud vs tracepath in a routed namespace lab', () => {
    itMissing(`needs ${missing.join(', ')} (CI runs as root with them)`);
  });
}

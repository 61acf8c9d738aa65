/**
 * wirelite traceroute against traceroute 2.x in the probes' lab (test/lab/probe-lab.ts): in ICMP
 * (-I), UDP (the default) and TCP SYN (-T) modes, IPv4 and IPv6, the same hop addresses hop for
 * hop and the same `!N` / `!H` / `!X` annotations; --json; bad input.
 *
 * Needs root, iproute2, iptables and traceroute: outside CI the tests skip with the reason; in CI
 * (CI=true, root, .ci/run installs them) a missing piece is a failure.
 */
import { spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEcmpLab, createProbeLab, missingForLab, runInNs, type EcmpLab, type Node, type ProbeLab, type Run } from '../lab/probe-lab.js';
import { itMissing } from '../corpus.js';
import { ensureBuilt, root } from '../capture/live/helpers.js';

const has = (cmd: string, args: string[]) => spawnSync(cmd, args, { stdio: 'ignore' }).status === 0;
const missing = missingForLab([['traceroute', 'traceroute', ['-V']]]);
const enabled = missing.length === 0;

const runIn = (lab: ProbeLab, node: Node, cmd: string, args: string[], timeoutMs = 60_000): Promise<Run> => runInNs(lab.ns[node], cmd, args, timeoutMs);

const wl = (lab: ProbeLab, args: string[]) => runIn(lab, 'C', process.execPath, [join(root, 'dist/cli/main.js'), 'traceroute', ...args]);
const real = (lab: ProbeLab, args: string[]) => runIn(lab, 'C', 'traceroute', args);

/** Per hop: its number, then each probe's responder (when it changes) or `*`, and annotations; no times. */
export function hops(out: string): string[] {
  return out.split('\n').filter((l) => /^ ?\d+ /.test(l)).map((l) => l.replace(/ {2}[\d.]+ ms/g, '').replace(/\s+/g, ' ').trim());
}

describe.runIf(enabled)('wirelite traceroute vs traceroute in a routed namespace lab', () => {
  let lab: ProbeLab;
  beforeAll(() => {
    ensureBuilt();
    lab = createProbeLab();
    // IPv4 net unreachable: R1 has no route to 198.18.8.0/24 (an iptables REJECT there loses the
    // errors of probes sent close together on this kernel). IPv6: an unreachable route on R2.
    lab.run('R1', 'ip', ['-6', 'route', 'add', '2001:db8:9::/64', 'via', '2001:db8:2::2']);
    lab.run('R2', 'ip', ['-6', 'route', 'add', 'unreachable', '2001:db8:9::/64']);
    lab.run('R3', 'iptables', ['-A', 'FORWARD', '-d', '198.18.4.99', '-j', 'REJECT', '--reject-with', 'icmp-host-unreachable']);
    lab.run('R3', 'iptables', ['-A', 'FORWARD', '-d', '198.18.4.97', '-j', 'REJECT', '--reject-with', 'icmp-admin-prohibited']);
    lab.run('R3', 'ip6tables', ['-A', 'FORWARD', '-d', '2001:db8:4::97', '-j', 'REJECT', '--reject-with', 'icmp6-adm-prohibited']);
    lab.run('R3', 'ip6tables', ['-A', 'FORWARD', '-d', '2001:db8:4::99', '-j', 'REJECT', '--reject-with', 'icmp6-addr-unreachable']);
  });
  afterAll(() => lab?.destroy());

  for (const [mode, flag] of [['ICMP', '-I'], ['UDP', ''], ['TCP', '-T']] as const) {
    for (const dst of ['198.18.4.2', '2001:db8:4::2']) {
      it(`${mode} to ${dst}: the same hops as traceroute ${flag}`, async () => {
        const args = [...(flag ? [flag] : []), '-n', '-w', '1', '-m', '8', dst];
        const theirs = await real(lab, args);
        const ours = await wl(lab, args);
        expect(ours.code, ours.stderr).toBe(0);
        expect(ours.stdout.split('\n')[0]).toBe(theirs.stdout.split('\n')[0]);
        expect(hops(ours.stdout)).toEqual(hops(theirs.stdout));
        const v6 = dst.includes(':');
        expect(hops(ours.stdout)).toEqual(v6
          ? ['1 2001:db8:1::1', '2 2001:db8:2::2', '3 2001:db8:3::2', '4 2001:db8:4::2']
          : ['1 198.18.1.1', '2 198.18.2.2', '3 198.18.3.2', '4 198.18.4.2']);
      });
    }
  }

  for (const [what, dst, ann] of [
    ['net unreachable', '198.18.8.1', '!N'],
    ['host unreachable', '198.18.4.99', '!H'],
    ['administratively prohibited', '198.18.4.97', '!X'],
    ['IPv6 no route', '2001:db8:9::1', '!N'],
    ['IPv6 address unreachable', '2001:db8:4::99', '!H'],
    ['IPv6 administratively prohibited', '2001:db8:4::97', '!X'],
  ] as const) {
    it(`${what}: ${ann} where traceroute shows it (ICMP and UDP)`, async () => {
      for (const flag of ['-I', '']) {
        // A router's errors for a missing route cost a token each (5, one more per second).
        const pause = () => (dst === '198.18.8.1' ? new Promise((res) => setTimeout(res, 3000)) : undefined);
        const args = [...(flag ? [flag] : []), '-n', '-w', '1', '-m', '6', dst];
        await pause();
        const theirs = await real(lab, args);
        await pause();
        const ours = await wl(lab, args);
        expect(hops(ours.stdout), flag).toEqual(hops(theirs.stdout));
        expect(hops(ours.stdout).at(-1)).toMatch(new RegExp(` ${ann} ${ann} ${ann}$`));
      }
    });
  }

  it('--mtu: F=NUM where traceroute --mtu shows it, IPv4 and IPv6', async () => {
    for (const dst of [lab.v4.S, lab.v6.S]) {
      for (const flag of ['-I', '']) {
        const args = ['--mtu', ...(flag ? [flag] : []), '-n', '-w', '1', dst];
        const theirs = await real(lab, args);
        const ours = await wl(lab, args);
        expect(ours.stdout.split('\n')[0]).toBe(theirs.stdout.split('\n')[0]);
        expect(hops(ours.stdout), `${flag} ${dst}`).toEqual(hops(theirs.stdout));
        expect(hops(ours.stdout).map((h) => /F=\d+/.exec(h)?.[0])).toEqual(['F=1500', 'F=1400', 'F=1280', undefined]);
      }
    }
  });

  it('without -n: each address with itself in parentheses, as traceroute prints a hop without a name', async () => {
    // (traceroute itself without -n waits for reverse lookups the lab cannot answer: its probes
    // time out meanwhile, so it is compared with -n.)
    const theirs = await real(lab, ['-I', '-n', '-w', '1', '198.18.4.2']);
    const ours = await wl(lab, ['-I', '-w', '1', '198.18.4.2']);
    expect(hops(ours.stdout).map((h) => h.replace(/ \([^)]*\)/g, ''))).toEqual(hops(theirs.stdout));
    expect(hops(ours.stdout)[0]).toBe('1 198.18.1.1 (198.18.1.1)');
  });

  it('a silent hop prints stars; -f and -q', async () => {
    lab.run('R2', 'iptables', ['-I', 'OUTPUT', '-p', 'icmp', '--icmp-type', 'time-exceeded', '-j', 'DROP']);
    try {
      const args = ['-I', '-n', '-w', '1', '-f', '2', '-q', '2', '198.18.4.2'];
      const theirs = await real(lab, args);
      const ours = await wl(lab, args);
      expect(hops(ours.stdout)).toEqual(hops(theirs.stdout));
      expect(hops(ours.stdout)).toEqual(['2 * *', '3 198.18.3.2', '4 198.18.4.2']);
    } finally {
      lab.run('R2', 'iptables', ['-D', 'OUTPUT', '-p', 'icmp', '--icmp-type', 'time-exceeded', '-j', 'DROP']);
    }
  });

  it.runIf(has('mtr', ['--version']) || process.env.CI === 'true')('--report: the hops, Snt and Loss% of mtr --report, with every second time exceeded of R2 dropped', async () => {
    lab.run('R2', 'iptables', ['-I', 'OUTPUT', '-p', 'icmp', '--icmp-type', 'time-exceeded', '-m', 'statistic', '--mode', 'nth', '--every', '2', '--packet', '0', '-j', 'DROP']);
    try {
      const theirs = await runIn(lab, 'C', 'mtr', ['--report', '-n', '-c', '6', '-i', '0.2', lab.v4.S]);
      const ours = await wl(lab, ['--report', '-n', '-c', '6', '--interval', '0.2', '-w', '1', lab.v4.S]);
      expect(ours.code, ours.stderr).toBe(0);
      // Host, Loss% and Snt of each hop (times differ run to run).
      const rows = (out: string) => out.split('\n').filter((l) => /^ +\d+\.\|-- /.test(l)).map((l) => l.trim().split(/\s+/).slice(0, 4).join(' '));
      expect(rows(ours.stdout)).toEqual(rows(theirs.stdout));
      expect(rows(ours.stdout)).toEqual(['1.|-- 198.18.1.1 0.0% 6', '2.|-- 198.18.2.2 50.0% 6', '3.|-- 198.18.3.2 0.0% 6', '4.|-- 198.18.4.2 0.0% 6']);
      expect(ours.stdout.split('\n')[1]).toMatch(/^HOST: \S+ +Loss% {3}Snt {3}Last {3}Avg {2}Best {2}Wrst StDev$/);
      const j = await wl(lab, ['--report', '-c', '2', '--interval', '0', '-w', '1', '--json', lab.v4.S]);
      const rep = JSON.parse(j.stdout) as { hubs: Array<Record<string, unknown>> };
      expect(rep.hubs.map((h) => [h.count, h.host, h.Snt])).toEqual([[1, '198.18.1.1', 2], [2, '198.18.2.2', 2], [3, '198.18.3.2', 2], [4, '198.18.4.2', 2]]);
    } finally {
      lab.run('R2', 'iptables', ['-D', 'OUTPUT', '-p', 'icmp', '--icmp-type', 'time-exceeded', '-m', 'statistic', '--mode', 'nth', '--every', '2', '--packet', '0', '-j', 'DROP']);
    }
  });

  it('--json: a line per hop and a summary', async () => {
    const r = await wl(lab, ['-I', '-q', '1', '-w', '1', '--json', '198.18.4.2']);
    expect(r.code, r.stderr).toBe(0);
    const lines = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines.map((l) => l.type)).toEqual(['hop', 'hop', 'hop', 'hop', 'summary']);
    expect(lines[0]).toMatchObject({ ttl: 1, probes: [{ from: '198.18.1.1' }] });
    expect(typeof ((lines[3]!.probes as Array<Record<string, unknown>>)[0]!.rtt_ms)).toBe('number');
    expect(lines[4]).toMatchObject({ type: 'summary', destination: '198.18.4.2', method: 'icmp', reached: true, hops: 4 });
  });

  it('bad input: a clear message and exit 2', async () => {
    for (const [args, msg] of [
      [['-m', '0', '198.18.4.2'], /-m 0: must be an integer from 1 to 255/],
      [['-f', '9', '-m', '5', '198.18.4.2'], /first hop out of range/],
      [['-P', 'sctp', '198.18.4.2'], /-P sctp: icmp, udp or tcp/],
      [['-w', '0', '198.18.4.2'], /-w 0: must be a positive number/],
      [['no-such-host.invalid'], /Name or service not known/],
      [['198.18.4.2', '2000'], /packet length 2000 is above the interface's MTU 1500/],
    ] as const) {
      const r = await wl(lab, [...args]);
      expect(r.stderr, args.join(' ')).toMatch(msg);
      expect(r.code, args.join(' ')).toBe(2);
    }
  });
});

describe.runIf(enabled)('--paris through a router that balances per flow over two equal paths', () => {
  let lab: EcmpLab;
  beforeAll(() => {
    ensureBuilt();
    lab = createEcmpLab();
  });
  afterAll(() => lab?.destroy());
  const responders = (out: string, ttl: number) => {
    const line = out.split('\n').find((l) => l.startsWith(`${String(ttl).padStart(2)} `)) ?? '';
    return new Set([...line.matchAll(/198\.18\.\d+\.\d+/g)].map((m) => m[0]));
  };
  const run = (args: string[]) => new Promise<Run>((resolve) => {
    const c = spawn('ip', ['netns', 'exec', lab.ns.C, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    c.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    c.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    c.on('close', (code) => resolve({ code, stdout, stderr }));
  });

  it('plain UDP probes (a new port each) take both paths, as traceroute\'s do; with --paris every probe of a run takes one', async () => {
    // The hash is random per flow: 10 probes all on one path by chance is 1 in 512; three runs.
    for (const cmd of [[process.execPath, join(root, 'dist/cli/main.js'), 'traceroute'], ['traceroute']]) {
      let both = false;
      for (let i = 0; i < 3 && !both; i++) {
        const r = await run([...cmd, '-n', '-q', '10', '-w', '1', lab.dst]);
        both = [...responders(r.stdout, 2)].sort().join() === [...lab.middle].sort().join();
      }
      expect(both, `${cmd.at(-1)}: hop 2 shows both ${lab.middle.join(' and ')}`).toBe(true);
    }
    for (const method of ['udp', 'icmp', 'tcp']) {
      for (let i = 0; i < 3; i++) {
        const r = await run([process.execPath, join(root, 'dist/cli/main.js'), 'traceroute', '--paris', '-P', method, '-n', '-q', '10', '-w', '1', lab.dst]);
        expect(r.code, r.stderr).toBe(0);
        const hop2 = responders(r.stdout, 2);
        expect(hop2.size, `${method} run ${i + 1}:\n${r.stdout}`).toBe(1);
        expect(lab.middle).toContain([...hop2][0]);
        expect(responders(r.stdout, 4)).toEqual(new Set([lab.dst]));
      }
    }
  });
});

if (!enabled) {
  describe('wirelite traceroute vs traceroute in a routed namespace lab', () => {
    itMissing(`needs ${missing.join(', ')} (CI runs as root with them)`);
  });
}

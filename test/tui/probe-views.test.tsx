/**
 * The probe views (`ping --tui`, `traceroute --tui`, `pmtud --tui`) fed with what the real engines
 * report in the probes' namespace lab (test/lab/probe-lab.ts; test/tui/probe-feed.mjs runs an
 * engine there with the hook --tui uses), beside the real tools run in the same lab: iputils ping's
 * counts, mtr --report's hosts, Snt and Loss% (every second time exceeded of R2 dropped), and
 * tracepath's path MTU. Then q quits.
 *
 * Needs root, iproute2, iptables, iputils ping, mtr and tracepath: outside CI the tests skip with
 * the reason; in CI a missing piece is a failure.
 */
import { join } from 'node:path';
import { render } from 'ink-testing-library';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createProbeLab, missingForLab, runInNs, type ProbeLab, type Run } from '../lab/probe-lab.js';
import { ensureBuilt, root } from '../capture/live/helpers.js';
import { PingView } from '../../src/tui/probe/ping-view.js';
import { TraceView, traceLines } from '../../src/tui/probe/trace-view.js';
import { PmtudView, searchBar } from '../../src/tui/probe/pmtud-view.js';
import { ProbeStore, pingEvent, pingState, pmtudEvent, pmtudState, traceRound, traceState } from '../../src/tui/probe/store.js';
import { sparkline } from '../../src/tui/probe/sparkline.js';
import { Shell } from '../../src/tui/probe/run.js';
import { Text } from 'ink';
import type { PingEvent } from '../../src/probe/ping.js';
import type { PmtudEvent } from '../../src/probe/pmtud.js';
import { itMissing } from '../corpus.js';
import type { HopRow } from '../../src/probe/traceroute.js';

const missing = missingForLab([['iputils-ping', 'ping', ['-V']], ['mtr-tiny', 'mtr', ['--version']], ['iputils-tracepath', 'tracepath', ['-V']]]);
const enabled = missing.length === 0;

const feed = (lab: ProbeLab, kind: string, o: object): Promise<Run> => runInNs(lab.ns.C, process.execPath, [join(root, 'test/tui/probe-feed.mjs'), kind, JSON.stringify(o)], 60_000);
const lines = (r: Run) => r.stdout.trim().split('\n').map((l) => JSON.parse(l) as { event?: unknown; rows?: HopRow[] });
const tick = () => new Promise((r) => setTimeout(r, 30));

describe('probe views: pieces', () => {
  it('the sparkline: eight heights between the shown extremes, · for no reply, the last cells only', () => {
    expect(sparkline([1, 2, null, 8, 4.5], 10)).toBe('▁▂·█▅');
    expect(sparkline([5, 5, 5], 10)).toBe('▁▁▁');
    expect(sparkline([1, 2, 3, 4], 2)).toBe('▁█');
  });
  it('the pmtud bar: passes, in question, does not pass', () => {
    const s = pmtudState('x');
    pmtudEvent(s, { type: 'start', destination: 'x', iface: 'eth0', mtu: 1500, floor: 576 });
    expect(searchBar(s, 10)).toBe('░░░░░░░░░░');
    pmtudEvent(s, { type: 'probe', size: 1500, result: 'too-big', from: 'r', mtu: 1038 });
    pmtudEvent(s, { type: 'probe', size: 1038, result: 'reached', from: 'x' });
    expect(searchBar(s, 10)).toBe('█████     ');
  });
});

describe('probe views: the shell', () => {
  it('q and Ctrl-C stop the engine (its AbortSignal) and end the app', async () => {
    for (const key of ['q', '\x03']) {
      let quits = 0;
      const ui = render(<Shell view={() => <Text>view</Text>} onQuit={() => quits++} />);
      await tick();
      expect(ui.lastFrame()).toBe('view');
      ui.stdin.write('x');
      await tick();
      expect(quits).toBe(0);
      ui.stdin.write(key);
      await tick();
      expect(quits, JSON.stringify(key)).toBe(1);
      ui.unmount();
    }
  });
});

describe.runIf(enabled)('probe views fed by the engines in the namespace lab', () => {
  let lab: ProbeLab;
  beforeAll(() => {
    ensureBuilt();
    lab = createProbeLab();
  });
  afterAll(() => lab?.destroy());

  it('ping: the counts of iputils ping, a bar per reply, min/avg/max/mdev of the replies', async () => {
    const theirs = await runInNs(lab.ns.C, 'ping', ['-c', '5', '-i', '0.2', lab.v4.S], 30_000);
    expect(theirs.stdout).toContain('5 packets transmitted, 5 received, 0% packet loss');
    const r = await feed(lab, 'ping', { host: lab.v4.S, count: 5, interval: 0.2, size: 56, pmtu: 'want', timeout: 2, explain: false });
    expect(r.code, r.stderr).toBe(0);
    const events = lines(r).map((l) => l.event as PingEvent);
    const store = new ProbeStore(pingState(lab.v4.S));
    const ui = render(<PingView store={store} width={60} />);
    for (const e of events) store.update((s) => pingEvent(s, e));
    await tick();
    const frame = ui.lastFrame()!;
    expect(frame).toContain('5 transmitted, 5 received, 0% packet loss');
    const times = events.filter((e): e is Extract<PingEvent, { type: 'reply' }> => e.type === 'reply').map((e) => e.time!);
    expect(times.length).toBe(5);
    // Five bars, no gap; the extremes are the fastest and slowest reply.
    expect(frame).toMatch(/RTT {2}[▁▂▃▄▅▆▇█]{5}\n/);
    const min = Math.min(...times).toFixed(3);
    const max = Math.max(...times).toFixed(3);
    expect(frame).toMatch(new RegExp(`rtt min/avg/max/mdev = ${min}/[\\d.]+/${max}/[\\d.]+ ms`));
    expect(frame).toContain(`from ${lab.v4.S} ttl=61`);
    ui.unmount();
  });

  it('traceroute: the hosts, Snt and Loss% of mtr --report, round by round', async () => {
    lab.run('R2', 'iptables', ['-I', 'OUTPUT', '-p', 'icmp', '--icmp-type', 'time-exceeded', '-m', 'statistic', '--mode', 'nth', '--every', '2', '--packet', '0', '-j', 'DROP']);
    try {
      const theirs = await runInNs(lab.ns.C, 'mtr', ['--report', '-n', '-c', '6', '-i', '0.2', lab.v4.S], 60_000);
      const r = await feed(lab, 'traceroute', {
        host: lab.v4.S, method: 'icmp', maxTtl: 30, firstTtl: 1, queries: 1, wait: 1, simultaneous: 16, paris: false, numeric: true, explain: false,
        report: { cycles: 6, interval: 0.2, hostname: 'lab' },
      });
      expect(r.code, r.stderr).toBe(0);
      const rounds = lines(r).map((l) => l.rows!);
      expect(rounds.length).toBe(6);
      const store = new ProbeStore(traceState(lab.v4.S));
      const ui = render(<TraceView store={store} />);
      store.update((s) => traceRound(s, rounds[0]!));
      await tick();
      expect(ui.lastFrame()).toContain('round 1');
      for (const rows of rounds.slice(1)) store.update((s) => traceRound(s, rows));
      await tick();
      const frame = ui.lastFrame()!;
      expect(frame).toContain('round 6');
      // Host, Loss% and Snt per hop: the view's rows against mtr's.
      const mtr = theirs.stdout.split('\n').filter((l) => /^ +\d+\.\|-- /.test(l)).map((l) => l.trim().split(/\s+/).slice(0, 4).join(' ').replace('.|--', '.'));
      const view = frame.split('\n').filter((l) => /^ +\d+\. /.test(l)).map((l) => l.trim().split(/\s+/).slice(0, 4).join(' '));
      expect(view).toEqual(mtr);
      expect(view).toEqual(['1. 198.18.1.1 0.0% 6', '2. 198.18.2.2 50.0% 6', '3. 198.18.3.2 0.0% 6', '4. 198.18.4.2 0.0% 6']);
      expect(frame).toMatch(/Hop {2}Host +Loss% {3}Snt {3}Last {3}Avg {2}Best {2}Wrst StDev {3}MTU/);
      expect(traceLines(store.state).length).toBe(5);
      ui.unmount();
    } finally {
      lab.run('R2', 'iptables', ['-D', 'OUTPUT', '-p', 'icmp', '--icmp-type', 'time-exceeded', '-m', 'statistic', '--mode', 'nth', '--every', '2', '--packet', '0', '-j', 'DROP']);
    }
  });

  it('pmtud: the search narrows to tracepath\'s path MTU and limiting router', async () => {
    const tp = await runInNs(lab.ns.C, 'tracepath', ['-n', lab.v4.S], 30_000);
    expect(tp.stdout).toMatch(/pmtu 1280/);
    const r = await feed(lab, 'pmtud', { host: lab.v4.S, method: 'icmp', wait: 0.5, tries: 3, explain: false });
    expect(r.code, r.stderr).toBe(0);
    const events = lines(r).map((l) => l.event as PmtudEvent);
    const store = new ProbeStore(pmtudState(lab.v4.S));
    const ui = render(<PmtudView store={store} width={60} />);
    const bars: string[] = [];
    for (const e of events) {
      store.update((s) => pmtudEvent(s, e));
      bars.push(searchBar(store.state, 40));
    }
    await tick();
    const frame = ui.lastFrame()!;
    expect(frame).toContain('probe 1500 bytes: too big for 198.18.1.1 (hop 1): mtu 1400');
    expect(frame).toContain('probe 1400 bytes: too big for 198.18.2.2 (hop 2): mtu 1280');
    expect(frame).toContain('path MTU 1280, MSS 1240, limited by 198.18.2.2 (hop 2)');
    // The unknown part of the bar shrinks as the search goes, to nothing at the end.
    const unknown = bars.map((b) => [...b].filter((c) => c === '░').length);
    for (let i = 1; i < unknown.length; i++) expect(unknown[i]).toBeLessThanOrEqual(unknown[i - 1]!);
    expect(unknown.at(-1)).toBe(0);
    ui.unmount();
  });
});

if (!enabled) {
  describe('probe views fed by the engines in the namespace lab', () => {
    itMissing(`needs ${missing.join(', ')} (CI runs as root with them)`);
  });
}

/**
 * A network path between two hosts for real-TCP tests: three network namespaces
 *
 *     S (sender, addrS) ── ifS ═ ifRs ── R (l2-bridge.py) ── ifRc ═ ifC ── C (receiver, addrC)
 *
 * joined by two veth pairs. S and C share one /30 from the benchmarking range (RFC 2544); R has
 * no address and forwards Ethernet frames with test/lab/l2-bridge.py, which can delay, drop and
 * black out the path (the kernels these tests run on have neither netem nor the tc classifiers,
 * and no iptables/nft tools). A bottleneck is a tbf qdisc on ifRc (R -> C). Offloads are off on
 * every veth end, so segments are at most one MSS and carry real checksums, as on a wire.
 * Traffic never leaves the namespaces; `destroy()` removes them (safe twice; call it in afterAll).
 *
 * Names follow test/lab/netns.ts (wlA…/wlB…, so leftoverNamespaces() finds them). Needs root,
 * iproute2 (`ip`, `tc`) and python3.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';

/**
 * The Python interpreter itself (`python3` may be a version manager's shim that takes most of a
 * second to start; the tests start a few dozen processes).
 */
export const python = ((): string => {
  const named = process.env.PYTHON ?? 'python3';
  try {
    return execFileSync(named, ['-c', 'import sys; print(sys.executable)'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim() || named;
  } catch {
    return named;
  }
})();
export const bridgeScript = join(import.meta.dirname, 'l2-bridge.py');

export interface BridgeOptions {
  /** One-way delay of every frame, both directions (ms). */
  delayMs?: number;
  /** Probability that a frame S -> C carrying TCP payload is dropped. */
  loss?: number;
  seed?: number;
}

/** What the bridge did (its JSON report). */
export interface BridgeReport {
  forwarded: { ab: number; ba: number };
  dropped: { loss: number; lossBytes: number; blackout: number; blackoutData: number; queue: number };
  dropTimes: number[];
}

export interface Bridge {
  /** A command line on the bridge's stdin ("blackout 1.0", "loss 0.02"). */
  command(line: string): void;
  /** Ends the bridge (held frames are sent first) and returns its report. */
  stop(): Promise<BridgeReport>;
}

export interface PathLab {
  nsS: string;
  nsR: string;
  nsC: string;
  ifS: string;
  ifC: string;
  ifRs: string;
  ifRc: string;
  addrS: string;
  addrC: string;
  /** ['ip', ['netns', 'exec', ns, cmd, ...args]] for spawning. */
  exec(ns: string, cmd: string, args: string[]): [string, string[]];
  /** Starts the bridge in R; resolves once it forwards. */
  bridge(o?: BridgeOptions): Promise<Bridge>;
  /** Sets (or with no arguments removes) a tbf bottleneck on R -> C, e.g. ['rate', '20mbit', 'burst', '5kb', 'limit', '30kb']. */
  bottleneck(tbf?: string[]): void;
  /** The kernel's TCP counters of a namespace (TcpExt and Tcp of /proc/net/netstat and snmp). */
  counters(ns: string): Record<string, number>;
  destroy(): void;
}

function run(cmd: string, args: string[]): string {
  return execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

/** Resolves with the first line of `stream` that matches, rejects when the process ends first. */
export function waitForLine(proc: ChildProcess, stream: 'stdout' | 'stderr', re: RegExp, what: string, timeoutMs = 20_000): Promise<string> {
  return new Promise((resolve, reject) => {
    let buf = '';
    const s = proc[stream]!;
    const timer = setTimeout(() => done(new Error(`timed out waiting for ${what}: ${buf.slice(-500)}`)), timeoutMs);
    const onData = (d: Buffer): void => {
      buf += d.toString();
      const m = buf.split('\n').find((l) => re.test(l));
      if (m !== undefined) done(undefined, m);
    };
    const onExit = (code: number | null): void => done(new Error(`${what}: the process ended (${code}) first: ${buf.slice(-500)}`));
    function done(err?: Error, line?: string): void {
      clearTimeout(timer);
      s.off('data', onData);
      proc.off('exit', onExit);
      if (err) reject(err);
      else resolve(line!);
    }
    s.on('data', onData);
    proc.on('exit', onExit);
  });
}

/** Collects a process's output; resolves when it exits. */
export function collect(proc: ChildProcess): Promise<{ code: number | null; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  proc.stdout?.on('data', (d: Buffer) => (stdout += d.toString()));
  proc.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve) => proc.on('close', (code) => resolve({ code, stdout, stderr })));
}

function parseCounters(text: string): Record<string, number> {
  const out: Record<string, number> = {};
  const lines = text.trim().split('\n');
  for (let i = 0; i + 1 < lines.length; i += 2) {
    const k = lines[i]!.split(/\s+/);
    const v = lines[i + 1]!.split(/\s+/);
    if (k[0] !== v[0]) continue;
    const group = k[0]!.replace(/:$/, '');
    if (group !== 'TcpExt' && group !== 'Tcp') continue;
    for (let j = 1; j < k.length; j++) out[k[j]!] = Number(v[j]);
  }
  return out;
}

/** b - a for every counter that changed. */
export function counterDelta(a: Record<string, number>, b: Record<string, number>): Record<string, number> {
  const d: Record<string, number> = {};
  for (const [k, v] of Object.entries(b)) if (v !== (a[k] ?? 0)) d[k] = v - (a[k] ?? 0);
  return d;
}

export function createPathLab(): PathLab {
  const tag = `${process.pid.toString(36)}${randomBytes(3).toString('hex')}`.slice(0, 9);
  const nsS = `wlA${tag}`;
  const nsC = `wlB${tag}`;
  const nsR = `wlB${tag}r`;
  const ifS = `wla${tag}`;
  const ifC = `wlb${tag}`;
  const ifRs = `wlr${tag}s`;
  const ifRc = `wlr${tag}c`;
  const n = randomBytes(2);
  const net = `198.${18 + (n[0]! & 1)}.${n[1]!}`;
  const subnet = (randomBytes(1)[0]! & 0x3f) * 4;
  const addrS = `${net}.${subnet + 1}`;
  const addrC = `${net}.${subnet + 2}`;
  let destroyed = false;
  const ip = (...args: string[]): string => run('ip', args);
  const lab: PathLab = {
    nsS, nsR, nsC, ifS, ifC, ifRs, ifRc, addrS, addrC,
    exec: (ns, cmd, args) => ['ip', ['netns', 'exec', ns, cmd, ...args]],
    async bridge(o = {}) {
      const args = ['netns', 'exec', nsR, python, bridgeScript, 'bridge', '--a', ifRs, '--b', ifRc,
        '--delay-ms', String(o.delayMs ?? 0), '--loss', String(o.loss ?? 0), '--seed', String(o.seed ?? 1)];
      const proc = spawn('ip', args, { stdio: ['pipe', 'pipe', 'pipe'] });
      const out = collect(proc);
      await waitForLine(proc, 'stdout', /^ready$/, 'the bridge');
      return {
        command: (line) => proc.stdin!.write(line + '\n'),
        async stop() {
          proc.stdin!.end();
          const r = await out;
          const last = r.stdout.trim().split('\n').pop() ?? '';
          if (r.code !== 0 || !last.startsWith('{')) throw new Error(`the bridge failed (${r.code}): ${r.stderr}`);
          return JSON.parse(last) as BridgeReport;
        },
      };
    },
    bottleneck(tbf) {
      try {
        run('tc', ['-n', nsR, 'qdisc', 'del', 'dev', ifRc, 'root']);
      } catch {
        // There was none.
      }
      if (tbf?.length) run('tc', ['-n', nsR, 'qdisc', 'add', 'dev', ifRc, 'root', 'tbf', ...tbf]);
    },
    counters: (ns) => parseCounters(run('ip', ['netns', 'exec', ns, 'cat', '/proc/net/netstat', '/proc/net/snmp'])),
    destroy() {
      if (destroyed) return;
      destroyed = true;
      for (const ns of [nsS, nsR, nsC]) {
        try {
          run('ip', ['netns', 'del', ns]);
        } catch {
          // already gone
        }
      }
    },
  };
  try {
    for (const ns of [nsS, nsR, nsC]) ip('netns', 'add', ns);
    ip('-n', nsS, 'link', 'add', ifS, 'type', 'veth', 'peer', 'name', ifRs, 'netns', nsR);
    ip('-n', nsC, 'link', 'add', ifC, 'type', 'veth', 'peer', 'name', ifRc, 'netns', nsR);
    ip('-n', nsS, 'addr', 'add', `${addrS}/30`, 'dev', ifS);
    ip('-n', nsC, 'addr', 'add', `${addrC}/30`, 'dev', ifC);
    for (const ns of [nsS, nsR, nsC]) {
      // No IPv6 (router solicitations, MLD, DAD) on the path.
      run('ip', ['netns', 'exec', ns, 'sysctl', '-qw', 'net.ipv6.conf.all.disable_ipv6=1', 'net.ipv6.conf.default.disable_ipv6=1']);
      ip('-n', ns, 'link', 'set', 'lo', 'up');
    }
    for (const [ns, dev] of [[nsS, ifS], [nsC, ifC], [nsR, ifRs], [nsR, ifRc]] as const) {
      run('ip', ['netns', 'exec', ns, python, bridgeScript, 'offload-off', dev]);
      ip('-n', ns, 'link', 'set', dev, 'up');
    }
    // Static neighbours: no ARP on the path.
    const mac = (ns: string, dev: string): string => /link\/ether ([0-9a-f:]+)/.exec(ip('-n', ns, 'link', 'show', dev))![1]!;
    ip('-n', nsS, 'neigh', 'replace', addrC, 'lladdr', mac(nsC, ifC), 'dev', ifS, 'nud', 'permanent');
    ip('-n', nsC, 'neigh', 'replace', addrS, 'lladdr', mac(nsS, ifS), 'dev', ifC, 'nud', 'permanent');
  } catch (e) {
    lab.destroy();
    throw e;
  }
  return lab;
}

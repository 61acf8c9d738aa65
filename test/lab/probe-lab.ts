/**
 * The probes' lab: a routed path in network namespaces, IPv4 and IPv6 on every link.
 *
 *     C ─(1500)─ R1 ─(1400)─ R2 ─(1280)─ R3 ─(1500)─ S
 *                 └─(1500)─ L   (a second LAN on the first router)
 *
 * Link k has 198.18.k.0/24 and 2001:db8:k::/64 (the benchmarking and documentation ranges, which
 * exist only inside these namespaces): the router nearer C .1 / ::1, the other end .2 / ::2. Links: 1 C-R1,
 * 2 R1-R2, 3 R2-R3, 4 R3-S, 5 R1-L. Routers forward; every node but C sends ICMP without rate limits
 * (net.ipv4.icmp_ratelimit=0 and icmp_ratemask=0, else the global limit of icmp_msgs_per_sec still
 * drops errors; net.ipv6.icmp.ratelimit=0); IPv6 addresses skip duplicate address
 * detection. Names are unique per run (wlA… as test/lab/netns.ts, so leftovers are found);
 * destroy() removes everything (safe twice). Needs root, iproute2; iptables for the impairments.
 */
import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { bridgeScript, python } from './path-lab.js';


/** A command's result in a lab node. */
export interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a command in a lab namespace, asynchronously (so two tools can run side by side). */
export function runInNs(ns: string, cmd: string, args: string[], timeoutMs: number): Promise<Run> {
  return new Promise((resolve) => {
    const c = spawn('ip', ['netns', 'exec', ns, cmd, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    c.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    c.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const t = setTimeout(() => c.kill('SIGKILL'), timeoutMs);
    c.on('close', (code) => {
      clearTimeout(t);
      resolve({ code, stdout, stderr });
    });
  });
}

/** What a probe lab test lacks to run: root, iproute2, iptables and the given [package, command, args] tools. */
export function missingForLab(tools: ReadonlyArray<readonly [pkg: string, cmd: string, args: string[]]>): string[] {
  const has = (cmd: string, args: string[]) => spawnSync(cmd, args, { stdio: 'ignore' }).status === 0;
  return [
    process.getuid?.() !== 0 && 'root',
    !has('ip', ['-V']) && 'iproute2',
    !has('iptables', ['-V']) && 'iptables',
    ...tools.map(([pkg, cmd, args]) => !has(cmd, args) && pkg),
  ].filter(Boolean) as string[];
}

export type Node = 'C' | 'R1' | 'R2' | 'R3' | 'S' | 'L';

export interface ProbeLab {
  ns: Record<Node, string>;
  /** Addresses by node: the one on the link toward C (routers: the first), v4 and v6. */
  v4: Record<Node, string>;
  v6: Record<Node, string>;
  /** Interface name of a node on link k. */
  ifOf(node: Node, link: number): string;
  /** Runs a command in a node's namespace; returns stdout (throws on failure). */
  run(node: Node, cmd: string, args: string[], opts?: { allowFail?: boolean; timeoutMs?: number }): { code: number | null; stdout: string; stderr: string };
  /** Starts a command in a node's namespace. */
  spawn(node: Node, cmd: string, args: string[]): ChildProcess;
  destroy(): void;
}

/** [left, right, mtu] per link. */
const LINKS: ReadonlyArray<readonly [Node, Node, number]> = [
  ['R1', 'C', 1500],
  ['R1', 'R2', 1400],
  ['R2', 'R3', 1280],
  ['R3', 'S', 1500],
  ['R1', 'L', 1500],
];

export function createProbeLab(): ProbeLab {
  const tag = `${process.pid.toString(36)}${randomBytes(2).toString('hex')}`.slice(0, 7);
  const nodes: Node[] = ['C', 'R1', 'R2', 'R3', 'S', 'L'];
  const ns = Object.fromEntries(nodes.map((n) => [n, `wlA${tag}${n}`])) as Record<Node, string>;
  const ifOf = (node: Node, link: number) => `p${tag}${link}${node === LINKS[link - 1]![0] ? 'a' : 'b'}`.slice(0, 15);
  const ip = (n: Node, ...args: string[]) => execFileSync('ip', ['-n', ns[n], ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  const exec = (n: Node, ...args: string[]) => execFileSync('ip', ['netns', 'exec', ns[n], ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let destroyed = false;
  const children = new Set<ChildProcess>();
  const lab: ProbeLab = {
    ns,
    v4: { C: '198.18.1.2', R1: '198.18.1.1', R2: '198.18.2.2', R3: '198.18.3.2', S: '198.18.4.2', L: '198.18.5.2' },
    v6: { C: '2001:db8:1::2', R1: '2001:db8:1::1', R2: '2001:db8:2::2', R3: '2001:db8:3::2', S: '2001:db8:4::2', L: '2001:db8:5::2' },
    ifOf,
    run(node, cmd, args, opts = {}) {
      const r = spawnSync('ip', ['netns', 'exec', ns[node], cmd, ...args], { encoding: 'utf8', timeout: opts.timeoutMs ?? 60_000 });
      if (!opts.allowFail && r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} in ${node} failed (${r.status}): ${r.stderr}`);
      return { code: r.status, stdout: r.stdout, stderr: r.stderr };
    },
    spawn(node, cmd, args) {
      const c = spawn('ip', ['netns', 'exec', ns[node], cmd, ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
      children.add(c);
      c.once('exit', () => children.delete(c));
      return c;
    },
    destroy() {
      if (destroyed) return;
      destroyed = true;
      for (const c of children) c.kill('SIGTERM');
      for (const n of nodes) spawnSync('ip', ['netns', 'del', ns[n]], { stdio: 'ignore' });
    },
  };
  try {
    for (const n of nodes) execFileSync('ip', ['netns', 'add', ns[n]]);
    for (const n of nodes) {
      ip(n, 'link', 'set', 'lo', 'up');
      exec(n, 'sysctl', '-q', '-w', 'net.ipv6.conf.all.accept_dad=0', 'net.ipv6.conf.default.accept_dad=0');
      // The server and the second LAN answer without limits too: two tools run one after the
      // other must find the same tokens (a host's port unreachables are rate-limited by default).
      if (n !== 'C') exec(n, 'sysctl', '-q', '-w', 'net.ipv4.icmp_ratelimit=0', 'net.ipv4.icmp_ratemask=0', 'net.ipv6.icmp.ratelimit=0');
      if (n.startsWith('R')) exec(n, 'sysctl', '-q', '-w', 'net.ipv4.ip_forward=1', 'net.ipv6.conf.all.forwarding=1');
    }
    LINKS.forEach(([a, b, mtu], i) => {
      const k = i + 1;
      const ia = ifOf(a, k);
      const ib = ifOf(b, k);
      ip(a, 'link', 'add', ia, 'mtu', String(mtu), 'type', 'veth', 'peer', 'name', ib, 'netns', ns[b], 'mtu', String(mtu));
      ip(a, 'addr', 'add', `198.18.${k}.1/24`, 'dev', ia);
      ip(b, 'addr', 'add', `198.18.${k}.2/24`, 'dev', ib);
      ip(a, '-6', 'addr', 'add', `2001:db8:${k}::1/64`, 'dev', ia, 'nodad');
      ip(b, '-6', 'addr', 'add', `2001:db8:${k}::2/64`, 'dev', ib, 'nodad');
      for (const [n, d] of [[a, ia], [b, ib]] as const) {
        // Offloads off: frames on the veth are what a wire would carry (real checksums, one MTU).
        exec(n, python, bridgeScript, 'offload-off', d);
        ip(n, 'link', 'set', d, 'up');
      }
    });
    // Wait for the carriers (an interface without one is not RUNNING and lists no address).
    for (let i = 0; i < 100; i++) {
      const down = LINKS.some(([a, b], k) => [[a, ifOf(a, k + 1)], [b, ifOf(b, k + 1)]].some(([n, d]) => !/state UP/.test(ip(n as Node, 'link', 'show', d!).toString())));
      if (!down) break;
      spawnSync('sleep', ['0.05']);
    }
    // And until a program in C sees its addresses (libuv lists only interfaces UP and RUNNING).
    for (let i = 0; i < 60; i++) {
      const seen = spawnSync('ip', ['netns', 'exec', ns.C, process.execPath, '-e', `const a = require('os').networkInterfaces()[${JSON.stringify(ifOf('C', 1))}] ?? []; process.exit(a.length >= 2 ? 0 : 1)`]);
      if (seen.status === 0) break;
      spawnSync('sleep', ['0.05']);
    }
    const route = (n: Node, dst: string, via: string) => ip(n, ...(dst.includes(':') ? ['-6'] : []), 'route', 'add', dst, 'via', via);
    // C, S, L: default routes; R1: everything beyond R2 via R2; R2 both ways; R3: back via R2.
    route('C', 'default', '198.18.1.1');
    route('C', 'default', '2001:db8:1::1');
    route('L', 'default', '198.18.5.1');
    route('L', 'default', '2001:db8:5::1');
    route('S', 'default', '198.18.4.1');
    route('S', 'default', '2001:db8:4::1');
    for (const k of [3, 4]) {
      route('R1', `198.18.${k}.0/24`, '198.18.2.2');
      route('R1', `2001:db8:${k}::/64`, '2001:db8:2::2');
    }
    for (const k of [1, 5]) {
      route('R2', `198.18.${k}.0/24`, '198.18.2.1');
      route('R2', `2001:db8:${k}::/64`, '2001:db8:2::1');
    }
    route('R2', '198.18.4.0/24', '198.18.3.2');
    route('R2', '2001:db8:4::/64', '2001:db8:3::2');
    route('R3', 'default', '198.18.3.1');
    route('R3', 'default', '2001:db8:3::1');
  } catch (e) {
    lab.destroy();
    throw e;
  }
  return lab;
}

export type EcmpNode = 'C' | 'RA' | 'RB1' | 'RB2' | 'RD' | 'D';

export interface EcmpLab {
  ns: Record<EcmpNode, string>;
  /** D's address, and the two middle routers' addresses on RA's side (what hop 2 shows). */
  dst: string;
  middle: [string, string];
  run(node: EcmpNode, cmd: string, args: string[]): { code: number | null; stdout: string; stderr: string };
  destroy(): void;
}

/**
 * Two equal paths for --paris: C - RA = (RB1 | RB2) = RD - D, where RA balances per flow over RB1
 * and RB2 (one route with two nexthops of weight 1, fib_multipath_hash_policy 1: the L4 hash of
 * addresses, protocol and ports). IPv4 only; links 198.18.11-16.0/24, left end .1. Same naming,
 * rate limits and cleanup as createProbeLab.
 */
export function createEcmpLab(): EcmpLab {
  const tag = `${process.pid.toString(36)}${randomBytes(2).toString('hex')}`.slice(0, 7);
  const nodes: EcmpNode[] = ['C', 'RA', 'RB1', 'RB2', 'RD', 'D'];
  const ns = Object.fromEntries(nodes.map((n) => [n, `wlA${tag}e${n}`])) as Record<EcmpNode, string>;
  const links: ReadonlyArray<readonly [EcmpNode, EcmpNode]> = [['RA', 'C'], ['RA', 'RB1'], ['RA', 'RB2'], ['RB1', 'RD'], ['RB2', 'RD'], ['RD', 'D']];
  const ip = (n: EcmpNode, ...args: string[]) => execFileSync('ip', ['-n', ns[n], ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  const exec = (n: EcmpNode, ...args: string[]) => execFileSync('ip', ['netns', 'exec', ns[n], ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let destroyed = false;
  const lab: EcmpLab = {
    ns,
    dst: '198.18.16.2',
    middle: ['198.18.12.2', '198.18.13.2'],
    run(node, cmd, args) {
      const r = spawnSync('ip', ['netns', 'exec', ns[node], cmd, ...args], { encoding: 'utf8', timeout: 60_000 });
      return { code: r.status, stdout: r.stdout, stderr: r.stderr };
    },
    destroy() {
      if (destroyed) return;
      destroyed = true;
      for (const n of nodes) spawnSync('ip', ['netns', 'del', ns[n]], { stdio: 'ignore' });
    },
  };
  try {
    for (const n of nodes) {
      execFileSync('ip', ['netns', 'add', ns[n]]);
      ip(n, 'link', 'set', 'lo', 'up');
      if (n !== 'C') exec(n, 'sysctl', '-q', '-w', 'net.ipv4.icmp_ratelimit=0', 'net.ipv4.icmp_ratemask=0');
      if (n.startsWith('R')) exec(n, 'sysctl', '-q', '-w', 'net.ipv4.ip_forward=1', 'net.ipv4.fib_multipath_hash_policy=1');
    }
    links.forEach(([a, b], i) => {
      const k = 11 + i;
      const ia = `e${tag}${k}a`.slice(0, 15);
      const ib = `e${tag}${k}b`.slice(0, 15);
      ip(a, 'link', 'add', ia, 'type', 'veth', 'peer', 'name', ib, 'netns', ns[b]);
      ip(a, 'addr', 'add', `198.18.${k}.1/24`, 'dev', ia);
      ip(b, 'addr', 'add', `198.18.${k}.2/24`, 'dev', ib);
      ip(a, 'link', 'set', ia, 'up');
      ip(b, 'link', 'set', ib, 'up');
    });
    ip('C', 'route', 'add', 'default', 'via', '198.18.11.1');
    ip('RA', 'route', 'add', '198.18.16.0/24', 'nexthop', 'via', '198.18.12.2', 'weight', '1', 'nexthop', 'via', '198.18.13.2', 'weight', '1');
    ip('RB1', 'route', 'add', 'default', 'via', '198.18.14.2');
    ip('RB1', 'route', 'add', '198.18.11.0/24', 'via', '198.18.12.1');
    ip('RB2', 'route', 'add', 'default', 'via', '198.18.15.2');
    ip('RB2', 'route', 'add', '198.18.11.0/24', 'via', '198.18.13.1');
    ip('RD', 'route', 'add', '198.18.11.0/24', 'via', '198.18.14.1');
    ip('D', 'route', 'add', 'default', 'via', '198.18.16.1');
    for (let i = 0; i < 60; i++) {
      const seen = spawnSync('ip', ['netns', 'exec', ns.C, process.execPath, '-e', `process.exit(Object.values(require('os').networkInterfaces()).flat().some((a) => a.address === '198.18.11.2') ? 0 : 1)`]);
      if (seen.status === 0) break;
      spawnSync('sleep', ['0.05']);
    }
  } catch (e) {
    lab.destroy();
    throw e;
  }
  return lab;
}

/**
 * Test networks in network namespaces: two namespaces joined by a veth pair, with unique names
 * (so parallel runs never collide) and addresses that exist only inside them. Traffic between
 * them never leaves the machine. `destroy()` removes everything and is safe to call twice; tests
 * call it in afterAll so a failing test still cleans up.
 *
 * Needs root (CAP_SYS_ADMIN + CAP_NET_ADMIN) and iproute2's `ip`.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';

export interface VethLab {
  /** Namespace names (capturing side, sending side). */
  nsA: string;
  nsB: string;
  /** The veth ends: ifA lives in nsA, ifB in nsB. */
  ifA: string;
  ifB: string;
  addrA: string;
  addrB: string;
  /** `ip netns exec NS` + command, for spawning. */
  exec(ns: string, cmd: string, args: string[]): [string, string[]];
  /** Runs `ip ...` inside a namespace (throws on failure). */
  ip(ns: string, ...args: string[]): string;
  destroy(): void;
}

function ip(...args: string[]): string {
  return execFileSync('ip', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

/** True when this process may create namespaces (root with iproute2). */
export function canCreateNamespaces(): boolean {
  if (process.getuid?.() !== 0) return false;
  const name = `wlprobe${process.pid}${randomBytes(2).toString('hex')}`;
  const r = spawnSync('ip', ['netns', 'add', name], { stdio: 'ignore' });
  if (r.status !== 0) return false;
  spawnSync('ip', ['netns', 'del', name], { stdio: 'ignore' });
  return true;
}

/**
 * Creates nsA <-> nsB with a veth pair and IPv4 addresses from the benchmarking range
 * 198.18.0.0/15 (RFC 2544), a /30 picked at random so that concurrent labs differ.
 */
export function createVethLab(): VethLab {
  const tag = `${process.pid.toString(36)}${randomBytes(3).toString('hex')}`.slice(0, 9);
  const nsA = `wlA${tag}`;
  const nsB = `wlB${tag}`;
  const ifA = `wla${tag}`.slice(0, 15);
  const ifB = `wlb${tag}`.slice(0, 15);
  const n = randomBytes(2);
  const net = `198.${18 + (n[0]! & 1)}.${n[1]!}`;
  const subnet = (randomBytes(1)[0]! & 0x3f) * 4;
  const addrA = `${net}.${subnet + 1}`;
  const addrB = `${net}.${subnet + 2}`;
  let destroyed = false;
  const lab: VethLab = {
    nsA,
    nsB,
    ifA,
    ifB,
    addrA,
    addrB,
    exec: (ns, cmd, args) => ['ip', ['netns', 'exec', ns, cmd, ...args]],
    ip: (ns, ...args) => ip('-n', ns, ...args),
    destroy() {
      if (destroyed) return;
      destroyed = true;
      // Deleting a namespace deletes the veth end inside it (and so its peer).
      for (const ns of [nsA, nsB]) spawnSync('ip', ['netns', 'del', ns], { stdio: 'ignore' });
    },
  };
  try {
    ip('netns', 'add', nsA);
    ip('netns', 'add', nsB);
    ip('-n', nsA, 'link', 'add', ifA, 'type', 'veth', 'peer', 'name', ifB, 'netns', nsB);
    ip('-n', nsA, 'addr', 'add', `${addrA}/30`, 'dev', ifA);
    ip('-n', nsB, 'addr', 'add', `${addrB}/30`, 'dev', ifB);
    for (const [ns, dev] of [[nsA, ifA], [nsB, ifB]] as const) {
      // No IPv6 (router solicitations, MLD, DAD) in the captures: the tests count packets.
      execFileSync('ip', ['netns', 'exec', ns, 'sysctl', '-qw', 'net.ipv6.conf.all.disable_ipv6=1', 'net.ipv6.conf.default.disable_ipv6=1'], { stdio: 'ignore' });
      ip('-n', ns, 'link', 'set', dev, 'up');
      ip('-n', ns, 'link', 'set', 'lo', 'up');
    }
    // Static neighbours: no ARP exchange in the captures.
    const macA = /link\/ether ([0-9a-f:]+)/.exec(ip('-n', nsA, 'link', 'show', ifA))![1]!;
    const macB = /link\/ether ([0-9a-f:]+)/.exec(ip('-n', nsB, 'link', 'show', ifB))![1]!;
    ip('-n', nsA, 'neigh', 'replace', addrB, 'lladdr', macB, 'dev', ifA, 'nud', 'permanent');
    ip('-n', nsB, 'neigh', 'replace', addrA, 'lladdr', macA, 'dev', ifB, 'nud', 'permanent');
  } catch (e) {
    lab.destroy();
    throw e;
  }
  return lab;
}

/** Namespaces this module's naming scheme left behind by a killed run (for manual cleanup). */
export function leftoverNamespaces(): string[] {
  const r = spawnSync('ip', ['netns', 'list'], { encoding: 'utf8' });
  return (r.stdout ?? '').split('\n').map((l) => l.split(' ')[0]!).filter((n) => /^wl[AB]/.test(n));
}

/**
 * What the probe commands share: the destination (an address, or a name through the system
 * resolver), the route and the stack opened on it, and the errors with their exit codes.
 *
 * Exit codes (ping's own where it has one): 0 answered, 1 no answer, 2 bad input or no route
 * (unknown host, unparsable value, no route, no such interface or it is down, too big for the
 * interface), 4 no permission to send raw packets (CAP_NET_RAW), 5 live capture not available.
 */
import { lookup } from 'node:dns/promises';
import { readFileSync } from 'node:fs';
import type { Frame } from '../capture/frame.js';
import { LiveCaptureError } from '../capture/live/live-error.js';
import { chooseRoute, interfaceAddresses, kernelRoutes, parseAddress, RouteError, type Family, type RouteChoice } from './route.js';
import { NeighbourError, ProbeStack } from './stack.js';
import { PROBE_EXIT, ProbeError } from './errors.js';

export { PROBE_EXIT, ProbeError };

export interface Target {
  /** As the user gave it. */
  host: string;
  family: Family;
  address: bigint;
  text: string;
}

/** The destination: an IPv4/IPv6 address, or a name (getaddrinfo; -4/-6 choose the family). */
export async function resolveTarget(host: string, want?: Family): Promise<Target> {
  for (const f of want ? [want] : ([4, 6] as const)) {
    const a = parseAddress(host, f);
    if (a !== undefined) return { host, family: f, address: a, text: host };
  }
  if (/^[\d.]+$/.test(host) || (host.includes(':') && want !== 4)) {
    throw new ProbeError(`${host}: not an IPv${want ?? (host.includes(':') ? 6 : 4)} address`);
  }
  if (!/^[A-Za-z0-9._-]+$/.test(host)) throw new ProbeError(`${host}: Name or service not known`);
  try {
    const r = await lookup(host, { family: want ?? 0 });
    const family: Family = r.family === 6 ? 6 : 4;
    const address = parseAddress(r.address, family);
    if (address === undefined) throw new Error('bad answer');
    return { host, family, address, text: r.address };
  } catch {
    throw new ProbeError(`${host}: Name or service not known`);
  }
}

/** The route (RouteError -> exit 2) and, with -I, a check that the interface exists. */
export function routeTo(t: Target, iface?: string): RouteChoice {
  const addrs = interfaceAddresses();
  if (iface !== undefined && !addrs.some((a) => a.iface === iface) && !kernelRoutes(t.family).some((r) => r.iface === iface)) {
    throw new ProbeError(`${iface}: no such interface (or it has no address)`);
  }
  try {
    return chooseRoute(t.address, t.family, kernelRoutes(t.family), addrs, iface);
  } catch (e) {
    // The addresses of an interface that is down (or has no carrier) are not listed.
    const dev = e instanceof RouteError ? /^interface (\S+) has no/.exec(e.message)?.[1] : undefined;
    if (dev !== undefined && operstate(dev) !== 'up' && operstate(dev) !== 'unknown') throw new ProbeError(`interface ${dev} is down`);
    if (e instanceof RouteError) throw new ProbeError(e.message);
    throw e;
  }
}

/** Opens the stack; capture errors become ProbeErrors with the probe exit codes. */
/** The first steps of every probe: the target's address, the route to it, and the route's reasoning said (--explain). */
export async function pathTo(
  o: { host: string; family?: Family; iface?: string; explain: boolean },
  err: (s: string) => void,
): Promise<{ target: Target; fam: Family; choice: RouteChoice; explain?: (s: string) => void }> {
  const target = await resolveTarget(o.host, o.family);
  const choice = routeTo(target, o.iface);
  const explain = o.explain ? (s: string) => err(`wirelite: ${s}`) : undefined;
  for (const line of choice.explain) explain?.(line);
  return { target, fam: target.family, choice, explain };
}

export async function openStack(choice: RouteChoice, filter: string, explain?: (s: string) => void, tap?: (frame: Frame) => void): Promise<ProbeStack> {
  try {
    return await ProbeStack.open(choice, filter, { ...(explain ? { explain } : {}), ...(tap ? { tap } : {}) });
  } catch (e) {
    if (e instanceof NeighbourError) throw new ProbeError(e.message, PROBE_EXIT.ERROR);
    const err = LiveCaptureError.from(e);
    switch (err.code) {
      case 'EPERM':
        throw new ProbeError(`sending raw packets on ${choice.route.iface} needs CAP_NET_RAW (run as root, or: setcap cap_net_raw,cap_net_admin+eip "$(command -v node)"): ${err.message}`, PROBE_EXIT.PERMISSION);
      case 'EUNAVAILABLE':
        throw new ProbeError(err.message, PROBE_EXIT.UNAVAILABLE);
      case 'ENODEV':
      case 'ENETDOWN':
        throw new ProbeError(err.message, PROBE_EXIT.ERROR);
      default:
        throw new ProbeError(`${choice.route.iface}: ${err.message}`, PROBE_EXIT.ERROR);
    }
  }
}

function operstate(iface: string): string | undefined {
  try {
    return readFileSync(`/sys/class/net/${iface}/operstate`, 'utf8').trim();
  } catch {
    return undefined;
  }
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

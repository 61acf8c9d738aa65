/**
 * `wirelite ping HOST`: iputils ping on wirelite's own stack (src/probe/ping.ts), with its lines,
 * summary and exit codes: 0 a reply came, 1 none came, 2 bad input or no route, 4 no permission
 * to send raw packets, 5 live capture not available.
 */
import { Command } from '@commander-js/extra-typings';
import { packetOutput, stdoutLine } from './probe-output.js';
import { PROBE_EXIT, ProbeError } from '../../probe/errors.js';
import { importInteractive } from '../interactive.js';

/** Runs a probe command's body: ProbeErrors become `wirelite ping: message` and their exit code. */
export async function runProbe(name: string, body: () => Promise<number>): Promise<void> {
  try {
    process.exitCode = await body();
  } catch (e) {
    if (e instanceof ProbeError) {
      process.stderr.write(`wirelite ${name}: ${e.message}\n`);
      process.exitCode = e.exitCode;
      return;
    }
    throw e;
  }
}

const num = (v: string) => {
  const n = Number(v);
  if (v.trim() === '' || !Number.isFinite(n)) throw new ProbeError(`invalid argument: '${v}'`);
  return n;
};

export function pingCommand() {
  return new Command('ping')
    .description('send ICMP echo requests from wirelite\'s own packet stack and print the replies as iputils ping (as root)')
    .argument('<host>', 'an IPv4 or IPv6 address, or a host name')
    .option('-c <count>', 'stop after this many requests')
    .option('-i <seconds>', 'seconds between requests (default 1; below 0.2 only as root)')
    .option('-s <size>', 'echo data bytes (default 56: 64 bytes of ICMP)')
    .option('-t <ttl>', 'time to live / hop limit of the requests (default 64)')
    .option('-M <pmtudisc>', 'do: set DF and report Frag needed; want: the same (no local fragmentation); dont: clear DF', 'want')
    .option('-W <seconds>', 'seconds to wait for replies after the last request when none came (default 10)')
    .option('-w <deadline>', 'stop after this many seconds, whatever happened')
    .option('-I <interface>', 'send through this interface (the route must use it)')
    .option('-4', 'IPv4 only')
    .option('-6', 'IPv6 only')
    .option('-q', 'quiet: only the first line and the summary')
    .option('--json', 'JSON lines: one per reply and per error, then a summary')
    .option('--explain', 'print each step of the stack (route, subnet mask, neighbour) on stderr')
    .option('--show-packets', 'print each packet sent and received, dissected by wirelite (one line each; -V: the tree)')
    .option('-V', 'with --show-packets: each packet\'s detail tree')
    .option('--write <file>', 'save every packet sent and received as a capture file (pcapng; pcap for a .pcap name)')
    .option('--tui', 'a live view in the terminal: the round trips as a sparkline, the loss and min/avg/max/mdev (q quits)')
    .action(async (host, o) => {
      await runProbe('ping', async () => {
        if (o.tui && (o.json || o.showPackets || o.q)) throw new ProbeError('--tui shows the replies itself: not with --json, --show-packets or -q');
        const packets = packetOutput({ showPackets: !!o.showPackets, V: !!o.V, ...(o.write !== undefined ? { write: o.write } : {}), json: !!o.json });
        if (o['4'] && o['6']) throw new ProbeError('-4 and -6 cannot be used together');
        const pmtu = o.M;
        if (pmtu !== 'do' && pmtu !== 'dont' && pmtu !== 'want') throw new ProbeError(`invalid -M argument: ${pmtu} (do, dont or want)`);
        return (o.tui ? (await importInteractive(() => import('../../tui/probe/run.js'))).pingTui : (await import('../../probe/ping.js')).ping)(
          {
            host,
            ...(o.c !== undefined ? { count: num(o.c) } : {}),
            interval: o.i !== undefined ? num(o.i) : 1,
            size: o.s !== undefined ? num(o.s) : 56,
            ...(o.t !== undefined ? { ttl: num(o.t) } : {}),
            pmtu,
            timeout: o.W !== undefined ? num(o.W) : 10,
            ...(o.w !== undefined ? { deadline: num(o.w) } : {}),
            ...(o.I !== undefined ? { iface: o.I } : {}),
            ...(o['4'] ? { family: 4 as const } : o['6'] ? { family: 6 as const } : {}),
            quiet: !!o.q,
            json: !!o.json,
            explain: !!o.explain,
            ...(packets.tap ? { tap: packets.tap } : {}),
          },
          { out: stdoutLine, err: (l) => process.stderr.write(l + '\n') },
        ).finally(() => packets.close());
      });
    });
}

export { PROBE_EXIT };

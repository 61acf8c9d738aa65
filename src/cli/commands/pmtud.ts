/**
 * `wirelite pmtud HOST`: the path MTU to a host, the MSS it implies and the hop that limits it
 * (src/probe/pmtud.ts), by Fragmentation Needed / Packet Too Big, or by probe loss where those do
 * not come. Exit codes: 0 found, 1 the destination does not answer, 2 bad input or no route, 4 no
 * permission to send raw packets, 5 live capture not available.
 */
import { Command } from '@commander-js/extra-typings';
import { packetOutput, stdoutLine } from './probe-output.js';
import type { TraceMethod } from '../../probe/traceroute.js';
import { ProbeError } from '../../probe/errors.js';
import { runProbe } from './ping.js';
import { importInteractive } from '../interactive.js';

const num = (v: string, name: string) => {
  const n = Number(v);
  if (v.trim() === '' || !Number.isFinite(n)) throw new ProbeError(`${name} ${v}: not a number`);
  return n;
};

export function pmtudCommand() {
  return new Command('pmtud')
    .description('find the path MTU to a host, the MSS it implies and the hop that limits it, from wirelite\'s own packet stack (as root)')
    .argument('<host>', 'an IPv4 or IPv6 address, or a host name')
    .option('-P <method>', 'probe method: icmp (echo requests), udp (to a closed port: the destination\'s port unreachable answers) or tcp (a SYN carrying data)', 'icmp')
    .option('-p <port>', 'UDP: the destination port (33434); TCP: the port (80)')
    .option('--max-mtu <bytes>', 'the first size tried (default: the interface\'s MTU; larger is refused)')
    .option('-w <seconds>', 'seconds to wait for each probe\'s answer (default 1)')
    .option('--tries <n>', 'tries of a size before it counts as lost (default 3)')
    .option('-i <interface>', 'send through this interface (the route must use it)')
    .option('-4', 'IPv4 only')
    .option('-6', 'IPv6 only')
    .option('--json', 'JSON lines: one per probe, then a summary')
    .option('--explain', 'print each step of the stack (route, subnet mask, neighbour) on stderr')
    .option('--show-packets', 'print each packet sent and received, dissected by wirelite (one line each; -V: the tree)')
    .option('-V', 'with --show-packets: each packet\'s detail tree')
    .option('--write <file>', 'save every packet sent and received as a capture file (pcapng; pcap for a .pcap name)')
    .option('--tui', 'the search in the terminal as it narrows: a bar of the sizes known to pass, still in question and known not to, each probe, the result (q quits)')
    .action(async (host, o) => {
      await runProbe('pmtud', async () => {
        if (o.tui && (o.json || o.showPackets)) throw new ProbeError('--tui shows the search itself: not with --json or --show-packets');
        const packets = packetOutput({ showPackets: !!o.showPackets, V: !!o.V, ...(o.write !== undefined ? { write: o.write } : {}), json: !!o.json });
        if (o['4'] && o['6']) throw new ProbeError('-4 and -6 cannot be used together');
        const method = o.P as TraceMethod;
        if (method !== 'icmp' && method !== 'udp' && method !== 'tcp') throw new ProbeError(`-P ${o.P}: icmp, udp or tcp`);
        return (o.tui ? (await importInteractive(() => import('../../tui/probe/run.js'))).pmtudTui : (await import('../../probe/pmtud.js')).pmtud)(
          {
            host,
            method,
            ...(o.p !== undefined ? { port: num(o.p, '-p') } : {}),
            ...(o.maxMtu !== undefined ? { maxMtu: num(o.maxMtu, '--max-mtu') } : {}),
            wait: o.w !== undefined ? num(o.w, '-w') : 1,
            tries: o.tries !== undefined ? num(o.tries, '--tries') : 3,
            ...(o.i !== undefined ? { iface: o.i } : {}),
            ...(o['4'] ? { family: 4 as const } : o['6'] ? { family: 6 as const } : {}),
            json: !!o.json,
            explain: !!o.explain,
            ...(packets.tap ? { tap: packets.tap } : {}),
          },
          { out: stdoutLine, err: (l) => process.stderr.write(l + '\n') },
        ).finally(() => packets.close());
      });
    });
}

/**
 * `wirelite traceroute HOST`: traceroute on wirelite's own stack (src/probe/traceroute.ts), ICMP,
 * UDP or TCP SYN probes, printed as traceroute 2.x prints them. Exit codes as ping's: 0 done, 2 bad
 * input or no route, 4 no permission to send raw packets, 5 live capture not available.
 */
import { hostname } from 'node:os';
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

export function tracerouteCommand() {
  return new Command('traceroute')
    .description('print the route to a host hop by hop (TTL-limited ICMP, UDP or TCP SYN probes) from wirelite\'s own packet stack, as traceroute (as root)')
    .argument('<host>', 'an IPv4 or IPv6 address, or a host name')
    .argument('[packetlen]', 'the probes\' whole length in bytes (default 60 for IPv4, 80 for IPv6; TCP: 60)')
    .option('-P <method>', 'probe method: icmp (traceroute -I), udp (traceroute\'s default) or tcp (traceroute -T, a SYN); --report: icmp by default, as mtr')
    .option('-I', 'ICMP echo probes (-P icmp)')
    .option('-T', 'TCP SYN probes (-P tcp)')
    .option('-p <port>', 'UDP: the first destination port (33434, one more per probe); TCP: the port (80)')
    .option('-m <maxttl>', 'the last TTL tried (default 30)')
    .option('-f <firstttl>', 'the first TTL (default 1)')
    .option('-q <nqueries>', 'probes per hop (default 3)')
    .option('-w <seconds>', 'seconds to wait for each probe\'s answer (default 5)')
    .option('-N <squeries>', 'probes in flight at once (default 16)')
    .option('-n', 'print addresses only (wirelite never looks names up: without -n it prints the address twice, as traceroute does when there is no name)')
    .option('-i <interface>', 'send through this interface (the route must use it)')
    .option('--paris', 'keep every probe\'s flow identity the same (ports; ICMP: identifier and checksum), so per-flow load balancers send all probes one way')
    .option('-4', 'IPv4 only')
    .option('-6', 'IPv6 only')
    .option('--mtu', 'find the path MTU on the way: DF set, one probe at a time, the size lowered at each Frag needed / Packet too big, F=NUM at the first probe sent at a new size (as traceroute --mtu)')
    .option('--report', 'mtr\'s report mode: -c rounds of one probe per hop, then Loss%, Snt, Last, Avg, Best, Wrst and StDev per hop')
    .option('-c <cycles>', 'with --report: rounds (default 10)')
    .option('--interval <seconds>', 'with --report: seconds between the starts of two rounds (default 1)')
    .option('--json', 'JSON lines: one per hop, then a summary (--report: one report object)')
    .option('--explain', 'print each step of the stack (route, subnet mask, neighbour) on stderr')
    .option('--show-packets', 'print each packet sent and received, dissected by wirelite (one line each; -V: the tree)')
    .option('-V', 'with --show-packets: each packet\'s detail tree')
    .option('--write <file>', 'save every packet sent and received as a capture file (pcapng; pcap for a .pcap name)')
    .option('--tui', 'mtr\'s report as a live table in the terminal, a row per hop (Loss%, Snt, Last, Avg, Best, Wrst, StDev, MTU), updated every round until q (or -c rounds)')
    .action(async (host, packetlen, o) => {
      await runProbe('traceroute', async () => {
        if (o.tui && (o.json || o.showPackets || o.mtu)) throw new ProbeError('--tui shows the hops itself: not with --json, --show-packets or --mtu');
        const packets = packetOutput({ showPackets: !!o.showPackets, V: !!o.V, ...(o.write !== undefined ? { write: o.write } : {}), json: !!o.json });
        if (o['4'] && o['6']) throw new ProbeError('-4 and -6 cannot be used together');
        const method = (o.I ? 'icmp' : o.T ? 'tcp' : o.P ?? (o.report || o.tui ? 'icmp' : 'udp')) as TraceMethod;
        if ((o.c !== undefined || o.interval !== undefined) && !o.report && !o.tui) throw new ProbeError('-c and --interval go with --report');
        // --tui: rounds until q, as mtr.
        const cycles = o.c !== undefined ? num(o.c, '-c') : o.tui ? Infinity : 10;
        const interval = o.interval !== undefined ? num(o.interval, '--interval') : 1;
        if ((!Number.isInteger(cycles) && cycles !== Infinity) || cycles < 1) throw new ProbeError(`-c ${o.c}: must be a positive integer`);
        if (!(interval >= 0)) throw new ProbeError(`--interval ${o.interval}: must be 0 or more seconds`);
        if (method !== 'icmp' && method !== 'udp' && method !== 'tcp') throw new ProbeError(`-P ${o.P}: icmp, udp or tcp`);
        const options = {
            host,
            method,
            ...(o.p !== undefined ? { port: num(o.p, '-p') } : {}),
            maxTtl: o.m !== undefined ? num(o.m, '-m') : 30,
            firstTtl: o.f !== undefined ? num(o.f, '-f') : 1,
            queries: o.q !== undefined ? num(o.q, '-q') : 3,
            wait: o.w !== undefined ? num(o.w, '-w') : 5,
            simultaneous: o.N !== undefined ? num(o.N, '-N') : 16,
            paris: !!o.paris,
            ...(o.mtu ? { mtu: true } : {}),
            numeric: !!o.n,
            ...(o.i !== undefined ? { iface: o.i } : {}),
            ...(o['4'] ? { family: 4 as const } : o['6'] ? { family: 6 as const } : {}),
            ...(packetlen !== undefined ? { packetLen: num(packetlen, 'packetlen') } : {}),
            ...(o.report ? { report: { cycles, interval, hostname: hostname() } } : {}),
            json: !!o.json,
            explain: !!o.explain,
            ...(packets.tap ? { tap: packets.tap } : {}),
        };
        if (o.tui) return (await importInteractive(() => import('../../tui/probe/run.js'))).traceTui({ ...options, report: { cycles, interval, hostname: hostname() } }).finally(() => packets.close());
        const { traceroute } = await import('../../probe/traceroute.js');
        return traceroute(options, { out: stdoutLine, err: (l) => process.stderr.write(l + '\n') }).finally(() => packets.close());
      });
    });
}

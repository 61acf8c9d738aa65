/**
 * The probes' pure parts: the route choice (tables as /proc prints them, longest prefix, gateway
 * vs direct, the subnet mask arithmetic), the reply matching (including errors that quote another
 * host's probe or another probe of ours), and ping's statistics as iputils computes and prints them.
 */
import { describe, expect, it } from 'vitest';
import { buildPacket, type LayerSpec } from '../../src/dissectors/build.js';
import {
  chooseRoute, formatAddress, inPrefix, maskText, parseAddress, parseRoute4, parseRoute6, type InterfaceAddress,
} from '../../src/probe/route.js';
import { answers, readIp, type ProbeKey } from '../../src/probe/match.js';
import { formatG, formatRtt, PingStats } from '../../src/probe/ping-stats.js';
import { parseArpTable, solicitedNode } from '../../src/probe/stack.js';

const a4 = (s: string) => parseAddress(s, 4)!;
const a6 = (s: string) => parseAddress(s, 6)!;

// As the kernel prints them (addresses as little-endian hex words).
const ROUTE4 = `Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT
eth0\t00000000\t0101000A\t0003\t0\t0\t100\t00000000\t0\t0\t0
eth0\t0001000A\t00000000\t0001\t0\t0\t0\t00FFFFFF\t0\t0\t0
eth1\t0000100A\t00000000\t0001\t0\t0\t0\t0000FFFF\t0\t0\t0
eth1\t0005100A\t0200100A\t0003\t0\t0\t0\t00FFFFFF\t1400\t0\t0
eth0\t0009000A\t00000000\t0201\t0\t0\t0\t00FFFFFF\t0\t0\t0
`;
const ROUTE6 = `20010db8000100000000000000000000 40 00000000000000000000000000000000 00 00000000000000000000000000000000 00000100 00000001 00000000 00000001     eth0
fe800000000000000000000000000000 40 00000000000000000000000000000000 00 00000000000000000000000000000000 00000100 00000001 00000000 00000001     eth0
00000000000000000000000000000000 00 00000000000000000000000000000000 00 20010db8000100000000000000000001 00000400 00000001 00000000 00000003     eth0
20010db8000100000000000000000002 80 00000000000000000000000000000000 00 00000000000000000000000000000000 00000000 00000002 00000000 80200001       lo
`;
const ADDRS: InterfaceAddress[] = [
  { iface: 'eth0', family: 4, address: a4('10.0.1.3'), prefix: 24, mac: '02:00:00:00:00:01', linkLocal: false },
  { iface: 'eth1', family: 4, address: a4('10.16.0.7'), prefix: 16, mac: '02:00:00:00:00:02', linkLocal: false },
  { iface: 'eth0', family: 6, address: a6('fe80::1'), prefix: 64, mac: '02:00:00:00:00:01', linkLocal: true },
  { iface: 'eth0', family: 6, address: a6('2001:db8:1::2'), prefix: 64, mac: '02:00:00:00:00:01', linkLocal: false },
];

describe('route choice', () => {
  const r4 = parseRoute4(ROUTE4);
  const r6 = parseRoute6(ROUTE6);

  it('reads /proc/net/route: little-endian words, masks as prefixes, gateways only with RTF_GATEWAY', () => {
    expect(r4.map((r) => `${formatAddress(r.dest, 4)}/${r.prefix} ${r.gateway !== undefined ? formatAddress(r.gateway, 4) : '-'} ${r.iface} ${r.metric} ${r.mtu}`)).toEqual([
      '0.0.0.0/0 10.0.1.1 eth0 100 0',
      '10.0.1.0/24 - eth0 0 0',
      '10.16.0.0/16 - eth1 0 0',
      '10.16.5.0/24 10.16.0.2 eth1 0 1400',
      '10.0.9.0/24 - eth0 0 0',
    ]);
  });

  it('longest prefix wins: a /24 inside a /16 inside the default route', () => {
    expect(chooseRoute(a4('10.16.5.9'), 4, r4, ADDRS).route.prefix).toBe(24);
    expect(formatAddress(chooseRoute(a4('10.16.5.9'), 4, r4, ADDRS).nextHop, 4)).toBe('10.16.0.2');
    expect(chooseRoute(a4('10.16.9.9'), 4, r4, ADDRS).route.prefix).toBe(16);
    expect(chooseRoute(a4('192.0.2.1'), 4, r4, ADDRS).route.prefix).toBe(0);
  });

  it('direct on the same subnet, else the gateway, with the mask arithmetic in words', () => {
    const direct = chooseRoute(a4('10.0.1.77'), 4, r4, ADDRS);
    expect(formatAddress(direct.nextHop, 4)).toBe('10.0.1.77');
    expect(direct.explain[1]).toBe('subnet: 10.0.1.3 & 255.255.255.0 = 10.0.1.0; 10.0.1.77 & 255.255.255.0 = 10.0.1.0: same subnet, send directly');
    const via = chooseRoute(a4('10.0.2.3'), 4, r4, ADDRS);
    expect(formatAddress(via.nextHop, 4)).toBe('10.0.1.1');
    expect(via.explain[1]).toBe('subnet: 10.0.1.3 & 255.255.255.0 = 10.0.1.0; 10.0.2.3 & 255.255.255.0 = 10.0.2.0: another subnet, send to the gateway 10.0.1.1');
    expect(formatAddress(via.source.address, 4)).toBe('10.0.1.3');
    expect(chooseRoute(a4('10.16.200.1'), 4, r4, ADDRS).source.iface).toBe('eth1');
  });

  it('a reject route and a missing route are errors; -I restricts the choice', () => {
    expect(() => chooseRoute(a4('10.0.9.1'), 4, r4, ADDRS)).toThrow(/no route to host 10\.0\.9\.1 \(the route 10\.0\.9\.0\/24 rejects it\)/);
    expect(() => chooseRoute(a4('10.0.1.5'), 4, r4, ADDRS, 'eth1')).toThrow(/no route to host 10\.0\.1\.5 through eth1/);
    expect(chooseRoute(a4('10.16.1.5'), 4, r4, ADDRS, 'eth1').route.iface).toBe('eth1');
  });

  it('IPv6: /proc/net/ipv6_route, the local table skipped, a global source for a global destination', () => {
    const c = chooseRoute(a6('2001:db8:4::2'), 6, r6, ADDRS);
    expect(formatAddress(c.nextHop, 6)).toBe('2001:db8:1::1');
    expect(formatAddress(c.source.address, 6)).toBe('2001:db8:1::2');
    expect(c.explain[1]).toBe('subnet: 2001:db8:1::2 & ffff:ffff:ffff:ffff:: = 2001:db8:1::; 2001:db8:4::2 & ffff:ffff:ffff:ffff:: = 2001:db8:4::: another subnet, send to the gateway 2001:db8:1::1');
    const ll = chooseRoute(a6('fe80::9'), 6, r6, ADDRS);
    expect(formatAddress(ll.source.address, 6)).toBe('fe80::1');
    expect(formatAddress(ll.nextHop, 6)).toBe('fe80::9');
  });

  it('mask arithmetic', () => {
    expect(maskText(0, 4)).toBe('0.0.0.0');
    expect(maskText(23, 4)).toBe('255.255.254.0');
    expect(maskText(32, 4)).toBe('255.255.255.255');
    expect(maskText(56, 6)).toBe('ffff:ffff:ffff:ff00::');
    expect(inPrefix(a4('10.0.1.255'), a4('10.0.0.0'), 23, 4)).toBe(true);
    expect(inPrefix(a4('10.0.2.0'), a4('10.0.0.0'), 23, 4)).toBe(false);
    expect(parseAddress('10.0.0.256', 4)).toBeUndefined();
    expect(parseAddress('10.0.0', 4)).toBeUndefined();
    expect(formatAddress(solicitedNode(a6('2001:db8:1::1')), 6)).toBe('ff02::1:ff00:1');
  });

  it('reads the complete entries of /proc/net/arp', () => {
    const t = 'IP address       HW type     Flags       HW address            Mask     Device\n10.0.1.1         0x1         0x2         02:FC:00:00:00:05     *        eth0\n10.0.1.9         0x1         0x0         00:00:00:00:00:00     *        eth0\n';
    expect(parseArpTable(t)).toEqual([{ ip: '10.0.1.1', mac: '02:fc:00:00:00:05', iface: 'eth0' }]);
  });
});

describe('reply matching', () => {
  const me = '10.0.1.3';
  const dst = '192.0.2.9';
  const key: ProbeKey = { family: 4, src: a4(me), dst: a4(dst), proto: 1, icmpId: 0x1234, icmpSeq: 7 };
  const echo = (src: string, id: number, seq: number): LayerSpec[] => [{ proto: 'ip', src, dst: src === me ? dst : me, ttl: 60 }, { proto: 'icmp', type: src === me ? 8 : 0, id, seq, data: new Uint8Array(16) }];
  const ip = (layers: LayerSpec[]) => readIp(buildPacket(layers), 0)!;
  const error = (from: string, quoted: LayerSpec[], type = 11, code = 0): LayerSpec[] => [{ proto: 'ip', src: from, dst: me }, { proto: 'icmp', type, code }, ...quoted];

  it('an echo reply: same identifier and sequence, from the destination', () => {
    expect(answers(ip(echo(dst, 0x1234, 7)), key)?.kind).toBe('reply');
    expect(answers(ip(echo(dst, 0x1234, 8)), key)).toBeUndefined();
    expect(answers(ip(echo(dst, 0x1235, 7)), key)).toBeUndefined();
    expect(answers(ip(echo('192.0.2.10', 0x1234, 7)), key)).toBeUndefined();
  });

  it('an ICMP error quoting this probe matches; one quoting another host\'s probe (or another of ours) does not', () => {
    const mine = echo(me, 0x1234, 7);
    expect(answers(ip(error('10.0.1.1', mine)), key)?.kind).toBe('error');
    // Quoted with only the 8 bytes RFC 792 requires.
    expect(answers(ip([...error('10.0.1.1', mine).slice(0, 1), { proto: 'icmp', type: 11, quoteLen: 28 }, ...mine]), key)?.kind).toBe('error');
    const other = [{ proto: 'ip', src: '10.0.1.4', dst }, { proto: 'icmp', type: 8, id: 0x1234, seq: 7 }] as LayerSpec[];
    expect(answers(ip(error('10.0.1.1', other)), key)).toBeUndefined();
    expect(answers(ip(error('10.0.1.1', echo(me, 0x1234, 6))), key)).toBeUndefined();
    expect(answers(ip(error('10.0.1.1', echo(me, 0x9999, 7))), key)).toBeUndefined();
    // The frag-needed MTU is read.
    const fn = answers(ip([{ proto: 'ip', src: '10.0.1.1', dst: me }, { proto: 'icmp', type: 3, code: 4, mtu: 1400 }, ...mine]), key);
    expect(fn?.kind === 'error' && fn.icmp.mtu).toBe(1400);
  });

  it('UDP and TCP probes: an error by the quoted ports (and IP ID), a SYN/ACK or RST by the flow and sequence', () => {
    const u: ProbeKey = { family: 4, src: a4(me), dst: a4(dst), proto: 17, sport: 40000, dport: 33434, ipId: 77 };
    const probe = (dport: number, id: number): LayerSpec[] => [{ proto: 'ip', src: me, dst, id, ttl: 1 }, { proto: 'udp', sport: 40000, dport }];
    expect(answers(ip(error('10.0.1.1', probe(33434, 77))), u)?.kind).toBe('error');
    expect(answers(ip(error('10.0.1.1', probe(33435, 77))), u)).toBeUndefined();
    expect(answers(ip(error('10.0.1.1', probe(33434, 78))), u)).toBeUndefined();
    const t: ProbeKey = { family: 4, src: a4(me), dst: a4(dst), proto: 6, sport: 40001, dport: 80, tcpSeq: 1000 };
    const synack = (ack: number, flags: string): LayerSpec[] => [{ proto: 'ip', src: dst, dst: me }, { proto: 'tcp', sport: 80, dport: 40001, seq: 5, ack, flags }];
    expect(answers(ip(synack(1001, 'SA')), t)).toMatchObject({ kind: 'tcp', flags: 0x12 });
    expect(answers(ip(synack(1001, 'RA')), t)).toMatchObject({ kind: 'tcp', flags: 0x14 });
    // The ACK may cover data the SYN carried (pmtud's), never less than the SYN itself.
    expect(answers(ip(synack(1001 + 1200, 'RA')), t)).toMatchObject({ kind: 'tcp' });
    expect(answers(ip(synack(1000, 'SA')), t)).toBeUndefined();
    expect(answers(ip(synack(1001 + 0x20000, 'SA')), t)).toBeUndefined();
  });

  it('IPv6: echo reply and an error quoting the probe', () => {
    const k6: ProbeKey = { family: 6, src: a6('2001:db8:1::2'), dst: a6('2001:db8:4::2'), proto: 58, icmpId: 5, icmpSeq: 1 };
    const req: LayerSpec[] = [{ proto: 'ipv6', src: '2001:db8:1::2', dst: '2001:db8:4::2' }, { proto: 'icmpv6', type: 128, id: 5, seq: 1 }];
    const rep: LayerSpec[] = [{ proto: 'ipv6', src: '2001:db8:4::2', dst: '2001:db8:1::2' }, { proto: 'icmpv6', type: 129, id: 5, seq: 1 }];
    expect(answers(ip(rep), k6)?.kind).toBe('reply');
    const ptb = answers(ip([{ proto: 'ipv6', src: '2001:db8:1::1', dst: '2001:db8:1::2' }, { proto: 'icmpv6', type: 2, mtu: 1400 }, ...req]), k6);
    expect(ptb?.kind === 'error' && ptb.icmp.mtu).toBe(1400);
    expect(answers(ip([{ proto: 'ipv6', src: '2001:db8:1::1', dst: '2001:db8:1::2' }, { proto: 'icmpv6', type: 3 }, { proto: 'ipv6', src: '2001:db8:1::3', dst: '2001:db8:4::2' }, { proto: 'icmpv6', type: 128, id: 5, seq: 1 }]), k6)).toBeUndefined();
  });
});

describe('ping statistics', () => {
  it('min/avg/max/mdev in integer microseconds, as iputils (mdev = sqrt(E[t^2] - E[t]^2))', () => {
    const s = new PingStats();
    s.transmitted = 3;
    s.received = 3;
    for (const us of [98, 206, 152]) s.addRtt(us);
    expect(s.summaryLines(203)).toEqual(['3 packets transmitted, 3 received, 0% packet loss, time 203ms', 'rtt min/avg/max/mdev = 0.098/0.152/0.206/0.044 ms']);
  });

  it('loss as %g, duplicates and errors in the summary, no rtt line without replies', () => {
    const s = new PingStats();
    s.transmitted = 3;
    s.received = 2;
    s.duplicates = 1;
    for (const us of [40553, 40713, 40600]) s.addRtt(us);
    expect(s.summaryLines(2003)[0]).toBe('3 packets transmitted, 2 received, +1 duplicates, 33.3333% packet loss, time 2003ms');
    const e = new PingStats();
    e.transmitted = 2;
    e.errors = 2;
    expect(e.summaryLines(207)).toEqual(['2 packets transmitted, 0 received, +2 errors, 100% packet loss, time 207ms']);
    expect(formatG(12.5)).toBe('12.5');
    expect(formatG(100 / 7)).toBe('14.2857');
  });

  it('time= with iputils precision by size', () => {
    expect(formatRtt(75)).toBe('0.075');
    expect(formatRtt(1234)).toBe('1.23');
    expect(formatRtt(40613)).toBe('40.6');
    expect(formatRtt(123456)).toBe('123');
  });
});


/**
 * IPv6 and its extension headers: real packets (tshark 4.0.17 line above each), decode by
 * Wireshark field names, reassembly across frames, build round trips, and broken lengths.
 */
import { describe, expect, it } from 'vitest';
import { Packet, newSession } from '../../src/dissectors/index.js';
import { formatIPv6 } from '../../src/dissectors/bytes.js';
import { buildPacket, type LayerSpec } from '../../src/dissectors/build.js';
import { hex, dissect, twoPass, id, nums, num, addrs, has, experts, noException, rangesInside } from './helpers.js';

/** Sessions that verify UDP or TCP checksums (`-o udp.check_checksum:TRUE`, off by default). */
const UDP_CHECKED = { options: { prefs: ['udp.check_checksum:TRUE'] } };
const TCP_CHECKED = { options: { prefs: ['tcp.check_checksum:TRUE'] } };

// tcpdump/ipv6-routing-header.pcap
const ROUTING0_UDP = hex(
  // 3   1.808819 2200::244:212:3fff:feae:22f7 → 2200::210:2:0:0:4 UDP 86 5645 → 5642 Len=0
  '0013c4c784f000123fae22f786dd6000000000202b04220000000000024402123ffffeae22f722000000000002400002' +
    '000000000004110200010000000022000000000002100002000000000004160d160a000827b6',
);

// zeek/ipv6-http-atomic-frag.pcap: the same SYN behind each kind of extension header.
const ATOMIC_FRAG_TCP = hex(
  // 13   0.869070 2001:db8:1::2 → 2001:db8:1::1 TCP 82 59694 → 80 [SYN] Seq=0 Win=8192 Len=0
  'aa0004000a0400101895316a86dd60000000001c2c4020010db800010000000000000000000220010db8000100000000' +
    '0000000000010600000000000000e92e005069817905000000005002200068660000',
);
const HOPOPTS_TCP = hex(
  // 23   1.417333 2001:db8:1::2 → 2001:db8:1::1 TCP 82 27393 → 80 [SYN] Seq=0 Win=8192 Len=0
  'aa0004000a0400101895316a86dd60000000001c004020010db800010000000000000000000220010db8000100000000' +
    '00000000000106000104000000006b010050515fabe10000000050022000cbd90000',
);
const ROUTING0_EMPTY_TCP = hex(
  // 33   1.837752 2001:db8:1::2 → 2001:db8:1::1 TCP 82 45805 → 80 [SYN] Seq=0 Win=8192 Len=0
  'aa0004000a0400101895316a86dd60000000001c2b4020010db800010000000000000000000220010db8000100000000' +
    '0000000000010600000000000000b2ed00501bc76adf0000000050022000fa870000',
);
const DSTOPTS_TCP = hex(
  // 4   0.012503 2001:db8:1::2 → 2001:db8:1::1 TCP 82 36951 → 80 [SYN] Seq=0 Win=8192 Len=0
  'aa0004000a0400101895316a86dd60000000001c3c4020010db800010000000000000000000220010db8000100000000' +
    '000000000001060001040000000090570050e31ebd4e000000005002200003570000',
);

// zeek/ipv6-fragmented-dns.pcap: the last fragment of a datagram whose other fragments were not captured.
const LONE_LAST_FRAGMENT = hex(
  // 4  15.242709 2607:f740:b::f93 → 2001:470:1f11:81f:d138:5f55:6d4:1fe2 IPv6 404 IPv6 fragment (off=2896 more=n ident=0x00000001 nxt=17)
  'c42c033b6caad8306248c5b586dd60000000015e2c352607f740000b00000000000000000f93200104701f11081fd138' +
    '5f5506d41fe211000b500000000158585858585858585858585858585858585858585858585858585858585858585858' +
    '585858585858585858585858585858585858585858585858585858585858585858585858585858585858585858585858' +
    '5858585858585858585858c0585858585858585858585858585858585858585858585858585858585858585858585858' +
    '585858585858585858585858585858585858585858585858585858585858585858585858585858585858585858585858' +
    '585858585858585858585858585858585858585858585858585858585858585858585858585858585858585858585858' +
    '585858585858585858585858585858585858585858585858585858585858585858585858585858585858585858585858' +
    '585858585858585858585858c01c0002000100000064001106726f6c616e640469636972036f72670000002910000000' +
    '80000000cc7200010001000000640004c096bb1f',
);

// pcapplusplus/Pcap++Test/PcapExamples/ip6_fragments.pcap: one mDNS datagram in 7 fragments.
const MDNS_FRAGMENTS = [
  // 1   0.000000 fe80::21f:f3ff:fecd:f617 → ff02::fb     IPv6 182 IPv6 fragment (off=0 more=y ident=0x002c5323 nxt=17)
  hex(
    '3333000000fb001ff3cdf61786dd6000000000802cfffe80000000000000021ff3fffecdf617ff020000000000000000' +
    '0000000000fb11000001002c532314e914e902e1f77b0000000000170000000b00010b5f6166706f766572746370045f' +
    '746370056c6f63616c00000c8001045f736d62c018000c8001045f726662c018000c8001065f616469736bc018000c80' +
    '01085f616972706f7274c018000c80010d5f6170706c6574762d70616972c018000c8001085f',
  ),
  // 2   0.000000 fe80::21f:f3ff:fecd:f617 → ff02::fb     IPv6 182 IPv6 fragment (off=120 more=y ident=0x002c5323 nxt=17)
  hex(
    '3333000000fb001ff3cdf61786dd6000000000802cfffe80000000000000021ff3fffecdf617ff020000000000000000' +
    '0000000000fb11000079002c53236170706c657476c018000c8001255f30303030303030302d303133342d363931362d' +
    '666630342d386335643737646534323733045f7375620d5f686f6d652d73686172696e67c018000c8001055f64616170' +
    'c018000c80010d5f746f7563682d72656d6f7465c018000c8001055f72616f70c018000c8001',
  ),
  // 3   0.000000 fe80::21f:f3ff:fecd:f617 → ff02::fb     IPv6 182 IPv6 fragment (off=240 more=y ident=0x002c5323 nxt=17)
  hex(
    '3333000000fb001ff3cdf61786dd6000000000802cfffe80000000000000021ff3fffecdf617ff020000000000000000' +
    '0000000000fb110000f1002c5323075f6f7378737672c018000c800108526f73636f726969c00c00ff800108526f7363' +
    '6f726969045f667470c01800ff800108526f73636f726969c02800ff800108526f73636f726969045f737368c01800ff' +
    '800108526f73636f726969095f736674702d737368c01800ff80010a4361747320436c617773',
  ),
  // 4   0.000000 fe80::21f:f3ff:fecd:f617 → ff02::fb     IPv6 182 IPv6 fragment (off=360 more=y ident=0x002c5323 nxt=17)
  hex(
    '3333000000fb001ff3cdf61786dd6000000000802cfffe80000000000000021ff3fffecdf617ff020000000000000000' +
    '0000000000fb11000169002c5323c0bc00ff80011c6954756e65735f4374726c5f384434364633333133463737353737' +
    '41055f64616370c01800ff80010a4361747320436c617773c0a800ff80011435302d33372d37312d373220526f73636f' +
    '7269690c5f736c6565702d70726f7879045f756470c01d00ff800108526f73636f726969c01d',
  ),
  // 5   0.000000 fe80::21f:f3ff:fecd:f617 → ff02::fb     IPv6 182 IPv6 fragment (off=480 more=y ident=0x002c5323 nxt=17)
  hex(
    '3333000000fb001ff3cdf61786dd6000000000802cfffe80000000000000021ff3fffecdf617ff020000000000000000' +
    '0000000000fb110001e1002c532300ff8001c1cd00ff8001c0f600210001000000780008000000000224c1cdc1050021' +
    '0001000000780008000000000015c1cdc119002100010000007800080000000001bdc1cdc12800210001000000780008' +
    '000000000016c1cdc13c00210001000000780008000000000016c1cdc1550021000100000078',
  ),
  // 6   0.000000 fe80::21f:f3ff:fecd:f617 → ff02::fb     IPv6 182 IPv6 fragment (off=600 more=y ident=0x002c5323 nxt=17)
  hex(
    '3333000000fb001ff3cdf61786dd6000000000802cfffe80000000000000021ff3fffecdf617ff020000000000000000' +
    '0000000000fb11000259002c53230008000000000e69c1cdc16600210001000000780008000000000e69c1cdc18f0021' +
    '0001000000780008000000000e69c1cdc1a00021000100000078000800000000f999c1cdc1cd001c0001000000780010' +
    'fe80000000000000021ff3fffecdf617c1cd00010001000000780004c0a8010300002905a000',
  ),
  // 7   0.000000 fe80::21f:f3ff:fecd:f617 → ff02::fb     MDNS 83 Standard query 0x0000 PTR _afpovertcp._tcp.local, "QU" question PTR _smb._tcp.local, "QU" question PTR _rfb._tcp.local, "QU" question PTR _adisk._tcp.local, "QU" question PTR _airport._tcp.local, "QU" question PTR _appletv-pair._tcp.local, "QU" question PTR _appletv._tcp.local, "QU" question PTR _00000000-0134-6916-ff04-8c5d77de4273._sub._home-sharing._tcp.local, "QU" question PTR _daap._tcp.local, "QU" question PTR _touch-remote._tcp.local, "QU" question PTR _raop._tcp.local, "QU" question PTR _osxsvr._tcp.local, "QU" question ANY Roscorii._afpovertcp._tcp.local, "QU" question ANY Roscorii._ftp._tcp.local, "QU" question ANY Roscorii._smb._tcp.local, "QU" question ANY Roscorii._ssh._tcp.local, "QU" question ANY Roscorii._sftp-ssh._tcp.local, "QU" question ANY Cats Claws._daap._tcp.local, "QU" question ANY iTunes_Ctrl_8D46F3313F77577A._dacp._tcp.local, "QU" question ANY Cats Claws._home-sharing._tcp.local, "QU" question ANY 50-37-71-72 Roscorii._sleep-proxy._udp.local, "QU" question ANY Roscorii.local, "QU" question ANY Roscorii.local, "QU" question SRV 0 0 548 Roscorii.local SRV 0 0 21 Roscorii.local SRV 0 0 445 Roscorii.local SRV 0 0 22 Roscorii.local SRV 0 0 22 Roscorii.local SRV 0 0 3689 Roscorii.local SRV 0 0 3689 Roscorii.local SRV 0 0 3689 Roscorii.local SRV 0 0 63897 Roscorii.local AAAA fe80::21f:f3ff:fecd:f617 A 192.168.1.3 OPT
  hex(
    '3333000000fb001ff3cdf61786dd60000000001d2cfffe80000000000000021ff3fffecdf617ff020000000000000000' +
    '0000000000fb110002d0002c5323001194000c00040008000b001ff3cdf6175127c6b5',
  ),
];

describe('IPv6 header', () => {
  it('decodes the fixed header, a type 0 routing header and the UDP inside', () => {
    const pkt = dissect(ROUTING0_UDP);
    expect(num(pkt, 'ipv6.version')).toBe(6);
    expect(num(pkt, 'ipv6.tclass')).toBe(0);
    expect(num(pkt, 'ipv6.tclass.dscp')).toBe(0);
    expect(num(pkt, 'ipv6.tclass.ecn')).toBe(0);
    expect(num(pkt, 'ipv6.flow')).toBe(0);
    expect(num(pkt, 'ipv6.plen')).toBe(32);
    expect(num(pkt, 'ipv6.nxt')).toBe(43);
    expect(num(pkt, 'ipv6.hlim')).toBe(4);
    expect(addrs(pkt, 'ipv6.src')).toEqual(['2200::244:212:3fff:feae:22f7']);
    expect(addrs(pkt, 'ipv6.dst')).toEqual(['2200::240:2:0:0:4']);
    expect(addrs(pkt, 'ipv6.addr')).toEqual(['2200::244:212:3fff:feae:22f7', '2200::240:2:0:0:4']);
    expect(pkt.hidden[pkt.find(id('ipv6.addr'))]).toBe(1);
    expect(num(pkt, 'ipv6.routing.nxt')).toBe(17);
    expect(num(pkt, 'ipv6.routing.len')).toBe(2);
    expect(num(pkt, 'ipv6.routing.len_oct')).toBe(24);
    expect(num(pkt, 'ipv6.routing.type')).toBe(0);
    expect(num(pkt, 'ipv6.routing.segleft')).toBe(1);
    expect(addrs(pkt, 'ipv6.routing.src.addr')).toEqual(['2200::210:2:0:0:4']);
    expect(experts(pkt)).toContain('Routing header type is deprecated');
    expect(pkt.protocols.toArray()).toContain('ipv6.routing');
    expect(num(pkt, 'udp.srcport')).toBe(5645);
    expect(pkt.colProtocol).toBe('UDP');
    expect(pkt.colInfo).toBe('5645 → 5642 Len=0');
    expect(pkt.colSrc).toBe('2200::244:212:3fff:feae:22f7');
    expect(pkt.colDst).toBe('2200::240:2:0:0:4');
    noException(pkt);
    rangesInside(pkt);
  });

  it('uses the final destination of the routing header in the transport pseudo-header', () => {
    // tshark -o udp.check_checksum:TRUE says Good (1): 0x27b6 is only right with 2200::210:2:0:0:4.
    const pkt = dissect(ROUTING0_UDP, UDP_CHECKED);
    expect(num(pkt, 'udp.checksum.status')).toBe(1);
    expect(pkt.ipVersion).toBe(6);
    expect(formatIPv6(pkt.ipHdr, pkt.ipDstOff)).toBe('2200::210:2:0:0:4');
  });

  it('decodes hop-by-hop, destination options, empty routing and atomic fragment headers before TCP', () => {
    const hop = dissect(HOPOPTS_TCP, TCP_CHECKED);
    expect(lastProtocols(hop, 3)).toEqual(['ipv6', 'ipv6.hopopts', 'tcp']);
    expect(num(hop, 'ipv6.hopopts.nxt')).toBe(6);
    expect(num(hop, 'ipv6.hopopts.len')).toBe(0);
    expect(num(hop, 'ipv6.hopopts.len_oct')).toBe(8);
    expect(nums(hop, 'ipv6.opt.type')).toEqual([1]);
    expect(nums(hop, 'ipv6.opt.length')).toEqual([4]);
    expect(has(hop, 'ipv6.opt.padn')).toBe(true);
    expect(num(hop, 'tcp.checksum.status')).toBe(1);
    expect(hop.colInfo).toBe('27393 → 80 [SYN] Seq=0 Win=8192 Len=0');

    const dst = dissect(DSTOPTS_TCP, TCP_CHECKED);
    expect(lastProtocols(dst, 3)).toEqual(['ipv6', 'ipv6.dstopts', 'tcp']);
    expect(num(dst, 'ipv6.dstopts.nxt')).toBe(6);
    expect(nums(dst, 'ipv6.opt.type')).toEqual([1]);
    expect(num(dst, 'tcp.checksum.status')).toBe(1);

    const rt = dissect(ROUTING0_EMPTY_TCP, TCP_CHECKED);
    expect(num(rt, 'ipv6.routing.segleft')).toBe(0);
    expect(addrs(rt, 'ipv6.routing.src.addr')).toEqual([]);
    expect(num(rt, 'tcp.checksum.status')).toBe(1);

    const frag = dissect(ATOMIC_FRAG_TCP, TCP_CHECKED);
    expect(lastProtocols(frag, 3)).toEqual(['ipv6', 'ipv6.fraghdr', 'tcp']);
    expect(num(frag, 'ipv6.fraghdr.nxt')).toBe(6);
    expect(num(frag, 'ipv6.fraghdr.offset')).toBe(0);
    expect(num(frag, 'ipv6.fraghdr.more')).toBe(0);
    expect(num(frag, 'ipv6.fraghdr.ident')).toBe(0);
    expect(frag.colProtocol).toBe('TCP');
    expect(num(frag, 'tcp.checksum.status')).toBe(1);
    for (const p of [hop, dst, rt, frag]) noException(p);
  });
});

/** The innermost layers (frame.protocols), without the link layer the test does not care about. */
function lastProtocols(pkt: Packet, n: number): string[] {
  return pkt.protocols.toArray().slice(-n);
}

describe('IPv6 fragments', () => {
  it('reassembles seven fragments in the frame that completes them (tshark -2)', () => {
    const pkts = twoPass(MDNS_FRAGMENTS);
    const offs = [0, 120, 240, 360, 480, 600];
    for (let i = 0; i < 6; i++) {
      const p = pkts[i]!;
      expect(p.colProtocol).toBe('IPv6');
      expect(p.colInfo).toBe(`IPv6 fragment (off=${offs[i]} more=y ident=0x002c5323 nxt=17)`);
      expect(num(p, 'ipv6.fraghdr.offset')).toBe(offs[i]! / 8);
      expect(num(p, 'ipv6.fraghdr.more')).toBe(1);
      expect(num(p, 'ipv6.fraghdr.ident')).toBe(0x002c5323);
      expect(num(p, 'ipv6.reassembled.in')).toBe(7);
      expect(has(p, 'udp')).toBe(false);
      expect(num(p, 'data.len')).toBe(120);
    }
    const last = pkts[6]!;
    expect(num(last, 'ipv6.fraghdr.offset')).toBe(90);
    expect(num(last, 'ipv6.fraghdr.more')).toBe(0);
    expect(nums(last, 'ipv6.fragment')).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(num(last, 'ipv6.fragment.count')).toBe(7);
    expect(num(last, 'ipv6.reassembled.length')).toBe(741);
    expect(last.sourceNames).toContain('Reassembled IPv6');
    expect(num(last, 'udp.srcport')).toBe(5353);
    expect(num(last, 'udp.length')).toBe(737);
    for (const p of pkts) noException(p);
  });

  it('single pass: fragments before the last do not know yet where they are reassembled', () => {
    const session = newSession();
    const p1 = dissect(MDNS_FRAGMENTS[0]!, { session, number: 1 });
    expect(has(p1, 'ipv6.reassembled.in')).toBe(false);
    for (let i = 1; i < 6; i++) dissect(MDNS_FRAGMENTS[i]!, { session, number: i + 1 });
    const p7 = dissect(MDNS_FRAGMENTS[6]!, { session, number: 7 });
    expect(num(p7, 'udp.length')).toBe(737);
  });

  it('keeps a lone last fragment as data', () => {
    const pkt = dissect(LONE_LAST_FRAGMENT);
    expect(pkt.colProtocol).toBe('IPv6');
    expect(pkt.colInfo).toBe('IPv6 fragment (off=2896 more=n ident=0x00000001 nxt=17)');
    expect(num(pkt, 'data.len')).toBe(342);
    expect(has(pkt, 'ipv6.reassembled.in')).toBe(false);
    noException(pkt);
  });

  it('with ipv6.defragment off, the first fragment is dissected and the others are data', () => {
    const pkts = twoPass(MDNS_FRAGMENTS, 1, { prefs: ['ipv6.defragment:FALSE'] });
    expect(num(pkts[0]!, 'udp.srcport')).toBe(5353);
    expect(pkts[1]!.colInfo).toBe('IPv6 fragment (off=120 more=y ident=0x002c5323 nxt=17)');
    expect(has(pkts[6]!, 'ipv6.fragment.count')).toBe(false);
  });
});

describe('IPv6 bindings', () => {
  it('raw IPv6 link type, BSD loopback families 24/28/30 and IPv6 in IPv4 (protocol 41)', () => {
    const inner: LayerSpec[] = [{ proto: 'ipv6', src: '2001:db8::1', dst: '2001:db8::2' }, { proto: 'udp', sport: 1, dport: 2 }];
    expect(num(dissect(buildPacket(inner), { linkType: 229 }), 'udp.dstport')).toBe(2);
    for (const family of [24, 28, 30]) {
      const pkt = dissect(buildPacket([{ proto: 'null', family }, ...inner]), { linkType: 0 });
      expect(addrs(pkt, 'ipv6.src')).toEqual(['2001:db8::1']);
      expect(num(pkt, 'udp.dstport')).toBe(2);
    }
    const sixInFour = dissect(buildPacket([{ proto: 'eth' }, { proto: 'ip', src: '192.0.2.1', dst: '192.0.2.2' }, ...inner]));
    expect(num(sixInFour, 'ip.proto')).toBe(41);
    expect(addrs(sixInFour, 'ipv6.dst')).toEqual(['2001:db8::2']);
    expect(sixInFour.colSrc).toBe('2001:db8::1');
    expect(num(sixInFour, 'udp.dstport')).toBe(2);
  });
});

describe('IPv6 builder', () => {
  it('builds header, extension headers and payload; decode gives the same fields back', () => {
    const b = buildPacket([
      { proto: 'eth', src: '00:11:22:33:44:55', dst: '66:77:88:99:aa:bb' },
      {
        proto: 'ipv6', src: '2001:db8::1', dst: '2001:db8::2', hlim: 17, dscp: 46, ecn: 1, flow: 0x12345,
        ext: [
          { type: 'hopopts', options: Uint8Array.of(0x05, 0x02, 0x00, 0x00) },
          { type: 'routing', routingType: 0, segleft: 0, addresses: ['2001:db8::9'] },
          { type: 'dstopts' },
        ],
      },
      { proto: 'udp', sport: 1000, dport: 2000 },
      { proto: 'data', bytes: 'hello' },
    ]);
    const pkt = dissect(b, UDP_CHECKED);
    expect(num(pkt, 'eth.type')).toBe(0x86dd);
    expect(num(pkt, 'ipv6.tclass')).toBe((46 << 2) | 1);
    expect(num(pkt, 'ipv6.tclass.dscp')).toBe(46);
    expect(num(pkt, 'ipv6.tclass.ecn')).toBe(1);
    expect(num(pkt, 'ipv6.flow')).toBe(0x12345);
    expect(num(pkt, 'ipv6.hlim')).toBe(17);
    expect(num(pkt, 'ipv6.nxt')).toBe(0);
    expect(num(pkt, 'ipv6.plen')).toBe(8 + 24 + 8 + 8 + 5);
    expect(num(pkt, 'ipv6.hopopts.nxt')).toBe(43);
    expect(num(pkt, 'ipv6.opt.router_alert')).toBe(0);
    expect(num(pkt, 'ipv6.routing.nxt')).toBe(60);
    expect(addrs(pkt, 'ipv6.routing.src.addr')).toEqual(['2001:db8::9']);
    expect(num(pkt, 'ipv6.dstopts.nxt')).toBe(17);
    // Router Alert + PadN(0) fill the hop-by-hop header; the empty destination options get PadN(4).
    expect(nums(pkt, 'ipv6.opt.type')).toEqual([5, 1, 1]);
    expect(num(pkt, 'udp.dstport')).toBe(2000);
    expect(num(pkt, 'udp.checksum.status')).toBe(1);
    noException(pkt);
    rangesInside(pkt);
  });

  it('builds fragments that reassemble', () => {
    const payload = new Uint8Array(3000).map((_, i) => i & 0xff);
    const udp = buildPacket([{ proto: 'ipv6', src: 'fe80::1', dst: 'fe80::2' }, { proto: 'udp', sport: 7, dport: 9 }, { proto: 'data', bytes: payload }]).subarray(40);
    const frames: Uint8Array[] = [];
    for (let off = 0; off < udp.length; off += 1448) {
      const piece = udp.subarray(off, Math.min(udp.length, off + 1448));
      frames.push(
        buildPacket([
          { proto: 'eth' },
          { proto: 'ipv6', src: 'fe80::1', dst: 'fe80::2', nxt: 17, ext: [{ type: 'fragment', offset: off, more: off + 1448 < udp.length, ident: 0xdead }] },
          { proto: 'data', bytes: piece },
        ]),
      );
    }
    // The fragment header's next header is what `nxt` says (UDP), not data's missing selector.
    const pkts = twoPass(frames);
    expect(pkts[0]!.colInfo).toBe('IPv6 fragment (off=0 more=y ident=0x0000dead nxt=17)');
    expect(num(pkts[0]!, 'ipv6.nxt')).toBe(44);
    expect(num(pkts[0]!, 'ipv6.reassembled.in')).toBe(3);
    expect(num(pkts[2]!, 'udp.length')).toBe(3008);
    expect(num(pkts[2]!, 'data.len')).toBe(3000);
  });

  it('builds a jumbogram header (payload length 0 with a Jumbo Payload option)', () => {
    const body = new Uint8Array(70000 - 8);
    const b = buildPacket([
      { proto: 'ipv6', src: '::1', dst: '::1', plen: 0, ext: [{ type: 'hopopts', options: Uint8Array.of(0xc2, 4, 0x00, 0x01, 0x11, 0x70) }] },
      { proto: 'data', bytes: body },
    ]);
    const pkt = dissect(b, { linkType: 229 });
    expect(num(pkt, 'ipv6.plen')).toBe(0);
    expect(num(pkt, 'ipv6.opt.jumbo')).toBe(70000);
    expect(experts(pkt)).toEqual([]);
  });
});

describe('IPv6 broken lengths', () => {
  it('a header cut by the snap length is truncated, not malformed', () => {
    const cut = ROUTING0_UDP.subarray(0, 14 + 30);
    const pkt = dissect(cut, { origLen: ROUTING0_UDP.length });
    expect(pkt.malformed).toBe(false);
    expect(pkt.expert.some((e) => e.abbrev === '_ws.short')).toBe(true);
    noException(pkt);
    rangesInside(pkt);
  });

  it('a header shorter than 40 bytes on the wire is malformed', () => {
    const pkt = dissect(ROUTING0_UDP.subarray(0, 14 + 30));
    expect(pkt.malformed).toBe(true);
    expect(pkt.colInfo).toBe('Invalid IPv6 header (30 bytes, need exactly 40)[Malformed Packet]');
    noException(pkt);
  });

  it('a bogus version is reported (an expert item in the Malformed group, as tshark does)', () => {
    const b = ROUTING0_UDP.slice(14);
    b[0] = 0x50;
    const pkt = dissect(b, { linkType: 229 });
    expect(pkt.expert.find((e) => e.abbrev === 'ipv6.bogus_ipv6_version')?.group).toBe('Malformed');
    expect(pkt.colInfo).toMatch(/^Bogus IPv6 version \(5, must be 6\)/);
    expect(num(pkt, 'ipv6.version')).toBe(5);
    expect(has(pkt, 'udp')).toBe(false);
  });

  it('a payload length of 0 without a Jumbo Payload option is an empty payload, as in tshark 4.0', () => {
    const b = ROUTING0_UDP.slice();
    b[14 + 4] = 0;
    b[14 + 5] = 0;
    const pkt = dissect(b);
    expect(experts(pkt)).toContain('IPv6 payload length equals 0 (maybe because of "TCP segmentation offload" (TSO))');
    expect(pkt.malformed).toBe(true);
    expect(pkt.colInfo.startsWith('IPv6 routing')).toBe(true);
    noException(pkt);
  });

  it('a payload length beyond the frame is reported and the frame bytes are used', () => {
    const b = ROUTING0_UDP.slice();
    b[14 + 5] = 200;
    const pkt = dissect(b);
    expect(experts(pkt)).toContain('IPv6 payload length exceeds framing length (32 bytes)');
    expect(num(pkt, 'udp.srcport')).toBe(5645);
    noException(pkt);
  });

  it('an extension header longer than the payload is malformed', () => {
    const b = HOPOPTS_TCP.slice();
    b[14 + 41] = 5; // 48 bytes of hop-by-hop options in a 28-byte payload
    const pkt = dissect(b);
    expect(pkt.malformed).toBe(true);
    expect(pkt.colInfo.startsWith('IPv6 hop-by-hop options')).toBe(true);
    noException(pkt);
    rangesInside(pkt);
  });

  it('an option longer than its header is malformed', () => {
    const b = HOPOPTS_TCP.slice();
    b[14 + 43] = 9; // PadN claiming 9 bytes in a 6-byte option area
    const pkt = dissect(b);
    expect(pkt.malformed).toBe(true);
    expect(experts(pkt)).toContain('PadN: Invalid length (9 bytes)');
    noException(pkt);
    rangesInside(pkt);
  });

  it('a fragment header cut short is malformed', () => {
    const b = buildPacket([{ proto: 'ipv6', src: '::1', dst: '::2', nxt: 44 }, { proto: 'data', bytes: Uint8Array.of(17, 0, 0, 1) }]);
    const pkt = dissect(b, { linkType: 229 });
    expect(pkt.malformed).toBe(true);
    noException(pkt);
  });

  it('never throws on any prefix of real packets', () => {
    for (const whole of [ROUTING0_UDP, HOPOPTS_TCP, DSTOPTS_TCP, ATOMIC_FRAG_TCP, MDNS_FRAGMENTS[0]!]) {
      for (let n = 0; n <= whole.length; n++) {
        const cut = whole.subarray(0, n);
        noException(dissect(cut));
        noException(dissect(cut, { origLen: whole.length }));
      }
    }
  });
});

/**
 * ICMPv6: real packets (tshark 4.0.17 line above each), decode by Wireshark field names and
 * Info texts, the pseudo-header checksum, echo pairing, errors quoting IPv6 under a fence,
 * Neighbor Discovery with options, MLD/MLDv2, build round trips and broken lengths.
 */
import { describe, expect, it } from 'vitest';
import { newSession } from '../../src/dissectors/index.js';
import { formatIPv6 } from '../../src/dissectors/bytes.js';
import { buildPacket } from '../../src/dissectors/build.js';
import { linkAddrOption } from '../../src/dissectors/icmpv6.js';
import { hex, dissect, twoPass, id, nums, num, addrs, macs, has, experts, noException, rangesInside } from './helpers.js';

// zeek/icmp/icmp6-ping.pcap
const PING6 = {
  data: hex(
    // 1   0.000000 2620:0:e00:400e:d1d:db37:beb:5aac → 2001:4860:8006::63 ICMPv6 94 Echo (ping) request id=0x0001, seq=3, hop limit=128 (reply in 2)
    'b0c69ada32800023aea00b3386dd6000000000283a80262000000e00400e0d1ddb370beb5aac20014860800600000000' +
    '00000000006380002910000100036162636465666768696a6b6c6d6e6f7071727374757677616263646566676869',
  ),
  tsSec: 1327348947,
  tsNsec: 338241000,
};
const PONG6 = {
  data: hex(
    // 2   0.035552 2001:4860:8006::63 → 2620:0:e00:400e:d1d:db37:beb:5aac ICMPv6 94 Echo (ping) reply id=0x0001, seq=3, hop limit=47 (request in 1)
    '0023aea00b33b0c69ada328086dd6000000000283a2f20014860800600000000000000000063262000000e00400e0d1d' +
    'db370beb5aac81002810000100036162636465666768696a6b6c6d6e6f7071727374757677616263646566676869',
  ),
  tsSec: 1327348947,
  tsNsec: 373793000,
};

// zeek/icmp/icmp6-nd-options.pcap
const NS = hex(
  // 1   0.000000           :: → ff02::1:fff5:0 ICMPv6 78 Neighbor Solicitation for fe80::c000:54ff:fef5:0
  '3333fff50000c20054f5000086dd6e00000000183aff00000000000000000000000000000000ff020000000000000000' +
    '0001fff500008700673c00000000fe80000000000000c00054fffef50000',
);
const NA = hex(
  // 2   0.943960 fe80::c000:54ff:fef5:0 → ff02::1      ICMPv6 86 Neighbor Advertisement fe80::c000:54ff:fef5:0 (rtr, ovr) is at c2:00:54:f5:00:00
  '333300000001c20054f5000086dd6e00000000203afffe80000000000000c00054fffef50000ff020000000000000000' +
    '00000000000188009abba0000000fe80000000000000c00054fffef500000201c20054f50000',
);
const RA = hex(
  // 3   0.947980 fe80::c000:54ff:fef5:0 → ff02::1      ICMPv6 118 Router Advertisement from c2:00:54:f5:00:00
  '333300000001c20054f5000086dd6e00000000403afffe80000000000000c00054fffef50000ff020000000000000000' +
    '0000000000018600c4fe4000070800000000000000000101c20054f5000005010000000005dc030440c000278d000009' +
    '3a800000000020010db8000000010000000000000000',
);

// zeek/icmp/icmp6-router-advert.pcap
const RA_BARE = hex(
  // 1   0.000000   fe80::dead → fe80::beef   ICMPv6 70 Router Advertisement
  'ffffffffffff00000000000086dd6000000000103afffe80000000000000000000000000deadfe800000000000000000' +
    '00000000beef8600b6cd0db8070800000e7400000514',
);

// zeek/icmp/icmp6-redirect.pcap
const REDIRECT6 = hex(
  // 1   0.000000   fe80::dead → fe80::beef   ICMPv6 94 Redirect
  'ffffffffffff00000000000086dd6000000000283afffe80000000000000000000000000deadfe800000000000000000' +
    '00000000beef8900593e00000000fe80000000000000000000000000cafefe80000000000000000000000000babe',
);

// zeek/icmp/icmp6-toobig.pcap
const TOO_BIG = hex(
  // 1   0.000000   fe80::dead → fe80::beef   ICMPv6 114 Packet Too Big
  'ffffffffffff00000000000086dd60000000003c3a40fe80000000000000000000000000deadfe800000000000000000' +
    '00000000beef0200ecba0000050060000000000c1140fe80000000000000000000000000beeffe800000000000000000' +
    '00000000dead753032c8000c0c8e58585858',
);

// zeek/icmp/icmp6-paramprob.pcap
const PARAM_PROBLEM = hex(
  // 1   0.000000   fe80::dead → fe80::beef   ICMPv6 114 Parameter Problem (erroneous header field encountered)
  'ffffffffffff00000000000086dd60000000003c3a40fe80000000000000000000000000deadfe800000000000000000' +
    '00000000beef0400efb40000000660000000000c1140fe80000000000000000000000000beeffe800000000000000000' +
    '00000000dead753032c8000c0c8e58585858',
);

// zeek/icmp/icmp6-destunreach-ip6ext-udp.pcap
const UNREACH_HOPOPTS = hex(
  // 1   0.000000   fe80::dead → fe80::beef   ICMPv6 122 Destination Unreachable (no route to destination)
  'ffffffffffff00000000000086dd6000000000443a40fe80000000000000000000000000deadfe800000000000000000' +
    '00000000beef0100f1a6000000006000000000140040fe80000000000000000000000000beeffe800000000000000000' +
    '00000000dead1100010400000000753032c8000c0c8e58585858',
);

// zeek/icmp/icmp6-timeexceeded.pcap
const TIME_EXCEEDED6 = hex(
  // 1   0.000000   fe80::dead → fe80::beef   ICMPv6 114 Time Exceeded (hop limit exceeded in transit)
  'ffffffffffff00000000000086dd60000000003c3a40fe80000000000000000000000000deadfe800000000000000000' +
    '00000000beef0300f0ba0000000060000000000c1140fe80000000000000000000000000beeffe800000000000000000' +
    '00000000dead753032c8000c0c8e58585858',
);

// zeek/icmp/icmp6-mldv1.pcap
const MLD_REPORT = hex(
  // 1   0.000000 fe80::1c8c:7488:34cf:cbdb → ff02::1:ff9a:3b7c ICMPv6 78 Multicast Listener Report
  '3333ff9a3b7c00000000000086dd6000000000183a01fe800000000000001c8c748834cfcbdbff020000000000000000' +
    '0001ff9a3b7c8300783600000000ff0200000000000000000001ff9a3b7c',
);
const MLD_DONE = hex(
  // 2   0.000111 fe80::1c8c:7488:34cf:cbdb → ff02::1:ff9a:3b7c ICMPv6 78 Multicast Listener Done
  '3333ff9a3b7c00000000000086dd6000000000183a01fe800000000000001c8c748834cfcbdbff020000000000000000' +
    '0001ff9a3b7c8400773600000000ff0200000000000000000001ff9a3b7c',
);

// tcpdump/icmpv6.pcap
const RA_MANY_OPTIONS = hex(
  // 1   0.000000 fe80::b299:28ff:fec8:d66c → ff02::1      ICMPv6 230 Router Advertisement from b0:99:28:c8:d6:6c
  '333300000001b09928c8d66c86dd6000000000b03afffe80000000000000b29928fffec8d66cff020000000000000000' +
    '000000000001860024014020000f0000000000000000030448c000278d0000093a800000000022223333444455556600' +
    '0000000000001905000000000005abcd000000000000000000000000efef123456780000000000000000000000011f07' +
    '000000000005076578616d706c6503636f6d00076578616d706c65036f72670004646f6d3104646f6d3203746c640000' +
    '00000000000005010000000000640101b09928c8d66c070100000000138808010000c351000f',
);
const MLDV2_REPORT = hex(
  // 2 24251275.117830 fe80::215:17ff:fecc:e546 → ff02::16     ICMPv6 90 Multicast Listener Report Message v2
  '333300000016001517cce54686dd6000000000240001fe80000000000000021517fffecce546ff020000000000000000' +
    '0000000000163a000502000001008f001fc50000000104000000ff0200000000000000000db811223344',
);
const MLDV2_QUERY = hex(
  // 3 24251290.888205 fe80::b2a8:6eff:fe0c:d4e8 → ff02::1      ICMPv6 90 Multicast Listener Query
  '333300000001b0a86e0cd4e886dd6000000000240001fe80000000000000b2a86efffe0cd4e8ff020000000000000000' +
    '0000000000013a000502000001008200623a2710000000000000000000000000000000000000023c0000',
);

// zeek/chksums/ip6-icmp6-bad-chksum.pcap
const BAD_CHECKSUM6 = hex(
  // 1   0.000000 2001:4f8:4:7:2e0:81ff:fe52:ffff → 2001:4f8:4:7:2e0:81ff:fe52:9a6b ICMPv6 69 Echo (ping) request id=0x0000, seq=0, hop limit=64 (no response found!)
  'ffffffffffff00000000000086dd60000000000f3a40200104f80004000702e081fffe52ffff200104f80004000702e0' +
    '81fffe529a6b8000000d00000000394d706f327143',
);

// tcpdump/ipv6-routing-header.pcap: the checksum covers the final destination of the routing header.
const PING_VIA_ROUTING_HEADER = hex(
  // 1   0.000000 2200::244:212:3fff:feae:22f7 → 2200::210:2:0:0:4 ICMPv6 86 Echo (ping) request id=0x0000, seq=0, hop limit=4 (no response found!)
  '0013c4c784f000123fae22f786dd6000000000202b04220000000000024402123ffffeae22f722000000000002400002' +
    '0000000000043a02000100000000220000000000021000020000000000048000d3ab00000000',
);

describe('ICMPv6 echo', () => {
  it('decodes a request: fields, verified checksum, Info with the hop limit, data', () => {
    const pkt = dissect(PING6.data);
    expect(pkt.colProtocol).toBe('ICMPv6');
    expect(pkt.colInfo).toBe('Echo (ping) request id=0x0001, seq=3, hop limit=128');
    expect(num(pkt, 'icmpv6.type')).toBe(128);
    expect(num(pkt, 'icmpv6.code')).toBe(0);
    expect(num(pkt, 'icmpv6.checksum')).toBe(0x2910);
    expect(num(pkt, 'icmpv6.checksum.status')).toBe(1);
    expect(num(pkt, 'icmpv6.echo.identifier')).toBe(1);
    expect(num(pkt, 'icmpv6.echo.sequence_number')).toBe(3);
    expect(num(pkt, 'data.len')).toBe(32);
    expect(pkt.protocols.toArray().slice(-3)).toEqual(['ipv6', 'icmpv6', 'data']);
    noException(pkt);
    rangesInside(pkt);
  });

  it('two passes pair request and reply (tshark: reply in 2, request in 1, 35.552 ms)', () => {
    const [req, rep] = twoPass([PING6, PONG6]);
    expect(req!.colInfo).toBe('Echo (ping) request id=0x0001, seq=3, hop limit=128 (reply in 2)');
    expect(num(req!, 'icmpv6.resp_in')).toBe(2);
    expect(rep!.colInfo).toBe('Echo (ping) reply id=0x0001, seq=3, hop limit=47 (request in 1)');
    expect(num(rep!, 'icmpv6.resp_to')).toBe(1);
    expect(num(rep!, 'icmpv6.resptime')).toBeCloseTo(35.552, 6);
  });

  it('a bad checksum, and a request without reply', () => {
    const [pkt] = twoPass([{ data: BAD_CHECKSUM6, tsSec: 0, tsNsec: 0 }]);
    expect(num(pkt!, 'icmpv6.checksum.status')).toBe(0);
    expect(pkt!.colInfo).toBe('Echo (ping) request id=0x0000, seq=0, hop limit=64 (no response found!)');
    expect(experts(pkt!)).toEqual(['Bad checksum [should be 0x75af]', 'No response seen to ICMPv6 request in frame 1']);
    expect(has(pkt!, 'icmpv6.no_resp')).toBe(true);
  });

  it('the pseudo-header uses the final destination of a type 0 routing header', () => {
    const pkt = dissect(PING_VIA_ROUTING_HEADER);
    expect(num(pkt, 'icmpv6.checksum')).toBe(0xd3ab);
    expect(num(pkt, 'icmpv6.checksum.status')).toBe(1);
    expect(pkt.colInfo).toBe('Echo (ping) request id=0x0000, seq=0, hop limit=4');
  });

  it('a request to a multicast group is not expected to get one reply', () => {
    const b = buildPacket([{ proto: 'eth' }, { proto: 'ipv6', src: 'fe80::1', dst: 'ff02::1' }, { proto: 'icmpv6', type: 128, id: 7, seq: 2, data: 'abcd' }]);
    const [pkt] = twoPass([{ data: b, tsSec: 0, tsNsec: 0 }]);
    expect(pkt!.colInfo).toBe('Echo (ping) request id=0x0007, seq=2, hop limit=64 (multicast)');
    expect(experts(pkt!)).toEqual([]);
  });
});

describe('ICMPv6 errors', () => {
  it('packet too big: MTU, and the quoted IPv6/UDP under a fence', () => {
    const pkt = dissect(TOO_BIG);
    expect(pkt.colProtocol).toBe('ICMPv6');
    expect(pkt.colInfo).toBe('Packet Too Big');
    expect(pkt.colSrc).toBe('fe80::dead');
    expect(pkt.colDst).toBe('fe80::beef');
    expect(num(pkt, 'icmpv6.mtu')).toBe(1280);
    expect(num(pkt, 'icmpv6.checksum.status')).toBe(1);
    // tshark: ipv6.src ["fe80::dead","fe80::beef"], udp.srcport 30000
    expect(addrs(pkt, 'ipv6.src')).toEqual(['fe80::dead', 'fe80::beef']);
    expect(addrs(pkt, 'ipv6.dst')).toEqual(['fe80::beef', 'fe80::dead']);
    expect(num(pkt, 'udp.srcport')).toBe(30000);
    expect(num(pkt, 'udp.length')).toBe(12);
    const icmp = pkt.find(id('icmpv6'));
    expect(pkt.parent[pkt.find(id('ipv6'), icmp)]).toBe(icmp);
    expect(pkt.fence).toBe(0);
    // The network context is the outer header again once the quote is done.
    expect(formatIPv6(pkt.ipHdr, pkt.ipSrcOff)).toBe('fe80::dead');
    expect(pkt.malformed).toBe(false);
    noException(pkt);
    rangesInside(pkt);
  });

  it('parameter problem with its pointer; time exceeded', () => {
    const pp = dissect(PARAM_PROBLEM);
    expect(pp.colInfo).toBe('Parameter Problem (erroneous header field encountered)');
    expect(num(pp, 'icmpv6.pointer')).toBe(6);
    expect(num(pp, 'udp.dstport')).toBe(13000);
    const te = dissect(TIME_EXCEEDED6);
    expect(te.colInfo).toBe('Time Exceeded (hop limit exceeded in transit)');
    expect(has(te, 'icmpv6.reserved')).toBe(true);
    expect(num(te, 'udp.srcport')).toBe(30000);
  });

  it('destination unreachable quoting a packet with a hop-by-hop header', () => {
    const pkt = dissect(UNREACH_HOPOPTS);
    expect(pkt.colInfo).toBe('Destination Unreachable (no route to destination)');
    expect(pkt.protocols.toArray().slice(-5)).toEqual(['icmpv6', 'ipv6', 'ipv6.hopopts', 'udp', 'data']);
    // As in tshark: the quoted IPv6 and its UDP hang under ICMPv6, UDP's payload at the top.
    const icmp = pkt.find(id('icmpv6'));
    expect(pkt.parent[pkt.find(id('udp'))]).toBe(icmp);
    expect(pkt.parent[pkt.find(id('data'))]).toBe(-1);
    expect(num(pkt, 'udp.length')).toBe(12);
    noException(pkt);
  });

  it('a quoted echo request is neither checksummed nor paired', () => {
    const b = buildPacket([
      { proto: 'eth' },
      { proto: 'ipv6', src: '2001:db8::1', dst: '2001:db8::2' },
      { proto: 'icmpv6', type: 1, code: 4 },
      { proto: 'ipv6', src: '2001:db8::2', dst: '2001:db8::1' },
      { proto: 'icmpv6', type: 128, id: 7, seq: 1, data: 'abcd' },
    ]);
    const [pkt] = twoPass([{ data: b, tsSec: 0, tsNsec: 0 }]);
    expect(pkt!.colInfo).toBe('Destination Unreachable (Port unreachable)');
    expect(nums(pkt!, 'icmpv6.checksum.status')).toEqual([1, 2]);
    expect(has(pkt!, 'icmpv6.no_resp')).toBe(false);
    expect(experts(pkt!)).toEqual([]);
  });
});

describe('Neighbor Discovery', () => {
  it('neighbor solicitation (DAD, from ::)', () => {
    const pkt = dissect(NS);
    expect(pkt.colInfo).toBe('Neighbor Solicitation for fe80::c000:54ff:fef5:0');
    expect(num(pkt, 'icmpv6.checksum.status')).toBe(1);
    expect(addrs(pkt, 'icmpv6.nd.ns.target_address')).toEqual(['fe80::c000:54ff:fef5:0']);
  });

  it('neighbor advertisement with flags and a target link-layer address option', () => {
    const pkt = dissect(NA);
    expect(pkt.colInfo).toBe('Neighbor Advertisement fe80::c000:54ff:fef5:0 (rtr, ovr) is at c2:00:54:f5:00:00');
    expect(num(pkt, 'icmpv6.nd.na.flag')).toBe(0xa0000000);
    expect(num(pkt, 'icmpv6.nd.na.flag.r')).toBe(1);
    expect(num(pkt, 'icmpv6.nd.na.flag.s')).toBe(0);
    expect(num(pkt, 'icmpv6.nd.na.flag.o')).toBe(1);
    expect(addrs(pkt, 'icmpv6.nd.na.target_address')).toEqual(['fe80::c000:54ff:fef5:0']);
    expect(nums(pkt, 'icmpv6.opt.type')).toEqual([2]);
    expect(nums(pkt, 'icmpv6.opt.length')).toEqual([1]);
    expect(macs(pkt, 'icmpv6.opt.linkaddr')).toEqual(['c2:00:54:f5:00:00']);
    expect(macs(pkt, 'icmpv6.opt.target_linkaddr')).toEqual(['c2:00:54:f5:00:00']);
  });

  it('router advertisement with source link-layer address, MTU and prefix options', () => {
    const pkt = dissect(RA);
    expect(pkt.colInfo).toBe('Router Advertisement from c2:00:54:f5:00:00');
    expect(num(pkt, 'icmpv6.nd.ra.cur_hop_limit')).toBe(64);
    expect(num(pkt, 'icmpv6.nd.ra.flag')).toBe(0);
    expect(num(pkt, 'icmpv6.nd.ra.router_lifetime')).toBe(1800);
    expect(num(pkt, 'icmpv6.nd.ra.reachable_time')).toBe(0);
    expect(num(pkt, 'icmpv6.nd.ra.retrans_timer')).toBe(0);
    expect(nums(pkt, 'icmpv6.opt.type')).toEqual([1, 5, 3]);
    expect(macs(pkt, 'icmpv6.opt.src_linkaddr')).toEqual(['c2:00:54:f5:00:00']);
    expect(num(pkt, 'icmpv6.opt.mtu')).toBe(1500);
    expect(num(pkt, 'icmpv6.opt.prefix.length')).toBe(64);
    expect(num(pkt, 'icmpv6.opt.prefix.flag')).toBe(0xc0);
    expect(num(pkt, 'icmpv6.opt.prefix.flag.l')).toBe(1);
    expect(num(pkt, 'icmpv6.opt.prefix.flag.a')).toBe(1);
    expect(num(pkt, 'icmpv6.opt.prefix.valid_lifetime')).toBe(2592000);
    expect(num(pkt, 'icmpv6.opt.prefix.preferred_lifetime')).toBe(604800);
    expect(addrs(pkt, 'icmpv6.opt.prefix')).toEqual(['2001:db8:0:1::']);
    noException(pkt);
    rangesInside(pkt);
  });

  it('router advertisement flags and timers', () => {
    const pkt = dissect(RA_BARE);
    expect(pkt.colInfo).toBe('Router Advertisement');
    expect(num(pkt, 'icmpv6.nd.ra.cur_hop_limit')).toBe(13);
    expect(num(pkt, 'icmpv6.nd.ra.flag')).toBe(0xb8);
    expect(num(pkt, 'icmpv6.nd.ra.flag.m')).toBe(1);
    expect(num(pkt, 'icmpv6.nd.ra.flag.o')).toBe(0);
    expect(num(pkt, 'icmpv6.nd.ra.flag.h')).toBe(1);
    expect(num(pkt, 'icmpv6.nd.ra.flag.prf')).toBe(3);
    expect(num(pkt, 'icmpv6.nd.ra.reachable_time')).toBe(3700);
    expect(num(pkt, 'icmpv6.nd.ra.retrans_timer')).toBe(1300);
  });

  it('router advertisement with RDNSS, DNSSL, advertisement interval and home agent options', () => {
    const pkt = dissect(RA_MANY_OPTIONS);
    expect(pkt.colInfo).toBe('Router Advertisement from b0:99:28:c8:d6:6c');
    expect(nums(pkt, 'icmpv6.opt.type')).toEqual([3, 25, 31, 5, 1, 7, 8]);
    expect(addrs(pkt, 'icmpv6.opt.prefix')).toEqual(['2222:3333:4444:5555:6600::']);
    expect(addrs(pkt, 'icmpv6.opt.rdnss')).toEqual(['abcd::efef', '1234:5678::1']);
    expect(num(pkt, 'icmpv6.opt.rdnss.lifetime')).toBe(5);
    expect(num(pkt, 'icmpv6.opt.mtu')).toBe(100);
    expect(num(pkt, 'icmpv6.opt.advertisement_interval')).toBe(5000);
    expect(experts(pkt)).toEqual([]);
    noException(pkt);
  });

  it('redirect', () => {
    const pkt = dissect(REDIRECT6);
    expect(pkt.colInfo).toBe('Redirect');
    expect(addrs(pkt, 'icmpv6.nd.rd.target_address')).toEqual(['fe80::cafe']);
    expect(addrs(pkt, 'icmpv6.rd.na.destination_address')).toEqual(['fe80::babe']);
  });
});

describe('MLD', () => {
  it('MLDv1 report and done', () => {
    const r = dissect(MLD_REPORT);
    expect(r.colInfo).toBe('Multicast Listener Report');
    expect(num(r, 'icmpv6.mld.maximum_response_delay')).toBe(0);
    expect(addrs(r, 'icmpv6.mld.multicast_address')).toEqual(['ff02::1:ff9a:3b7c']);
    expect(dissect(MLD_DONE).colInfo).toBe('Multicast Listener Done');
  });

  it('MLDv2 report behind a hop-by-hop router alert, and an MLDv2 query', () => {
    const r = dissect(MLDV2_REPORT);
    expect(r.colInfo).toBe('Multicast Listener Report Message v2');
    expect(num(r, 'ipv6.opt.router_alert')).toBe(0);
    expect(num(r, 'icmpv6.checksum.status')).toBe(1);
    expect(num(r, 'icmpv6.mldr.nb_mcast_records')).toBe(1);
    expect(num(r, 'icmpv6.mldr.mar.record_type')).toBe(4);
    expect(addrs(r, 'icmpv6.mldr.mar.multicast_address')).toEqual(['ff02::db8:1122:3344']);
    const q = dissect(MLDV2_QUERY);
    expect(q.colInfo).toBe('Multicast Listener Query');
    expect(num(q, 'icmpv6.mld.maximum_response_code')).toBe(10000);
    expect(addrs(q, 'icmpv6.mld.multicast_address')).toEqual(['::']);
    expect(num(q, 'icmpv6.mld.flag.qrv')).toBe(2);
    expect(num(q, 'icmpv6.mld.qqi')).toBe(60);
    expect(num(q, 'icmpv6.mld.nb_sources')).toBe(0);
  });
});

describe('ICMPv6 in fragments', () => {
  it('reassembled: checksummed; without reassembly: the first fragment is not checksummed', () => {
    const msg = buildPacket([
      { proto: 'ipv6', src: '2001:db8::1', dst: '2001:db8::2' },
      { proto: 'icmpv6', type: 128, id: 5, seq: 6, data: new Uint8Array(3000).fill(0x62) },
    ]).subarray(40);
    const frags = [0, 1448, 2896].map((off) =>
      buildPacket([
        { proto: 'eth' },
        { proto: 'ipv6', src: '2001:db8::1', dst: '2001:db8::2', nxt: 58, ext: [{ type: 'fragment', offset: off, more: off + 1448 < msg.length, ident: 9 }] },
        { proto: 'data', bytes: msg.subarray(off, off + 1448) },
      ]),
    );
    // Alone, the last fragment is only a fragment.
    const last = dissect(frags[2]!, { number: 3 });
    expect(last.colInfo).toBe('IPv6 fragment (off=2896 more=n ident=0x00000009 nxt=58)');
    const s2 = newSession();
    const done = frags.map((f, i) => dissect(f, { session: s2, number: i + 1 }))[2]!;
    expect(done.colInfo).toBe('Echo (ping) request id=0x0005, seq=6, hop limit=64');
    expect(num(done, 'icmpv6.checksum.status')).toBe(1);
    const first = dissect(frags[0]!, { options: { prefs: ['ipv6.defragment:FALSE'] } });
    expect(num(first, 'icmpv6.type')).toBe(128);
    expect(num(first, 'icmpv6.checksum.status')).toBe(2);
    expect(experts(first)).toEqual([]);
  });
});

describe('ICMPv6 builder', () => {
  it('echo request/reply round trip with computed checksums', () => {
    const mk = (type: number, src: string, dst: string) =>
      buildPacket([{ proto: 'eth' }, { proto: 'ipv6', src, dst, hlim: 33 }, { proto: 'icmpv6', type, id: 0xbeef, seq: 9, data: 'ping-data' }]);
    const [req, rep] = twoPass([
      { data: mk(128, '2001:db8::a', '2001:db8::b'), tsSec: 5, tsNsec: 0 },
      { data: mk(129, '2001:db8::b', '2001:db8::a'), tsSec: 5, tsNsec: 1_000_000 },
    ]);
    expect(num(req!, 'ipv6.nxt')).toBe(58);
    expect(num(req!, 'icmpv6.checksum.status')).toBe(1);
    expect(req!.colInfo).toBe('Echo (ping) request id=0xbeef, seq=9, hop limit=33 (reply in 2)');
    expect(rep!.colInfo).toBe('Echo (ping) reply id=0xbeef, seq=9, hop limit=33 (request in 1)');
    expect(num(rep!, 'icmpv6.resptime')).toBeCloseTo(1, 9);
  });

  it('neighbor solicitation and advertisement with link-layer address options', () => {
    const ns = dissect(
      buildPacket([
        { proto: 'eth', src: '02:00:00:00:00:01', dst: '33:33:ff:00:00:02' },
        { proto: 'ipv6', src: 'fe80::1', dst: 'ff02::1:ff00:2', hlim: 255 },
        { proto: 'icmpv6', type: 135, target: 'fe80::2', options: linkAddrOption(1, '02:00:00:00:00:01') },
      ]),
    );
    expect(ns.colInfo).toBe('Neighbor Solicitation for fe80::2 from 02:00:00:00:00:01');
    expect(num(ns, 'icmpv6.checksum.status')).toBe(1);
    const na = dissect(
      buildPacket([
        { proto: 'eth' },
        { proto: 'ipv6', src: 'fe80::2', dst: 'fe80::1', hlim: 255 },
        { proto: 'icmpv6', type: 136, target: 'fe80::2', solicited: true, override: true, options: linkAddrOption(2, '02:00:00:00:00:02') },
      ]),
    );
    expect(na.colInfo).toBe('Neighbor Advertisement fe80::2 (sol, ovr) is at 02:00:00:00:00:02');
    expect(num(na, 'icmpv6.checksum.status')).toBe(1);
  });

  it('packet too big quoting a built packet', () => {
    const b = buildPacket([
      { proto: 'eth' },
      { proto: 'ipv6', src: '2001:db8::ff', dst: '2001:db8::1' },
      { proto: 'icmpv6', type: 2, mtu: 1400 },
      { proto: 'ipv6', src: '2001:db8::1', dst: '2001:db8::99' },
      { proto: 'udp', sport: 5000, dport: 6000 },
      { proto: 'data', bytes: new Uint8Array(64) },
    ]);
    const pkt = dissect(b);
    expect(pkt.colInfo).toBe('Packet Too Big');
    expect(num(pkt, 'icmpv6.mtu')).toBe(1400);
    expect(num(pkt, 'icmpv6.checksum.status')).toBe(1);
    expect(num(pkt, 'udp.dstport')).toBe(6000);
  });

  it('a jumbogram echo request: 32-bit upper-layer length in the pseudo-header', () => {
    const b = buildPacket([
      { proto: 'ipv6', src: '2001:db8::1', dst: '2001:db8::2', plen: 0, ext: [{ type: 'hopopts', options: Uint8Array.of(0xc2, 4, 0, 1, 0, 0) }] },
      { proto: 'icmpv6', type: 128, id: 1, seq: 1, data: new Uint8Array(65536 - 8 - 8) },
    ]);
    expect(b.length).toBe(40 + 65536);
    const pkt = dissect(b, { linkType: 229 });
    expect(num(pkt, 'ipv6.opt.jumbo')).toBe(65536);
    expect(num(pkt, 'icmpv6.checksum.status')).toBe(1);
    expect(num(pkt, 'data.len')).toBe(65520);
  });
});

describe('ICMPv6 broken lengths', () => {
  it('an option of length 0 stops the option walk with an expert item', () => {
    const b = NA.slice();
    b[b.length - 7] = 0; // the option's length
    const pkt = dissect(b);
    expect(experts(pkt)).toContain('Invalid option length (Zero)');
    noException(pkt);
  });

  it('an option longer than the message is malformed', () => {
    const b = NA.slice();
    b[b.length - 7] = 3;
    const pkt = dissect(b);
    expect(pkt.malformed).toBe(true);
    noException(pkt);
    rangesInside(pkt);
  });

  it('a neighbor solicitation without its full target is malformed; cut by the snap length it is truncated', () => {
    const ip = NS.subarray(14);
    const short = buildPacket([{ proto: 'ipv6', src: '::', dst: 'ff02::1', nxt: 58 }, { proto: 'data', bytes: ip.subarray(40, 52) }]);
    const pkt = dissect(short, { linkType: 229 });
    expect(pkt.malformed).toBe(true);
    const cut = dissect(NS.subarray(0, NS.length - 6), { origLen: NS.length });
    expect(cut.malformed).toBe(false);
    expect(num(cut, 'icmpv6.checksum.status')).toBe(2);
    noException(pkt);
    noException(cut);
  });

  it('never throws on any prefix of real packets', () => {
    for (const whole of [PING6.data, NA, RA, RA_MANY_OPTIONS, TOO_BIG, UNREACH_HOPOPTS, MLDV2_REPORT, MLDV2_QUERY]) {
      for (let n = 0; n <= whole.length; n++) {
        const cut = whole.subarray(0, n);
        for (const pkt of [dissect(cut), dissect(cut, { origLen: whole.length })]) {
          noException(pkt);
          rangesInside(pkt);
          expect(pkt.fence).toBe(0);
        }
      }
    }
  });

  it('never throws on corrupted bytes inside the ICMPv6 message', () => {
    let seed = 777;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) >>> 0) >>> 16) & 0xff;
    for (const whole of [RA_MANY_OPTIONS, TOO_BIG, UNREACH_HOPOPTS, MLDV2_REPORT]) {
      for (let k = 0; k < 300; k++) {
        const b = whole.slice();
        for (let j = 0; j < 4; j++) b[54 + (rnd() * 7 + rnd()) % (b.length - 54)] = rnd();
        const pkt = dissect(b);
        noException(pkt);
        rangesInside(pkt);
      }
    }
  });
});

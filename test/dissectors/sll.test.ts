/**
 * Linux cooked capture v1 (link type 113) and v2 (276): real packets and text2pcap-crafted ones,
 * each under its tshark 4.0.17 `-T fields` line; address variants, Linux protocol types,
 * builders, truncated headers.
 */
import { describe, expect, it } from 'vitest';
import { fieldByName } from '../../src/dissectors/fields.js';
import { buildPacket } from '../../src/dissectors/build.js';
import { hex, dissect, vals, noException } from './helpers.js';

const ICMP_ECHO = '4500001c000100004001f8d70a0000010a000002 0800f7ff00000000';

describe('SLL v1 (link type 113)', () => {
  it('decodes an IPv6 packet cut by the snap length (Packet++ SllPacket.pcap #1)', () => {
    // sll.pkttype=0 sll.hatype=1 sll.halen=6 sll.src.eth=00:12:44:1e:74:00 sll.etype=0x86dd
    const frame = hex('0000000100060012441e7400f67f86dd6000000004d80637240468008004000000000000000000682404013840024000023048fffedd00530050c44356eb0a402d0b40348010020fd84900000101080a27a9b47904023826485454502f312e3120323030204f4b0d0a446174653a205468752c203130204d6172203230313120');
    const pkt = dissect(frame, { linkType: 113, origLen: 1296 });
    noException(pkt);
    expect(vals(pkt, 'sll.pkttype')).toEqual(['0']);
    expect(vals(pkt, 'sll.hatype')).toEqual(['1']);
    expect(vals(pkt, 'sll.halen')).toEqual(['6']);
    expect(vals(pkt, 'sll.src.eth')).toEqual(['00:12:44:1e:74:00']);
    expect(vals(pkt, 'sll.unused')).toEqual(['f67f']);
    expect(vals(pkt, 'sll.etype')).toEqual(['0x86dd']);
    expect(vals(pkt, 'sll.ifindex')).toEqual([]);
    expect(pkt.protocols.toArray().slice(0, 3).join(':')).toBe('sll:ethertype:ipv6');
    expect(pkt.label[pkt.find(fieldByName('sll')!.id)]).toBe('Linux cooked capture v1');
  });

  it('shows the source MAC as Source for ARP (zeek/linuxsll-arp.pcap #1)', () => {
    // Source=cc:2d:e0:26:19:99 Destination=(empty)	ARP	Who has 192.168.22.160? Tell 192.168.22.1
    const pkt = dissect(hex('000100010006cc2de0261999000008060001080006040001cc2de0261999c0a81601000000000000c0a816a0000000000000000000000000000000000000'), { linkType: 113 });
    expect(vals(pkt, 'sll.pkttype')).toEqual(['1']);
    expect(pkt.colSrc).toBe('cc:2d:e0:26:19:99');
    expect(pkt.colDst).toBe('');
    expect(pkt.colProtocol).toBe('ARP');
    expect(pkt.colInfo).toBe('Who has 192.168.22.160? Tell 192.168.22.1');
  });

  it('handles a zero-length address (tcpdump/tcp-handshake-nano.pcap #1)', () => {
    // sll.pkttype=4 sll.hatype=512 sll.halen=0 sll.etype=0x0800	TCP	46656 → 80 [SYN] ...
    const pkt = dissect(hex('000402000000000000000000000008004500003c29a940004006db5f839bd7458974515eb64000502f842acb00000000a0026a4050c40000020405500402080a436a03620000000001030307'), { linkType: 113 });
    noException(pkt);
    expect(vals(pkt, 'sll.hatype')).toEqual(['512']);
    expect(vals(pkt, 'sll.halen')).toEqual(['0']);
    expect(vals(pkt, 'sll.src.eth')).toEqual([]);
    expect(vals(pkt, 'sll.unused')).toEqual(['0000000000000000']);
    expect(pkt.colProtocol).toBe('TCP');
    expect(pkt.colSrc).toBe('131.155.215.69');
  });

  it('decodes a 4-byte IPv4 link-layer address (text2pcap)', () => {
    // sll:ethertype:ip	sll.src.ipv4=10.0.0.1	Source=10.0.0.1	sll.hatype=768	sll.pkttype=3
    const pkt = dissect(hex(`0003 0300 0004 0a000001 00000000 0800 ${ICMP_ECHO}`), { linkType: 113 });
    noException(pkt);
    expect(vals(pkt, 'sll.src.ipv4')).toEqual(['10.0.0.1']);
    expect(vals(pkt, 'sll.unused')).toEqual(['00000000']);
    expect(pkt.colSrc).toBe('10.0.0.1');
  });

  it('dispatches Linux protocol types through sll.ltype (text2pcap)', () => {
    // ltype 3: sll:eth:ethertype:arp	ARP	Who has 10.0.0.2? Tell 10.0.0.1	00:11:22:33:44:55	ff:ff:ff:ff:ff:ff
    const eth = dissect(hex('0000 0001 0006 001122334455 0000 0003 ffffffffffff 001122334455 0806 0001080006040001 001122334455 0a000001 000000000000 0a000002'), { linkType: 113 });
    noException(eth);
    expect(vals(eth, 'sll.ltype')).toEqual(['0x0003']);
    expect(eth.protocols.join(':')).toBe('sll:eth:ethertype:arp');
    expect([eth.colProtocol, eth.colInfo, eth.colSrc, eth.colDst]).toEqual(['ARP', 'Who has 10.0.0.2? Tell 10.0.0.1', '00:11:22:33:44:55', 'ff:ff:ff:ff:ff:ff']);
    // ltype 0x0099: sll:data	SLL	Unicast to us
    const unknown = dissect(hex('0000 0001 0006 001122334455 0000 0099 ffff0000'), { linkType: 113 });
    expect(unknown.protocols.join(':')).toBe('sll:data');
    expect([unknown.colProtocol, unknown.colInfo]).toEqual(['SLL', 'Unicast to us']);
  });

  it('shows an unknown Ethertype as the Protocol column (text2pcap)', () => {
    // sll:ethertype:data	0x1234	Sent by us	sll.etype=0x1234
    const pkt = dissect(hex('0004 0001 0006 001122334455 0000 1234 ffff0000'), { linkType: 113 });
    expect(pkt.protocols.join(':')).toBe('sll:ethertype:data');
    expect([pkt.colProtocol, pkt.colInfo]).toEqual(['0x1234', 'Sent by us']);
  });

  it('uses the GRE protocol type for ARPHRD_IPGRE (text2pcap)', () => {
    // sll:ip:icmp	sll.gretype=0x0800	ICMP	Echo (ping) request ...
    const ip = dissect(hex(`0000 030a 0000 0000000000000000 0800 ${ICMP_ECHO}`), { linkType: 113 });
    expect(vals(ip, 'sll.gretype')).toEqual(['0x0800']);
    expect(vals(ip, 'sll.etype')).toEqual([]);
    expect(ip.protocols.toArray().slice(0, 2).join(':')).toBe('sll:ip');
    // sll	sll.gretype=0x1234	SLL	Unicast to us   (nothing takes it, not even data)
    const other = dissect(hex(`0000 030a 0000 0000000000000000 1234 ${ICMP_ECHO}`), { linkType: 113 });
    expect(other.protocols.join(':')).toBe('sll');
    expect([other.colProtocol, other.colInfo]).toEqual(['SLL', 'Unicast to us']);
  });

  it('marks a short header as malformed, or truncated under a snap length', () => {
    // sll	SLL	Unknown (5)[Malformed Packet]
    const pkt = dissect(hex('0005 0001 0006 001122'), { linkType: 113 });
    noException(pkt);
    expect([pkt.colProtocol, pkt.colInfo, pkt.malformed]).toEqual(['SLL', 'Unknown (5)[Malformed Packet]', true]);
    const snapped = dissect(hex('0005 0001 0006 001122'), { linkType: 113, origLen: 64 });
    expect(snapped.malformed).toBe(false);
    expect(snapped.expert.map((e) => e.abbrev)).toEqual(['_ws.short']);
  });
});

describe('SLL v2 (link type 276)', () => {
  it('decodes an IPv4 packet (Packet++ Sll2Packet.pcap #1)', () => {
    // sll.pkttype=4 sll.hatype=1 sll.halen=6 sll.src.eth=d2:cf:c2:50:15:ea sll.etype=0x0800 sll.ifindex=20	TCP	57292 → 443 [ACK] ...
    const pkt = dissect(hex('080000000000001400010406d2cfc25015ea0000450000288b2240004006599707f99772743f426cdfcc01bba7ab9fbfaaceb5e95010042256310000'), { linkType: 276 });
    noException(pkt);
    expect(vals(pkt, 'sll.etype')).toEqual(['0x0800']);
    expect(vals(pkt, 'sll.ifindex')).toEqual(['20']);
    expect(vals(pkt, 'sll.hatype')).toEqual(['1']);
    expect(vals(pkt, 'sll.pkttype')).toEqual(['4']);
    expect(vals(pkt, 'sll.halen')).toEqual(['6']);
    expect(vals(pkt, 'sll.src.eth')).toEqual(['d2:cf:c2:50:15:ea']);
    expect(vals(pkt, 'sll.unused')).toEqual(['0000']);
    expect(pkt.protocols.toArray().slice(0, 4).join(':')).toBe('sll:ethertype:ip:tcp');
    expect(pkt.colSrc).toBe('7.249.151.114');
    expect(pkt.colProtocol).toBe('TCP');
    expect(pkt.label[pkt.find(fieldByName('sll')!.id)]).toBe('Linux cooked capture v2');
  });

  it('decodes a loopback packet (zeek/linux_dlt_sll2.pcap #1)', () => {
    // sll.pkttype=0 sll.hatype=772 sll.halen=6 sll.src.eth=00:00:00:00:00:00 sll.etype=0x0800 sll.ifindex=1	ICMP	Echo (ping) request ...
    const pkt = dissect(hex('080000000000000103040006000000000000000045000054af8c40004001071ac0000201c0000201080066b400080001e9bdf96200000000e24e0d0000000000101112131415161718191a1b1c1d1e1f202122232425262728292a2b2c2d2e2f3031323334353637'), { linkType: 276 });
    noException(pkt);
    expect(vals(pkt, 'sll.hatype')).toEqual(['772']);
    expect(vals(pkt, 'sll.ifindex')).toEqual(['1']);
    expect(vals(pkt, 'ip.src')).toEqual(['192.0.2.1']);
  });

  it('labels Info with the packet type read as 16 bits, as Wireshark 4.0 does (text2pcap)', () => {
    // sll:ethertype:data	sll.pkttype=4	0x1234	Unknown (1030)
    const odd = dissect(hex('1234 0000 00000002 0001 04 06 001122334455 0000 ffff'), { linkType: 276 });
    expect(vals(odd, 'sll.pkttype')).toEqual(['4']);
    expect([odd.colProtocol, odd.colInfo]).toEqual(['0x1234', 'Unknown (1030)']);
    // sll:data	sll.pkttype=0	SLL	Unicast to us   (address length 0)
    const plain = dissect(hex('0099 0000 00000002 0001 00 00 0000000000000000 ffff'), { linkType: 276 });
    expect([plain.colProtocol, plain.colInfo]).toEqual(['SLL', 'Unicast to us']);
  });

  it('marks a short header as malformed (text2pcap)', () => {
    // sll	SLL	Unknown (6)[Malformed Packet]
    const pkt = dissect(hex('0800 0000 00000002 0001 00 06 001122'), { linkType: 276 });
    noException(pkt);
    expect([pkt.colProtocol, pkt.colInfo, pkt.malformed]).toEqual(['SLL', 'Unknown (6)[Malformed Packet]', true]);
  });
});

describe('SLL builders', () => {
  it('builds v1 around IPv4/UDP', () => {
    const b = buildPacket([
      { proto: 'sll', pkttype: 4, src: '02:00:00:00:00:01' },
      { proto: 'ip', src: '10.0.0.1', dst: '10.0.0.2' },
      { proto: 'udp', sport: 4000, dport: 53 },
    ]);
    expect(Array.from(b.subarray(0, 16))).toEqual([0, 4, 0, 1, 0, 6, 2, 0, 0, 0, 0, 1, 0, 0, 0x08, 0x00]);
    const pkt = dissect(b, { linkType: 113 });
    noException(pkt);
    expect(vals(pkt, 'sll.src.eth')).toEqual(['02:00:00:00:00:01']);
    expect(vals(pkt, 'udp.dstport')).toEqual(['53']);
    expect(pkt.colProtocol).toBe('UDP');
  });

  it('builds v2 with an interface index, and LLC with the 802.2 protocol type', () => {
    const b = buildPacket([
      { proto: 'sll2', ifindex: 3, pkttype: 2, src: '02:00:00:00:00:01' },
      { proto: 'llc', dsap: 0x42, ssap: 0x42 },
      { proto: 'data', bytes: new Uint8Array(35) },
    ]);
    const pkt = dissect(b, { linkType: 276 });
    noException(pkt);
    expect(vals(pkt, 'sll.ltype')).toEqual(['0x0004']);
    expect(vals(pkt, 'sll.ifindex')).toEqual(['3']);
    expect(vals(pkt, 'sll.pkttype')).toEqual(['2']);
    expect(pkt.colInfo).toBe('U, func=UI; DSAP Spanning Tree BPDU Individual, SSAP Spanning Tree BPDU Command');
  });
});

describe('SLL builders (Ethernet payload)', () => {
  it('uses ETH_P_ETHERNET (3) when a whole Ethernet frame follows', () => {
    const b = buildPacket([{ proto: 'sll', src: '02:00:00:00:00:01' }, { proto: 'eth', src: '02:00:00:00:00:02' }, { proto: 'arp', srcIp: '10.0.0.1', dstIp: '10.0.0.2' }]);
    const pkt = dissect(b, { linkType: 113 });
    noException(pkt);
    expect(vals(pkt, 'sll.ltype')).toEqual(['0x0003']);
    expect(vals(pkt, 'eth.src')).toEqual(['02:00:00:00:00:02']);
    expect(pkt.colInfo).toBe('Who has 10.0.0.2? Tell 10.0.0.1');
  });
});

describe('SLL robustness', () => {
  it('never throws on any prefix or corruption of v1 and v2 headers', () => {
    const frames: Array<[Uint8Array, number]> = [
      [hex('000100010006cc2de0261999000008060001080006040001cc2de0261999c0a81601000000000000c0a816a0'), 113],
      [hex('080000000000001400010406d2cfc25015ea0000450000288b2240004006599707f99772743f426cdfcc01bba7ab9fbfaaceb5e95010042256310000'), 276],
    ];
    for (const [frame, lt] of frames) {
      for (let n = 0; n <= frame.length; n++) {
        noException(dissect(frame.slice(0, n), { linkType: lt }));
        noException(dissect(frame.slice(0, n), { linkType: lt, origLen: frame.length }));
      }
      for (let at = 0; at < 20; at++) {
        for (const v of [0x00, 0x03, 0x04, 0x06, 0x08, 0x0a, 0xff]) {
          const b = frame.slice();
          b[at] = v;
          const pkt = dissect(b, { linkType: lt });
          noException(pkt);
          for (let i = 0; i < pkt.n; i++) expect(pkt.start[i]! + pkt.len[i]!).toBeLessThanOrEqual(b.length);
        }
      }
    }
  });
});

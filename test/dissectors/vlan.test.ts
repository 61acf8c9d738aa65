/**
 * 802.1Q VLAN tags and 802.1ad service tags: real packets (tshark 4.0.17 `-T fields` line above
 * each), stacked tags, 802.3 lengths inside a tag, builders, truncated and impossible lengths.
 */
import { describe, expect, it } from 'vitest';
import { fieldByName } from '../../src/dissectors/fields.js';
import { buildPacket } from '../../src/dissectors/build.js';
import { hex, dissect, vals, noException } from './helpers.js';

const E = 'ffffffffffff 001122334455';

describe('802.1Q and 802.1ad from real captures', () => {
  it('decodes an 802.1ad S-tag over an 802.1Q C-tag (tcpdump/802.1ad_QinQ.pcap #1)', () => {
    // ieee8021ad.id=200 vlan.id=2001 vlan.priority=0 vlan.dei=0	ARP	Who has 172.21.79.100? Tell 172.21.79.97
    const pkt = dissect(hex('ffffffffffff0020d25afb3f88a800c8810007d1080600010800060400010020d25afb3fac154f61000000000000ac154f640000000000000000000000000000'));
    noException(pkt);
    expect(vals(pkt, 'eth.type')).toEqual(['0x88a8']);
    expect(vals(pkt, 'ieee8021ad.priority')).toEqual(['0']);
    expect(vals(pkt, 'ieee8021ad.dei')).toEqual(['0']);
    expect(vals(pkt, 'ieee8021ad.id')).toEqual(['200']);
    expect(vals(pkt, 'ieee8021ah.etype')).toEqual(['0x8100']);
    expect(vals(pkt, 'vlan.id')).toEqual(['2001']);
    expect(vals(pkt, 'vlan.etype')).toEqual(['0x0806']);
    expect(pkt.protocols.join(':')).toBe('eth:ethertype:ieee8021ad:ethertype:vlan:ethertype:arp');
    expect(pkt.colProtocol).toBe('ARP');
    expect(pkt.colInfo).toBe('Who has 172.21.79.100? Tell 172.21.79.97');
    expect(pkt.label[pkt.find(fieldByName('ieee8021ad')!.id)]).toBe('IEEE 802.1ad, ID: 200');
    expect(pkt.label[pkt.find(fieldByName('vlan')!.id)]).toBe('802.1Q Virtual LAN, PRI: 0, DEI: 0, ID: 2001');
  });

  it('stacks three 0x8100 tags (zeek/vlan-qinqinq.pcap #1)', () => {
    // vlan.id=30,20,10	TCP	59856 → 80 [SYN] Seq=0 Win=65535 Len=0 MSS=1460 WS=16 TSval=374005024 TSecr=0 SACK_PERM
    const pkt = dissect(hex('0010db88d2efc8bcc896d2a08100001e810000148100000a080045000040df8e400040066dd38d8ee405c096bb2be9d00050fe21323a00000000b002ffff3bc00000020405b4010303040101080a164add200000000004020000'));
    noException(pkt);
    expect(vals(pkt, 'vlan.id')).toEqual(['30', '20', '10']);
    expect(vals(pkt, 'vlan.etype')).toEqual(['0x8100', '0x8100', '0x0800']);
    expect(vals(pkt, 'ip.src')).toEqual(['141.142.228.5']);
    expect(pkt.colProtocol).toBe('TCP');
  });

  it('reads priority and DEI (zeek/vlan-pcp-dei.pcapng #1)', () => {
    // vlan.id=10,20 vlan.priority=7,5 vlan.dei=0,1	TCP	12345 → 80 [SYN] Seq=0 Win=8192 Len=0
    const pkt = dissect(hex('ffffffffffff164bdf50b2938100e00a8100b014080045000028000100004006f652c0a80164c0a801c830390050000003e80000000050022000d6f40000'));
    expect(vals(pkt, 'vlan.id')).toEqual(['10', '20']);
    expect(vals(pkt, 'vlan.priority')).toEqual(['7', '5']);
    expect(vals(pkt, 'vlan.dei')).toEqual(['0', '1']);
  });
});

describe('802.1Q details (frames crafted with text2pcap)', () => {
  it('leaves its own columns when nothing takes the Ethertype', () => {
    // 0x1234	PRI: 5  DEI: 1  ID: 100
    const pkt = dissect(hex(`${E} 8100 b064 1234 deadbeef00000000000000000000000000000000000000000000000000000000000000000000`));
    expect(pkt.colProtocol).toBe('0x1234');
    expect(pkt.colInfo).toBe('PRI: 5  DEI: 1  ID: 100');
    expect(vals(pkt, 'vlan.priority')).toEqual(['5']);
    expect(vals(pkt, 'vlan.dei')).toEqual(['1']);
    expect(vals(pkt, 'vlan.etype')).toEqual(['0x1234']);
    expect(vals(pkt, 'data.len')).toEqual(['38']);
  });

  it('uses 802.1ad Info with its own wording', () => {
    // 0x0026	PRI: 7  DROP: 1 ID: 200   (802.1ad has no 802.3 length case)
    const pkt = dissect(hex(`${E} 88a8 f0c8 0026 aaaa03 000000 0806 0001080006040001 001122334455 0a000001 000000000000 0a000002 00000000`));
    expect(pkt.colProtocol).toBe('0x0026');
    expect(pkt.colInfo).toBe('PRI: 7  DROP: 1 ID: 200');
    expect(vals(pkt, 'ieee8021ah.etype')).toEqual(['0x0026']);
    expect(vals(pkt, 'llc.dsap')).toEqual([]);
  });

  it('treats a type <= 1500 as an 802.3 length followed by LLC', () => {
    // eth:ethertype:vlan:llc:arp	vlan.len=38	llc.type=0x0806	ARP	Who has 10.0.0.2? Tell 10.0.0.1
    const pkt = dissect(hex(`${E} 8100 2064 0026 aaaa03 000000 0806 0001080006040001 001122334455 0a000001 000000000000 0a000002 0000000000`));
    noException(pkt);
    expect(vals(pkt, 'vlan.len')).toEqual(['38']);
    expect(vals(pkt, 'vlan.etype')).toEqual([]);
    expect(vals(pkt, 'llc.type')).toEqual(['0x0806']);
    expect(pkt.protocols.join(':')).toBe('eth:ethertype:vlan:llc:arp');
    expect(pkt.colInfo).toBe('Who has 10.0.0.2? Tell 10.0.0.1');
    expect(pkt.malformed).toBe(false);
  });

  it('flags an 802.3 length past the end of the frame (expert, group Malformed) and dissects what is there', () => {
    // ARP	Who has 10.0.0.2? Tell 10.0.0.1	Length field value goes past the end of the payload
    const pkt = dissect(hex(`${E} 8100 0064 0100 aaaa03 000000 0806 0001080006040001 001122334455 0a000001 000000000000 0a000002 00000000`));
    noException(pkt);
    expect(pkt.expert.map((e) => [e.group, e.abbrev, e.message])).toEqual([['Malformed', 'vlan.len.past_end', 'Length field value goes past the end of the payload']]);
    expect(vals(pkt, 'arp.dst.proto_ipv4')).toEqual(['10.0.0.2']);
  });

  it('marks a cut tag as malformed, or as truncated when the snap length cut it', () => {
    // VLAN	[Malformed Packet]      802.1ad	[Malformed Packet]
    const q = dissect(hex(`${E} 8100 f0`));
    noException(q);
    expect([q.colProtocol, q.colInfo, q.malformed]).toEqual(['VLAN', '[Malformed Packet]', true]);
    const ad = dissect(hex(`${E} 88a8 f0`));
    expect([ad.colProtocol, ad.colInfo, ad.malformed]).toEqual(['802.1ad', '[Malformed Packet]', true]);
    const snapped = dissect(hex(`${E} 8100 f0`), { origLen: 64 });
    expect(snapped.malformed).toBe(false);
    expect(snapped.expert.map((e) => e.abbrev)).toEqual(['_ws.short']);
  });

  it('never throws on any prefix or corruption of a double-tagged frame', () => {
    const frame = hex('ffffffffffff0020d25afb3f88a800c8810007d1080600010800060400010020d25afb3fac154f61000000000000ac154f640000000000000000000000000000');
    for (let n = 0; n <= frame.length; n++) {
      noException(dissect(frame.slice(0, n)));
      noException(dissect(frame.slice(0, n), { origLen: frame.length }));
    }
    for (let at = 12; at < 24; at++) {
      for (const v of [0x00, 0x05, 0x81, 0x88, 0xa8, 0xff]) {
        const b = frame.slice();
        b[at] = v;
        const pkt = dissect(b);
        noException(pkt);
        for (let i = 0; i < pkt.n; i++) expect(pkt.start[i]! + pkt.len[i]!).toBeLessThanOrEqual(b.length);
      }
    }
  });
});

describe('tag builders', () => {
  it('builds QinQ with computed Ethertypes', () => {
    const b = buildPacket([
      { proto: 'eth', src: '02:00:00:00:00:01' },
      { proto: 'ieee8021ad', id: 300, priority: 3 },
      { proto: 'vlan', id: 42, priority: 6, dei: true },
      { proto: 'ip', src: '10.0.0.1', dst: '10.0.0.2' },
      { proto: 'udp', sport: 1000, dport: 53 },
    ]);
    expect(Array.from(b.subarray(12, 22))).toEqual([0x88, 0xa8, 0x61, 0x2c, 0x81, 0x00, 0xd0, 0x2a, 0x08, 0x00]);
    const pkt = dissect(b);
    noException(pkt);
    expect(vals(pkt, 'ieee8021ad.id')).toEqual(['300']);
    expect(vals(pkt, 'ieee8021ad.priority')).toEqual(['3']);
    expect(vals(pkt, 'vlan.id')).toEqual(['42']);
    expect(vals(pkt, 'vlan.priority')).toEqual(['6']);
    expect(vals(pkt, 'vlan.dei')).toEqual(['1']);
    expect(vals(pkt, 'udp.dstport')).toEqual(['53']);
  });

  it('writes an 802.3 length when LLC follows the tag', () => {
    const b = buildPacket([{ proto: 'eth' }, { proto: 'vlan', id: 7 }, { proto: 'llc' }, { proto: 'arp', srcIp: '10.0.0.1', dstIp: '10.0.0.2' }]);
    const pkt = dissect(b);
    noException(pkt);
    expect(vals(pkt, 'vlan.len')).toEqual([String(8 + 28)]);
    expect(vals(pkt, 'llc.type')).toEqual(['0x0806']);
    expect(pkt.colInfo).toBe('Who has 10.0.0.2? Tell 10.0.0.1');
  });

  it('keeps an explicit type', () => {
    const b = buildPacket([{ proto: 'eth' }, { proto: 'vlan', id: 1, type: 0x9999 }, { proto: 'data', bytes: 'xy' }]);
    expect(vals(dissect(b), 'vlan.etype')).toEqual(['0x9999']);
  });
});

/**
 * ARP / RARP / Inverse ARP: real packets from the public corpus and packets crafted with
 * text2pcap, each under the tshark 4.0.17 line (`tshark -n -T fields -e _ws.col.Protocol -e
 * _ws.col.Info`) it came from; fields by Wireshark name as `-T fields` prints them; RFC 5227
 * gratuitous / announcement / probe; duplicate-address detection across frames; builder round
 * trips; truncated and impossible lengths.
 */
import { describe, expect, it } from 'vitest';
import { newSession } from '../../src/dissectors/index.js';
import { fieldByName } from '../../src/dissectors/fields.js';
import { buildPacket } from '../../src/dissectors/build.js';
import { hex, dissect, vals, val, noException } from './helpers.js';

const ETH_BCAST = 'ffffffffffff 001122334455 0806';

describe('ARP from real captures', () => {
  it('decodes a request (zeek/arp-who-has.pcap #1)', () => {
    // 1	ARP	Who has 10.0.0.1? Tell 10.0.0.2
    const pkt = dissect(hex('ffffffffffff7831c1c63fc2080600010800060400017831c1c63fc20a0000020000000000000a000001'));
    expect(pkt.colProtocol).toBe('ARP');
    expect(pkt.colInfo).toBe('Who has 10.0.0.1? Tell 10.0.0.2');
    expect(val(pkt, 'arp.hw.type')).toBe('1');
    expect(val(pkt, 'arp.proto.type')).toBe('0x0800');
    expect(val(pkt, 'arp.hw.size')).toBe('6');
    expect(val(pkt, 'arp.proto.size')).toBe('4');
    expect(val(pkt, 'arp.opcode')).toBe('1');
    expect(val(pkt, 'arp.src.hw_mac')).toBe('78:31:c1:c6:3f:c2');
    expect(val(pkt, 'arp.src.proto_ipv4')).toBe('10.0.0.2');
    expect(val(pkt, 'arp.dst.hw_mac')).toBe('00:00:00:00:00:00');
    expect(val(pkt, 'arp.dst.proto_ipv4')).toBe('10.0.0.1');
    expect(vals(pkt, 'arp.isgratuitous')).toEqual([]);
    expect(pkt.protocols.join(':')).toBe('eth:ethertype:arp');
    expect(pkt.colSrc).toBe('78:31:c1:c6:3f:c2');
    expect(pkt.colDst).toBe('ff:ff:ff:ff:ff:ff');
    const top = pkt.find(fieldByName('arp')!.id);
    expect(pkt.len[top]).toBe(28);
    expect(pkt.label[top]).toBe('Address Resolution Protocol (request)');
  });

  it('decodes a reply padded to 60 bytes (zeek/arp-who-has.pcap #2)', () => {
    // 2	ARP	10.0.0.1 is at f8:ed:a5:c0:a4:f1
    const pkt = dissect(hex('7831c1c63fc2f8eda5c0a4f108060001080006040002f8eda5c0a4f10a0000017831c1c63fc20a00000200000000000000000000000000001f0b60ce'));
    expect(pkt.colInfo).toBe('10.0.0.1 is at f8:ed:a5:c0:a4:f1');
    expect(val(pkt, 'arp.opcode')).toBe('2');
    expect(val(pkt, 'arp.src.proto_ipv4')).toBe('10.0.0.1');
    expect(val(pkt, 'arp.dst.hw_mac')).toBe('78:31:c1:c6:3f:c2');
    expect(pkt.malformed).toBe(false);
  });

  it('flags an ARP Announcement over Linux cooked capture (zeek/linuxsll-arp.pcap #5)', () => {
    // 5	ARP	ARP Announcement for 192.168.22.81
    const pkt = dissect(hex('0001000100060050568b3f0d0000080600010800060400010050568b3f0dc0a81651000000000000c0a81651000000000000000000000000000000000000'), { linkType: 113 });
    expect(pkt.colInfo).toBe('ARP Announcement for 192.168.22.81');
    expect(val(pkt, 'arp.isgratuitous')).toBe('1');
    expect(val(pkt, 'arp.isannouncement')).toBe('1');
    expect(vals(pkt, 'arp.isprobe')).toEqual([]);
    // ARP sets no addresses: the Source column is the cooked header's MAC.
    expect(pkt.colSrc).toBe('00:50:56:8b:3f:0d');
    expect(pkt.label[pkt.find(fieldByName('arp')!.id)]).toBe('Address Resolution Protocol (ARP Announcement)');
  });

  it('decodes a gratuitous reply inside an 802.1Q tag (zeek/icmp_dot1q.pcap #1)', () => {
    // 1	ARP	Gratuitous ARP for 192.168.123.1 (Reply)
    const pkt = dissect(hex('ffffffffffff001906eab8c18100007b08060001080006040002001906eab8c1c0a87b01ffffffffffffc0a87b01000000000000000000000000000000000000'));
    expect(pkt.colProtocol).toBe('ARP');
    expect(pkt.colInfo).toBe('Gratuitous ARP for 192.168.123.1 (Reply)');
    expect(val(pkt, 'vlan.id')).toBe('123');
    expect(val(pkt, 'arp.isgratuitous')).toBe('1');
    expect(vals(pkt, 'arp.isannouncement')).toEqual([]);
  });

  it('decodes RARP carried by SLL v2 (zeek/linux_dlt_sll2.pcap #6)', () => {
    // 6	RARP	Who is 00:00:00:00:00:00? Tell 8e:36:06:44:ac:af
    const pkt = dissect(hex('803500000000001a000104068e360644acaf000000010800060400038e360644acafc0000201000000000000c0000202'), { linkType: 276 });
    expect(pkt.colProtocol).toBe('RARP');
    expect(pkt.colInfo).toBe('Who is 00:00:00:00:00:00? Tell 8e:36:06:44:ac:af');
    expect(val(pkt, 'arp.opcode')).toBe('3');
    expect(val(pkt, 'arp.src.proto_ipv4')).toBe('192.0.2.1');
    expect(val(pkt, 'arp.dst.proto_ipv4')).toBe('192.0.2.2');
  });
});

describe('ARP opcodes and RFC 5227 classification (frames crafted with text2pcap)', () => {
  const cases: Array<[string, string, string, string]> = [
    // [ARP body, tshark Protocol, tshark Info, flags present]
    ['0001 0800 06 04 0001 001122334455 00000000 000000000000 0a000002', 'ARP', 'Who has 10.0.0.2? (ARP Probe)', 'probe'],
    ['0001 0800 06 04 0001 001122334455 0a000002 000000000000 0a000002', 'ARP', 'ARP Announcement for 10.0.0.2', 'gratuitous,announcement'],
    ['0001 0800 06 04 0001 001122334455 0a000002 ffffffffffff 0a000002', 'ARP', 'Gratuitous ARP for 10.0.0.2 (Request)', 'gratuitous'],
    ['0001 0800 06 04 0002 001122334455 0a000002 ffffffffffff 0a000002', 'ARP', 'Gratuitous ARP for 10.0.0.2 (Reply)', 'gratuitous'],
    ['0001 0800 06 04 0003 001122334455 0a000002 665544332211 00000000', 'RARP', 'Who is 66:55:44:33:22:11? Tell 00:11:22:33:44:55', ''],
    ['0001 0800 06 04 0004 001122334455 0a000002 665544332211 0a000003', 'RARP', '66:55:44:33:22:11 is at 10.0.0.3', ''],
    ['0001 0800 06 04 0008 001122334455 00000000 665544332211 00000000', 'Inverse ARP', 'Who is 66:55:44:33:22:11? Tell 00:11:22:33:44:55', ''],
    ['0001 0800 06 04 0009 001122334455 0a000002 665544332211 0a000003', 'Inverse ARP', '00:11:22:33:44:55 is at 10.0.0.2', ''],
    ['0001 0800 06 04 0007 001122334455 0a000002 665544332211 0a000003', 'DRARP', 'DRARP Error', ''],
    ['0001 0800 06 04 0005 001122334455 0a000002 665544332211 0a000003', 'DRARP', 'Who is 66:55:44:33:22:11? Tell 00:11:22:33:44:55', ''],
    ['0001 0800 06 04 0018 001122334455 0a000002 665544332211 0a000003', 'ARP', 'Experimental 1 ( opcode 24 )', ''],
    ['0001 0800 06 04 0000 001122334455 0a000002 665544332211 0a000003', 'ARP', 'Reserved opcode 0', ''],
    ['0001 0800 06 04 0063 001122334455 0a000002 665544332211 0a000003', 'ARP', 'Unknown ARP opcode 0x0063', ''],
    ['0001 0800 06 04 000a 001122334455 0a000002 665544332211 0a000003', 'ARP', 'ARP NAK', ''],
    ['0001 0800 06 04 000b 001122334455 0a000002 665544332211 0a000003', 'MARS', 'MARS request from 00:11:22:33:44:55 at 10.0.0.2', ''],
    [
      '0001 86dd 06 10 0001 001122334455 20010db8000000000000000000000001 000000000000 20010db8000000000000000000000002',
      'ARP', 'Who has 20010db8000000000000000000000002? Tell 20010db8000000000000000000000001', '',
    ],
    ['0001 0800 08 04 0001 0011223344556677 0a000001 0000000000000000 0a000002', 'ARP', 'Who has 10.0.0.2? Tell 10.0.0.1', ''],
    ['0001 0800 00 00 0001', 'ARP', 'Who has <No address>? Tell <No address>', ''],
  ];
  for (const [body, proto, info, flags] of cases) {
    it(`${proto}: ${info}`, () => {
      const pkt = dissect(hex(`${ETH_BCAST} ${body}`));
      noException(pkt);
      expect(pkt.colProtocol).toBe(proto);
      expect(pkt.colInfo).toBe(info);
      const present = ['gratuitous', 'announcement', 'probe'].filter((f) => vals(pkt, `arp.is${f}`).length > 0);
      expect(present.join(',')).toBe(flags);
      expect(pkt.malformed).toBe(false);
    });
  }

  it('uses the generic address fields when the addresses are not Ethernet/IPv4', () => {
    const pkt = dissect(hex(`${ETH_BCAST} 0001 86dd 06 10 0001 001122334455 20010db8000000000000000000000001 000000000000 20010db8000000000000000000000002`));
    expect(val(pkt, 'arp.src.hw_mac')).toBe('00:11:22:33:44:55');
    expect(val(pkt, 'arp.src.proto')).toBe('20010db8000000000000000000000001');
    expect(vals(pkt, 'arp.src.proto_ipv4')).toEqual([]);
    const odd = dissect(hex(`${ETH_BCAST} 0001 0800 08 04 0001 0011223344556677 0a000001 0000000000000000 0a000002`));
    expect(val(odd, 'arp.src.hw')).toBe('0011223344556677');
    expect(vals(odd, 'arp.src.hw_mac')).toEqual([]);
    expect(val(odd, 'arp.src.proto_ipv4')).toBe('10.0.0.1');
  });

  it('shows the DRARP error status instead of the target address', () => {
    const pkt = dissect(hex(`${ETH_BCAST} 0001 0800 06 04 0007 001122334455 0a000002 665544332211 03000000`));
    expect(val(pkt, 'arp.dst.drarp_error_status')).toBe('3');
    expect(vals(pkt, 'arp.dst.proto_ipv4')).toEqual([]);
  });
});

describe('duplicate IP address detection (on by default in Wireshark)', () => {
  // text2pcap of three replies; tshark -n (and -n -2) gives:
  // 1	10.0.0.1 is at 00:11:22:33:44:55
  // 2	10.0.0.1 is at 00:aa:bb:cc:dd:ee	Duplicate IP address configured (10.0.0.1)	arp.duplicate-address-frame=1
  // 3	10.0.0.3 is at 00:aa:bb:cc:dd:ee
  const frames = [
    'ffffffffffff 001122334455 0806 0001080006040002 001122334455 0a000001 665544332211 0a000002',
    'ffffffffffff 00aabbccddee 0806 0001080006040002 00aabbccddee 0a000001 665544332211 0a000002',
    'ffffffffffff 00aabbccddee 0806 0001080006040002 00aabbccddee 0a000003 001122334455 0a000001',
  ].map(hex);

  it('reports the earlier frame as an expert item, leaving Info alone (as tshark 4.0)', () => {
    const session = newSession();
    const pkts = frames.map((f, i) => dissect(f, { session, number: i + 1, tsSec: 100 + i }));
    expect(pkts.map((p) => p.colInfo)).toEqual(['10.0.0.1 is at 00:11:22:33:44:55', '10.0.0.1 is at 00:aa:bb:cc:dd:ee', '10.0.0.3 is at 00:aa:bb:cc:dd:ee']);
    expect(pkts.map((p) => p.expert.map((e) => e.message))).toEqual([[], ['Duplicate IP address configured (10.0.0.1)'], []]);
    expect(vals(pkts[1]!, 'arp.duplicate-address-frame')).toEqual(['1']);
    expect(vals(pkts[1]!, 'arp.seconds-since-duplicate-address-frame')).toEqual(['1']);
    expect(pkts[1]!.label[pkts[1]!.find(fieldByName('arp.duplicate-address-detected')!.id)]).toBe(
      '[Duplicate IP address detected for 10.0.0.1 (00:aa:bb:cc:dd:ee) - also in use by 00:11:22:33:44:55 (frame 1)]',
    );
    expect(pkts[1]!.malformed).toBe(false);
  });
});

describe('ARP builder', () => {
  it('builds a request that decodes back', () => {
    const b = buildPacket([
      { proto: 'eth', src: '00:11:22:33:44:55' },
      { proto: 'arp', op: 'request', srcMac: '00:11:22:33:44:55', srcIp: '10.0.0.6', dstIp: '10.0.0.254' },
    ]);
    expect(b.length).toBe(42);
    const pkt = dissect(b);
    expect(pkt.colInfo).toBe('Who has 10.0.0.254? Tell 10.0.0.6');
    expect(val(pkt, 'eth.type')).toBe('0x0806');
    expect(val(pkt, 'arp.dst.hw_mac')).toBe('00:00:00:00:00:00');
  });

  it('builds a reply', () => {
    const b = buildPacket([
      { proto: 'eth', dst: '00:11:22:33:44:66', src: '00:11:22:33:44:55' },
      { proto: 'arp', op: 'reply', srcMac: '00:11:22:33:44:55', srcIp: '10.0.0.254', dstMac: '00:11:22:33:44:66', dstIp: '10.0.0.6' },
    ]);
    expect(dissect(b).colInfo).toBe('10.0.0.254 is at 00:11:22:33:44:55');
  });

  it('builds RFC 5227 probes and announcements', () => {
    const probe = dissect(buildPacket([{ proto: 'eth' }, { proto: 'arp', op: 'probe', srcMac: '02:00:00:00:00:01', dstIp: '192.0.2.7' }]));
    expect(probe.colInfo).toBe('Who has 192.0.2.7? (ARP Probe)');
    expect(val(probe, 'arp.isprobe')).toBe('1');
    const ann = dissect(buildPacket([{ proto: 'eth' }, { proto: 'arp', op: 'announcement', srcMac: '02:00:00:00:00:01', srcIp: '192.0.2.7' }]));
    expect(ann.colInfo).toBe('ARP Announcement for 192.0.2.7');
  });

  it('builds over SLL and 802.1Q with computed selectors', () => {
    const sll = dissect(buildPacket([{ proto: 'sll', src: '00:11:22:33:44:55', pkttype: 4 }, { proto: 'arp', srcIp: '10.0.0.1', dstIp: '10.0.0.2' }]), { linkType: 113 });
    expect(val(sll, 'sll.etype')).toBe('0x0806');
    expect(sll.colInfo).toBe('Who has 10.0.0.2? Tell 10.0.0.1');
    const q = dissect(buildPacket([{ proto: 'eth' }, { proto: 'vlan', id: 5 }, { proto: 'arp', op: 2, srcIp: '10.0.0.1', dstIp: '10.0.0.2' }]));
    expect(val(q, 'vlan.etype')).toBe('0x0806');
    expect(q.colInfo).toBe('10.0.0.1 is at 00:00:00:00:00:00');
  });
});

describe('ARP length checks', () => {
  const request = hex('ffffffffffff7831c1c63fc2080600010800060400017831c1c63fc20a0000020000000000000a000001');

  it('marks a packet cut by the snap length as truncated, not malformed', () => {
    const cut = request.slice(0, 30);
    const pkt = dissect(cut, { origLen: request.length });
    noException(pkt);
    expect(pkt.malformed).toBe(false);
    expect(pkt.expert.some((e) => e.abbrev === '_ws.short')).toBe(true);
    expect(pkt.colProtocol).toBe('ARP');
    expect(pkt.colInfo).toBe('');
    expect(val(pkt, 'arp.opcode')).toBe('1');
  });

  it('marks sizes that run past the packet as malformed', () => {
    // tshark: ARP	[Malformed Packet]
    const pkt = dissect(hex(`${ETH_BCAST} 0001 0800 ff ff 0001 001122334455 0a00`));
    noException(pkt);
    expect(pkt.malformed).toBe(true);
    expect(pkt.colProtocol).toBe('ARP');
    expect(pkt.colInfo).toBe('[Malformed Packet]');
  });

  it('never throws on any prefix or corruption of a real request', () => {
    const session = newSession();
    for (let n = 0; n <= request.length; n++) {
      noException(dissect(request.slice(0, n), { session }));
      noException(dissect(request.slice(0, n), { session, origLen: request.length }));
    }
    for (let at = 14; at < request.length; at++) {
      for (const v of [0x00, 0x01, 0x06, 0x10, 0xff]) {
        const b = request.slice();
        b[at] = v;
        const pkt = dissect(b, { session });
        noException(pkt);
        for (let i = 0; i < pkt.n; i++) expect(pkt.start[i]! + pkt.len[i]!).toBeLessThanOrEqual(b.length);
      }
    }
  });
});

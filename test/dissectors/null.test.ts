/**
 * BSD loopback: NULL (link type 0, family in the capturing host's byte order) and LOOP (108,
 * network byte order). Real packets and text2pcap-crafted ones under their tshark 4.0.17
 * `-T fields -e frame.protocols -e null.family -e null.type -e _ws.col.Protocol -e _ws.col.Info`
 * lines; builders; truncated headers.
 */
import { describe, expect, it } from 'vitest';
import { buildPacket, type LayerSpec } from '../../src/dissectors/build.js';
import { nullHeaderValue } from '../../src/dissectors/null.js';
import { hex, dissect, vals, noException } from './helpers.js';

/** An ICMP echo request 10.0.0.1 -> 10.0.0.2 (28 bytes). */
const ICMP_ECHO = '4500001c000100004001f8d70a0000010a000002 0800f7ff00000000';

describe('NULL (link type 0)', () => {
  it('decodes a little-endian AF_INET header (illustrated-tls13/captures/capture.pcap #1)', () => {
    // null:ip:tcp	2		TCP	59219 → 8400 [SYN] Seq=0 Win=65535 Len=0 MSS=16344 WS=64 TSval=3127281625 TSecr=0 SACK_PERM
    const pkt = dissect(hex('020000004500004000004000400600007f0000017f000001e75320d0794ea8ba00000000b002fffffe34000002043fd8010303060101080aba6687d90000000004020000'), { linkType: 0 });
    noException(pkt);
    expect(vals(pkt, 'null.family')).toEqual(['2']);
    expect(vals(pkt, 'null.type')).toEqual([]);
    expect(pkt.protocols.toArray().slice(0, 3).join(':')).toBe('null:ip:tcp');
    expect(pkt.colProtocol).toBe('TCP');
    expect(vals(pkt, 'tcp.dstport')).toEqual(['8400']);
  });

  it('decodes NULL frames from a pcapng interface (pcapng-test-generator basic/test006.pcapng #2)', () => {
    // null:ip:udp:db-lsp-disc:json	2
    const pkt = dissect(hex('02000000450000a4c6ce00004011f147c0a8018bffffffff445c445c0090ba037b22686f73745f696e74223a20343039343531343438332c20227665'), { linkType: 0, origLen: 168 });
    noException(pkt);
    expect(vals(pkt, 'null.family')).toEqual(['2']);
    expect(vals(pkt, 'udp.srcport')).toEqual(['17500']);
  });

  const crafted: Array<[string, string, string, string, string]> = [
    // [header, null.family, null.type, frame.protocols, Protocol]
    ['02000000', '2', '', 'null:ip:icmp', 'ICMP'], // little-endian host
    ['00000002', '2', '', 'null:ip:icmp', 'ICMP'], // big-endian host
    ['00020000', '2', '', 'null:ip:icmp', 'ICMP'], // IRIX/UNICOS 16-bit family, read swapped
    ['00000200', '2', '', 'null:ip:icmp', 'ICMP'], // IRIX/UNICOS 16-bit family
    ['00000800', '', '0x0800', 'null:ip:icmp', 'ICMP'], // old Linux: an Ethertype
    ['08000000', '8', '', 'null:data', 'N/A'],
    ['63000000', '99', '', 'null:data', 'N/A'],
  ];
  for (const [h, family, type, protos, proto] of crafted) {
    it(`reads header ${h} as tshark does (text2pcap)`, () => {
      // e.g. NULL 00000800: null:ip:icmp		0x0800	ICMP	Echo (ping) request  id=0x0000, seq=0/0, ttl=64
      //      NULL 63000000: null:data	99		N/A	Null/Loopback
      const pkt = dissect(hex(`${h} ${ICMP_ECHO}`), { linkType: 0 });
      noException(pkt);
      expect(vals(pkt, 'null.family')).toEqual(family ? [family] : []);
      expect(vals(pkt, 'null.type')).toEqual(type ? [type] : []);
      expect(pkt.protocols.join(':')).toBe(protos);
      expect(pkt.colProtocol).toBe(proto);
      if (proto === 'N/A') expect(pkt.colInfo).toBe('Null/Loopback');
    });
  }

  it('dispatches the three BSD AF_INET6 values to IPv6', () => {
    const v6 = '6000000000083afffe800000000000000000000000000001fe8000000000000000000000000000028000000000000000';
    for (const h of ['18000000', '1c000000', '1e000000', '0000001e']) {
      const pkt = dissect(hex(`${h} ${v6}`), { linkType: 0 });
      noException(pkt);
      expect(pkt.protocols.at(1)).toBe('ipv6');
      expect(vals(pkt, 'ipv6.src')).toEqual(['fe80::1']);
    }
  });

  it('picks the byte order that gives a small value', () => {
    expect(nullHeaderValue(0x00000002)).toBe(2);
    expect(nullHeaderValue(0x02000000)).toBe(2);
    expect(nullHeaderValue(0x1e000000)).toBe(30);
    expect(nullHeaderValue(0x00080000)).toBe(0x0800);
  });

  it('marks a short header as malformed, or truncated under a snap length', () => {
    // null		N/A	Null/Loopback[Malformed Packet]
    const pkt = dissect(hex('0200'), { linkType: 0 });
    noException(pkt);
    expect([pkt.colProtocol, pkt.colInfo, pkt.malformed]).toEqual(['N/A', 'Null/Loopback[Malformed Packet]', true]);
    const snapped = dissect(hex('0200'), { linkType: 0, origLen: 40 });
    expect(snapped.malformed).toBe(false);
    expect(snapped.expert.map((e) => e.abbrev)).toEqual(['_ws.short']);
  });
});

describe('LOOP (link type 108)', () => {
  it('reads the family in network byte order (text2pcap)', () => {
    // LOOP 00000002: null:ip:icmp	2		ICMP	Echo (ping) request  id=0x0000, seq=0/0, ttl=64
    const ip = dissect(hex(`00000002 ${ICMP_ECHO}`), { linkType: 108 });
    noException(ip);
    expect(vals(ip, 'null.family')).toEqual(['2']);
    expect(ip.protocols.join(':')).toBe('null:ip:icmp');
    // LOOP 02000000: null:data	33554432		N/A	Null/Loopback   (no byte-order guessing)
    const le = dissect(hex(`02000000 ${ICMP_ECHO}`), { linkType: 108 });
    expect(vals(le, 'null.family')).toEqual(['33554432']);
    expect([le.colProtocol, le.colInfo]).toEqual(['N/A', 'Null/Loopback']);
    // LOOP 00000800: null:data	2048		N/A	Null/Loopback   (no Ethertype case either)
    const et = dissect(hex(`00000800 ${ICMP_ECHO}`), { linkType: 108 });
    expect(vals(et, 'null.family')).toEqual(['2048']);
    expect(et.protocols.join(':')).toBe('null:data');
  });

  it('marks a short header as malformed', () => {
    // LOOP short: null		N/A	Null/Loopback[Malformed Packet]
    const pkt = dissect(hex('0000'), { linkType: 108 });
    noException(pkt);
    expect([pkt.colInfo, pkt.malformed]).toEqual(['Null/Loopback[Malformed Packet]', true]);
  });
});

describe('loopback builders', () => {
  it('builds NULL little-endian by default, big-endian on request, and LOOP in network order', () => {
    const layers: LayerSpec[] = [{ proto: 'ip', src: '127.0.0.1', dst: '127.0.0.1' }, { proto: 'udp', sport: 1, dport: 2 }];
    const le = buildPacket([{ proto: 'null' }, ...layers]);
    expect(Array.from(le.subarray(0, 4))).toEqual([2, 0, 0, 0]);
    const be = buildPacket([{ proto: 'null', littleEndian: false }, ...layers]);
    expect(Array.from(be.subarray(0, 4))).toEqual([0, 0, 0, 2]);
    const loop = buildPacket([{ proto: 'loop' }, ...layers]);
    expect(Array.from(loop.subarray(0, 4))).toEqual([0, 0, 0, 2]);
    for (const [b, lt] of [[le, 0], [be, 0], [loop, 108]] as const) {
      const pkt = dissect(b, { linkType: lt });
      noException(pkt);
      expect(vals(pkt, 'null.family')).toEqual(['2']);
      expect(vals(pkt, 'udp.dstport')).toEqual(['2']);
    }
  });

  it('takes the IPv6 family from the ipv6 dissector', () => {
    const b = buildPacket([{ proto: 'null' }, { proto: 'ipv6', src: '::1', dst: '::1' }, { proto: 'udp', sport: 1, dport: 2 }]);
    const pkt = dissect(b, { linkType: 0 });
    noException(pkt);
    expect(['24', '28', '30']).toContain(vals(pkt, 'null.family')[0]);
    expect(vals(pkt, 'ipv6.dst')).toEqual(['::1']);
  });
});

describe('loopback robustness', () => {
  it('never throws on any prefix or header value', () => {
    const frame = hex(`02000000 ${ICMP_ECHO}`);
    for (const lt of [0, 108]) {
      for (let n = 0; n <= frame.length; n++) {
        noException(dissect(frame.slice(0, n), { linkType: lt }));
        noException(dissect(frame.slice(0, n), { linkType: lt, origLen: frame.length }));
      }
      for (let at = 0; at < 4; at++) {
        for (const v of [0x00, 0x02, 0x03, 0x06, 0x08, 0x18, 0x86, 0xdd, 0xff]) {
          const b = frame.slice();
          b[at] = v;
          noException(dissect(b, { linkType: lt }));
        }
      }
    }
  });
});

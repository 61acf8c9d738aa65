/**
 * Raw IP link types (101, and the old DLT_RAW values 12 and 14): the version nibble picks IPv4
 * or IPv6. Real packets and text2pcap-crafted ones under their tshark 4.0.17
 * `-T fields -e frame.protocols -e _ws.col.Protocol -e _ws.col.Info` lines; builder; short frames.
 */
import { describe, expect, it } from 'vitest';
import { fieldByName } from '../../src/dissectors/fields.js';
import { buildPacket } from '../../src/dissectors/build.js';
import { hex, dissect, vals, noException } from './helpers.js';

const ICMP_ECHO = '4500001c000100004001f8d70a0000010a000002 0800f7ff00000000';
const ICMPV6_ECHO = '6000000000083afffe800000000000000000000000000001fe80000000000000000000000000000280000000000000000';

describe('raw IP', () => {
  it('decodes IPv4 (suricata-verify/tcp-empty-sack/tcp-opt.pcap #1)', () => {
    // raw:ip:tcp	TCP	49506 → 443 [SYN] Seq=0 Win=65535 Len=0 MSS=1460 WS=128 TSval=849476499 TSecr=0 SACK_PERM
    const pkt = dissect(hex('45000040000040003f06267ac0a8003611ad42b3c16201bbdf10241c00000000b002ffff2d3d0000020405b4010303070101080a32a1fb930000000004020000'), { linkType: 101 });
    noException(pkt);
    expect(pkt.protocols.join(':')).toBe('raw:ip:tcp');
    expect(vals(pkt, 'ip.src')).toEqual(['192.168.0.54']);
    expect(vals(pkt, 'tcp.dstport')).toEqual(['443']);
    expect(pkt.colProtocol).toBe('TCP');
    const top = pkt.find(fieldByName('raw')!.id);
    expect([pkt.start[top], pkt.len[top]]).toEqual([0, 64]);
  });

  it('decodes IPv6 (text2pcap)', () => {
    // raw:ipv6:icmpv6	ICMPv6	Echo (ping) request id=0x0000, seq=0, hop limit=255
    const pkt = dissect(hex(ICMPV6_ECHO), { linkType: 101 });
    noException(pkt);
    expect(pkt.protocols.toArray().slice(0, 2).join(':')).toBe('raw:ipv6');
    expect(vals(pkt, 'ipv6.dst')).toEqual(['fe80::2']);
  });

  it('binds the old DLT_RAW link types 12 and 14 (text2pcap -l 12 / -l 14)', () => {
    // raw:ip:icmp	frame.encap_type=7	ICMP	Echo (ping) request  id=0x0000, seq=0/0, ttl=64
    for (const lt of [12, 14]) {
      const pkt = dissect(hex(ICMP_ECHO), { linkType: lt });
      noException(pkt);
      expect(pkt.protocols.toArray().slice(0, 2).join(':')).toBe('raw:ip');
    }
  });

  it('skips 10 zero bytes left by a down ISDN link (text2pcap)', () => {
    // raw:ip:icmp	ICMP	Echo (ping) request  id=0x0000, seq=0/0, ttl=64
    const pkt = dissect(hex(`00000000000000000000 ${ICMP_ECHO}`), { linkType: 101 });
    noException(pkt);
    expect(pkt.protocols.toArray().slice(0, 2).join(':')).toBe('raw:ip');
    expect(vals(pkt, 'ip.dst')).toEqual(['10.0.0.2']);
  });

  it('leaves other versions and PPP leftovers to data (text2pcap)', () => {
    // raw:data	N/A	Raw packet data
    const other = dissect(hex('7000000000000000'), { linkType: 101 });
    expect(other.protocols.join(':')).toBe('raw:data');
    expect([other.colProtocol, other.colInfo]).toEqual(['N/A', 'Raw packet data']);
    // tshark: raw:ppp:ip:icmp (no PPP dissector here)
    const ppp = dissect(hex(`ff03 0021 ${ICMP_ECHO}`), { linkType: 101 });
    noException(ppp);
    expect(ppp.protocols.join(':')).toBe('raw:data');
  });

  it('marks frames shorter than 8 bytes as malformed (tshark reads offsets 0..7), truncated under a snap length', () => {
    // raw	N/A	Raw packet data[Malformed Packet]
    const pkt = dissect(hex('1234'), { linkType: 101 });
    noException(pkt);
    expect([pkt.colProtocol, pkt.colInfo, pkt.malformed]).toEqual(['N/A', 'Raw packet data[Malformed Packet]', true]);
    const snapped = dissect(hex('4500'), { linkType: 101, origLen: 60 });
    expect(snapped.malformed).toBe(false);
    expect(snapped.expert.map((e) => e.abbrev)).toEqual(['_ws.short']);
  });

  it('builds raw IP packets (the link layer adds nothing)', () => {
    const b = buildPacket([{ proto: 'raw' }, { proto: 'ip', src: '192.0.2.1', dst: '192.0.2.2' }, { proto: 'udp', sport: 7, dport: 9 }]);
    expect(b[0]).toBe(0x45);
    const pkt = dissect(b, { linkType: 101 });
    noException(pkt);
    expect(pkt.protocols.join(':')).toBe('raw:ip:udp');
    expect(vals(pkt, 'udp.dstport')).toEqual(['9']);
  });

  it('never throws on any prefix or corruption', () => {
    for (const frame of [hex(ICMP_ECHO), hex(ICMPV6_ECHO)]) {
      for (let n = 0; n <= frame.length; n++) {
        noException(dissect(frame.slice(0, n), { linkType: 101 }));
        noException(dissect(frame.slice(0, n), { linkType: 101, origLen: frame.length }));
      }
      for (let at = 0; at < 12; at++) {
        for (const v of [0x00, 0x03, 0x45, 0x60, 0xff]) {
          const b = frame.slice();
          b[at] = v;
          const pkt = dissect(b, { linkType: 101 });
          noException(pkt);
          for (let i = 0; i < pkt.n; i++) expect(pkt.start[i]! + pkt.len[i]!).toBeLessThanOrEqual(b.length);
        }
      }
    }
  });
});

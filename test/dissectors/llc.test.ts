/**
 * IEEE 802.2 LLC and SNAP: real 802.3 frames and frames crafted with text2pcap, each under the
 * tshark 4.0.17 line it came from. Payload dissectors that wirelite does not have (STP, CDP,
 * NetBIOS, SNA, ...) are disabled in those tshark runs (`--disable-protocol stp` ...), so the
 * columns are LLC's own, which is what we show when nothing takes the payload.
 */
import { describe, expect, it } from 'vitest';
import { fieldByName } from '../../src/dissectors/fields.js';
import { buildPacket } from '../../src/dissectors/build.js';
import { hex, dissect, vals, noException } from './helpers.js';

/** An 802.3 frame (broadcast, from 00:11:22:33:44:55) around an LLC PDU padded to 40 bytes. */
function dot3(llc: string): Uint8Array {
  const body = (llc.replace(/\s+/g, '') + '00'.repeat(40)).slice(0, 80);
  return hex(`ffffffffffff 001122334455 0028 ${body}`);
}

describe('LLC from real captures', () => {
  it('decodes SNAP with the Cisco OUI (filesamples/teardrop.pcap #5, first 60 of 333 bytes)', () => {
    // eth:llc:cdp	llc.dsap=0xaa llc.ssap=0xaa llc.control=0x0003 llc.oui=12 llc.cisco_pid=0x2000
    // --disable-protocol cdp:	LLC	U, func=UI; SNAP, OUI 0x00000C (Cisco Systems, Inc), PID 0x2000
    const frame = hex('01000ccccccc0050547ceb3d013faaaa0300000c200002b429270001001c6772616d6972657a2d6973646e2e7469766f6c692e636f6d00020011000000010101cc');
    const pkt = dissect(frame, { origLen: 333 });
    noException(pkt);
    expect(vals(pkt, 'eth.len')).toEqual(['319']);
    expect(vals(pkt, 'llc.dsap')).toEqual(['0xaa']);
    expect(vals(pkt, 'llc.ssap')).toEqual(['0xaa']);
    expect(vals(pkt, 'llc.dsap.sap')).toEqual(['85']);
    expect(vals(pkt, 'llc.dsap.ig')).toEqual(['0']);
    expect(vals(pkt, 'llc.ssap.cr')).toEqual(['0']);
    expect(vals(pkt, 'llc.control')).toEqual(['0x0003']);
    expect(vals(pkt, 'llc.control.u_modifier_cmd')).toEqual(['0x00']);
    expect(vals(pkt, 'llc.control.ftype')).toEqual(['0x03']);
    expect(vals(pkt, 'llc.oui')).toEqual(['12']);
    expect(vals(pkt, 'llc.cisco_pid')).toEqual(['0x2000']);
    expect(vals(pkt, 'llc.pid')).toEqual([]);
    expect(pkt.colProtocol).toBe('LLC');
    expect(pkt.colInfo).toBe('U, func=UI; SNAP, OUI 0x00000C (Cisco Systems, Inc), PID 0x2000');
    expect(pkt.protocols.join(':')).toBe('eth:llc:data');
    // The snap length cut the CDP payload, not the LLC header: nothing is malformed.
    expect(pkt.malformed).toBe(false);
    const top = pkt.find(fieldByName('llc')!.id);
    expect(pkt.len[top]).toBe(8);
    expect(pkt.label[pkt.find(fieldByName('llc.control')!.id)]).toBe('Control field: U, func=UI (0x03)');
  });

  it('decodes a non-SNAP frame (Packet++ EthDot3.pcap #1, a spanning tree BPDU)', () => {
    // eth:llc:stp	llc.dsap=0x42 llc.ssap=0x42 llc.control=0x0003
    // --disable-protocol stp:	LLC	U, func=UI; DSAP Spanning Tree BPDU Individual, SSAP Spanning Tree BPDU Command
    const pkt = dissect(hex('0180c20000000013f7115edb0026424203000000000000000013f71edff00000271080000013f7115ec0801b0100140002000f000000000000000000'));
    noException(pkt);
    expect(vals(pkt, 'llc.dsap')).toEqual(['0x42']);
    expect(vals(pkt, 'llc.dsap.sap')).toEqual(['33']);
    expect(vals(pkt, 'llc.oui')).toEqual([]);
    expect(pkt.colInfo).toBe('U, func=UI; DSAP Spanning Tree BPDU Individual, SSAP Spanning Tree BPDU Command');
    expect(pkt.colSrc).toBe('00:13:f7:11:5e:db');
    expect(pkt.colDst).toBe('01:80:c2:00:00:00');
  });

  it('dispatches RFC 1042 SNAP through the Ethertype table (zeek/snap-arp.pcapng #1)', () => {
    // eth:llc:arp	llc.oui=0	llc.type=0x0806	ARP	Who has 10.0.0.2? Tell 10.0.0.1
    const pkt = dissect(hex('ffffffffffffc23d196c00010024aaaa0300000008060006080006040001c23d196c00010a0000010000000000000a00000200000000000000000000'));
    noException(pkt);
    expect(vals(pkt, 'llc.oui')).toEqual(['0']);
    expect(vals(pkt, 'llc.type')).toEqual(['0x0806']);
    // Wireshark's SNAP code looks the table up directly: no "ethertype" layer.
    expect(pkt.protocols.join(':')).toBe('eth:llc:arp');
    expect(pkt.colProtocol).toBe('ARP');
    expect(pkt.colInfo).toBe('Who has 10.0.0.2? Tell 10.0.0.1');
    expect(vals(pkt, 'arp.hw.type')).toEqual(['6']);
  });

  it('decodes LLC in a Linux cooked capture v2 (Packet++ Sll2PacketLLC.pcap #1)', () => {
    // sll:llc:stp	--disable-protocol stp:	LLC	U, func=UI; DSAP Spanning Tree BPDU Individual, SSAP Spanning Tree BPDU Command
    const pkt = dissect(hex('000400000000000300010206e01cfcd3b1e10000424203000002023e80004c5e0c3ec6dd00004e388000e01cfcd3b1df80020300140002000f000020202020202020'), { linkType: 276 });
    noException(pkt);
    expect(vals(pkt, 'sll.ltype')).toEqual(['0x0004']);
    expect(pkt.protocols.join(':')).toBe('sll:llc:data');
    expect(pkt.colInfo).toBe('U, func=UI; DSAP Spanning Tree BPDU Individual, SSAP Spanning Tree BPDU Command');
    expect(pkt.colSrc).toBe('e0:1c:fc:d3:b1:e1');
  });
});

describe('LLC control fields and SNAP OUIs (text2pcap, payload dissectors disabled)', () => {
  const cases: Array<[string, string, string, Record<string, string[]>]> = [
    ['0404 0a13', 'LLC', 'I P, N(R)=9, N(S)=5; DSAP SNA Path Control Individual, SSAP SNA Path Control Command', {
      'llc.control': ['0x130a'], 'llc.control.n_r': ['9'], 'llc.control.n_s': ['5'], 'llc.control.p': ['1'],
    }],
    ['f0f0 0a02', 'LLC', 'I, N(R)=1, N(S)=5; DSAP NetBIOS Individual, SSAP NetBIOS Command', { 'llc.control': ['0x020a'], 'llc.control.p': [] }],
    ['f0f1 0103', 'LLC', 'S F, func=RR, N(R)=1; DSAP NetBIOS Individual, SSAP NetBIOS Response', { 'llc.control': ['0x0301'], 'llc.control.f': ['1'] }],
    ['f0f0 1112', 'LLC', 'S, func=RR, N(R)=9; DSAP NetBIOS Individual, SSAP NetBIOS Command', { 'llc.control': ['0x1211'] }],
    ['f0f1 0d02', 'LLC', 'S, func=SREJ, N(R)=1; DSAP NetBIOS Individual, SSAP NetBIOS Response', { 'llc.control.s_ftype': ['0x0003'] }],
    ['0404 7f', 'LLC', 'U P, func=SABME; DSAP SNA Path Control Individual, SSAP SNA Path Control Command', { 'llc.control': ['0x007f'] }],
    ['0405 73', 'LLC', 'U F, func=UA; DSAP SNA Path Control Individual, SSAP SNA Path Control Response', { 'llc.control.u_modifier_resp': ['0x18'] }],
    ['0405 0f', 'LLC', 'U, func=DM; DSAP SNA Path Control Individual, SSAP SNA Path Control Response', {}],
    ['0405 e3', 'LLC', 'U, func=TEST; DSAP SNA Path Control Individual, SSAP SNA Path Control Response', {}],
    ['0405 eb', 'LLC', 'U, func=Unknown; DSAP SNA Path Control Individual, SSAP SNA Path Control Response', {}],
    ['4243 13', 'LLC', 'U F, func=UI; DSAP Spanning Tree BPDU Individual, SSAP Spanning Tree BPDU Response', {}],
    ['aaab 03', 'LLC', 'U, func=UI; DSAP SNAP Individual, SSAP SNAP Response', { 'llc.oui': [] }],
    ['0405 af 81 0102', 'XID', 'Basic Format; Type 1 LLC (Class I LLC); Window Size 1', {
      'basicxid.llc.xid.format': ['0x81'], 'basicxid.llc.xid.types': ['0x01'], 'basicxid.llc.xid.wsize': ['1'],
    }],
    ['aaaa 03 123456 0800', 'LLC', 'U, func=UI; SNAP, OUI 0x123456 (Unknown), PID 0x0800', { 'llc.oui': ['1193046'], 'llc.pid': ['0x0800'] }],
    ['aaaa 73 000000 0800', 'LLC', 'U P, func=UA; SNAP, OUI 0x000000 (Officially Xerox, but 0:0:0:0:0:0 is more common), PID 0x0800', { 'llc.type': [] }],
    ['aaaa 03 000000 1234', 'LLC', 'U, func=UI; SNAP, OUI 0x000000 (Officially Xerox, but 0:0:0:0:0:0 is more common), PID 0x1234', { 'llc.type': ['0x1234'] }],
    ['aaaa 03 0080c2 0099', 'LLC', 'U, func=UI; SNAP, OUI 0x0080C2 (IEEE), PID 0x0099', { 'llc.pid': ['0x0099'] }],
    ['aaaa 03 00000c 0099', 'LLC', 'U, func=UI; SNAP, OUI 0x00000C (Cisco Systems, Inc), PID 0x0099', { 'llc.cisco_pid': ['0x0099'] }],
    ['aaaa 03 080007 809b', 'LLC', 'U, func=UI; SNAP, OUI 0x080007 (Apple, Inc.), PID 0x809B', { 'llc.apple_atalk_pid': ['0x809b'] }],
  ];
  for (const [llc, proto, info, fields] of cases) {
    it(`${llc}: ${info}`, () => {
      const pkt = dissect(dot3(llc));
      noException(pkt);
      expect(pkt.colProtocol).toBe(proto);
      expect(pkt.colInfo).toBe(info);
      for (const [name, want] of Object.entries(fields)) expect(vals(pkt, name), name).toEqual(want);
      expect(pkt.malformed).toBe(false);
    });
  }

  it('hands IEEE 802.1 bridged Ethernet (PID 7) to the Ethernet dissector after 2 pad bytes', () => {
    // eth:llc:eth:ethertype:data
    const inner = 'ffffffffffff 0a0b0c0d0e0f 0800';
    const pkt = dissect(hex(`ffffffffffff 001122334455 0024 aaaa03 0080c2 0007 0000 ${inner} ${'00'.repeat(12)}`));
    noException(pkt);
    expect(vals(pkt, 'llc.pid')).toEqual(['0x0007']);
    expect(vals(pkt, 'eth.src')).toEqual(['00:11:22:33:44:55', '0a:0b:0c:0d:0e:0f']);
  });
});

describe('LLC builder', () => {
  it('builds 802.3 + SNAP around ARP, with the length and PID computed', () => {
    const b = buildPacket([{ proto: 'eth', src: '02:00:00:00:00:01' }, { proto: 'llc' }, { proto: 'arp', srcIp: '10.0.0.1', dstIp: '10.0.0.2' }]);
    expect(b[12]! * 256 + b[13]!).toBe(8 + 28);
    const pkt = dissect(b);
    noException(pkt);
    expect(vals(pkt, 'eth.len')).toEqual(['36']);
    expect(vals(pkt, 'llc.type')).toEqual(['0x0806']);
    expect(pkt.colInfo).toBe('Who has 10.0.0.2? Tell 10.0.0.1');
  });

  it('builds non-SNAP I frames with a 2-byte control field', () => {
    const b = buildPacket([{ proto: 'eth' }, { proto: 'llc', dsap: 0xf0, ssap: 0xf0, control: 0x020a }, { proto: 'data', bytes: 'hello' }]);
    const pkt = dissect(b);
    expect(vals(pkt, 'llc.control')).toEqual(['0x020a']);
    expect(pkt.colInfo).toBe('I, N(R)=1, N(S)=5; DSAP NetBIOS Individual, SSAP NetBIOS Command');
    expect(vals(pkt, 'data.len')).toEqual(['5']);
  });
});

describe('LLC length checks', () => {
  it('marks a header cut inside the reported length as truncated, past it as malformed', () => {
    const frame = hex('ffffffffffffc23d196c00010024aaaa0300000008060006080006040001c23d196c00010a0000010000000000000a000002');
    const cut = frame.slice(0, 18);
    const snapped = dissect(cut, { origLen: frame.length });
    noException(snapped);
    expect(snapped.malformed).toBe(false);
    expect(snapped.expert.map((e) => e.abbrev)).toEqual(['_ws.short']);
    expect(vals(snapped, 'llc.control')).toEqual(['0x0003']);
    // An 802.3 length of 3 leaves no room for SNAP's OUI and PID.
    const short = hex('ffffffffffffc23d196c00010003aaaa0300000008060006080006040001c23d196c00010a000001');
    const pkt = dissect(short);
    noException(pkt);
    expect(pkt.malformed).toBe(true);
    expect(pkt.colInfo).toBe('U, func=UI[Malformed Packet]');
  });

  it('never throws on any prefix or corruption of a SNAP frame', () => {
    const frame = hex('ffffffffffffc23d196c00010024aaaa0300000008060006080006040001c23d196c00010a0000010000000000000a00000200000000000000000000');
    for (let n = 0; n <= frame.length; n++) {
      noException(dissect(frame.slice(0, n)));
      noException(dissect(frame.slice(0, n), { origLen: frame.length }));
    }
    for (let at = 12; at < 24; at++) {
      for (const v of [0x00, 0x03, 0x0a, 0x81, 0xaa, 0xac, 0xaf, 0xff]) {
        const b = frame.slice();
        b[at] = v;
        const pkt = dissect(b);
        noException(pkt);
        for (let i = 0; i < pkt.n; i++) expect(pkt.start[i]! + pkt.len[i]!).toBeLessThanOrEqual(b.length);
      }
    }
  });
});

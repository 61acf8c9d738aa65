/**
 * ICMP (IPv4): real packets (tshark 4.0.17 line above each), decode by Wireshark field names and
 * Info texts, request/response pairing in one and two passes, errors quoting the original
 * datagram under a fence, RFC 4884/MPLS extensions, build round trips and broken lengths.
 */
import { describe, expect, it } from 'vitest';
import { newSession } from '../../src/dissectors/index.js';
import { buildPacket } from '../../src/dissectors/build.js';
import { ECHO_LIMITS, msecsText } from '../../src/dissectors/icmp.js';
import { hex, dissect, twoPass, onePass, id, nums, num, ipv4s, has, experts, noException, rangesInside } from './helpers.js';

// zeek/icmp/icmp-ping.pcap (epoch 1334173763.977955)
const PING = {
  data: hex(
    // 1   0.000000     10.0.0.1 → 74.125.225.99 ICMP 98 Echo (ping) request  id=0x881c, seq=0/0, ttl=64 (reply in 2)
    '0010db000000c8bcc800000008004500005414e7000040012fe10a0000014a7de16308006909881c00004f85e043000e' +
      'ebff08090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f202122232425262728292a2b2c2d2e2f303132333435' +
      '3637',
  ),
  tsSec: 1334173763,
  tsNsec: 977955000,
};
const PONG = {
  data: hex(
    // 2   0.003951 74.125.225.99 → 10.0.0.1     ICMP 98 Echo (ping) reply    id=0x881c, seq=0/0, ttl=56 (request in 1)
    'c8bcc80000000010db000000080045000054a53800003801a78f4a7de1630a00000100007109881c00004f85e043000e' +
      'ebff08090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f202122232425262728292a2b2c2d2e2f303132333435' +
      '3637',
  ),
  tsSec: 1334173763,
  tsNsec: 981906000,
};

// zeek/icmp/icmp-destunreach-udp.pcap
const PORT_UNREACH = hex(
  // 1   0.000000 192.168.1.102 → 192.168.1.1  ICMP 194 Destination unreachable (Port unreachable)
  '0019e3e75d23000bdb6358a60800450000b0281e000080018e77c0a80166c0a80101030303bb00000000450000a33711' +
    '00004011bf81c0a80101c0a801660035e747008f76d298a4818000010001000400000673656375726503656434036e65' +
    '740000010001c00c000100010000012c0004d05e140ec013000200010000012c000f05646e7330320665786f647573c0' +
    '17c013000200010000012c000805646e733031c042c013000200010000012c000805646e733034c042c013000200c914' +
    '6f2d',
);

// zeek/icmp/icmp-timeexceeded.pcap
const TTL_EXCEEDED = hex(
  // 1   0.000000     10.0.0.1 → 10.0.0.2     ICMP 74 Time-to-live exceeded (Time to live exceeded in transit)
  '0010db88d2efc8bcc896d2a008004500003c00010000400166be0a0000010a0000020b00092000000000450000200001' +
    '0000401166ca0a0000020a000001753032c8000c932a58585858',
);

// zeek/smtp.pcap: a router asks for a smaller MTU, quoting a 1500-byte TCP segment.
const FRAG_NEEDED = hex(
  // 26   3.203055  192.168.1.1 → 10.10.1.4    ICMP 590 Destination unreachable (Fragmentation needed)
  '00e01c3c17c2001f33d98160080045c00240451900003f01672dc0a801010a0a01040304c94e000005d4450005dc254f' +
    '40007e06eff00a0a01044a358c9905be00197ec45447aeec637e5010fe311fe6000046726f6d3a202247757270617274' +
    '61702053696e676822203c6775727061727461704070617472696f74732e696e3e0d0a546f3a203c72616a5f64656f6c' +
    '32303032696e407961686f6f2e636f2e696e3e0d0a5375626a6563743a20534d54500d0a446174653a204d6f6e2c2035' +
    '204f637420323030392031313a33363a3037202b303533300d0a4d6573736167652d49443a203c303030333031636134' +
    '3538312465663965353766302463656462303764302440696e3e0d0a4d494d452d56657273696f6e3a20312e300d0a43' +
    '6f6e74656e742d547970653a206d756c7469706172742f6d697865643b0d0a09626f756e646172793d222d2d2d2d3d5f' +
    '4e657874506172745f3030305f303030345f30314341343542302e3039353639334630220d0a582d4d61696c65723a20' +
    '4d6963726f736f6674204f6666696365204f75746c6f6f6b2031322e300d0a5468726561642d496e6465783a20416370' +
    '4667656d3942766a6a5a45446552314b6838692b685579566f30413d3d0d0a436f6e74656e742d4c616e67756167653a' +
    '20656e2d75730d0a782d63722d68617368656470757a7a6c653a205365413d20414152322041446148204270694f2043' +
    '344731204431675720464e42312046506b5220466e2b57204846435020486e594a204a4f3773204b756d36204b797457' +
    '204c466349204c6a55743b313b63',
);

// pcapplusplus/Packet++Test/PacketExamples/IcmpPackets.pcap (pcapng)
const REDIRECT = hex(
  // 2 27211502.083030   10.2.99.99 → 10.2.10.2    ICMP 70 Redirect             (Redirect for host)
  '002078e15a8000107b8143e3080045000038623d0000ff01d81e0a0263630a020a020501383e0a0263624500003c3a00' +
    '00001f01fcb30a020a020a03470708001a5c02003100',
);
const TTL_EXCEEDED_MPLS = hex(
  // 5 353707416.881489     10.0.2.1 → 10.0.1.2     ICMP 182 Time-to-live exceeded (Time to live exceeded in transit)
  'c20966b00000c20d66d700000800450000a805fa0000fc01a1580a0002010a0001020b00ac2d000000004500001c00e5' +
    '0000021100d90a000102ac100002c01d82a5000806070000000000000000000000000000000000000000000000000000' +
    '000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000' +
    '000000000000000000000000000000000000000000000000000020007df40008010100016101',
);
const TIMESTAMP_REQUEST = {
  data: hex(
    // 7 359084540.359246 192.168.0.102 → 192.168.0.103 ICMP 54 Timestamp request    id=0x3930, seq=0/0, ttl=128
    '00a0d1be97dd00112f368cda0800450000288e00000080012ab7c0a80066c0a800670d0094763930000000f624630000' +
      '000000000000',
  ),
  tsSec: 1322467327,
  tsNsec: 0,
};
const TIMESTAMP_REPLY = hex(
  // 8 359084540.359385 192.168.0.103 → 192.168.0.102 ICMP 60 Timestamp reply      id=0x3930, seq=0/0, ttl=128
  '00112f368cda00a0d1be97dd0800450000280f3b00008001a97cc0a80067c0a800660e00e3193930000000f62463622d' +
    'f600622df600000000000000',
);
const MASK_REQUEST = hex(
  // 14 501657644.197118     10.0.0.6 → 173.194.113.82 ICMP 60 Address mask request id=0xb00c, seq=1536/6, ttl=64
  '30469a23fbfa080027cba9f2080045000020741e00004001dda40a000006adc27152110038f3b00c0600000000000000' +
    '000000000000000000000000',
);

// zeek/chksums/ip4-icmp-bad-chksum.pcap
const BAD_CHECKSUM = hex(
  // 1   0.000000 192.168.1.100 → 192.168.1.101 ICMP 42 Echo (ping) request  id=0x0000, seq=0/0, ttl=64 (no response found!)
  '0010db88d2efc8bcc896d2a008004500001c000100004001f6c6c0a80164c0a801650800000d00000000',
);

// tcpdump/icmp-rfc8335.pcap: PROBE (extended echo); the request's extension checksum is wrong.
const EXT_ECHO_REQUEST = hex(
  // 1   0.000000 204.194.23.128 → 149.28.74.237 ICMP 62 Extended Echo request (No error)
  '560004a34c83fe0004a34c8308004500003029a30000360196deccc21780951c4aed2a006314f6ea00012000dcf40008' +
    '03020000000165933a33000ddc2b',
);
const EXT_ECHO_REPLY = hex(
  // 6 894.457214 204.194.23.128 → 149.28.74.237 ICMP 66 Extended Echo reply  (No error)
  '560004a34c83fe0004a34c83080045000034f75c4000f501ca1fccc21780951c4aed2b00b4ce002a2a072000d819000c' +
    '0301667870302e3000006583629700022de3',
);

describe('ICMP echo', () => {
  it('decodes a ping request: fields, Info, data timestamp and data', () => {
    const pkt = dissect(PING.data, { tsSec: PING.tsSec, tsNsec: PING.tsNsec });
    expect(pkt.colProtocol).toBe('ICMP');
    expect(pkt.colInfo).toBe('Echo (ping) request  id=0x881c, seq=0/0, ttl=64');
    expect(num(pkt, 'icmp.type')).toBe(8);
    expect(num(pkt, 'icmp.code')).toBe(0);
    expect(num(pkt, 'icmp.checksum')).toBe(0x6909);
    expect(num(pkt, 'icmp.checksum.status')).toBe(1);
    expect(num(pkt, 'icmp.ident')).toBe(34844);
    expect(num(pkt, 'icmp.ident_le')).toBe(7304);
    expect(num(pkt, 'icmp.seq')).toBe(0);
    expect(num(pkt, 'icmp.seq_le')).toBe(0);
    // tshark: [Timestamp from icmp data (relative): 0.000036000 seconds]
    expect(has(pkt, 'icmp.data_time')).toBe(true);
    expect(num(pkt, 'icmp.data_time_relative')).toBeCloseTo(0.000036, 9);
    expect(num(pkt, 'data.len')).toBe(48);
    expect(pkt.protocols.toArray().slice(-2)).toEqual(['icmp', 'data']);
    noException(pkt);
    rangesInside(pkt);
  });

  it('two passes: the request names its reply, the reply its request and the response time', () => {
    const [req, rep] = twoPass([PING, PONG]);
    expect(req!.colInfo).toBe('Echo (ping) request  id=0x881c, seq=0/0, ttl=64 (reply in 2)');
    expect(num(req!, 'icmp.resp_in')).toBe(2);
    expect(rep!.colInfo).toBe('Echo (ping) reply    id=0x881c, seq=0/0, ttl=56 (request in 1)');
    expect(num(rep!, 'icmp.resp_to')).toBe(1);
    // tshark: [Response time: 3.951 ms]
    expect(num(rep!, 'icmp.resptime')).toBeCloseTo(3.951, 6);
    expect(experts(req!)).toEqual([]);
  });

  it('one pass: only the reply knows (like tshark without -2)', () => {
    const [req, rep] = onePass([PING, PONG]);
    expect(req!.colInfo).toBe('Echo (ping) request  id=0x881c, seq=0/0, ttl=64');
    expect(has(req!, 'icmp.resp_in')).toBe(false);
    expect(rep!.colInfo).toBe('Echo (ping) reply    id=0x881c, seq=0/0, ttl=56 (request in 1)');
  });

  it('a request without reply says so in the second pass', () => {
    const [req] = twoPass([PING]);
    expect(req!.colInfo).toBe('Echo (ping) request  id=0x881c, seq=0/0, ttl=64 (no response found!)');
    expect(has(req!, 'icmp.no_resp')).toBe(true);
    expect(experts(req!)).toEqual(['No response seen to ICMP request']);
  });

  it('a reply without request (or a second reply) is not paired', () => {
    const [rep] = twoPass([PONG]);
    expect(rep!.colInfo).toBe('Echo (ping) reply    id=0x881c, seq=0/0, ttl=56');
    const [, , dup] = twoPass([PING, PONG, { ...PONG, tsSec: PONG.tsSec + 1 }]);
    expect(dup!.colInfo).toBe('Echo (ping) reply    id=0x881c, seq=0/0, ttl=56');
  });

  it('a bad checksum is reported with the right value, and pairing still runs', () => {
    const [pkt] = twoPass([{ data: BAD_CHECKSUM, tsSec: 0, tsNsec: 0 }]);
    expect(num(pkt!, 'icmp.checksum.status')).toBe(0);
    expect(experts(pkt!)).toEqual(['Bad checksum [should be 0xf7ff]', 'No response seen to ICMP request']);
    expect(pkt!.colInfo).toBe('Echo (ping) request  id=0x0000, seq=0/0, ttl=64 (no response found!)');
  });

  it('requests to broadcast and multicast destinations are not expected to be answered', () => {
    const mk = (dst: string) => buildPacket([{ proto: 'eth' }, { proto: 'ip', src: '10.0.0.1', dst }, { proto: 'icmp', type: 8, id: 1, seq: 1 }]);
    const [b, m] = twoPass([
      { data: mk('255.255.255.255'), tsSec: 0, tsNsec: 0 },
      { data: mk('224.0.0.1'), tsSec: 0, tsNsec: 0 },
    ]);
    expect(b!.colInfo).toBe('Echo (ping) request  id=0x0001, seq=1/256, ttl=64 (broadcast)');
    expect(m!.colInfo).toBe('Echo (ping) request  id=0x0001, seq=1/256, ttl=64 (multicast)');
    expect(experts(b!)).toEqual([]);
  });

  it('pending requests are bounded', () => {
    const session = newSession({ limits: { echo: { maxPending: 4 } } });
    for (let i = 0; i < 10; i++) {
      const b = buildPacket([{ proto: 'eth' }, { proto: 'ip', src: '10.0.0.1', dst: '10.0.0.2' }, { proto: 'icmp', type: 8, id: 7, seq: i }]);
      dissect(b, { session, number: i + 1 });
    }
    expect((session.state.get('icmp.echo') as Map<string, unknown>).size).toBe(4);
  });
});

describe('ICMP errors', () => {
  it('port unreachable: the quoted IPv4/UDP/DNS is dissected, columns stay ICMP', () => {
    const pkt = dissect(PORT_UNREACH);
    expect(pkt.colProtocol).toBe('ICMP');
    expect(pkt.colInfo).toBe('Destination unreachable (Port unreachable)');
    expect(pkt.colSrc).toBe('192.168.1.102');
    expect(pkt.colDst).toBe('192.168.1.1');
    expect(num(pkt, 'icmp.type')).toBe(3);
    expect(num(pkt, 'icmp.code')).toBe(3);
    expect(num(pkt, 'icmp.checksum.status')).toBe(1);
    expect(has(pkt, 'icmp.unused')).toBe(true);
    // tshark: ip.src ["192.168.1.102","192.168.1.1"], ip.checksum.status [1,1]
    expect(ipv4s(pkt, 'ip.src')).toEqual(['192.168.1.102', '192.168.1.1']);
    expect(ipv4s(pkt, 'ip.dst')).toEqual(['192.168.1.1', '192.168.1.102']);
    expect(nums(pkt, 'ip.checksum.status')).toEqual([1, 1]);
    expect(num(pkt, 'udp.srcport')).toBe(53);
    expect(num(pkt, 'udp.length')).toBe(143);
    // The inner IPv4 hangs under ICMP.
    const icmp = pkt.find(id('icmp'));
    expect(pkt.parent[pkt.find(id('ip'), icmp)]).toBe(icmp);
    expect(pkt.fence).toBe(0);
    // The network context is the outer header again once the quote is done.
    expect(pkt.ipVersion).toBe(4);
    expect(Array.from(pkt.ipHdr.subarray(pkt.ipSrcOff, pkt.ipSrcOff + 4)).join('.')).toBe('192.168.1.102');
    expect(pkt.malformed).toBe(false);
    noException(pkt);
    rangesInside(pkt);
  });

  it('time exceeded quoting a UDP probe', () => {
    const pkt = dissect(TTL_EXCEEDED);
    expect(pkt.colInfo).toBe('Time-to-live exceeded (Time to live exceeded in transit)');
    expect(num(pkt, 'icmp.type')).toBe(11);
    expect(nums(pkt, 'ip.ttl')).toEqual([64, 64]);
    expect(num(pkt, 'udp.dstport')).toBe(13000);
    expect(pkt.malformed).toBe(false);
  });

  it('fragmentation needed carries the next-hop MTU; the cut quoted TCP segment is not malformed', () => {
    const pkt = dissect(FRAG_NEEDED);
    expect(pkt.colInfo).toBe('Destination unreachable (Fragmentation needed)');
    expect(num(pkt, 'icmp.code')).toBe(4);
    expect(num(pkt, 'icmp.mtu')).toBe(1492);
    expect(ipv4s(pkt, 'ip.src')).toEqual(['192.168.1.1', '10.10.1.4']);
    expect(num(pkt, 'tcp.srcport')).toBe(1470);
    expect(pkt.colProtocol).toBe('ICMP');
    expect(pkt.malformed).toBe(false);
    noException(pkt);
    rangesInside(pkt);
  });

  it('redirect: gateway, quoted header and 64 bits (an echo request whose checksum is not checked)', () => {
    const pkt = dissect(REDIRECT);
    expect(pkt.colInfo).toBe('Redirect             (Redirect for host)');
    expect(ipv4s(pkt, 'icmp.redir_gw')).toEqual(['10.2.99.98']);
    expect(nums(pkt, 'icmp.type')).toEqual([5, 8]);
    // The quoted echo request: checksum unverified, no pairing.
    expect(nums(pkt, 'icmp.checksum.status')).toEqual([1, 2]);
    expect(nums(pkt, 'icmp.ident')).toEqual([512]);
    expect(has(pkt, 'icmp.no_resp')).toBe(false);
    noException(pkt);
  });

  it('an MPLS label stack extension after a 128-byte quote', () => {
    const pkt = dissect(TTL_EXCEEDED_MPLS);
    expect(pkt.colInfo).toBe('Time-to-live exceeded (Time to live exceeded in transit)');
    expect(num(pkt, 'icmp.ext.version')).toBe(2);
    expect(num(pkt, 'icmp.ext.checksum.status')).toBe(1);
    expect(num(pkt, 'icmp.ext.class')).toBe(1);
    expect(num(pkt, 'icmp.mpls.label')).toBe(22);
    expect(num(pkt, 'icmp.mpls.exp')).toBe(0);
    expect(num(pkt, 'icmp.mpls.s')).toBe(1);
    expect(num(pkt, 'icmp.mpls.ttl')).toBe(1);
    expect(num(pkt, 'udp.dstport')).toBe(33445);
    noException(pkt);
    rangesInside(pkt);
  });
});

describe('ICMP other messages', () => {
  it('timestamp request/reply with the little-endian guess of the tree text', () => {
    const req = dissect(TIMESTAMP_REQUEST.data, { tsSec: TIMESTAMP_REQUEST.tsSec });
    expect(req.colInfo).toBe('Timestamp request    id=0x3930, seq=0/0, ttl=128');
    expect(num(req, 'icmp.originate_timestamp')).toBe(16131171);
    expect(req.label[req.find(id('icmp.originate_timestamp'))]).toBe('Originate Timestamp: 16131171 (4 hours, 28 minutes, 51.171 seconds after midnight UTC)');
    const rep = dissect(TIMESTAMP_REPLY, { tsSec: TIMESTAMP_REQUEST.tsSec });
    expect(rep.colInfo).toBe('Timestamp reply      id=0x3930, seq=0/0, ttl=128');
    expect(num(rep, 'icmp.receive_timestamp')).toBe(1647179264);
    expect(rep.label[rep.find(id('icmp.receive_timestamp'))]).toBe('Receive Timestamp: 1647179264 (4 hours, 28 minutes, 53.474 seconds after midnight UTC)');
    expect(msecsText(61000)).toBe('1 minute, 1 second');
    expect(msecsText(3661001)).toBe('1 hour, 1 minute, 1.001 seconds');
  });

  it('address mask request', () => {
    const pkt = dissect(MASK_REQUEST);
    expect(pkt.colInfo).toBe('Address mask request id=0xb00c, seq=1536/6, ttl=64');
    expect(ipv4s(pkt, 'icmp.address_mask')).toEqual(['0.0.0.0']);
  });

  it('extended echo (RFC 8335) with interface identification objects', () => {
    const req = dissect(EXT_ECHO_REQUEST);
    expect(req.colInfo).toBe('Extended Echo request (No error)');
    expect(num(req, 'icmp.ident')).toBe(63210);
    expect(num(req, 'icmp.ext.echo.req.local')).toBe(1);
    expect(num(req, 'icmp.ext.checksum.status')).toBe(0);
    expect(experts(req)).toEqual(['Bad checksum [should be 0x60f5]']);
    expect(num(req, 'icmp.int_ident.index')).toBe(1);
    const rep = dissect(EXT_ECHO_REPLY);
    expect(rep.colInfo).toBe('Extended Echo reply  (No error)');
    expect(num(rep, 'icmp.ext.echo.seq')).toBe(42);
    expect(num(rep, 'icmp.ext.echo.rsp.active')).toBe(1);
    expect(num(rep, 'icmp.ext.echo.rsp.ipv4')).toBe(1);
  });

  it('Info texts of the other types and unknown codes', () => {
    const info = (type: number, code: number, rest?: Uint8Array) =>
      dissect(buildPacket([{ proto: 'eth' }, { proto: 'ip', src: '10.0.0.1', dst: '10.0.0.2' }, { proto: 'icmp', type, code, rest }])).colInfo;
    expect(info(4, 0)).toBe('Source quench (flow control)');
    expect(info(10, 0)).toBe('Router solicitation ');
    expect(info(9, 0, Uint8Array.of(0, 2, 0, 0))).toBe('Mobile IP Advertisement (Normal router advertisement)');
    expect(info(9, 1, Uint8Array.of(0, 2, 0, 0))).toBe('Router advertisement (Unknown code: 1)');
    expect(info(3, 16)).toBe('Destination unreachable (Unknown code: 16)');
    expect(info(12, 1)).toBe('Parameter problem    (Required option missing)');
    expect(info(40, 5)).toBe('Photuris             (Need Authorization)');
    expect(info(7, 0)).toBe('Unknown ICMP (obsolete or malformed?)');
    expect(info(30, 0)).toBe('Traceroute          ');
  });
});

describe('ICMP in fragments', () => {
  const icmp = buildPacket([{ proto: 'icmp', type: 8, id: 0x4242, seq: 1 }, { proto: 'data', bytes: new Uint8Array(2000).fill(0x61) }]);
  const frags = [
    buildPacket([{ proto: 'eth' }, { proto: 'ip', src: '10.1.1.1', dst: '10.1.1.2', id: 77, mf: true, protocol: 1 }, { proto: 'data', bytes: icmp.subarray(0, 1480) }]),
    buildPacket([{ proto: 'eth' }, { proto: 'ip', src: '10.1.1.1', dst: '10.1.1.2', id: 77, fragOffset: 185, protocol: 1 }, { proto: 'data', bytes: icmp.subarray(1480) }]),
  ];

  it('a reassembled ping is checksummed over the whole message', () => {
    const session = newSession();
    dissect(frags[0]!, { session, number: 1 });
    const pkt = dissect(frags[1]!, { session, number: 2 });
    expect(pkt.colInfo).toBe('Echo (ping) request  id=0x4242, seq=1/256, ttl=64');
    expect(num(pkt, 'icmp.checksum.status')).toBe(1);
    expect(num(pkt, 'data.len')).toBe(2000);
  });

  it('without reassembly, the first fragment is dissected but its checksum is not verified', () => {
    const pkt = dissect(frags[0]!, { options: { prefs: ['ip.defragment:FALSE'] } });
    expect(num(pkt, 'icmp.type')).toBe(8);
    expect(num(pkt, 'icmp.checksum.status')).toBe(2);
    expect(experts(pkt)).toEqual([]);
  });
});

describe('ICMP builder', () => {
  it('echo request and reply pair after a build/decode round trip', () => {
    const mk = (type: number, src: string, dst: string) =>
      buildPacket([{ proto: 'eth' }, { proto: 'ip', src, dst, ttl: 61 }, { proto: 'icmp', type, id: 0x1234, seq: 7 }, { proto: 'data', bytes: 'abcdefgh12345678' }]);
    const [req, rep] = twoPass([
      { data: mk(8, '192.0.2.1', '192.0.2.2'), tsSec: 100, tsNsec: 0 },
      { data: mk(0, '192.0.2.2', '192.0.2.1'), tsSec: 100, tsNsec: 2_500_000 },
    ]);
    expect(num(req!, 'ip.proto')).toBe(1);
    expect(num(req!, 'icmp.checksum.status')).toBe(1);
    expect(req!.colInfo).toBe('Echo (ping) request  id=0x1234, seq=7/1792, ttl=61 (reply in 2)');
    expect(rep!.colInfo).toBe('Echo (ping) reply    id=0x1234, seq=7/1792, ttl=61 (request in 1)');
    expect(num(rep!, 'icmp.resptime')).toBeCloseTo(2.5, 9);
    expect(num(rep!, 'data.len')).toBe(16);
  });

  it('a port unreachable quoting a built datagram (header + 8 bytes)', () => {
    const b = buildPacket([
      { proto: 'eth' },
      { proto: 'ip', src: '198.51.100.1', dst: '192.0.2.1' },
      { proto: 'icmp', type: 3, code: 3, quoteLen: 28 },
      { proto: 'ip', src: '192.0.2.1', dst: '198.51.100.1', ttl: 1 },
      { proto: 'udp', sport: 40000, dport: 33434 },
      { proto: 'data', bytes: new Uint8Array(32) },
    ]);
    const pkt = dissect(b);
    expect(pkt.colInfo).toBe('Destination unreachable (Port unreachable)');
    expect(num(pkt, 'icmp.checksum.status')).toBe(1);
    expect(nums(pkt, 'ip.proto')).toEqual([1, 17]);
    expect(nums(pkt, 'ip.len')).toEqual([20 + 8 + 28, 60]);
    expect(num(pkt, 'udp.dstport')).toBe(33434);
    expect(pkt.malformed).toBe(false);
    noException(pkt);
  });

  it('fragmentation needed with an MTU and a given (wrong) checksum', () => {
    const b = buildPacket([
      { proto: 'eth' },
      { proto: 'ip', src: '198.51.100.1', dst: '192.0.2.1' },
      { proto: 'icmp', type: 3, code: 4, mtu: 1400, checksum: 0xbeef },
      { proto: 'ip', src: '192.0.2.1', dst: '203.0.113.9', df: true },
      { proto: 'data', bytes: new Uint8Array(8) },
    ]);
    const pkt = dissect(b);
    expect(num(pkt, 'icmp.mtu')).toBe(1400);
    expect(num(pkt, 'icmp.checksum')).toBe(0xbeef);
    expect(num(pkt, 'icmp.checksum.status')).toBe(0);
  });
});

describe('ICMP broken lengths', () => {
  it('a message shorter than its 8-byte header is malformed', () => {
    const b = buildPacket([{ proto: 'ip', src: '10.0.0.1', dst: '10.0.0.2', protocol: 1 }, { proto: 'data', bytes: Uint8Array.of(8, 0, 0xf7, 0xff, 0) }]);
    const pkt = dissect(b, { linkType: 228 });
    expect(pkt.malformed).toBe(true);
    expect(num(pkt, 'icmp.type')).toBe(8);
    noException(pkt);
  });

  it('a message cut by the snap length is truncated and its checksum unverified', () => {
    const cut = PING.data.subarray(0, 14 + 20 + 12);
    const pkt = dissect(cut, { origLen: PING.data.length });
    expect(pkt.malformed).toBe(false);
    expect(num(pkt, 'icmp.checksum.status')).toBe(2);
    noException(pkt);
    rangesInside(pkt);
  });

  it('never throws on any prefix of real packets', () => {
    for (const whole of [PING.data, PORT_UNREACH, TTL_EXCEEDED_MPLS, REDIRECT, TIMESTAMP_REPLY, EXT_ECHO_REQUEST, EXT_ECHO_REPLY]) {
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

  it('never throws on corrupted bytes inside the ICMP message', () => {
    let seed = 12345;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) >>> 0) >>> 16) & 0xff;
    for (const whole of [PORT_UNREACH, TTL_EXCEEDED_MPLS, EXT_ECHO_REPLY]) {
      for (let k = 0; k < 300; k++) {
        const b = whole.slice();
        for (let j = 0; j < 4; j++) b[34 + (rnd() * 7 + rnd()) % (b.length - 34)] = rnd();
        const pkt = dissect(b);
        noException(pkt);
        rangesInside(pkt);
      }
    }
  });
});

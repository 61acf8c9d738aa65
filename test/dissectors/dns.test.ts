/**
 * DNS, mDNS and LLMNR over UDP: real packets (the tshark 4.0.17 line above each), packets built
 * with the DNS builder (the tshark line their capture gave), request/response pairing in one and
 * two passes, and hostile messages (compression loops, lengths past the end) that must end in a
 * malformed mark with bounded work, never an exception.
 */
import { describe, expect, it } from 'vitest';
import { dissectFrame, Packet, newSession, secondPass } from '../../src/dissectors/index.js';
import type { Session } from '../../src/dissectors/packet.js';
import { fieldById, fieldByName } from '../../src/dissectors/fields.js';
import { fieldText } from '../../src/dissectors/format.js';
import { buildPacket, type LayerSpec } from '../../src/dissectors/build.js';
import { buildDnsMessage, type DnsMessageSpec } from '../../src/dissectors/dns/build.js';
import { readName } from '../../src/dissectors/dns/names.js';
import { DNS_LIMITS } from '../../src/dissectors/dns/fields.js';

function hex(s: string): Uint8Array {
  return Uint8Array.from(s.match(/../g)!.map((h) => parseInt(h, 16)));
}

function dissect(data: Uint8Array, session: Session = newSession(), number = 1, tsSec = 0, tsNsec = 0): Packet {
  const pkt = new Packet(session, true);
  pkt.reset({ number, tsSec, tsNsec, hasTime: true, capLen: data.length, origLen: data.length, linkType: 1, interfaceId: 0, direction: 0, data });
  dissectFrame(pkt);
  return pkt;
}

/** Every value of a field as `tshark -T fields` prints it. */
function vals(pkt: Packet, name: string): string[] {
  const f = fieldByName(name);
  if (!f) throw new Error(`no field ${name}`);
  const out: string[] = [];
  for (let i = 0; i < pkt.n; i++) if (pkt.fid[i] === f.id) out.push(fieldText(pkt, i));
  return out;
}

function udp(dns: DnsMessageSpec | Uint8Array, o: { src?: string; dst?: string; sport?: number; dport?: number } = {}): Uint8Array {
  const layers: LayerSpec[] = [
    { proto: 'eth', src: '02:00:00:00:00:01', dst: '02:00:00:00:00:02' },
    { proto: 'ip', src: o.src ?? '10.0.0.1', dst: o.dst ?? '10.0.0.53', ttl: 64 },
    { proto: 'udp', sport: o.sport ?? 33333, dport: o.dport ?? 53 },
    dns instanceof Uint8Array ? { proto: 'data', bytes: dns } : { proto: 'dns', ...dns },
  ];
  return buildPacket(layers);
}

describe('DNS over UDP: real packets', () => {
  it('decodes a query with EDNS (tcpdump/dns_udp.pcap #1)', () => {
    // 1	Standard query 0x5934 A www.tcpdump.org OPT
    const p = dissect(hex('00112233446600112233445508004500005459cd0000401194aec0a8010bd157f912abbe003500407824593401200001000000000001037777770774637064756d70036f72670000010001000029100000000000000c000a000842f5d00996f90b13'));
    expect(p.colProtocol).toBe('DNS');
    expect(p.colInfo).toBe('Standard query 0x5934 A www.tcpdump.org OPT');
    expect(vals(p, 'dns.id')).toEqual(['0x5934']);
    expect(vals(p, 'dns.flags.response')).toEqual(['0']);
    expect(vals(p, 'dns.flags.rcode')).toEqual([]);
    expect(vals(p, 'dns.qry.name')).toEqual(['www.tcpdump.org']);
    expect(vals(p, 'dns.rr.udp_payload_size')).toEqual(['4096']);
    expect(vals(p, 'dns.opt.code')).toEqual(['10']);
    expect(vals(p, 'dns.opt.cookie.client')).toEqual(['42f5d00996f90b13']);
    expect(p.protocols.join(':')).toBe('eth:ethertype:ip:udp:dns');
    expect(p.malformed).toBe(false);
  });

  it('decodes a compressed response over all sections (tcpdump/dns_udp.pcap #2)', () => {
    // 2	Standard query response 0x5934 A www.tcpdump.org A 192.139.46.66 A 198.199.88.104 NS sns.cooperix.net NS nic.sandelman.ca A 209.87.249.18 AAAA 2607:f0b0:f::babe:f00d A 97.107.133.15 AAAA 2600:3c03::f03c:91ff:fe96:e8ef OPT
    const p = dissect(hex('0011223344550011223344660800450000fc002d00008011ada6d157f912c0a8010b0035abbe00e8c454593485000001000200020005037777770774637064756d70036f72670000010001c00c000100010000003c0004c08b2e42c00c000100010000003c0004c6c75868c0100002000100015180001203736e7308636f6f7065726978036e657400c01000020001000151800012036e69630973616e64656c6d616e02636100c06b000100010000012c0004d157f912c06b001c00010000012c00102607f0b0000f000000000000babef00dc04d0001000100001c200004616b850fc04d001c000100001c20001026003c0300000000f03c91fffe96e8ef0000291000000000000000'));
    expect(p.colInfo).toBe('Standard query response 0x5934 A www.tcpdump.org A 192.139.46.66 A 198.199.88.104 NS sns.cooperix.net NS nic.sandelman.ca A 209.87.249.18 AAAA 2607:f0b0:f::babe:f00d A 97.107.133.15 AAAA 2600:3c03::f03c:91ff:fe96:e8ef OPT');
    expect(vals(p, 'dns.a')).toEqual(['192.139.46.66', '198.199.88.104', '209.87.249.18', '97.107.133.15']);
    expect(vals(p, 'dns.aaaa')).toEqual(['2607:f0b0:f::babe:f00d', '2600:3c03::f03c:91ff:fe96:e8ef']);
    expect(vals(p, 'dns.ns')).toEqual(['sns.cooperix.net', 'nic.sandelman.ca']);
    expect(vals(p, 'dns.count.answers')).toEqual(['2']);
    expect(vals(p, 'dns.flags.rcode')).toEqual(['0']);
    expect(vals(p, 'dns.flags.authoritative')).toEqual(['1']);
  });

  it('decodes CAA (zeek/dns-caa.pcap #2) and HTTPS (zeek/dns-https.pcap #2)', () => {
    // 2	Standard query response 0x355e CAA google.com CAA
    const caa = dissect(hex('7831c1c63fc29059af5b66d4080045200057b46e00003511ef1508080808c0a8113a0035e58300439278355e8180000100010000000006676f6f676c6503636f6d0001010001c00c010100010000544900130005697373756573796d616e7465632e636f6d'));
    expect(caa.colInfo).toBe('Standard query response 0x355e CAA google.com CAA');
    expect(vals(caa, 'dns.caa.tag')).toEqual(['issue']);
    expect(vals(caa, 'dns.caa.issue')).toEqual(['symantec.com']);
    // 2	Standard query response 0xf29f HTTPS cloudflare.com HTTPS OPT
    const https = dissect(hex('a483e716790294917f51717f0800450000a21eac4000401197eac0a80101c0a801630035f602008e4918f29f818000010001000000010a636c6f7564666c61726503636f6d0000410001c00c0041000100000081004f000100000100180268330568332d32390568332d32380568332d323702683200040008681084e5681085e500060020260647000000000000000000681084e5260647000000000000000000681085e50000291000000000000000'));
    expect(https.colInfo).toBe('Standard query response 0xf29f HTTPS cloudflare.com HTTPS OPT');
    expect(vals(https, 'dns.svcb.svcparam.alpn')).toEqual(['h3', 'h3-29', 'h3-28', 'h3-27', 'h2']);
    expect(vals(https, 'dns.svcb.svcparam.ipv4hint.ip')).toEqual(['104.16.132.229', '104.16.133.229']);
    expect(vals(https, 'dns.svcb.svcparam.ipv6hint.ip')).toEqual(['2606:4700::6810:84e5', '2606:4700::6810:85e5']);
    expect(https.malformed).toBe(false);
  });
});

describe('DNS builder and decoder agree with tshark', () => {
  // Each Info text is what tshark 4.0.17 printed for the packet built from the spec.
  const cases: Array<[string, DnsMessageSpec, string, { sport?: number; dport?: number; dst?: string }?]> = [
    ['query', { id: 0x1234, questions: [{ name: 'example.com' }] }, 'DNS|Standard query 0x1234 A example.com'],
    ['NXDOMAIN with SOA', { id: 0x99, response: true, rcode: 3, questions: [{ name: 'nope.example' }], authority: [{ name: 'example', type: 'SOA', data: { mname: 'ns.example', rname: 'h.example', serial: 1 } }] }, 'DNS|Standard query response 0x0099 No such name A nope.example SOA ns.example'],
    ['CNAME and AAAA', { id: 2, response: true, questions: [{ name: 'www.x.org', type: 'AAAA' }], answers: [{ name: 'www.x.org', type: 'CNAME', data: 'x.org' }, { name: 'x.org', type: 'AAAA', data: '2001:db8::1' }] }, 'DNS|Standard query response 0x0002 AAAA www.x.org CNAME x.org AAAA 2001:db8::1'],
    ['MX and NS', { id: 3, response: true, questions: [{ name: 'x.org', type: 'MX' }], answers: [{ name: 'x.org', type: 'MX', data: { preference: 10, exchange: 'mail.x.org' } }], authority: [{ name: 'x.org', type: 'NS', data: 'ns1.x.org' }] }, 'DNS|Standard query response 0x0003 MX x.org MX 10 mail.x.org NS ns1.x.org'],
    ['PTR', { id: 4, response: true, questions: [{ name: '4.3.2.1.in-addr.arpa', type: 'PTR' }], answers: [{ name: '4.3.2.1.in-addr.arpa', type: 'PTR', data: 'host.x.org' }] }, 'DNS|Standard query response 0x0004 PTR 4.3.2.1.in-addr.arpa PTR host.x.org'],
    ['TXT', { id: 5, response: true, questions: [{ name: 'x.org', type: 'TXT' }], answers: [{ name: 'x.org', type: 'TXT', data: ['v=spf1 -all', 'second'] }] }, 'DNS|Standard query response 0x0005 TXT x.org TXT'],
    ['SRV', { id: 6, response: true, questions: [{ name: '_sip._tcp.x.org', type: 'SRV' }], answers: [{ name: '_sip._tcp.x.org', type: 'SRV', data: { priority: 1, weight: 2, port: 5060, target: 'sip.x.org' } }] }, 'DNS|Standard query response 0x0006 SRV _sip._tcp.x.org SRV 1 2 5060 sip.x.org'],
    ['EDNS client subnet, cookie, DO', { id: 9, questions: [{ name: 'x.org' }], edns: { udpSize: 4096, do: true, clientSubnet: '10.1.2.0/24', cookie: { client: new Uint8Array(8).fill(1) } } }, 'DNS|Standard query 0x0009 A x.org OPT'],
    ['NSEC', { id: 12, response: true, rcode: 3, questions: [{ name: 'a.x.org' }], authority: [{ name: 'x.org', type: 'NSEC', data: Uint8Array.of(1, 0x62, 0, 0, 6, 0x62, 0, 0, 0, 0, 3) }] }, 'DNS|Standard query response 0x000c No such name A a.x.org NSEC b'],
    ['unknown type', { id: 13, response: true, questions: [{ name: 'x.org', type: 1000 }], answers: [{ name: 'x.org', type: 1000, data: Uint8Array.of(1, 2, 3) }] }, 'DNS|Standard query response 0x000d Unknown (1000) x.org Unknown (1000)'],
    ['root', { id: 14, questions: [{ name: '', type: 'NS' }] }, 'DNS|Standard query 0x000e NS <Root>'],
    ['mDNS query', { id: 0, rd: false, questions: [{ name: '_http._tcp.local', type: 'PTR', qu: true }, { name: 'x.local', type: 'A' }] }, 'MDNS|Standard query 0x0000 PTR _http._tcp.local, "QU" question A x.local, "QM" question', { sport: 5353, dport: 5353, dst: '224.0.0.251' }],
    ['mDNS response', { id: 0, rd: false, response: true, aa: true, answers: [{ name: 'x.local', type: 'A', cacheFlush: true, data: '10.0.0.9' }, { name: 'svc._http._tcp.local', type: 'SRV', cacheFlush: true, data: { priority: 0, weight: 0, port: 80, target: 'x.local' } }] }, 'MDNS|Standard query response 0x0000 A, cache flush 10.0.0.9 SRV, cache flush 0 0 80 x.local', { sport: 5353, dport: 5353, dst: '224.0.0.251' }],
    ['LLMNR', { id: 0x4f7b, rd: false, questions: [{ name: 'User-PC', type: 'ANY' }] }, 'LLMNR|Standard query 0x4f7b ANY User-PC', { dport: 5355, dst: '224.0.0.252' }],
    ['dynamic update', { id: 15, opcode: 5, rd: false, questions: [{ name: 'x.org', type: 'SOA' }], authority: [{ name: 'h.x.org', type: 'A', data: '1.1.1.1' }] }, 'DNS|Dynamic update 0x000f SOA x.org A 1.1.1.1'],
    ['refused', { id: 18, response: true, rcode: 5, questions: [{ name: 'x.org' }] }, 'DNS|Standard query response 0x0012 Refused A x.org'],
  ];
  for (const [label, spec, line, o] of cases) {
    it(label, () => {
      const p = dissect(udp(spec, o));
      expect(`${p.colProtocol}|${p.colInfo}`).toBe(line);
      expect(p.malformed).toBe(false);
    });
  }

  it('compresses names and the decoder expands them', () => {
    const m = buildDnsMessage({ id: 1, response: true, questions: [{ name: 'a.example.com' }], answers: [{ name: 'a.example.com', type: 'CNAME', data: 'b.example.com' }] });
    const plain = buildDnsMessage({ id: 1, response: true, compress: false, questions: [{ name: 'a.example.com' }], answers: [{ name: 'a.example.com', type: 'CNAME', data: 'b.example.com' }] });
    expect(m.length).toBeLessThan(plain.length);
    for (const b of [m, plain]) {
      const p = dissect(udp(b));
      expect(vals(p, 'dns.cname')).toEqual(['b.example.com']);
      expect(vals(p, 'dns.resp.name')).toEqual(['a.example.com']);
    }
  });

  it('the TCP form carries the two-byte length', () => {
    const m = buildDnsMessage({ id: 7, questions: [{ name: 'x.org' }], tcp: true });
    expect((m[0]! << 8) | m[1]!).toBe(m.length - 2);
  });
});

describe('DNS transactions', () => {
  const q = udp({ id: 0x77, questions: [{ name: 'x.org' }] });
  const r = udp({ id: 0x77, response: true, questions: [{ name: 'x.org' }], answers: [{ name: 'x.org', type: 'A', data: '1.2.3.4' }] }, { src: '10.0.0.53', dst: '10.0.0.1', sport: 53, dport: 33333 });

  it('two passes: the query names its response, the response its query and the time', () => {
    const s = newSession();
    s.pass = 1;
    dissect(q, s, 1, 100, 0);
    dissect(r, s, 2, 100, 25_000_000);
    secondPass(s);
    const p1 = dissect(q, s, 1, 100, 0);
    const p2 = dissect(r, s, 2, 100, 25_000_000);
    expect(vals(p1, 'dns.response_in')).toEqual(['2']);
    expect(vals(p2, 'dns.response_to')).toEqual(['1']);
    expect(vals(p2, 'dns.time')).toEqual(['0.025000000']);
  });

  it('one pass: the response names its query', () => {
    const s = newSession();
    dissect(q, s, 1, 100, 0);
    const p2 = dissect(r, s, 2, 100, 5_000_000);
    expect(vals(p2, 'dns.response_to')).toEqual(['1']);
    expect(vals(p2, 'dns.time')).toEqual(['0.005000000']);
  });

  it('a repeated query before any answer is a retransmission (tshark: "DNS query retransmission. Original request in frame 1")', () => {
    const s = newSession();
    s.pass = 1;
    dissect(q, s, 1, 100, 0);
    dissect(q, s, 2, 101, 0);
    dissect(r, s, 3, 101, 1000);
    secondPass(s);
    dissect(q, s, 1, 100, 0);
    const p2 = dissect(q, s, 2, 101, 0);
    const p3 = dissect(r, s, 3, 101, 1000);
    expect(p2.expert.map((e) => e.message)).toContain('DNS query retransmission. Original request in frame 1');
    expect(vals(p2, 'dns.retransmit_request_in')).toEqual(['1']);
    expect(vals(p3, 'dns.response_to')).toEqual(['1']);
  });

  it('a response without a query is unsolicited', () => {
    const s = newSession();
    s.pass = 1;
    dissect(r, s, 1);
    secondPass(s);
    expect(vals(dissect(r, s, 1), 'dns.unsolicited')).toEqual(['1']);
  });
});

describe('hostile DNS messages end in a malformed mark, never a throw', () => {
  const header = (qd: number, an = 0) => [0x12, 0x34, 0x81, 0x80, 0, qd, 0, an, 0, 0, 0, 0];

  it('a compression pointer to itself (a loop)', () => {
    const p = dissect(udp(Uint8Array.from([...header(1), 0xc0, 12, 0, 1, 0, 1])));
    expect(p.malformed).toBe(true);
    expect(p.expert.some((e) => e.message.includes('compression pointer loop'))).toBe(true);
    expect(p.colInfo).toBe('Standard query response 0x1234[Malformed Packet]');
  });

  it('two pointers that point at each other', () => {
    const p = dissect(udp(Uint8Array.from([...header(1), 0xc0, 14, 0xc0, 12, 0, 1, 0, 1])));
    expect(p.malformed).toBe(true);
  });

  it('a label and a pointer past the end of the message', () => {
    expect(dissect(udp(Uint8Array.from([...header(1), 40, 0x61, 0x62]))).malformed).toBe(true);
    expect(dissect(udp(Uint8Array.from([...header(1), 0xc0, 200, 0, 1, 0, 1]))).malformed).toBe(true);
  });

  it('record data longer than the message', () => {
    const good = buildDnsMessage({ id: 1, response: true, questions: [{ name: 'x.org' }], answers: [{ name: 'x.org', type: 'A', data: '1.2.3.4' }] });
    const bad = good.slice();
    bad[bad.length - 5] = 0x40; // rdlength 0x4004
    const p = dissect(udp(bad));
    expect(p.malformed).toBe(true);
    expect(vals(p, 'dns.a')).toEqual([]);
  });

  it('counts far beyond the data', () => {
    const p = dissect(udp(Uint8Array.from([...header(0xffff, 0xffff), 0, 0, 1, 0, 1])));
    expect(p.malformed).toBe(true);
  });

  it('a name longer than 255 bytes', () => {
    const labels: number[] = [];
    for (let i = 0; i < 5; i++) labels.push(63, ...new Array(63).fill(0x61));
    const p = dissect(udp(Uint8Array.from([...header(1), ...labels, 0, 0, 1, 0, 1])));
    expect(p.malformed).toBe(true);
  });

  it('readName follows at most DNS_LIMITS.maxPointerHops pointers', () => {
    // A chain of pointers, each to the previous one, longer than the limit.
    const n = DNS_LIMITS.maxPointerHops + 10;
    const b = new Uint8Array(2 + 2 * n);
    b[0] = 1;
    b[1] = 0x61; // "a" then ...
    for (let i = 0; i < n; i++) {
      const at = 2 + 2 * i;
      const to = i === 0 ? 0 : at - 2;
      b[at] = 0xc0 | (to >> 8);
      b[at + 1] = to & 0xff;
    }
    readName(b, 0, b.length, b.length - 2, true);
    // The chain never ends in a zero byte inside the limit: it is reported, not followed forever.
    const p = dissect(udp(Uint8Array.from([...header(1), 0xc0, 12])));
    expect(p.malformed).toBe(true);
  });

  it('random bytes on port 53: no exception, every item inside the packet (seeded)', () => {
    let seed = 12345;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
    const base = buildDnsMessage({ id: 1, response: true, questions: [{ name: 'a.example.com' }], answers: [{ name: 'a.example.com', type: 'CNAME', data: 'b.example.com' }, { name: 'b.example.com', type: 'A', data: '1.2.3.4' }], edns: { cookie: { client: new Uint8Array(8) } } });
    for (let k = 0; k < 2000; k++) {
      const m = base.slice(0, Math.max(0, Math.floor(rnd() * (base.length + 4))));
      for (let j = 0; j < 4; j++) if (m.length) m[Math.floor(rnd() * m.length)] = Math.floor(rnd() * 256);
      const p = dissect(udp(m));
      expect(p.expert.filter((e) => e.message.includes('Exception'))).toEqual([]);
      for (let i = 0; i < p.n; i++) {
        const src = p.sources[p.src[i]!]!;
        expect(p.start[i]! + p.len[i]!, fieldById(p.fid[i]!).abbrev).toBeLessThanOrEqual(src.length);
      }
    }
  });
});

describe('DNS over TCP, from the reassembled stream', () => {
  // A handshake, two queries in one segment, then two responses cut into four segments at
  // arbitrary points. tshark 4.0.17 -2 on the capture of these packets:
  //   1 TCP  40000 → 53 [SYN] Seq=0 Win=65535 Len=0
  //   2 TCP  53 → 40000 [SYN, ACK] Seq=0 Ack=1 Win=65535 Len=0
  //   3 TCP  40000 → 53 [ACK] Seq=1 Ack=1 Win=65535 Len=0
  //   4 DNS  Standard query 0x0202 AAAA two.example                      dns.id 0x0101,0x0202
  //   5 TCP  53 → 40000 [ACK] Seq=1 Ack=63 Win=65535 Len=1 [TCP segment of a reassembled PDU]        tcp.reassembled_in 7
  //   6 TCP  53 → 40000 [PSH, ACK] Seq=2 Ack=63 Win=65535 Len=29 [TCP segment of a reassembled PDU]  tcp.reassembled_in 7
  //   7 DNS  Standard query response 0x0101 A one.example A 192.0.2.1 A 192.0.2.2   dns.response_to 4, tcp.reassembled_in 8
  //   8 DNS  Standard query response 0x0202 AAAA two.example AAAA 2001:db8::2       dns.response_to 4
  const C = { ip: '10.0.0.1', port: 40000 };
  const S = { ip: '10.0.0.53', port: 53 };
  const q1 = buildDnsMessage({ id: 0x0101, questions: [{ name: 'one.example' }], tcp: true });
  const q2 = buildDnsMessage({ id: 0x0202, questions: [{ name: 'two.example', type: 'AAAA' }], tcp: true });
  const r1 = buildDnsMessage({ id: 0x0101, response: true, ra: true, questions: [{ name: 'one.example' }], answers: [{ name: 'one.example', type: 'A', data: '192.0.2.1' }, { name: 'one.example', type: 'A', data: '192.0.2.2' }], tcp: true });
  const r2 = buildDnsMessage({ id: 0x0202, response: true, ra: true, questions: [{ name: 'two.example', type: 'AAAA' }], answers: [{ name: 'two.example', type: 'AAAA', data: '2001:db8::2' }], tcp: true });
  const cat = (...a: Uint8Array[]) => Uint8Array.from(a.flatMap((x) => [...x]));
  let cseq = 1000;
  let sseq = 5000;
  const seg = (fromClient: boolean, flags: string, payload = new Uint8Array(0)): Uint8Array => {
    const [a, b] = fromClient ? [C, S] : [S, C];
    const p = buildPacket([
      { proto: 'eth', src: '02:00:00:00:00:01', dst: '02:00:00:00:00:02' },
      { proto: 'ip', src: a.ip, dst: b.ip, ttl: 64 },
      { proto: 'tcp', sport: a.port, dport: b.port, seq: fromClient ? cseq : sseq, ack: flags.includes('A') ? (fromClient ? sseq : cseq) : 0, flags },
      { proto: 'data', bytes: payload },
    ]);
    const inc = payload.length + (flags.includes('S') ? 1 : 0);
    if (fromClient) cseq += inc;
    else sseq += inc;
    return p;
  };
  const both = cat(r1, r2);
  const frames = [seg(true, 'S'), seg(false, 'SA'), seg(true, 'A'), seg(true, 'PA', cat(q1, q2)), seg(false, 'A', both.slice(0, 1)), seg(false, 'PA', both.slice(1, 30)), seg(false, 'PA', both.slice(30, r1.length + 5)), seg(false, 'PA', both.slice(r1.length + 5))];

  function run(twoPass: boolean): Packet[] {
    const s = newSession();
    if (twoPass) {
      s.pass = 1;
      frames.forEach((f, i) => dissect(f, s, i + 1, 100, i * 1_000_000));
      secondPass(s);
    }
    return frames.map((f, i) => dissect(f, s, i + 1, 100, i * 1_000_000));
  }

  it('dissects each message in the frame that completes it, as tshark -2', () => {
    const p = run(true);
    expect(p.map((x) => `${x.colProtocol} ${x.colInfo}`).slice(3)).toEqual([
      'DNS Standard query 0x0202 AAAA two.example',
      'TCP 53 → 40000 [ACK] Seq=1 Ack=63 Win=65535 Len=1 [TCP segment of a reassembled PDU]',
      'TCP 53 → 40000 [PSH, ACK] Seq=2 Ack=63 Win=65535 Len=29 [TCP segment of a reassembled PDU]',
      'DNS Standard query response 0x0101 A one.example A 192.0.2.1 A 192.0.2.2',
      'DNS Standard query response 0x0202 AAAA two.example AAAA 2001:db8::2',
    ]);
    expect(vals(p[3]!, 'dns.id')).toEqual(['0x0101', '0x0202']);
    expect(vals(p[3]!, 'dns.length')).toEqual([String(q1.length - 2), String(q2.length - 2)]);
    expect(vals(p[4]!, 'tcp.reassembled_in')).toEqual(['7']);
    expect(vals(p[5]!, 'tcp.reassembled_in')).toEqual(['7']);
    expect(vals(p[6]!, 'tcp.reassembled_in')).toEqual(['8']);
    expect(vals(p[6]!, 'dns.response_to')).toEqual(['4']);
    expect(vals(p[7]!, 'dns.response_to')).toEqual(['4']);
    expect(vals(p[6]!, 'dns.a')).toEqual(['192.0.2.1', '192.0.2.2']);
    // The message completed by frame 7 is read from the reassembled bytes.
    expect(p[6]!.sourceNames).toContain(`Reassembled TCP (${r1.length} bytes)`);
    for (const x of p) expect(x.malformed).toBe(false);
  });

  it('one pass gives the same columns', () => {
    expect(run(false).map((x) => x.colInfo)).toEqual(run(true).map((x) => x.colInfo));
  });
});

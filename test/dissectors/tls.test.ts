/**
 * TLS records from reassembled TCP streams: a real TLS 1.1 handshake (tshark 4.0.17 lines), a
 * ClientHello with SNI/ALPN/supported_versions, the record parser fed the same bytes split at
 * every offset, and hostile records (endless lengths, 2^24-byte handshake lengths) that stay
 * bounded and never throw.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { dissectFile } from '../../src/cli/dissect-file.js';
import { dissectFrame, Packet, newSession, secondPass } from '../../src/dissectors/index.js';
import { fieldByName } from '../../src/dissectors/fields.js';
import { fieldText } from '../../src/dissectors/format.js';
import { buildPacket } from '../../src/dissectors/build.js';
import { tlsRecords } from '../../src/dissectors/tls.js';
import { feedSegment, newBudget, StreamDirection, type PduSink } from '../../src/analysis/reassembly.js';

function vals(pkt: Packet, name: string): string[] {
  const f = fieldByName(name)!;
  const out: string[] = [];
  for (let i = 0; i < pkt.n; i++) if (pkt.fid[i] === f.id) out.push(fieldText(pkt, i));
  return out;
}

const u16 = (v: number) => [v >> 8, v & 0xff];
const u24 = (v: number) => [v >> 16, (v >> 8) & 0xff, v & 0xff];
function record(type: number, body: number[], version = 0x0303): number[] {
  return [type, ...u16(version), ...u16(body.length), ...body];
}
function ext(type: number, body: number[]): number[] {
  return [...u16(type), ...u16(body.length), ...body];
}
/** A ClientHello (RFC 8446 4.1.2) offering TLS 1.3 and 1.2, with SNI and ALPN. */
function clientHello(sni: string, alpn: string[]): number[] {
  const name = [...Buffer.from(sni)];
  const protos = alpn.flatMap((p) => [p.length, ...Buffer.from(p)]);
  const exts = [
    ...ext(0, [...u16(name.length + 3), 0, ...u16(name.length), ...name]),
    ...ext(16, [...u16(protos.length), ...protos]),
    ...ext(43, [4, 0x03, 0x04, 0x03, 0x03]),
  ];
  const body = [...u16(0x0303), ...new Array(32).fill(7), 0, ...u16(4), 0x13, 0x01, 0xc0, 0x2f, 1, 0, ...u16(exts.length), ...exts];
  return [1, ...u24(body.length), ...body];
}

function tcpFrames(payloads: Uint8Array[], dport = 443): Packet[] {
  let seq = 1000;
  const frames = [
    buildPacket([{ proto: 'eth' }, { proto: 'ip', src: '10.0.0.1', dst: '10.0.0.2' }, { proto: 'tcp', sport: 50000, dport, seq: seq++, flags: 'S' }]),
    ...payloads.map((p) => {
      const f = buildPacket([{ proto: 'eth' }, { proto: 'ip', src: '10.0.0.1', dst: '10.0.0.2' }, { proto: 'tcp', sport: 50000, dport, seq, ack: 1, flags: 'PA' }, { proto: 'data', bytes: p }]);
      seq += p.length;
      return f;
    }),
  ];
  const s = newSession();
  s.pass = 1;
  const run = () => frames.map((data, i) => {
    const pkt = new Packet(s, s.pass === 2);
    pkt.reset({ number: i + 1, tsSec: 0, tsNsec: 0, hasTime: true, capLen: data.length, origLen: data.length, linkType: 1, interfaceId: 0, direction: 0, data });
    dissectFrame(pkt);
    return pkt;
  });
  run();
  secondPass(s);
  return run();
}

describe('TLS ClientHello from a reassembled stream', () => {
  const hello = Uint8Array.from(record(22, clientHello('www.example.com', ['h2', 'http/1.1']), 0x0301));

  it('decodes SNI, ALPN, cipher suites and supported versions in the frame that completes the record', () => {
    const p = tcpFrames([hello.slice(0, 3), hello.slice(3, 60), hello.slice(60)]);
    expect(p.map((x) => x.colProtocol)).toEqual(['TCP', 'TCP', 'TCP', 'TLSv1']);
    expect(p[1]!.colInfo).toMatch(/\[TCP segment of a reassembled PDU\]$/);
    expect(p[3]!.colInfo).toBe('Client Hello');
    expect(vals(p[3]!, 'tls.handshake.extensions_server_name')).toEqual(['www.example.com']);
    expect(vals(p[3]!, 'tls.handshake.extensions_alpn_str')).toEqual(['h2', 'http/1.1']);
    expect(vals(p[3]!, 'tls.handshake.ciphersuite')).toEqual(['0x1301', '0xc02f']);
    expect(vals(p[3]!, 'tls.handshake.extensions.supported_version')).toEqual(['0x0304', '0x0303']);
    expect(vals(p[3]!, 'tls.record.version')).toEqual(['0x0301']);
    expect(vals(p[1]!, 'tcp.reassembled_in')).toEqual(['4']);
  });

  it('finds TLS on another port by its ClientHello (heuristic), and not in other data', () => {
    const p = tcpFrames([hello.slice(0, 100), hello.slice(100)], 8400);
    expect(p.map((x) => x.colProtocol)).toEqual(['TCP', 'TCP', 'TLSv1']);
    expect(vals(p[2]!, 'tls.handshake.extensions_server_name')).toEqual(['www.example.com']);
    const other = tcpFrames([Uint8Array.from(Buffer.from('GET / HTTP/1.1\r\nHost: x\r\n\r\n'))], 8400);
    expect(other.map((x) => x.colProtocol)).toEqual(['TCP', 'TCP']);
  });

  it('the record parser gives the same records however the stream is split', () => {
    const stream = Uint8Array.from([...hello, ...record(20, [1]), ...record(23, new Array(40).fill(9)), ...record(21, [1, 0])]);
    const feed = (cuts: number[]): string[] => {
      const out: string[] = [];
      const sink: PduSink = { pdu: (d, o, e) => void out.push(Buffer.from(d.subarray(o, e)).toString('hex')), partial() {}, gap() {}, error: (m) => void out.push(`error ${m}`) };
      const dir = new StreamDirection();
      dir.sync(0);
      const pts = [0, ...cuts, stream.length];
      for (let i = 0; i + 1 < pts.length; i++) feedSegment(dir, newBudget(), tlsRecords, { outOfOrder: false }, pts[i]!, stream.slice(pts[i], pts[i + 1]), 0, pts[i + 1]! - pts[i]!, i + 1, sink);
      return out;
    };
    const whole = feed([]);
    expect(whole).toHaveLength(4);
    for (let k = 1; k < stream.length; k++) expect(feed([k]), `split at ${k}`).toEqual(whole);
  });

  it('hostile records: an endless length and a 2^24-byte handshake length stay bounded, never throw', () => {
    const endless = Uint8Array.from([22, 3, 3, 0xff, 0xff, 1, 0xff, 0xff, 0xff]);
    const huge = Uint8Array.from(record(22, [1, 0xff, 0xff, 0xff, 3, 3, 0, 0]));
    const p = tcpFrames([endless, new Uint8Array(1400), huge]);
    for (const x of p) expect(x.expert.filter((e) => e.message.includes('Exception'))).toEqual([]);
    expect(p[1]!.colProtocol).toBe('TCP');
    let seed = 7;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
    for (let k = 0; k < 300; k++) {
      const b = hello.slice(0, Math.floor(rnd() * hello.length));
      for (let j = 0; j < 3; j++) if (b.length) b[Math.floor(rnd() * b.length)] = Math.floor(rnd() * 256);
      for (const x of tcpFrames([b])) expect(x.expert.filter((e) => e.message.includes('Exception'))).toEqual([]);
    }
  });
});

const capture = join(import.meta.dirname, '../../../shared/corpus/public/zeek/tls/tls1_1.pcap');

describe.skipIf(!existsSync(capture))('TLS 1.1 handshake (../shared/corpus zeek/tls/tls1_1.pcap)', () => {
  it('has tshark -2 columns on every frame', async () => {
    // tshark -n -2 -r tls1_1.pcap (4.0.17), Protocol and Info of each frame.
    const tshark = [
      'TCP 62987 → 443 [SYN] Seq=0 Win=65535 Len=0 MSS=1460 WS=32 TSval=521348442 TSecr=0 SACK_PERM',
      'TCP 443 → 62987 [SYN, ACK] Seq=0 Ack=1 Win=44160 Len=0 MSS=1380 SACK_PERM WS=512',
      'TCP 62987 → 443 [ACK] Seq=1 Ack=1 Win=262144 Len=0',
      'TLSv1.1 Client Hello',
      'TCP 443 → 62987 [ACK] Seq=1 Ack=201 Win=88064 Len=0',
      'TLSv1.1 Server Hello',
      'TCP 443 → 62987 [ACK] Seq=1431 Ack=201 Win=88064 Len=1430 [TCP segment of a reassembled PDU]',
      'TCP 62987 → 443 [ACK] Seq=201 Ack=2861 Win=259264 Len=0',
      'TCP [TCP Window Update] 62987 → 443 [ACK] Seq=201 Ack=2861 Win=262144 Len=0',
      'TLSv1.1 Certificate',
      'TLSv1.1 Server Key Exchange, Server Hello Done',
      'TCP 62987 → 443 [ACK] Seq=201 Ack=4510 Win=260480 Len=0',
      'TLSv1.1 Client Key Exchange, Change Cipher Spec, Encrypted Handshake Message',
      'TLSv1.1 New Session Ticket, Change Cipher Spec, Encrypted Handshake Message',
      'TCP 62987 → 443 [ACK] Seq=351 Ack=4813 Win=261824 Len=0',
      'TLSv1.1 Encrypted Alert',
      'TCP 62987 → 443 [FIN, ACK] Seq=404 Ack=4813 Win=262144 Len=0',
      'TCP [TCP Dup ACK 14#1] 443 → 62987 [ACK] Seq=4813 Ack=351 Win=90112 Len=0 SLE=404 SRE=405',
      'TCP [TCP Retransmission] 62987 → 443 [FIN, PSH, ACK] Seq=351 Ack=4813 Win=262144 Len=53',
      'TCP 443 → 62987 [ACK] Seq=4813 Ack=405 Win=90112 Len=0',
      'TCP 443 → 62987 [FIN, ACK] Seq=4813 Ack=405 Win=90112 Len=0',
      'TCP 62987 → 443 [ACK] Seq=405 Ack=4814 Win=262112 Len=0',
      'TCP [TCP Dup ACK 20#1] 443 → 62987 [ACK] Seq=4814 Ack=405 Win=90112 Len=0 SLE=351 SRE=405',
    ];
    const ours: string[] = [];
    let server = '';
    await dissectFile(capture, { columns: true, twoPass: true, count: 0 }, (pkt) => {
      ours.push(`${pkt.colProtocol} ${pkt.colInfo}`);
      if (pkt.colInfo === 'Server Hello') server = vals(pkt, 'tls.handshake.ciphersuite').join();
    });
    expect(ours).toEqual(tshark);
    expect(server).toBe('0xc013');
  });
});

/**
 * TLS records from reassembled TCP streams: a real TLS 1.1 handshake (tshark 4.0.17 lines), a
 * ClientHello with SNI/ALPN/supported_versions, the record parser fed the same bytes split at
 * every offset, and hostile records (endless lengths, 2^24-byte handshake lengths) that stay
 * bounded and never throw. Then whole TLS 1.2 and TLS 1.3 conversations built with our packet
 * builders (every handshake message, a Certificate split over records and segments, several
 * messages per record, HelloRetryRequest, compatibility ChangeCipherSpec, encrypted records),
 * written to a pcap and read by live tshark 4.0 `-2` (installed by .ci/run; the test fails, not
 * skips, without it): fields, JA3/JA3S and columns must be tshark's frame by frame. The handshake
 * reassembly is checked by cutting the same messages into records of every size and the stream into
 * segments at every offset; the TLS tap by the events a listener receives.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeCapture } from '../../src/capture/writer.js';
import { treeText } from '../../src/render/output.js';
import { TLS_TAP, type TlsTapRecord } from '../../src/dissectors/tls/types.js';
import { HANDSHAKE_LIMITS, tlsHandshakeBytesHeld } from '../../src/dissectors/tls/records.js';
import { dissectFile } from '../../src/pipeline/index.js';
import { dissectFrame, Packet, newSession, secondPass } from '../../src/dissectors/index.js';
import { fieldByName } from '../../src/dissectors/fields.js';
import { fieldText } from '../../src/dissectors/format.js';
import { buildPacket } from '../../src/dissectors/build.js';
import { tlsRecords } from '../../src/dissectors/tls/records.js';
import { feedSegment, newBudget, StreamDirection, type PduSink } from '../../src/dissectors/tcp/reassembly.js';
import { corpusFile, describeCorpusMissing } from '../corpus.js';

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
    // Other data (here HTTP, which its own heuristic may take) is not TLS.
    const other = tcpFrames([Uint8Array.from(Buffer.from('GET / HTTP/1.1\r\nHost: x\r\n\r\n'))], 8400);
    expect(other.map((x) => x.colProtocol.startsWith('TLS') || x.colProtocol.startsWith('SSL'))).toEqual([false, false]);
    expect(vals(other[1]!, 'tls.record.content_type')).toEqual([]);
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

const capture = corpusFile('zeek/tls/tls1_1.pcap');

if (!existsSync(capture)) describeCorpusMissing('TLS 1.1 handshake (../shared/corpus zeek/tls/tls1_1.pcap)');
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

// --- whole conversations built with our builders, checked against live tshark -2

const scratch = mkdtempSync(join(tmpdir(), 'wl-tls-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const hs = (type: number, body: number[]): number[] => [type, ...u24(body.length), ...body];
const fill = (n: number, v: number): number[] => new Array<number>(n).fill(v);
const vec8 = (b: number[]): number[] => [b.length, ...b];
const vec16 = (b: number[]): number[] => [...u16(b.length), ...b];
const list16 = (vs: number[]): number[] => vec16(vs.flatMap(u16));
const alpnExt = (ps: string[]): number[] => ext(16, vec16(ps.flatMap((p) => vec8([...Buffer.from(p)]))));

/** Two self-signed EC P-256 certificates made with openssl for these tests (server, CA). */
const CERT_SERVER = [...Buffer.from('MIIBuDCCAV6gAwIBAgIBBzAKBggqhkjOPQQDAjA7MQswCQYDVQQGEwJERTEWMBQGA1UECgwNd2lyZWxpdGUgdGVzdDEUMBIGA1UEAwwLc2VydmVyLnRlc3QwHhcNMjYxMTI3MTQ1ODI1WhcNMzYxMTI0MTQ1ODI1WjA7MQswCQYDVQQGEwJERTEWMBQGA1UECgwNd2lyZWxpdGUgdGVzdDEUMBIGA1UEAwwLc2VydmVyLnRlc3QwWTATBgcqhkjOPQIBBggqhkjOPQMBBwNCAARQzvQDu9+M8D//tYdnsCpjUmX0R2rL04iJmOkydg53d1Xi/N674GMdE0ai9TDz7E1YwBBFPBkF0Ughiw2fqT0Oo1MwUTAdBgNVHQ4EFgQU5DNkyeNLOa9RmrAwuwJzsupXc7QwHwYDVR0jBBgwFoAU5DNkyeNLOa9RmrAwuwJzsupXc7QwDwYDVR0TAQH/BAUwAwEB/zAKBggqhkjOPQQDAgNIADBFAiAMJk5EZhcXX0Uvv5dOq77WrR9bZc8O0f/e6uK1HHLmiwIhAIZxXYhKWH7AsOjTmptLPjIyirqbYq4M35+18AecL3Nh', 'base64')];
const CERT_CA = [...Buffer.from('MIIBljCCATygAwIBAgIBATAKBggqhkjOPQQDAjAqMRYwFAYDVQQKDA13aXJlbGl0ZSB0ZXN0MRAwDgYDVQQDDAdUZXN0IENBMB4XDTI2MTEyNzE0NTgyNVoXDTM2MTEyNDE0NTgyNVowKjEWMBQGA1UECgwNd2lyZWxpdGUgdGVzdDEQMA4GA1UEAwwHVGVzdCBDQTBZMBMGByqGSM49AgEGCCqGSM49AwEHA0IABP8yWSDwJUsKTPAxvSEpjeSsz6MZR/lfZPeiVUHYO7hb8weoFzfJ1V3qUN1yIE5uomHVoF2esSSeb3ERAK/dogyjUzBRMB0GA1UdDgQWBBTJWLo/JAZrJ54mExSRHgYNhoZ98zAfBgNVHSMEGDAWgBTJWLo/JAZrJ54mExSRHgYNhoZ98zAPBgNVHRMBAf8EBTADAQH/MAoGCCqGSM49BAMCA0gAMEUCIQCEk78dRCIn/lFu0MRFMio0lH60NCJ6vn+AMXUU71eB6gIgf1c0HJUbfJSB3a/PyJG3hzqTGBJjOvdkTMziGlUI4Jc=', 'base64')];

/** A ClientHello (RFC 8446 4.1.2) with every extension the dissector decodes, GREASE and an unknown one. */
function fullClientHello(keyShares: [number, number][], extra: number[] = []): number[] {
  const exts = [
    ...ext(0x1a1a, []),
    ...ext(0, [...u16(14), 0, ...u16(11), ...Buffer.from('server.test')]),
    ...ext(23, []),
    ...ext(65281, [0]),
    ...ext(10, list16([0x3a3a, 0x001d, 0x0017, 0x0018])),
    ...ext(11, vec8([0])),
    ...ext(35, []),
    ...alpnExt(['h2', 'http/1.1']),
    ...ext(13, list16([0x0403, 0x0804, 0x0401, 0x0503])),
    ...ext(51, vec16(keyShares.flatMap(([g, n]) => [...u16(g), ...vec16(fill(n, 0x42))]))),
    ...ext(45, vec8([1])),
    ...ext(42, []),
    ...ext(43, vec8([0x5a, 0x5a, 0x03, 0x04, 0x03, 0x03])),
    ...ext(0xfe99, [1, 2, 3]),
    ...extra,
    ...ext(21, fill(20, 0)),
  ];
  const ciphers = [0x0a0a, 0x1301, 0x1302, 0xc02b, 0xc02f, 0x009c];
  return hs(1, [...u16(0x0303), ...fill(32, 0x11), ...vec8(fill(32, 0x22)), ...list16(ciphers), ...vec8([0]), ...vec16(exts)]);
}

interface Seg {
  c: boolean;
  bytes: number[];
}

/** Frames of a TCP connection (handshake, then each segment), client 10.0.0.1:50000, server port 443. */
function connection(segs: Seg[], port = 443): Uint8Array[] {
  const C = { ip: '10.0.0.1', port: 50000 };
  const S = { ip: '10.0.0.2', port };
  const seq = { c: 1000, s: 7000 };
  const mk = (c: boolean, flags: string, b: number[]) => {
    const [a, z] = c ? [C, S] : [S, C];
    return buildPacket([
      { proto: 'eth', src: '02:00:00:00:00:01', dst: '02:00:00:00:00:02' },
      { proto: 'ip', src: a.ip, dst: z.ip },
      { proto: 'tcp', sport: a.port, dport: z.port, seq: c ? seq.c : seq.s, ack: c ? seq.s : seq.c, flags, window: 65535 },
      ...(b.length ? [{ proto: 'data' as const, bytes: Uint8Array.from(b) }] : []),
    ]);
  };
  const out = [mk(true, 'S', [])];
  seq.c++;
  out.push(mk(false, 'SA', []));
  seq.s++;
  out.push(mk(true, 'A', []));
  for (const s of segs) {
    out.push(mk(s.c, 'PA', s.bytes));
    if (s.c) seq.c += s.bytes.length;
    else seq.s += s.bytes.length;
  }
  return out;
}

function run(frames: Uint8Array[], pass2Only = true, onTls?: (r: TlsTapRecord) => void): Packet[] {
  const s = newSession();
  if (onTls) s.taps.add(TLS_TAP, onTls);
  s.pass = 1;
  const once = () => frames.map((data, i) => {
    const pkt = new Packet(s, true);
    pkt.reset({ number: i + 1, tsSec: 1_700_000_000 + i, tsNsec: 0, hasTime: true, capLen: data.length, origLen: data.length, linkType: 1, interfaceId: 0, direction: 0, data });
    dissectFrame(pkt);
    return pkt;
  });
  const first = once();
  if (!pass2Only) return first;
  secondPass(s);
  return once();
}

let fileNo = 0;
/** Our values (two passes) and tshark -2's for each frame, field by field. */
function againstTshark(frames: Uint8Array[], fields: string[]): { ours: string[][]; theirs: string[][] } {
  const path = join(scratch, `c${fileNo++}.pcap`);
  writeFileSync(path, encodeCapture('pcap-ns', { interfaces: [{ id: 0, linkType: 1, snapLen: 262144, fcsLen: 0 }] }, frames.map((data, i) => ({
    number: i + 1, tsSec: 1_700_000_000 + i, tsNsec: 0, hasTime: true, capLen: data.length, origLen: data.length, linkType: 1, interfaceId: 0, direction: 0, data,
  }))));
  const out = execFileSync('tshark', ['-n', '-2', '-r', path, '-T', 'fields', ...fields.flatMap((f) => ['-e', f]), '-E', 'separator=|'], {
    encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], env: { ...process.env, WIRESHARK_CONFIG_DIR: scratch },
  });
  const theirs = out.trimEnd().split('\n').map((l) => l.split('|'));
  const ours = run(frames).map((p) => fields.map((f) => (f === '_ws.col.Protocol' ? p.colProtocol : f === '_ws.col.Info' ? p.colInfo : vals(p, f).join(','))));
  return { ours, theirs };
}

const COMPARED = [
  '_ws.col.Protocol', '_ws.col.Info', 'tls.record.content_type', 'tls.record.opaque_type', 'tls.record.version', 'tls.record.length',
  'tls.handshake.type', 'tls.handshake.length', 'tls.handshake.version', 'tls.handshake.random', 'tls.handshake.session_id_length',
  'tls.handshake.session_id', 'tls.handshake.cipher_suites_length', 'tls.handshake.ciphersuite', 'tls.handshake.comp_methods_length',
  'tls.handshake.comp_method', 'tls.handshake.extensions_length', 'tls.handshake.extension.type', 'tls.handshake.extension.len',
  'tls.handshake.extension.data', 'tls.handshake.extensions_server_name', 'tls.handshake.extensions_server_name_len',
  'tls.handshake.extensions_alpn_str', 'tls.handshake.extensions_alpn_len', 'tls.handshake.extensions.supported_version',
  'tls.handshake.extensions.supported_versions_len', 'tls.handshake.extensions_supported_group',
  'tls.handshake.extensions_supported_groups_length', 'tls.handshake.extensions_ec_point_format', 'tls.handshake.sig_hash_alg',
  'tls.handshake.sig_hash_alg_len', 'tls.handshake.extensions_key_share_client_length', 'tls.handshake.extensions_key_share_group',
  'tls.handshake.extensions_key_share_key_exchange_length', 'tls.handshake.extensions_key_share_selected_group',
  'tls.extension.psk_ke_modes_length', 'tls.extension.psk_ke_mode', 'tls.handshake.extensions.cookie_len',
  'tls.handshake.extensions_padding_data', 'tls.handshake.extensions_reneg_info_len', 'tls.handshake.certificates_length',
  'tls.handshake.certificate_length', 'tls.handshake.certificate', 'tls.handshake.server_curve_type', 'tls.handshake.server_named_curve',
  'tls.handshake.server_point_len', 'tls.handshake.sig_len', 'tls.handshake.client_point_len', 'tls.handshake.epms_len',
  'tls.handshake.session_ticket_lifetime_hint', 'tls.handshake.session_ticket_length', 'tls.handshake.cert_types_count',
  'tls.handshake.dnames_len', 'tls.alert_message.level', 'tls.alert_message.desc', 'tls.handshake.fragment',
  'tls.handshake.fragment.count', 'tls.handshake.ja3_full', 'tls.handshake.ja3', 'tls.handshake.ja3s_full', 'tls.handshake.ja3s',
];

/** A TLS 1.2 (ECDHE) conversation; the server's Certificate is split over two records and three segments. */
function tls12(): Seg[] {
  const ch = fullClientHello([[0x001d, 32]]);
  const sh = hs(2, [...u16(0x0303), ...fill(32, 0x33), ...vec8(fill(32, 0x22)), ...u16(0xc02f), 0,
    ...vec16([...ext(65281, [0]), ...ext(11, vec8([0])), ...ext(23, []), ...alpnExt(['h2'])])]);
  const certs = [CERT_SERVER, CERT_CA].flatMap((c) => [...u24(c.length), ...c]);
  const cert = hs(11, [...u24(certs.length), ...certs]);
  const ske = hs(12, [3, ...u16(0x001d), ...vec8(fill(32, 0x55)), ...u16(0x0403), ...vec16(fill(70, 0x66))]);
  const creq = hs(13, [...vec8([1, 64]), ...list16([0x0403, 0x0804]), ...u16(0)]);
  const shd = hs(14, []);
  const r1 = record(22, [...sh, ...cert.slice(0, 300)]);
  const r2 = record(22, [...cert.slice(300), ...ske, ...creq, ...shd]);
  const server1 = [...r1, ...r2];
  const cke = hs(16, vec8(fill(32, 0x77)));
  const nst = hs(4, [...[0, 0, 0x1c, 0x20], ...vec16(fill(100, 0x88))]);
  return [
    { c: true, bytes: record(22, ch, 0x0301) },
    { c: false, bytes: server1.slice(0, 200) },
    { c: false, bytes: server1.slice(200, 700) },
    { c: false, bytes: server1.slice(700) },
    { c: true, bytes: [...record(22, hs(11, u24(0))), ...record(22, cke), ...record(20, [1]), ...record(22, fill(40, 0x99))] },
    { c: false, bytes: [...record(22, nst), ...record(20, [1]), ...record(22, fill(40, 0xaa))] },
    { c: true, bytes: record(23, fill(60, 0xbb)) },
    { c: false, bytes: [...record(23, fill(300, 0xcc)), ...record(23, fill(20, 0xcd))] },
    { c: true, bytes: record(21, fill(26, 0xdd)) },
  ];
}

/** TLS 1.3 with a HelloRetryRequest, compatibility ChangeCipherSpecs and encrypted records. */
function tls13(): Seg[] {
  const hrrRandom = [...Buffer.from('cf21ad74e59a6111be1d8c021e65b891c2a211167abb8c5e079e09e2c8a8339c', 'hex')];
  const hrr = hs(2, [...u16(0x0303), ...hrrRandom, ...vec8(fill(32, 0x22)), ...u16(0x1301), 0,
    ...vec16([...ext(43, u16(0x0304)), ...ext(51, u16(0x0017)), ...ext(44, vec16(fill(16, 0x44)))])]);
  const sh = hs(2, [...u16(0x0303), ...fill(32, 0x34), ...vec8(fill(32, 0x22)), ...u16(0x1301), 0,
    ...vec16([...ext(43, u16(0x0304)), ...ext(51, [...u16(0x0017), ...vec16(fill(65, 0x45))])])]);
  return [
    { c: true, bytes: record(22, fullClientHello([[0x001d, 32]]), 0x0301) },
    { c: false, bytes: [...record(22, hrr), ...record(20, [1])] },
    { c: true, bytes: [...record(20, [1]), ...record(22, fullClientHello([[0x0017, 65]], ext(44, vec16(fill(16, 0x44)))))] },
    { c: false, bytes: [...record(22, sh), ...record(23, fill(40, 1)), ...record(23, fill(900, 2))] },
    { c: false, bytes: [...record(23, fill(300, 3)), ...record(23, fill(60, 4))] },
    { c: true, bytes: [...record(23, fill(53, 5)), ...record(23, fill(80, 6))] },
    { c: false, bytes: [...record(23, fill(200, 7)), ...record(23, fill(19, 8))] },
  ];
}

describe('TLS conversations built with our builders, read by tshark -2 and by wirelite', () => {
  beforeAll(() => {
    expect(spawnSync('tshark', ['--version']).status, 'tshark must be installed (apt-get install tshark)').toBe(0);
  });

  it('TLS 1.2: every handshake message, a Certificate over records and segments, JA3/JA3S, encrypted records', () => {
    const { ours, theirs } = againstTshark(connection(tls12()), COMPARED);
    expect(ours).toEqual(theirs);
    const col = (f: string) => ours.map((r) => r[COMPARED.indexOf(f)]);
    // The scenario does what it says (so the comparison cannot pass on empty output).
    expect(col('_ws.col.Info').slice(3)).toEqual([
      'Client Hello', '443 → 50000 [PSH, ACK] Seq=1 Ack=278 Win=65535 Len=200 [TCP segment of a reassembled PDU]', 'Server Hello',
      'Certificate, Server Key Exchange, Certificate Request, Server Hello Done',
      'Certificate, Client Key Exchange, Change Cipher Spec, Encrypted Handshake Message',
      'New Session Ticket, Change Cipher Spec, Encrypted Handshake Message', 'Application Data', 'Application Data, Application Data', 'Encrypted Alert',
    ]);
    expect(col('tls.handshake.certificate_length')[6]).toBe(`${CERT_SERVER.length},${CERT_CA.length}`);
    expect(col('tls.handshake.fragment')[6]).toBe('6,7');
    expect(col('tls.handshake.ja3')[3]).toMatch(/^[0-9a-f]{32}$/);
    expect(col('tls.handshake.session_ticket_lifetime_hint')[8]).toBe('7200');
  });

  it('TLS 1.3: HelloRetryRequest, compatibility ChangeCipherSpec, the second ClientHello, opaque records', () => {
    const { ours, theirs } = againstTshark(connection(tls13()), COMPARED);
    expect(ours).toEqual(theirs);
    const col = (f: string) => ours.map((r) => r[COMPARED.indexOf(f)]);
    expect(col('_ws.col.Protocol').slice(3)).toEqual(new Array(7).fill('TLSv1.3'));
    expect(col('_ws.col.Info')[5]).toBe('Change Cipher Spec, Client Hello');
    expect(col('tls.handshake.extensions_key_share_selected_group')[4]).toBe('23');
    expect(col('tls.record.opaque_type')[6]).toBe('23,23');
  });

  it('a handshake message started in one record and ended in the next; a header split over records; a 2^16-byte first fragment is encrypted', () => {
    const sh = hs(2, [...u16(0x0303), ...fill(32, 1), 0, ...u16(0x002f), 0, ...u16(0)]);
    const shd = hs(14, []);
    const a = connection([
      { c: false, bytes: record(22, [...sh, ...shd.slice(0, 2)]) },
      { c: false, bytes: record(22, shd.slice(2)) },
      { c: false, bytes: record(22, [11, ...u24(5000), ...fill(1000, 5)]) },
      { c: false, bytes: record(22, [11, ...u24(0x10000), ...fill(1000, 5)]) },
    ]);
    const f = ['_ws.col.Info', 'tls.handshake.type', 'tls.handshake.length', 'tls.record.length'];
    const { ours, theirs } = againstTshark(a, f);
    expect(ours).toEqual(theirs);
    expect(ours.slice(3).map((r) => r[0])).toEqual(['Server Hello', 'Server Hello Done', '[Certificate Fragment]', '']);
  });
});

/** The TLS subtrees of each frame's detail text (`Transport Layer Security` to the next top line). */
function tlsTrees(text: string): string[] {
  const out: string[] = [];
  let on = false;
  for (const line of text.split('\n')) {
    if (/^Frame \d+:/.test(line)) out.push('--');
    if (line.startsWith('Transport Layer Security')) on = true;
    else if (/^\S/.test(line)) on = false;
    if (on) out.push(line);
  }
  return out;
}

/**
 * What wirelite leaves out of the TLS tree on purpose, removed from tshark's: the X.509 dissection of
 * each certificate (below its `Certificate:` line) and the HTTP dissector's guess of the protocol of
 * application data (`Application Data Protocol: Hypertext Transfer Protocol`); long byte strings are
 * compared on their first 36 bytes (tshark cuts them there with `…`); wirelite's JA4/JA4S lines are
 * not in tshark 4.0; the day of `GMT Unix Time` is space-padded by tshark.
 */
function normaliseTree(lines: string[], ours: boolean): string[] {
  const out: string[] = [];
  let skipBelow = -1;
  for (let line of lines) {
    if (!line.trim()) continue;
    const indent = line.length - line.trimStart().length;
    if (skipBelow >= 0 && indent > skipBelow) continue;
    skipBelow = -1;
    if (/^\s+Certificate: /.test(line) && !/Length/.test(line)) skipBelow = indent;
    if (ours && /^\s+\[JA4S?: /.test(line)) continue;
    if (/^\s+\[Application Data Protocol: /.test(line)) continue;
    line = line.replace(/Application Data Protocol: Hyper[Tt]ext Transfer Protocol( 2)?$/, 'Application Data Protocol: Application Data');
    line = line.replace(/^(\s+[^:]+: )([0-9a-f]{72})[0-9a-f]+/, '$1$2…').replace(/^(\s+[^:]+: [0-9a-f]{72})…( \(|$)/, '$1…$2');
    line = line.replace(/GMT Unix Time: (\w{3}) 0(\d),/, 'GMT Unix Time: $1  $2,');
    out.push(line);
  }
  return out;
}

describe('TLS detail tree (-V) as tshark -V on built conversations', () => {
  for (const [name, segs] of [['TLS 1.2', tls12], ['TLS 1.3 with HelloRetryRequest', tls13]] as const) {
    it(name, () => {
      const frames = connection(segs());
      const path = join(scratch, `v${fileNo++}.pcap`);
      writeFileSync(path, encodeCapture('pcap-ns', { interfaces: [{ id: 0, linkType: 1, snapLen: 262144, fcsLen: 0 }] }, frames.map((data, i) => ({
        number: i + 1, tsSec: 1_700_000_000 + i, tsNsec: 0, hasTime: true, capLen: data.length, origLen: data.length, linkType: 1, interfaceId: 0, direction: 0, data,
      }))));
      const theirs = execFileSync('tshark', ['-n', '-2', '-r', path, '-V'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], env: { ...process.env, WIRESHARK_CONFIG_DIR: scratch } });
      const ours = run(frames).map((p) => treeText(p)).join('');
      const a = normaliseTree(tlsTrees(ours), true);
      const b = normaliseTree(tlsTrees(theirs), false);
      expect(a.length).toBeGreaterThan(150);
      expect(a).toEqual(b);
    });
  }
});

describe('TLS handshake reassembly: the same messages however they are cut', () => {
  const messages = (() => {
    const segs = tls12();
    // The client's and server's handshake messages in the clear, as one byte string each.
    const sh = hs(2, [...u16(0x0303), ...fill(32, 0x33), ...vec8(fill(32, 0x22)), ...u16(0xc02f), 0, ...vec16(ext(65281, [0]))]);
    const certs = [CERT_SERVER, CERT_CA].flatMap((c) => [...u24(c.length), ...c]);
    void segs;
    return [...sh, ...hs(11, [...u24(certs.length), ...certs]), ...hs(12, [3, ...u16(0x001d), ...vec8(fill(32, 0x55)), ...u16(0x0403), ...vec16(fill(70, 0x66))]), ...hs(14, [])];
  })();
  const FIELDS = ['tls.handshake.type', 'tls.handshake.length', 'tls.handshake.ciphersuite', 'tls.handshake.certificates_length', 'tls.handshake.certificate_length', 'tls.handshake.server_named_curve', 'tls.handshake.sig_len'];
  const summary = (pkts: Packet[]) => FIELDS.map((f) => pkts.flatMap((p) => vals(p, f)).join(','));
  const ch = record(22, clientHelloFor(), 0x0301);
  function clientHelloFor(): number[] {
    return fullClientHello([[0x001d, 32]]);
  }
  const whole = summary(run(connection([{ c: true, bytes: ch }, { c: false, bytes: record(22, messages) }])));

  it('records of every size from 1 byte to the whole flight give the same messages', () => {
    expect(whole[0]).toBe('1,2,11,12,14');
    for (let size = 1; size <= messages.length; size += size < 64 ? 1 : 97) {
      const recs: number[] = [];
      for (let k = 0; k < messages.length; k += size) recs.push(...record(22, messages.slice(k, k + size)));
      expect(summary(run(connection([{ c: true, bytes: ch }, { c: false, bytes: recs }]))), `records of ${size} bytes`).toEqual(whole);
    }
  });

  it('the stream split into two segments at every offset gives the same messages', () => {
    const recs: number[] = [];
    for (let k = 0; k < messages.length; k += 300) recs.push(...record(22, messages.slice(k, k + 300)));
    for (let cut = 1; cut < recs.length; cut++) {
      const got = summary(run(connection([{ c: true, bytes: ch }, { c: false, bytes: recs.slice(0, cut) }, { c: false, bytes: recs.slice(cut) }])));
      expect(got, `split at ${cut}`).toEqual(whole);
    }
  });
});

describe('TLS hostile handshakes', () => {
  it('a 2^24-byte handshake length ends in a malformed mark; its bytes are counted, not kept', () => {
    const sh = hs(2, [...u16(0x0303), ...fill(32, 1), 0, ...u16(0x002f), 0, ...u16(0)]);
    const segs: Seg[] = [{ c: false, bytes: record(22, [...sh, 11, 0xff, 0xff, 0xff, ...fill(100, 5)]) }];
    for (let i = 0; i < 200; i++) segs.push({ c: false, bytes: record(22, fill(16000, 6)) });
    const frames = connection(segs);
    const s = newSession();
    const pkts = frames.map((data, i) => {
      const pkt = new Packet(s, true);
      pkt.reset({ number: i + 1, tsSec: i, tsNsec: 0, hasTime: true, capLen: data.length, origLen: data.length, linkType: 1, interfaceId: 0, direction: 0, data });
      dissectFrame(pkt);
      return pkt;
    });
    expect(pkts[3]!.malformed).toBe(true);
    expect(pkts[3]!.expert.map((e) => e.message).join()).toMatch(/TLS handshake message of 16777215 bytes: over the reassembly limit/);
    for (const p of pkts) expect(p.expert.filter((e) => e.message.includes('Exception'))).toEqual([]);
    // 3.2 MB of the message went by; nothing of it is held.
    expect(tlsHandshakeBytesHeld(s)).toBe(0);
    expect(pkts[100]!.colInfo).toBe('');
  });

  it('a message under the limit is held only while it is incomplete, then released', () => {
    const sh = hs(2, [...u16(0x0303), ...fill(32, 1), 0, ...u16(0x002f), 0, ...u16(0)]);
    const big = hs(11, [...u24(60000 - 3), ...u24(60000 - 6), ...fill(60000 - 6, 0x30)]);
    const s = newSession();
    const frames = connection([{ c: false, bytes: record(22, [...sh, ...big.slice(0, 100)]) }, { c: false, bytes: record(22, big.slice(100, 16000)) }, { c: false, bytes: record(22, big.slice(16000)) }]);
    const held: number[] = [];
    frames.forEach((data, i) => {
      const pkt = new Packet(s, true);
      pkt.reset({ number: i + 1, tsSec: i, tsNsec: 0, hasTime: true, capLen: data.length, origLen: data.length, linkType: 1, interfaceId: 0, direction: 0, data });
      dissectFrame(pkt);
      held.push(tlsHandshakeBytesHeld(s));
    });
    expect(held.slice(3)).toEqual([big.length, big.length, 0]);
    expect(HANDSHAKE_LIMITS.maxMessageBytes).toBeGreaterThan(big.length);
  });

  it('truncated and lying extension lengths end in a malformed mark, never a throw', () => {
    const good = fullClientHello([[0x001d, 32]]);
    let seed = 11;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
    // The body before the extensions: version, random, session id, 6 cipher suites, compression.
    const beforeExts = 2 + 32 + 33 + 14 + 2;
    for (let k = 0; k < 300; k++) {
      // A lying byte somewhere in the extensions: whatever it says, no throw.
      const m = good.slice();
      m[4 + beforeExts + Math.floor(rnd() * (m.length - 4 - beforeExts))] = Math.floor(rnd() * 256);
      for (const p of run(connection([{ c: true, bytes: record(22, m, 0x0301) }, { c: true, bytes: record(21, [2, 40]) }]), false)) {
        expect(p.expert.filter((e) => e.message.includes('Exception'))).toEqual([]);
      }
      // A hello cut short (its length says so): malformed unless it ends right before the extensions.
      const l = 1 + Math.floor(rnd() * (good.length - 5));
      const cut = [1, ...u24(l), ...good.slice(4, 4 + l)];
      const pkts = run(connection([{ c: true, bytes: record(22, cut, 0x0301) }]), false);
      expect(pkts[3]!.expert.filter((e) => e.message.includes('Exception'))).toEqual([]);
      expect(pkts[3]!.malformed, `cut to ${l} bytes`).toBe(l !== beforeExts);
      expect(pkts[3]!.colInfo).toBe(l !== beforeExts ? 'Client Hello[Malformed Packet]' : 'Client Hello');
    }
    // A ClientHello whose extensions length says more than the message holds.
    const cut = good.slice(0, good.length - 30);
    const short = [1, ...u24(cut.length - 4), ...cut.slice(4)];
    const p = run(connection([{ c: true, bytes: record(22, short, 0x0301) }]))[3]!;
    expect(p.malformed).toBe(true);
    expect(p.colInfo).toBe('Client Hello[Malformed Packet]');
  });
});

describe('TLS tap (src/dissectors/tls/types.ts contract)', () => {
  it('reports hellos, certificates, alerts, Finished, ChangeCipherSpec, application data, with frame, stream and direction', () => {
    const got: string[] = [];
    let hello: TlsTapRecord['hello'];
    let ders: string[] = [];
    const onTls = (r: TlsTapRecord): void => {
      got.push(`${r.frame} ${r.stream} ${r.fromClient ? 'c' : 's'} ${r.kind}${r.handshakeType !== undefined ? ` ${r.handshakeType}` : ''}${r.alertLevel !== undefined ? ` ${r.alertLevel}/${r.alertDescription}` : ''} ${r.length}`);
      if (r.kind === 'client_hello') hello = r.hello;
      if (r.kind === 'certificate' && !r.fromClient) ders = r.certificates!.map((c) => Buffer.from(c.der).toString('base64'));
    };
    run(connection(tls12()), true, onTls);
    expect(got).toEqual([
      '4 0 c client_hello 272', '6 0 s server_hello 100', '7 0 s certificate 867', '7 0 s handshake 12 114', '7 0 s handshake 13 15',
      '7 0 s handshake 14 4', '8 0 c certificate 7', '8 0 c handshake 16 37', '8 0 c change_cipher_spec 1', '8 0 c finished -1 40',
      '9 0 s handshake 4 110', '9 0 s change_cipher_spec 1', '9 0 s finished -1 40', '10 0 c app_data 60', '11 0 s app_data 300',
      '11 0 s app_data 20', '12 0 c alert -1/-1 26',
    ]);
    expect(hello).toMatchObject({ client: true, version: 0x0303, sni: 'server.test', alpn: ['h2', 'http/1.1'], groups: [0x3a3a, 0x001d, 0x0017, 0x0018], ecPointFormats: [0], supportedVersions: [0x5a5a, 0x0304, 0x0303] });
    expect(hello!.ciphers).toEqual([0x0a0a, 0x1301, 0x1302, 0xc02b, 0xc02f, 0x009c]);
    expect(hello!.extensions[0]).toBe(0x1a1a);
    expect(hello!.random).toBe('11'.repeat(32));
    expect(ders).toEqual([Buffer.from(CERT_SERVER).toString('base64'), Buffer.from(CERT_CA).toString('base64')]);
  });

  it('TLS 1.3 without keys: the server encrypted handshake and the client Finished are told apart from application data', () => {
    const got: string[] = [];
    run(connection(tls13()), true, (r) => void got.push(`${r.frame} ${r.fromClient ? 'c' : 's'} ${r.kind}`));
    expect(got).toEqual([
      '4 c client_hello', '5 s hello_retry_request', '5 s change_cipher_spec', '6 c change_cipher_spec', '6 c client_hello',
      '7 s server_hello', '7 s handshake', '7 s handshake', '8 s handshake', '8 s handshake', '9 c finished', '9 c app_data',
      '10 s app_data', '10 s app_data',
    ]);
  });

  it('a two-pass read reports each event once (the second pass only)', () => {
    let n = 0;
    run(connection(tls12()), true, () => void n++);
    expect(n).toBe(17);
  });
});

/**
 * JA3/JA3S against tshark 4.0 (`tls.handshake.ja3_full`, `ja3`, `ja3s_full`, `ja3s`) on every
 * ClientHello/ServerHello of the corpus TLS captures, and JA4/JA4S against the worked examples of
 * the published specification (FoxIO-LLC/ja4 technical_details/JA4.md, JA4S.md; tshark 4.0 has no
 * JA4). The hellos are parsed from the handshake bytes tshark shows (`-T json -x`) with a small
 * parser in this file, so the fingerprints are checked independently of tls.ts.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isGrease, ja3, ja3s, ja4, ja4Alpn, ja4Raw, ja4s, ja4sRaw } from '../../src/dissectors/tls/fingerprint.js';
import type { TlsHelloInfo } from '../../src/dissectors/tls/types.js';
import { corpusPublic, itCorpusMissing } from '../corpus.js';

const corpus = corpusPublic;

/** Parses a ClientHello/ServerHello handshake message (type, 24-bit length, body); null if not one. */
export function parseHello(b: Uint8Array): TlsHelloInfo | null {
  const type = b[0];
  if (type !== 1 && type !== 2) return null;
  const client = type === 1;
  let p = 4;
  // The whole message, as tshark shows it; anything else is not a hello (e.g. an encrypted record).
  const end = 4 + ((b[1]! << 16) | (b[2]! << 8) | b[3]!);
  if (end !== b.length) return null;
  const u8 = () => (p < end ? b[p++]! : -1);
  const u16 = () => (p + 2 <= end ? ((b[p++]! << 8) | b[p++]!) : -1);
  const h: TlsHelloInfo = { client, version: u16(), random: '', ciphers: [], extensions: [], groups: [], ecPointFormats: [], sigAlgs: [], alpn: [], sni: '', supportedVersions: [] };
  h.random = Buffer.from(b.subarray(p, p + 32)).toString('hex');
  p += 32;
  // TLS 1.3 drafts (0x7fxx) up to 22: a ServerHello without session id and compression method.
  const draftServer = !client && h.version >> 8 === 0x7f && (h.version & 0xff) < 22;
  if (!draftServer) {
    const sidLen = u8();
    p += sidLen; // session id
  }
  if (client) {
    const n = u16();
    for (let i = 0; i + 1 < n; i += 2) h.ciphers.push((b[p + i]! << 8) | b[p + i + 1]!);
    p += n;
    const compLen = u8();
    p += compLen; // compression methods
  } else {
    h.ciphers.push(u16());
    if (!draftServer) p += 1;
  }
  if (p + 2 > end) return h;
  const extLen = u16();
  const extEnd = Math.min(end, p + extLen);
  while (p + 4 <= extEnd) {
    const t = u16();
    const l = u16();
    const d = b.subarray(p, Math.min(p + l, extEnd));
    p += l;
    h.extensions.push(t);
    const list16 = (off: number): number[] => {
      const out: number[] = [];
      for (let i = off; i + 1 < d.length; i += 2) out.push((d[i]! << 8) | d[i + 1]!);
      return out;
    };
    if (t === 10) h.groups = list16(2);
    else if (t === 11) h.ecPointFormats = [...d.subarray(1, 1 + (d[0] ?? 0))];
    else if (t === 13) h.sigAlgs = list16(2);
    else if (t === 0 && d.length > 5) h.sni = Buffer.from(d.subarray(5, 5 + ((d[3]! << 8) | d[4]!))).toString('latin1');
    else if (t === 16) {
      for (let i = 2; i < d.length; i += 1 + d[i]!) h.alpn.push(Buffer.from(d.subarray(i + 1, i + 1 + d[i]!)).toString('latin1'));
    } else if (t === 43) h.supportedVersions = client ? list16(1) : list16(0);
  }
  return h;
}

const base = (over: Partial<TlsHelloInfo>): TlsHelloInfo => ({
  client: true,
  version: 0x0303,
  random: '00'.repeat(32),
  ciphers: [],
  extensions: [],
  groups: [],
  ecPointFormats: [],
  sigAlgs: [],
  alpn: [],
  sni: '',
  supportedVersions: [],
  ...over,
});

describe('JA4 / JA4S: the specification examples', () => {
  // JA4.md "Example": ciphers, extensions and signature algorithms in wire order, SNI and ALPN h2,
  // TLS 1.3 through supported_versions. GREASE added here must change nothing.
  const spec = base({
    ciphers: [0x0a0a, 0x1301, 0x1302, 0x1303, 0xc02b, 0xc02f, 0xc02c, 0xc030, 0xcca9, 0xcca8, 0xc013, 0xc014, 0x009c, 0x009d, 0x002f, 0x0035],
    extensions: [0x2a2a, 0x001b, 0x0000, 0x0033, 0x0010, 0x4469, 0x0017, 0x002d, 0x000d, 0x0005, 0x0023, 0x0012, 0x002b, 0xff01, 0x000b, 0x000a, 0x0015, 0xfafa],
    sigAlgs: [0x0403, 0x0804, 0x0401, 0x0503, 0x0805, 0x0501, 0x0806, 0x0601],
    alpn: ['h2', 'http/1.1'],
    sni: 'example.com',
    supportedVersions: [0x3a3a, 0x0304, 0x0303],
  });

  it('JA4 = t13d1516h2_8daaf6152771_e5627efa2ab1 and its raw form', () => {
    expect(ja4(spec)).toBe('t13d1516h2_8daaf6152771_e5627efa2ab1');
    expect(ja4Raw(spec)).toBe(
      't13d1516h2_002f,0035,009c,009d,1301,1302,1303,c013,c014,c02b,c02c,c02f,c030,cca8,cca9_0005,000a,000b,000d,0012,0015,0017,001b,0023,002b,002d,0033,4469,ff01_0403,0804,0401,0503,0805,0501,0806,0601',
    );
    expect(ja4(spec, true).startsWith('q13d1516h2_')).toBe(true);
  });

  it('no signature algorithms: the extension list alone (6d807ffa2a79); no ciphers/extensions: 000000000000', () => {
    expect(ja4({ ...spec, sigAlgs: [] }).split('_')[2]).toBe('6d807ffa2a79');
    const empty = base({ ciphers: [], extensions: [] });
    expect(ja4(empty)).toBe('t12i000000_000000000000_000000000000');
  });

  it('version: highest supported_versions entry only when the extension is present, else legacy_version', () => {
    expect(ja4(base({ version: 0x0301, ciphers: [0x2f] })).slice(0, 4)).toBe('t10i');
    // supported_versions list without extension 43 in the list: ignored.
    expect(ja4(base({ version: 0x0303, supportedVersions: [0x0304] })).slice(0, 3)).toBe('t12');
    expect(ja4(base({ version: 0x0300 })).slice(0, 3)).toBe('ts3');
    expect(ja4(base({ version: 0x1234 })).slice(0, 3)).toBe('t00');
  });

  it('ALPN: first and last character, or of the hex form when not alphanumeric (the spec list)', () => {
    const s = (...b: number[]) => String.fromCharCode(...b);
    expect(ja4Alpn([])).toBe('00');
    expect(ja4Alpn([''])).toBe('00');
    expect(ja4Alpn(['http/1.1'])).toBe('h1');
    expect(ja4Alpn(['h'])).toBe('hh');
    expect(ja4Alpn([s(0xab)])).toBe('ab');
    expect(ja4Alpn([s(0xab, 0xcd)])).toBe('ad');
    expect(ja4Alpn([s(0x30, 0xab)])).toBe('3b');
    expect(ja4Alpn([s(0x30, 0x31, 0xab, 0xcd)])).toBe('3d');
    expect(ja4Alpn([s(0x30, 0xab, 0xcd, 0x31)])).toBe('01');
  });

  it('counts over 99 print 99', () => {
    const many = base({ ciphers: Array.from({ length: 120 }, (_, i) => i + 1) });
    expect(ja4(many).slice(4, 8)).toBe('9900');
  });

  it('JA4S = t120400_c030_4e8089b08790 (JA4S.md)', () => {
    const sh = base({ client: false, ciphers: [0xc030], extensions: [0x0005, 0x0017, 0xff01, 0x0000] });
    expect(ja4s(sh)).toBe('t120400_c030_4e8089b08790');
    expect(ja4sRaw(sh)).toBe('t120400_c030_0005,0017,ff01,0000');
    const tls13 = base({ client: false, ciphers: [0x1301], extensions: [0x002b, 0x0033], supportedVersions: [0x0304], alpn: ['h2'] });
    expect(ja4s(tls13).startsWith('t1302h2_1301_')).toBe(true);
  });

  it('GREASE test follows RFC 8701', () => {
    const grease = Array.from({ length: 0x10000 }, (_, v) => v).filter(isGrease);
    expect(grease).toEqual(Array.from({ length: 16 }, (_, i) => i * 0x1010 + 0x0a0a));
  });
});

/** Every hello handshake message tshark shows in a file, with tshark's JA3 fields, per frame. */
async function tsharkHellos(file: string): Promise<{ frame: number; raw: string[]; ja3: string[]; ja3h: string[]; ja3s: string[]; ja3sh: string[] }[]> {
  const { stdout: out } = await promisify(execFile)('tshark', ['-n', '-r', file, '-Y', 'tls.handshake.type==1 || tls.handshake.type==2', '-T', 'json', '-x', '-J', 'frame tls', '--no-duplicate-keys'], { maxBuffer: 256 << 20 });
  const frames = JSON.parse(out) as { _source: { layers: Record<string, unknown> } }[];
  return frames.map((f) => {
    const r = { frame: 0, raw: [] as string[], ja3: [] as string[], ja3h: [] as string[], ja3s: [] as string[], ja3sh: [] as string[] };
    const walk = (v: unknown, key: string): void => {
      if (Array.isArray(v)) {
        if (key === 'tls.handshake_raw' && typeof v[0] === 'string') r.raw.push(v[0]);
        else for (const x of v) walk(x, key);
      } else if (v && typeof v === 'object') {
        for (const [k, x] of Object.entries(v)) walk(x, k);
      } else if (typeof v === 'string') {
        if (key === 'frame.number') r.frame = Number(v);
        else if (key === 'tls.handshake.ja3_full') r.ja3.push(v);
        else if (key === 'tls.handshake.ja3') r.ja3h.push(v);
        else if (key === 'tls.handshake.ja3s_full') r.ja3s.push(v);
        else if (key === 'tls.handshake.ja3s') r.ja3sh.push(v);
      }
    };
    walk(f._source.layers, '');
    return r;
  });
}

describe('JA3 / JA3S against tshark 4.0 on the corpus', () => {
  const files = [
    'zeek/tls/tls13_wolfssl.pcap',
    'zeek/tls/tls1.2.pcap',
    'zeek/tls/tls1_1.pcap',
    'zeek/tls/hrr.pcap',
    'zeek/tls/tls13-ech.pcap',
    'zeek/tls/chrome-1250-tls-x25519-kyber.pcap',
    'zeek/tls/chrome-34-google.pcap',
    'zeek/tls/tls13draft23-chrome67.0.3368.0-canary.pcap',
    'zeek/tls/tls-13draft19-early-data.pcap',
    'zeek/tls/openjdk-25.0.2-zeek.org.pcap',
    'zeek/tls/ecdhe.pcap',
    'zeek/tls/dhe.pcap',
    'zeek/tls/google-cert-repeat.pcap',
    'pcapplusplus/Packet++Test/PacketExamples/tls_grease.pcap',
    'pcapplusplus/Packet++Test/PacketExamples/tls1_3.pcap',
    'pcapplusplus/ExamplesTest/pcap_examples/tls2.pcap',
    'suricata-verify/tls/tls-subjectaltname/input.pcap',
    'illustrated-tls13/captures/capture.pcap',
  ];
  const present = existsSync(corpus);
  if (!present) itCorpusMissing();
  it.skipIf(!present)(present ? 'every ClientHello and ServerHello: ja3_full, ja3, ja3s_full, ja3s identical' : 'SKIPPED: ../shared/corpus missing (no captures to compare with tshark)', async () => {
    let clients = 0;
    let servers = 0;
    const diffs: string[] = [];
    // tshark's start-up dominates: run three at a time.
    const results: Awaited<ReturnType<typeof tsharkHellos>>[] = [];
    for (let i = 0; i < files.length; i += 3) results.push(...(await Promise.all(files.slice(i, i + 3).map((f) => tsharkHellos(join(corpus, f))))));
    for (const [fi, f] of files.entries()) {
      for (const fr of results[fi]!) {
        const ours = { ja3: [] as string[], ja3h: [] as string[], ja3s: [] as string[], ja3sh: [] as string[] };
        for (const hex of fr.raw) {
          const h = parseHello(Buffer.from(hex, 'hex'));
          if (!h) continue;
          if (h.client) {
            const j = ja3(h);
            ours.ja3.push(j.full);
            ours.ja3h.push(j.hash);
          } else {
            const j = ja3s(h);
            ours.ja3s.push(j.full);
            ours.ja3sh.push(j.hash);
          }
        }
        // tshark shows JA3 only for hellos it dissected in full; compare what it shows.
        const theirs = { ja3: fr.ja3, ja3h: fr.ja3h, ja3s: fr.ja3s, ja3sh: fr.ja3sh };
        clients += fr.ja3.length;
        servers += fr.ja3s.length;
        if (JSON.stringify(ours) !== JSON.stringify(theirs)) diffs.push(`${f} frame ${fr.frame}: ours ${JSON.stringify(ours).slice(0, 400)} tshark ${JSON.stringify(theirs).slice(0, 400)}`);
      }
    }
    expect(diffs).toEqual([]);
    expect(clients).toBeGreaterThan(100);
    expect(servers).toBeGreaterThan(100);
  }, 180_000); // tshark over several captures: slow on a busy machine
});

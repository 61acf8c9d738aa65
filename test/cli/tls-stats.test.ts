/**
 * `wirelite stats FILE tls` against tshark 4.0:
 * - corpus TLS captures, per TCP stream: client/server address:port, SNI, ALPN, negotiated version,
 *   cipher suite, JA3/JA3S, server chain length, alerts (count; level and description when clear),
 *   TCP initial RTT, from `tshark -2 -T fields`;
 * - the cipher-suite name table against tshark's own (`tshark -G values`);
 * - a live loopback capture (tcpdump on lo, openssl s_server/s_client with -keylogfile; TLS 1.3,
 *   TLS 1.2 and a connection whose secrets are not logged): the keys verdict per connection is what
 *   tshark decrypts with the same key log (Finished and HTTP visible), from `--tls-keylog` and from
 *   the same log injected as a pcapng DSB (editcap --inject-secrets); the handshake time is the
 *   ClientHello-to-last-Finished time tshark shows once it decrypts.
 */
import { execFile, execFileSync, spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collectTlsStats } from '../../src/cli/tls-stats.js';
import { cipherSuiteName, TLS_STATS_LIMITS, TlsConnectionTable, type TlsConnectionSummary } from '../../src/stats/tls.js';
import type { TlsTapRecord } from '../../src/dissectors/tls/types.js';
import { isGrease } from '../../src/dissectors/tls/fingerprint.js';
import { readKeyLogFile } from '../../src/dissectors/tls/keylog.js';
import { corpusPublic, itCorpusMissing } from '../corpus.js';

const root = resolve(import.meta.dirname, '../..');
const bin = join(root, 'bin/wirelite');
const corpus = corpusPublic;
const dir = mkdtempSync(join(tmpdir(), 'wirelite-tls-stats-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const run = promisify(execFile);
async function tshark(args: string[]): Promise<string> {
  return (await run('tshark', ['-n', ...args], { maxBuffer: 256 << 20 })).stdout;
}

interface Expected {
  client: string;
  server: string;
  sni: string | null;
  alpnOffered: string[];
  alpnChosen: string | null;
  versionCode: number | null;
  cipherSuiteCode: number | null;
  ja3: string | null;
  ja3s: string | null;
  serverChain: number;
  alerts: number;
  clearAlerts: string[];
  rttMs: number | null;
}

/** tshark's view of the TLS connections of a file, per tcp.stream. */
async function tsharkConnections(file: string): Promise<Map<number, Expected>> {
  const FIELDS = ['tcp.stream', 'tls.handshake.type', 'ip.src', 'ipv6.src', 'tcp.srcport', 'ip.dst', 'ipv6.dst', 'tcp.dstport', 'tls.handshake.extensions_server_name', 'tls.handshake.extensions_alpn_str', 'tls.handshake.version', 'tls.handshake.extensions.supported_version', 'tls.handshake.ciphersuite', 'tls.handshake.ja3', 'tls.handshake.ja3s', 'tls.handshake.certificate_length', 'tls.record.content_type', 'tls.alert_message.level', 'tls.alert_message.desc', 'tcp.analysis.initial_rtt'];
  const out = await tshark(['-2', '-r', file, '-Y', 'tls', '-T', 'fields', ...FIELDS.flatMap((x) => ['-e', x]), '-E', 'occurrence=a', '-E', 'aggregator=|']);
  const conns = new Map<number, Expected>();
  const addr = (v4: string, v6: string, port: string) => (v6 ? `[${v6}]:${port}` : `${v4}:${port}`);
  const seenChain = new Set<number>();
  for (const line of out.split('\n')) {
    if (!line) continue;
    const [stream, types, s4, s6, sp, d4, d6, dp, sni, alpn, version, sv, ciphers, j3, j3s, certLens, contentTypes, levels, descs, rtt] = line.split('\t') as string[];
    const st = Number(stream);
    const typeList = types ? types.split('|') : [];
    const src = addr(s4!, s6!, sp!);
    const dst = addr(d4!, d6!, dp!);
    const ensure = (client: string, server: string): Expected => {
      let c = conns.get(st);
      if (!c) {
        c = { client, server, sni: null, alpnOffered: [], alpnChosen: null, versionCode: null, cipherSuiteCode: null, ja3: null, ja3s: null, serverChain: 0, alerts: 0, clearAlerts: [], rttMs: null };
        conns.set(st, c);
      }
      return c;
    };
    if (typeList.includes('1')) {
      const c = ensure(src, dst);
      if (c.ja3 === null) {
        c.sni = sni || null;
        c.alpnOffered = alpn ? alpn.split('|') : [];
        c.ja3 = j3 || null;
      }
    } else if (typeList.includes('2')) {
      const c = ensure(dst, src);
      if (c.ja3s === null) {
        c.versionCode = parseInt((sv || version)!.split('|')[0]!, 16);
        c.cipherSuiteCode = parseInt(ciphers!.split('|')[0]!, 16);
        c.alpnChosen = alpn ? alpn.split('|')[0]! : null;
        c.ja3s = j3s || null;
      }
    }
    const c = conns.get(st);
    if (!c) continue;
    if (typeList.includes('11') && c.server === src && !seenChain.has(st)) {
      seenChain.add(st);
      c.serverChain = certLens ? certLens.split('|').length : 0;
    }
    if (contentTypes) c.alerts += contentTypes.split('|').filter((t) => t === '21').length;
    if (levels) levels.split('|').forEach((l, i) => c.clearAlerts.push(`${l}/${descs!.split('|')[i]}`));
    if (rtt && c.rttMs === null) c.rttMs = Math.round(Number(rtt) * 1e6) / 1000;
  }
  return conns;
}

function ours(s: TlsConnectionSummary): Expected {
  return {
    client: s.client,
    server: s.server,
    sni: s.sni,
    alpnOffered: s.alpnOffered,
    alpnChosen: s.alpnChosen,
    versionCode: s.versionCode,
    cipherSuiteCode: s.cipherSuiteCode,
    ja3: s.ja3,
    ja3s: s.ja3s,
    serverChain: s.serverCertificates.length,
    alerts: s.alertCount,
    clearAlerts: s.alerts.filter((a) => !a.encrypted).map((a) => `${a.level === 'fatal' ? 2 : 1}/${DESC[a.description!]}`),
    rttMs: s.tcpInitialRttMs,
  };
}
const DESC: Record<string, number> = { close_notify: 0, unexpected_message: 10, bad_record_mac: 20, handshake_failure: 40, bad_certificate: 42, certificate_unknown: 46, illegal_parameter: 47, unknown_ca: 48, decode_error: 50, decrypt_error: 51, protocol_version: 70, internal_error: 80, user_canceled: 90, no_renegotiation: 100, unrecognized_name: 112 };

describe('stats tls on corpus captures, against tshark -2', () => {
  const files = [
    'zeek/tls/tls1.2.pcap',
    'zeek/tls/tls1_1.pcap',
    'zeek/tls/tls13_wolfssl.pcap',
    'zeek/tls/hrr.pcap',
    'zeek/tls/tls13-ech.pcap',
    'zeek/tls/chrome-34-google.pcap',
    'zeek/tls/tls-early-alert.pcap',
    'zeek/tls/tls-1.2-handshake-failure.pcap',
    'zeek/tls/client-certificate.pcap',
    'zeek/tls/smtp-starttls.pcap',
    'zeek/tls/google-cert-repeat.pcap',
    'pcapplusplus/ExamplesTest/pcap_examples/tls2.pcap',
    'suricata-verify/tls/tls-subjectaltname/input.pcap',
    'illustrated-tls13/captures/capture.pcap',
  ];
  const present = existsSync(corpus);
  if (!present) itCorpusMissing();
  it.skipIf(!present)(present ? 'addresses, SNI, ALPN, version, cipher, JA3/JA3S, chain length, alerts, initial RTT per connection' : 'SKIPPED: ../shared/corpus missing (no TLS captures to compare with tshark)', async () => {
    const diffs: string[] = [];
    let compared = 0;
    // tshark runs beside our reads; our reads one at a time (the taps are per process).
    const oracle = files.map((name) => tsharkConnections(join(corpus, name)));
    for (const [k, name] of files.entries()) {
      const r = await collectTlsStats(join(corpus, name), null);
      const theirs = await oracle[k]!;
      const mine = new Map(r.connections.map((s) => [s.stream, ours(s)]));
      for (const [stream, t] of theirs) {
        compared++;
        const o = mine.get(stream);
        if (!o) diffs.push(`${name} stream ${stream}: missing`);
        else if (JSON.stringify(o) !== JSON.stringify(t)) diffs.push(`${name} stream ${stream}:\n  ours   ${JSON.stringify(o)}\n  tshark ${JSON.stringify(t)}`);
      }
    }
    expect(diffs).toEqual([]);
    expect(compared).toBeGreaterThan(300);
  }, 180_000); // tshark over several captures: slow on a busy machine

  it('every cipher-suite name is tshark 4.0\'s (tshark -G values), unknown ones print as hex', () => {
    const out = execFileSync('sh', ['-c', "tshark -G values 2>/dev/null | grep -F 'tls.handshake.ciphersuite'"], { maxBuffer: 16 << 20 }).toString();
    let n = 0;
    for (const line of out.split('\n')) {
      const [kind, field, value, name] = line.split('\t');
      if (kind !== 'V' || field !== 'tls.handshake.ciphersuite' || !name!.startsWith('TLS_')) continue;
      expect(cipherSuiteName(Number(value))).toBe(name);
      n++;
    }
    expect(n).toBeGreaterThan(350);
    expect(cipherSuiteName(0x1301)).toBe('TLS_AES_128_GCM_SHA256');
    expect(cipherSuiteName(0x1305)).toBe('TLS_AES_128_CCM_8_SHA256');
    expect(cipherSuiteName(0x0a0a)).toBe('0x0a0a');
  });
});

describe('bounded per connection', () => {
  it('a hostile hello (30,000 ciphers), garbage certificates, 100 alerts: kept within TLS_STATS_LIMITS, hashes exact', async () => {
    const hello = { client: true, version: 0x0303, random: '00'.repeat(32), ciphers: Array.from({ length: 30_000 }, (_, i) => i + 1), extensions: [], groups: [], ecPointFormats: [], sigAlgs: [], alpn: [], sni: 'x', supportedVersions: [] };
    const rec = (kind: TlsTapRecord['kind'], extra: Partial<TlsTapRecord>): TlsTapRecord => ({ frame: 1, tsSec: 0, tsNsec: 0, stream: 7, fromClient: true, kind, length: 0, ...extra });
    const stats = new TlsConnectionTable();
    const emit = (r: TlsTapRecord) => stats.addTls(r);
    emit(rec('client_hello', { hello }));
    emit(rec('certificate', { fromClient: false, certificates: Array.from({ length: 50 }, () => ({ der: Uint8Array.from([0x30, 0x84, 0xff, 0xff, 0xff, 0xff]) })) }));
    for (let i = 0; i < 100; i++) emit(rec('alert', { alertLevel: 2, alertDescription: 40 }));
    const [c] = stats.summaries();
    expect(c!.ja3Full!.length).toBe(TLS_STATS_LIMITS.maxJa3FullChars + 1);
    expect(c!.ja3).toBe(createHash('md5').update(`771,${hello.ciphers.filter((v) => !isGrease(v)).join('-')},,,`).digest('hex'));
    expect(c!.serverCertificates).toHaveLength(TLS_STATS_LIMITS.maxChain);
    expect(c!.serverCertificates[0]!.subject).toBe('(malformed certificate)');
    expect([c!.alerts.length, c!.alertCount]).toEqual([TLS_STATS_LIMITS.maxAlerts, 100]);
    expect(c!.alerts[0]).toEqual({ frame: 1, from: 'client', level: 'fatal', description: 'handshake_failure', encrypted: false });
    expect(c!.client).toBe('?'); // no TCP segment seen for the frame
  });
});

/** Waits until something listens on 127.0.0.1:port (ss), so no refused SYN adds a TCP stream. */
async function listening(port: number): Promise<void> {
  for (let i = 0; i < 100; i++) {
    if (spawnSync('ss', ['-Hltn', `sport = :${port}`], { encoding: 'utf8' }).stdout.includes(`:${port}`)) return;
    await new Promise((res) => setTimeout(res, 50));
  }
  throw new Error(`nothing listens on port ${port}`);
}

/** One HTTP/1.0 request over TLS with openssl s_client (exits when the server closes). */
function clientRun(args: string[]): void {
  const r = spawnSync('openssl', ['s_client', ...args, '-ign_eof', '-quiet'], { input: 'GET / HTTP/1.0\r\n\r\n', stdio: ['pipe', 'pipe', 'pipe'], timeout: 10_000, encoding: 'utf8' });
  if (!r.stdout.includes('HTTP/1.0 200')) throw new Error(`openssl s_client ${args.join(' ')}: no HTTP answer (${r.stderr})`);
}

const canCapture = process.getuid?.() === 0 && spawnSync('tcpdump', ['--version']).status === 0 && spawnSync('editcap', ['-h']).status === 0;

describe.skipIf(!canCapture)(canCapture ? 'key logs on a live loopback capture (tcpdump, openssl), against tshark decrypting' : 'SKIPPED: needs root, tcpdump and editcap', () => {
  const cap = join(dir, 'live.pcap');
  const dsb = join(dir, 'live-dsb.pcapng');
  const keys = join(dir, 'server.keys');
  const hsKeys = join(dir, 'handshake-only.keys');

  beforeAll(async () => {
    const key = join(dir, 'k.pem');
    const cert = join(dir, 'c.pem');
    execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', key, '-out', cert, '-days', '1', '-subj', '/CN=keylog.test', '-addext', 'subjectAltName=DNS:keylog.test'], { stdio: 'ignore' });
    const p = 20000 + Math.floor(Math.random() * 30000);
    // Loopback only, and only this test's two ports.
    const td = spawn('tcpdump', ['-i', 'lo', '-U', '-w', cap, `tcp port ${p} or tcp port ${p + 1}`], { stdio: ['ignore', 'ignore', 'pipe'] });
    await new Promise<void>((res, rej) => {
      let err = '';
      td.stderr!.on('data', (d: Buffer) => {
        err += d.toString();
        if (err.includes('listening on')) res();
      });
      td.on('exit', () => rej(new Error(`tcpdump: ${err}`)));
    });
    const common = ['-cert', cert, '-key', key, '-www', '-quiet'];
    const logged = spawn('openssl', ['s_server', '-accept', `127.0.0.1:${p}`, ...common, '-naccept', '2', '-keylogfile', keys], { stdio: 'ignore' });
    const unlogged = spawn('openssl', ['s_server', '-accept', `127.0.0.1:${p + 1}`, ...common, '-naccept', '1'], { stdio: 'ignore' });
    try {
      await listening(p);
      await listening(p + 1);
      clientRun(['-connect', `127.0.0.1:${p}`, '-tls1_3', '-servername', 'keylog.test', '-alpn', 'h2,http/1.1']);
      clientRun(['-connect', `127.0.0.1:${p}`, '-tls1_2', '-servername', 'keylog.test']);
      clientRun(['-connect', `127.0.0.1:${p + 1}`]);
    } finally {
      logged.kill();
      unlogged.kill();
      // tcpdump may lag behind on a busy machine: wait until the three connections' FINs are in the file.
      for (let i = 0; i < 100; i++) {
        const fins = spawnSync('tshark', ['-n', '-r', cap, '-Y', 'tcp.flags.fin == 1', '-T', 'fields', '-e', 'frame.number'], { encoding: 'utf8' }).stdout.trim().split('\n').filter(Boolean).length;
        if (fins >= 6) break;
        await new Promise((res) => setTimeout(res, 100));
      }
      const done = new Promise((res) => td.on('exit', res));
      td.kill('SIGINT');
      await done;
    }
    writeFileSync(hsKeys, readFileSync(keys, 'utf8').split('\n').filter((l) => l.includes('HANDSHAKE_TRAFFIC_SECRET')).join('\n') + '\n');
    execFileSync('editcap', ['--inject-secrets', `tls,${keys}`, cap, dsb], { stdio: 'ignore' });
  }, 60_000);

  /** Per stream, what tshark decrypts: the Finished messages and the HTTP inside. */
  async function decrypted(file: string, keylog?: string): Promise<Map<number, { finished: boolean; http: boolean }>> {
    const out = await tshark(['-2', '-r', file, ...(keylog ? ['-o', `tls.keylog_file:${keylog}`] : []), '-Y', 'tls.handshake.type == 1 || tls.handshake.type == 20 || http', '-T', 'fields', '-e', 'tcp.stream', '-e', 'tls.handshake.type', '-e', 'http.request.method']);
    const m = new Map<number, { finished: boolean; http: boolean }>();
    for (const line of out.split('\n')) {
      if (!line) continue;
      const [stream, types, method] = line.split('\t');
      const e = m.get(Number(stream)) ?? { finished: false, http: false };
      if (types?.split(',').includes('20')) e.finished = true;
      if (method) e.http = true;
      m.set(Number(stream), e);
    }
    return m;
  }
  const verdict = (d: { finished: boolean; http: boolean }) => (d.finished && d.http ? 'yes' : d.finished ? 'partial' : d.http ? 'partial' : 'no');

  it('--tls-keylog: yes for the two logged connections (TLS 1.3, TLS 1.2), no for the third, as tshark decrypts', async () => {
    const r = await collectTlsStats(cap, readKeyLogFile(keys));
    const t = await decrypted(cap, keys);
    expect(r.connections.map((c) => [c.stream, c.version, c.keys?.available])).toEqual([
      [0, 'TLS 1.3', 'yes'],
      [1, 'TLS 1.2', 'yes'],
      [2, 'TLS 1.3', 'no'],
    ]);
    expect(r.connections.map((c) => verdict(t.get(c.stream)!))).toEqual(['yes', 'yes', 'no']);
    expect(r.connections[0]).toMatchObject({ sni: 'keylog.test', alpnOffered: ['h2', 'http/1.1'], cipherSuite: 'TLS_AES_256_GCM_SHA384' });
    expect(r.keyLog).toMatchObject({ clientRandoms: 2, bad: 0, fromCapture: 0 });
  });

  it('only the TLS 1.3 handshake secrets: partial, as tshark decrypts the Finished but not the HTTP', async () => {
    const r = await collectTlsStats(cap, readKeyLogFile(hsKeys));
    const t = await decrypted(cap, hsKeys);
    expect(r.connections[0]!.keys!.available).toBe('partial');
    expect(t.get(0)).toEqual({ finished: true, http: false });
    expect(r.connections.slice(1).map((c) => c.keys!.available)).toEqual(['no', 'no']);
  });

  it('the same key log inside the capture (pcapng DSB): the same verdicts without --tls-keylog, as tshark', async () => {
    const r = await collectTlsStats(dsb, null);
    const t = await decrypted(dsb);
    expect(r.keyLog).toMatchObject({ fromCapture: 1, clientRandoms: 2 });
    expect(r.connections.map((c) => c.keys?.available)).toEqual(['yes', 'yes', 'no']);
    expect(r.connections.map((c) => verdict(t.get(c.stream)!))).toEqual(['yes', 'yes', 'no']);
    // No key log anywhere: no verdict at all.
    expect((await collectTlsStats(cap, null)).connections.map((c) => c.keys)).toEqual([null, null, null]);
    // From stdin (one pass): the DSB is read on the way, the same verdicts.
    const piped = spawnSync(bin, ['stats', '-', 'tls', '--json'], { input: readFileSync(dsb), encoding: 'utf8' });
    expect(piped.status, piped.stderr).toBe(0);
    const lines = piped.stdout.trimEnd().split('\n').map((l) => JSON.parse(l) as { keys?: { available: string } });
    expect(lines.filter((l) => l.keys).map((l) => l.keys!.available)).toEqual(['yes', 'yes', 'no']);
  });

  it('handshake time: ClientHello to the last Finished, the frames tshark shows once it decrypts; RTTs over the TCP initial RTT', async () => {
    const r = await collectTlsStats(cap, null);
    const out = await tshark(['-2', '-r', cap, '-o', `tls.keylog_file:${keys}`, '-Y', 'tls.handshake.type == 1 || tls.handshake.type == 20', '-T', 'fields', '-e', 'tcp.stream', '-e', 'frame.time_epoch', '-e', 'tls.handshake.type']);
    const hello = new Map<number, number>();
    const last = new Map<number, number>();
    for (const line of out.split('\n')) {
      if (!line) continue;
      const [stream, t, types] = line.split('\t');
      const ms = Number(t) * 1000;
      if (types!.split(',').includes('1') && !hello.has(Number(stream))) hello.set(Number(stream), ms);
      if (types!.split(',').includes('20')) last.set(Number(stream), ms);
    }
    for (const c of r.connections.slice(0, 2)) {
      expect(c.handshakeEnd).toBe('finished');
      expect(c.handshakeMs!).toBeCloseTo(last.get(c.stream)! - hello.get(c.stream)!, 2);
      expect(c.handshakeRtts!).toBeCloseTo(c.handshakeMs! / c.tcpInitialRttMs!, 1);
    }
  });

  it('the command: text cards with keys, JSON lines, bad --tls-keylog use exits 1', () => {
    const text = spawnSync(bin, ['stats', cap, 'tls', '--tls-keylog', keys], { encoding: 'utf8' });
    expect(text.status).toBe(0);
    expect(text.stdout).toContain('keys       yes (TLS 1.3 handshake and traffic secrets)');
    expect(text.stdout).toContain('keys       yes (CLIENT_RANDOM master secret)');
    expect(text.stdout).toContain('3 TLS connection(s)\nkey log: ');
    const json = spawnSync(bin, ['stats', cap, 'tls', '--json'], { encoding: 'utf8' });
    const lines = json.stdout.trim().split('\n').map((l) => JSON.parse(l) as TlsConnectionSummary);
    expect(lines.map((l) => [l.stream, l.version, l.keys])).toEqual([
      [0, 'TLS 1.3', null],
      [1, 'TLS 1.2', null],
      [2, 'TLS 1.3', null],
    ]);
    const missing = spawnSync(bin, ['stats', cap, 'tls', '--tls-keylog', join(dir, 'nope.keys')], { encoding: 'utf8' });
    expect([missing.status, missing.stderr]).toEqual([1, expect.stringContaining('nope.keys')]);
    const wrongKind = spawnSync(bin, ['stats', cap, 'dns', '--tls-keylog', keys], { encoding: 'utf8' });
    expect([wrongKind.status, wrongKind.stderr]).toEqual([1, expect.stringContaining('--tls-keylog applies to stats tls only')]);
  });
});

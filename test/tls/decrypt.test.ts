/**
 * TLS decryption against tshark 4.0 decrypting the same captures: every TLS field tshark knows,
 * frame by frame, with `-T fields` from both tools, plus the Info and Protocol columns.
 *
 * The captures are made here (./captures.ts: openssl s_server/s_client with -keylogfile over
 * loopback, captured by tcpdump; TLS 1.3 and 1.2, every supported cipher suite, a KeyUpdate), then:
 * - the key log from `-o tls.keylog_file:FILE` and from `--tls-keylog FILE`;
 * - the key log injected as a pcapng DSB (editcap --inject-secrets), read without any key option,
 *   from the file and from standard input (a single pass, against tshark's single pass);
 * - a wrong key log, records corrupted in flight and a capture cut to 150 bytes a frame: tshark's
 *   view (the records stay encrypted), our own `tls.record.decryption_failed` on the records that
 *   do not authenticate, and no crash; a hostile key log (garbage, overlong lines) never crashes.
 * `follow --tls` is compared with tshark -z follow,tls too.
 * HTTP is disabled in both tools in most tests (the decrypted application data then shows as TLS
 * application data in both); one test compares the HTTP inside too (handed over by ALPN or by its
 * request line, as tshark does).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeCorpusMissing } from '../corpus.js';
import { CASES, corruptFrames, injectSecrets, makeCaptures, wrongKeys, type Made } from './captures.js';
import { bin, differences, FIELDS_OPTS, httpFields, missingTools, run, tlsFields, tshark as tsharkIn, tsharkEnv as envIn, wirelite } from './compare.js';

const dir = mkdtempSync(join(tmpdir(), 'wirelite-tls-decrypt-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const tsharkEnv = envIn(dir);
const tshark = (file: string, extra: string[], fields: string[], twoPass = true, http = false) => tsharkIn(tsharkEnv, file, extra, fields, twoPass, http);

if (missingTools.length) describeCorpusMissing('TLS decryption', `needs ${missingTools.join(', ')} (CI runs as root with them)`);
describe.skipIf(missingTools.length > 0)('TLS decryption, against tshark -2 -o tls.keylog_file', () => {
  let made: Made;
  let fields: string[];
  let decodeAs: string[];
  beforeAll(async () => {
    made = await makeCaptures(dir);
    fields = tlsFields();
    decodeAs = ['-d', `tcp.port==${made.port},tls`];
  }, 120_000);

  it('every case is decrypted by tshark: its Finished messages, and application data or alerts after them', async () => {
    const out = await tshark(made.pcap, [...decodeAs, '-o', `tls.keylog_file:${made.keys}`], ['tcp.stream', 'tls.handshake.type', 'tls.record.content_type']);
    const finished = new Map<number, number>();
    const keyUpdates = new Set<number>();
    for (const line of out) {
      const [stream, types] = line.split('\t');
      if (!stream || !types) continue;
      for (const t of types.split(',')) {
        if (t === '20') finished.set(Number(stream), (finished.get(Number(stream)) ?? 0) + 1);
        if (t === '24') keyUpdates.add(Number(stream));
      }
    }
    // Both Finished of every connection are visible only once the records are decrypted.
    expect([...finished.values()]).toEqual(CASES.map(() => 2));
    // The KeyUpdate case's, and the data after it (under the next keys) as well.
    expect([...keyUpdates]).toEqual([CASES.findIndex((c) => c.name.includes('KeyUpdate'))]);
  });

  it('-o tls.keylog_file: every TLS field of every frame as tshark', async () => {
    const ours = wirelite(made.pcap, ['-o', `tls.keylog_file:${made.keys}`], fields);
    const theirs = await tshark(made.pcap, [...decodeAs, '-o', `tls.keylog_file:${made.keys}`], fields);
    expect(ours.length).toBeGreaterThan(CASES.length * 10);
    expect(differences(ours, theirs, fields)).toEqual([]);
    // Without keys the same capture looks different (so the comparison above saw decryption).
    expect(wirelite(made.pcap, [], fields)).not.toEqual(ours);
  });

  it('with HTTP: the requests and responses inside, every TLS and HTTP field and the columns as tshark', async () => {
    const all = [...fields, ...httpFields()];
    const ours = wirelite(made.pcap, ['-o', `tls.keylog_file:${made.keys}`], all, undefined, true);
    expect(differences(ours, await tshark(made.pcap, [...decodeAs, '-o', `tls.keylog_file:${made.keys}`], all, true, true), all)).toEqual([]);
    expect(ours.filter((l) => l.includes('GET / HTTP/1.0')).length).toBe(CASES.filter((c) => !c.echo).length);
  });

  it('follow --tls: the decrypted data of every connection as tshark -z follow,tls (ascii and hex)', { timeout: 120_000 }, async () => {
    for (let stream = 0; stream < CASES.length; stream++) {
      // hex for the first connection of each version (it prints the same chunks).
      for (const format of stream === 0 || CASES[stream]!.name.startsWith('TLS 1.2') && !CASES[stream - 1]!.name.startsWith('TLS 1.2') ? ['ascii', 'hex'] : ['ascii']) {
        const ours = spawnSync(bin, ['follow', made.pcap, '--stream', String(stream), '--tls', '--tls-keylog', made.keys, '--format', format], { encoding: 'utf8', maxBuffer: 1 << 28 });
        expect(ours.status).toBe(0);
        const theirs = (await run('tshark', ['-n', '-r', made.pcap, ...decodeAs, '-o', `tls.keylog_file:${made.keys}`, '-q', '-z', `follow,tls,${format},${stream}`], { env: tsharkEnv, maxBuffer: 1 << 28 })).stdout;
        // tshark 4.0 prints node 1 as ":0"; wirelite names it.
        const node1 = (t: string) => t.replace(/^Node 1: .*$/m, 'Node 1:');
        expect(node1(ours.stdout)).toBe(node1(theirs));
        if (format === 'ascii') expect(ours.stdout).toContain(CASES[stream]!.echo ? 'after' : 'GET / HTTP/1.0');
      }
    }
    const none = spawnSync(bin, ['follow', made.pcap, '--stream', '0', '--tls'], { encoding: 'utf8' });
    expect([none.status, none.stderr]).toEqual([1, expect.stringContaining('no decrypted TLS data in TCP stream 0')]);
  });

  it('--tls-keylog FILE is the same as -o tls.keylog_file:FILE', () => {
    expect(wirelite(made.pcap, ['--tls-keylog', made.keys], fields)).toEqual(wirelite(made.pcap, ['-o', `tls.keylog_file:${made.keys}`], fields));
  });

  it('the key log in a pcapng DSB, no key option: as tshark, from the file and from standard input', async () => {
    const dsb = injectSecrets(made, join(dir, 'dsb.pcapng'));
    expect(differences(wirelite(dsb, [], fields), await tshark(dsb, decodeAs, fields), fields)).toEqual([]);
    // Standard input: one pass, as tshark's without -2.
    const stdin = wirelite('-', [], fields, readFileSync(dsb));
    expect(differences(stdin, await tshark(dsb, decodeAs, fields, false), fields)).toEqual([]);
    expect(stdin.join('\n')).toContain('Application Data');
  });

  it('a wrong key log: as tshark (nothing decrypts), each record tried is marked, no crash', async () => {
    const wrong = wrongKeys(made.keys, join(dir, 'wrong.keys'));
    const all = [...fields, 'tls.record.decryption_failed'];
    const ours = wirelite(made.pcap, ['-o', `tls.keylog_file:${wrong}`], all);
    expect(differences(ours, await tshark(made.pcap, [...decodeAs, '-o', `tls.keylog_file:${wrong}`], fields), fields)).toEqual([]);
    // Every connection's first protected record at least is tried and marked.
    expect(ours.filter((l) => l.split('\t').at(-1) !== '').length).toBeGreaterThan(CASES.length);
  });

  it('records corrupted in flight: those and the rest of their direction stay encrypted, as tshark', async () => {
    // Frames whose last record is TLS 1.3 server data and a TLS 1.2 client's data (found by tshark).
    const out = await tshark(made.pcap, [...decodeAs, '-o', `tls.keylog_file:${made.keys}`], ['frame.number', 'tcp.stream', 'tls.record.content_type', 'tls.handshake.type']);
    const pick: number[] = [];
    const tls12 = CASES.findIndex((c) => c.name.startsWith('TLS 1.2'));
    for (const stream of [0, tls12]) {
      const rows = out.map((l) => l.split('\t')).filter((r) => r[1] === String(stream) && r[2]);
      // The frame with the server's Finished (TLS 1.3) / the client's first application data (TLS 1.2).
      const row = stream === 0 ? rows.find((r) => r[3]?.split(',').includes('20')) : rows.find((r) => r[2] === '23');
      pick.push(Number(row![0]));
    }
    const bad = corruptFrames(made.pcap, join(dir, 'bad.pcap'), pick);
    const all = [...fields, 'tls.record.decryption_failed'];
    const ours = wirelite(bad, ['-o', `tls.keylog_file:${made.keys}`], all);
    expect(differences(ours, await tshark(bad, [...decodeAs, '-o', `tls.keylog_file:${made.keys}`], fields), fields)).toEqual([]);
    for (const f of pick) expect(ours[f - 1]!.split('\t').at(-1)).not.toBe('');
  });

  it('a capture that ends in the middle of a connection, and one cut in the middle of a frame: as tshark, no crash', async () => {
    const cut = join(dir, 'cut.pcap');
    execFileSync('editcap', ['-r', made.pcap, cut, '1-30'], { stdio: 'ignore' });
    expect(differences(wirelite(cut, ['-o', `tls.keylog_file:${made.keys}`], fields), await tshark(cut, [...decodeAs, '-o', `tls.keylog_file:${made.keys}`], fields), fields)).toEqual([]);
    // The file itself cut short: every whole frame as tshark, then exit 2 (a damaged file).
    const short = join(dir, 'short.pcap');
    const bytes = readFileSync(made.pcap);
    writeFileSync(short, bytes.subarray(0, Math.floor(bytes.length / 3)));
    const r = spawnSync(bin, ['read', short, '--disable-protocol', 'http', '-o', `tls.keylog_file:${made.keys}`, ...FIELDS_OPTS, ...fields.flatMap((f) => ['-e', f])], { encoding: 'utf8', maxBuffer: 1 << 28 });
    expect(r.status).toBe(2);
    const theirs = spawnSync('tshark', ['-n', '-2', '-r', short, '--disable-protocol', 'http', ...decodeAs, '-o', `tls.keylog_file:${made.keys}`, ...FIELDS_OPTS, ...fields.flatMap((f) => ['-e', f])], { env: tsharkEnv, encoding: 'utf8', maxBuffer: 1 << 28 }).stdout.split('\n');
    expect(differences(r.stdout.split('\n'), theirs, fields)).toEqual([]);
  });

  it('a hostile key log (garbage, overlong and odd lines around the real ones) never crashes and still decrypts', () => {
    const real = readFileSync(made.keys, 'utf8');
    const junk = [
      'CLIENT_RANDOM zz 00',
      `CLIENT_RANDOM ${'a'.repeat(64)} ${'b'.repeat(10_000)}`,
      `CLIENT_HANDSHAKE_TRAFFIC_SECRET ${'0'.repeat(64)} ${'1'.repeat(62)}`,
      `CLIENT_RANDOM ${'c'.repeat(64)} ${'d'.repeat(64)}`, // a 32-byte "master secret": not 48
      '\u0000\u00ff binary junk',
      'x'.repeat(100_000),
    ];
    const hostile = join(dir, 'hostile.keys');
    writeFileSync(hostile, `${junk.join('\n')}\n${real}\n${junk.join('\r\n')}`);
    expect(wirelite(made.pcap, ['-o', `tls.keylog_file:${hostile}`], fields)).toEqual(wirelite(made.pcap, ['-o', `tls.keylog_file:${made.keys}`], fields));
    // Secrets that name the connections but do not fit (wrong lengths): nothing decrypts, no crash.
    const misfit = join(dir, 'misfit.keys');
    writeFileSync(misfit, real.replace(/ ([0-9a-f]+)$/gm, (_m, s: string) => ` ${s.slice(0, 64)}`));
    const r = spawnSync(bin, ['read', made.pcap, '-o', `tls.keylog_file:${misfit}`, '-V'], { encoding: 'utf8', maxBuffer: 1 << 28 });
    expect([r.status, r.stderr]).toEqual([0, '']);
  });

  it('-x shows the Decrypted TLS bytes as tshark does', async () => {
    const args = (keys: string) => ['-o', `tls.keylog_file:${keys}`, '-x'];
    const ours = spawnSync(bin, ['read', made.pcap, '--disable-protocol', 'http', ...args(made.keys)], { encoding: 'utf8', maxBuffer: 1 << 28 }).stdout;
    const theirs = (await run('tshark', ['-n', '-2', '-r', made.pcap, '--disable-protocol', 'http', ...decodeAs, ...args(made.keys)], { env: tsharkEnv, maxBuffer: 1 << 28 })).stdout;
    // The frames and their decrypted data sources, in order (other sources are other dissectors').
    const sources = (s: string) => s.split('\n').filter((l) => /^(Frame|Decrypted TLS) \(\d+ bytes\):$/.test(l));
    expect(sources(ours).filter((l) => l.startsWith('Decrypted TLS')).length).toBeGreaterThan(CASES.length * 4);
    expect(sources(ours)).toEqual(sources(theirs));
  });
});

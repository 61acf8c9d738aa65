/**
 * TLS 1.0-1.2 decryption from pre-master secrets, against tshark 4.0 with the same key logs:
 * `PMS_CLIENT_RANDOM <client random> <pre-master>` and `RSA <first 8 bytes of the encrypted
 * pre-master> <pre-master>`, with the extended master secret (RFC 7627: the PRF over the session
 * hash of the handshake up to the ClientKeyExchange; SHA-256/384 in TLS 1.2, MD5 and SHA-1 in
 * TLS 1.1) and without it.
 *
 * The connections use the RSA key exchange with a server key made here, so the test knows the
 * pre-master secrets: tshark reads each encrypted pre-master secret from the capture and
 * `openssl pkeyutl` decrypts it with the server's key (OpenSSL's -keylogfile writes only
 * CLIENT_RANDOM master secrets). Then the key logs hold no CLIENT_RANDOM line, only those.
 * Also which secret wins when a key log has both (Wireshark: the pre-master secret, found at the
 * ClientKeyExchange, before CLIENT_RANDOM is looked up at the ChangeCipherSpec).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeCorpusMissing } from '../corpus.js';
import { injectSecrets, makeCaptures, makeResumption, rsaPremasters, wrongKeys, type Made, type TlsCase } from './captures.js';
import { compared, differences, finishedByStream, httpFields, missingTools, tlsFields, tshark, tsharkEnv, wirelite } from './compare.js';

const CASES: TlsCase[] = [
  { name: 'TLS 1.2 RSA AES-128-GCM, extended master secret', client: ['-tls1_2', '-cipher', 'AES128-GCM-SHA256', '-alpn', 'http/1.1'] },
  { name: 'TLS 1.2 RSA AES-256-GCM-SHA384, extended master secret (SHA-384 session hash)', client: ['-tls1_2', '-cipher', 'AES256-GCM-SHA384'] },
  { name: 'TLS 1.2 RSA AES-256-CBC-SHA256, extended master secret', client: ['-tls1_2', '-cipher', 'AES256-SHA256'] },
  { name: 'TLS 1.1 RSA AES-128-CBC-SHA, extended master secret (MD5 and SHA-1 session hash)', client: ['-tls1_1', '-cipher', 'AES128-SHA@SECLEVEL=0'], server: ['-cipher', 'ALL@SECLEVEL=0'] },
  { name: 'TLS 1.2 RSA AES-128-CBC-SHA, no extended master secret', client: ['-tls1_2', '-cipher', 'AES128-SHA'], clientConf: 'no-ems' },
];
/** Which connections get PMS_CLIENT_RANDOM lines and which RSA lines (both kinds for each kind of session hash). */
const LINE: ('pms' | 'rsa')[] = ['pms', 'rsa', 'pms', 'rsa', 'pms'];

const dir = mkdtempSync(join(tmpdir(), 'wirelite-tls-pms-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const env = tsharkEnv(dir);

if (missingTools.length) {
  describeCorpusMissing('TLS pre-master secrets', `needs ${missingTools.join(', ')} (CI runs as root with them)`);
} else {
  describe('TLS 1.0-1.2 pre-master secrets (PMS_CLIENT_RANDOM, RSA), against tshark -2 -o tls.keylog_file', () => {
    let made: Made;
    let fields: string[];
    let decodeAs: string[];
    let pmsKeys: string;
    let lines: { stream: number; clientRandom: string; epmsPrefix: string; pms: string }[];
    const keyed = (keys: string) => [...decodeAs, '-o', `tls.keylog_file:${keys}`];
    beforeAll(async () => {
      made = await makeCaptures(dir, CASES);
      fields = tlsFields();
      decodeAs = ['-d', `tcp.port==${made.port},tls`];
      lines = rsaPremasters(made, dir);
      pmsKeys = join(dir, 'pms.keys');
      writeFileSync(pmsKeys, lines.map((l) => (LINE[l.stream] === 'pms' ? `PMS_CLIENT_RANDOM ${l.clientRandom} ${l.pms}` : `RSA ${l.epmsPrefix} ${l.pms}`)).join('\n') + '\n');
    }, 120_000);

    it('the capture: an RSA key exchange per connection, with and without the extended master secret, as OpenSSL said', async () => {
      expect(lines.map((l) => [l.stream, l.clientRandom.length, l.pms.length])).toEqual(CASES.map((_c, i) => [i, 64, 96]));
      const ems = await tshark(env, made.pcap, decodeAs, ['tcp.stream', 'tls.handshake.type', 'tls.handshake.extension.type']);
      const serverEms = new Set(ems.filter((l) => l.split('\t')[1]?.startsWith('2')).filter((l) => l.split('\t')[2]!.split(',').includes('23')).map((l) => Number(l.split('\t')[0])));
      expect([...serverEms].sort()).toEqual([0, 1, 2, 3]);
    });

    it('only pre-master secrets in the key log: tshark decrypts every connection, and every TLS field of every frame is the same', async () => {
      expect([...(await finishedByStream(env, made.pcap, keyed(pmsKeys))).entries()].sort()).toEqual(CASES.map((_c, i) => [i, 2]));
      const ours = wirelite(made.pcap, ['-o', `tls.keylog_file:${pmsKeys}`], fields);
      const theirs = await tshark(env, made.pcap, keyed(pmsKeys), fields);
      expect(differences(ours, theirs, fields)).toEqual([]);
      expect(compared(ours, theirs, fields)).toBeGreaterThan(500);
      // The same from a pcapng's DSB without any key option, and with HTTP inside (every HTTP field too).
      const dsb = injectSecrets({ ...made, keys: pmsKeys }, join(dir, 'pms.pcapng'));
      expect(differences(wirelite(dsb, [], fields), await tshark(env, dsb, decodeAs, fields), fields)).toEqual([]);
      const all = [...fields, ...httpFields()];
      const withHttp = wirelite(made.pcap, ['--tls-keylog', pmsKeys], all, undefined, true);
      expect(differences(withHttp, await tshark(env, made.pcap, keyed(pmsKeys), all, true, true), all)).toEqual([]);
      expect(withHttp.filter((l) => l.includes('GET / HTTP/1.0')).length).toBe(CASES.length);
    });

    it('which secret wins: a right pre-master secret over a wrong CLIENT_RANDOM, a wrong pre-master secret over a right CLIENT_RANDOM, as tshark', async () => {
      const wrongMaster = wrongKeys(made.keys, join(dir, 'wrong-master.keys'));
      const wrongPms = wrongKeys(pmsKeys, join(dir, 'wrong-pms.keys'));
      const a = join(dir, 'pms-wins.keys');
      writeFileSync(a, readFileSync(wrongMaster, 'utf8') + readFileSync(pmsKeys, 'utf8'));
      const b = join(dir, 'pms-wins-wrong.keys');
      writeFileSync(b, readFileSync(made.keys, 'utf8') + readFileSync(wrongPms, 'utf8'));
      // tshark: the pre-master secret decides both times.
      expect((await finishedByStream(env, made.pcap, keyed(a))).size).toBe(CASES.length);
      expect((await finishedByStream(env, made.pcap, keyed(b))).size).toBe(0);
      for (const keys of [a, b]) expect(differences(wirelite(made.pcap, ['-o', `tls.keylog_file:${keys}`], fields), await tshark(env, made.pcap, keyed(keys), fields), fields)).toEqual([]);
      // With the master secrets alone every connection decrypts (the pre-master lines above decided).
      expect((await finishedByStream(env, made.pcap, keyed(made.keys))).size).toBe(CASES.length);
    });

    it('RSA lines for other connections, and PMS lines whose secret is the wrong length: nothing decrypts, as tshark, no crash', async () => {
      const other = join(dir, 'other.keys');
      writeFileSync(other, lines.map((l) => `RSA ${l.epmsPrefix.replace(/^./, (c) => (c === '0' ? '1' : '0'))} ${l.pms}\nPMS_CLIENT_RANDOM ${l.clientRandom} ${l.pms.slice(0, 40)}`).join('\n'));
      expect(differences(wirelite(made.pcap, ['-o', `tls.keylog_file:${other}`], fields), await tshark(env, made.pcap, keyed(other), fields), fields)).toEqual([]);
    });
  });
}

if (!missingTools.length) {
  describe('TLS 1.2 resumption of a session decrypted from a pre-master secret, against tshark', () => {
    let made: Made & { reused: boolean[] };
    let fields: string[];
    let keys: string;
    let keyed: string[];
    beforeAll(async () => {
      made = await makeResumption(dir);
      fields = tlsFields();
      keyed = ['-d', `tcp.port==${made.port},tls`];
      // Only the RSA lines of the three full handshakes: the resumed ones have no ClientKeyExchange.
      keys = join(dir, 'resume-rsa.keys');
      writeFileSync(keys, rsaPremasters(made, dir).map((l) => `RSA ${l.epmsPrefix} ${l.pms}`).join('\n') + '\n');
      keyed.push('-o', `tls.keylog_file:${keys}`);
    }, 120_000);

    it('the capture: a full handshake and its resumption by session ID, then by session ticket', () => {
      expect(made.reused).toEqual([false, true, false, true, false]);
      expect(readFileSync(keys, 'utf8').trim().split('\n').length).toBe(3);
    });

    it('by session ID and by session ticket: the master secret of the earlier connection decrypts the resumed one, every TLS and HTTP field as tshark', async () => {
      const decrypted = await finishedByStream(env, made.pcap, keyed);
      expect([0, 1, 2, 3, 4].map((i) => decrypted.get(i))).toEqual([2, 2, 2, 2, 2]);
      const all = ['tcp.stream', ...fields, ...httpFields()];
      const ours = wirelite(made.pcap, ['-o', `tls.keylog_file:${keys}`], all, undefined, true);
      const theirs = await tshark(env, made.pcap, keyed, all, true, true);
      expect(differences(ours, theirs, all)).toEqual([]);
      expect(ours.filter((l) => l.includes('GET / HTTP/1.0')).length).toBe(5);
    });

    it('the master secrets from CLIENT_RANDOM lines: the same (a ticket offered to a server that cannot open it does not take the old session\'s secret)', async () => {
      const cr = ['-d', `tcp.port==${made.port},tls`, '-o', `tls.keylog_file:${made.keys}`];
      expect((await finishedByStream(env, made.pcap, cr)).size).toBe(5);
      const ours = wirelite(made.pcap, ['-o', `tls.keylog_file:${made.keys}`], fields);
      expect(differences(ours, await tshark(env, made.pcap, cr, fields), fields)).toEqual([]);
    });
  });
}

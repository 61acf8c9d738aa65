/**
 * `stats FILE tls`: the per-connection "keys" verdict agrees with what the dissector decrypted when
 * the secret came from somewhere other than the connection's client random: RSA key-log lines (the
 * pre-master secret found by its encrypted form) and resumed sessions (the master secret of the
 * earlier connection, by session ID and by ticket). The capture is OpenSSL's (test/tls/captures.ts
 * makeResumption), the key log holds only RSA lines, and tshark -2 with the same key log says which
 * connections it decrypted (each Finished shown).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TlsConnectionSummary } from '../../src/stats/tls.js';
import { describeCorpusMissing } from '../corpus.js';
import { makeResumption, rsaPremasters, type Made } from './captures.js';
import { bin, finishedByStream, missingTools, run, tsharkEnv } from './compare.js';

/** `wirelite stats FILE tls --tls-keylog KEYS` (as text, and its connections from --json). */
async function stats(file: string, keys: string): Promise<{ text: string; rows: TlsConnectionSummary[] }> {
  const text = (await run(bin, ['stats', file, 'tls', '--tls-keylog', keys])).stdout;
  const json = (await run(bin, ['stats', file, 'tls', '--tls-keylog', keys, '--json'])).stdout;
  const rows = json.trim().split('\n').map((l) => JSON.parse(l) as TlsConnectionSummary).filter((r) => r.stream !== undefined);
  return { text, rows };
}

const dir = mkdtempSync(join(tmpdir(), 'wirelite-tls-stats-keys-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const TITLE = 'stats tls: the keys verdict of connections decrypted by RSA lines and by resumption';
if (missingTools.length) describeCorpusMissing(TITLE, `needs ${missingTools.join(', ')} (CI runs as root with them)`);
else
  describe(TITLE, () => {
    let made: Made & { reused: boolean[] };
    let rsaKeys: string;
    let otherKeys: string;
    beforeAll(async () => {
      made = await makeResumption(dir);
      const lines = rsaPremasters(made, dir);
      rsaKeys = join(dir, 'rsa.keys');
      writeFileSync(rsaKeys, lines.map((l) => `RSA ${l.epmsPrefix} ${l.pms}`).join('\n') + '\n');
      // RSA lines whose encrypted pre-master secrets are no connection's.
      otherKeys = join(dir, 'other.keys');
      writeFileSync(otherKeys, lines.map((l) => `RSA ${l.epmsPrefix.replace(/^./, (c) => (c === '0' ? '1' : '0'))} ${l.pms}`).join('\n') + '\n');
    }, 120_000);

    it('RSA lines only: every connection is "yes" and decrypted, as tshark decrypts it; full handshakes by the RSA line, resumed ones by the earlier session', async () => {
      expect(made.reused).toEqual([false, true, false, true, false]);
      const theirs = await finishedByStream(tsharkEnv(dir), made.pcap, ['-d', `tcp.port==${made.port},tls`, '-o', `tls.keylog_file:${rsaKeys}`]);
      expect([0, 1, 2, 3, 4].map((i) => theirs.get(i))).toEqual([2, 2, 2, 2, 2]);
      const { text, rows } = await stats(made.pcap, rsaKeys);
      expect(rows.map((c) => [c.stream, c.keys?.available, c.decryptedRecords > 0])).toEqual([0, 1, 2, 3, 4].map((i) => [i, 'yes', true]));
      expect(rows.map((c) => c.keys!.detail.split(':')[0])).toEqual(['RSA line', 'resumed session', 'RSA line', 'resumed session', 'RSA line']);
      expect(text).toContain('5 connection(s) decryptable; 3 RSA line(s) (found by the encrypted pre-master secret: 3 connection(s) decrypted with one)');
      expect(text).not.toContain('not matched');
      expect(text.match(/^ {2}keys {7}yes /gm)?.length).toBe(5);
      expect(text.match(/^ {2}decrypted {2}yes /gm)?.length).toBe(5);
    });

    it('RSA lines for no connection: nothing decrypted and every verdict "no", as tshark', async () => {
      const theirs = await finishedByStream(tsharkEnv(dir), made.pcap, ['-d', `tcp.port==${made.port},tls`, '-o', `tls.keylog_file:${otherKeys}`]);
      expect(theirs.size).toBe(0);
      const { text, rows } = await stats(made.pcap, otherKeys);
      expect(rows.map((c) => [c.keys?.available, c.decryptedRecords])).toEqual([0, 1, 2, 3, 4].map(() => ['no', 0]));
      expect(text).toContain('0 connection(s) decryptable; 3 RSA line(s) (found by the encrypted pre-master secret: 0 connection(s) decrypted with one)');
    });
  });

/**
 * Key logs: a real one written by OpenSSL (s_server/s_client over loopback, TLS 1.3 and TLS 1.2),
 * hand-made lines for the edge cases (bad lines counted, never fatal; RSA lines; limits), and the
 * verdict per connection (TLS 1.2: CLIENT_RANDOM; TLS 1.3: both handshake and both traffic
 * secrets). Whether tshark really decrypts with the same secrets is checked on a live capture in
 * test/cli/tls-stats.test.ts.
 */
import { execFileSync, spawn } from 'node:child_process';
import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { addTlsSecretsBlock, DSB_TLS_KEY_LOG, readKeyLogFile, refreshKeyLog, sessionKeyLog, TLS_KEYLOG_LIMITS, TlsKeyLog } from '../../src/dissectors/tls/keylog.js';
import type { Session } from '../../src/dissectors/packet.js';

const dir = mkdtempSync(join(tmpdir(), 'wirelite-keys-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const CR1 = 'ab'.repeat(32);
const CR2 = 'cd'.repeat(32);
const S48 = '11'.repeat(48);
const S32 = '22'.repeat(32);

/** One TLS connection over loopback with openssl writing the key log; returns the log's text. */
async function opensslKeyLog(tlsArgs: string[]): Promise<string> {
  const key = join(dir, 'k.pem');
  const cert = join(dir, 'c.pem');
  execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', key, '-out', cert, '-days', '1', '-subj', '/CN=keys.test'], { stdio: 'ignore' });
  const log = join(dir, `keys-${tlsArgs.join('')}.txt`);
  const port = 20000 + Math.floor(Math.random() * 30000);
  const server = spawn('openssl', ['s_server', '-accept', `127.0.0.1:${port}`, '-cert', cert, '-key', key, '-www', '-naccept', '1', '-quiet', '-keylogfile', log], { stdio: 'ignore' });
  try {
    for (let i = 0; i < 50; i++) {
      try {
        execFileSync('openssl', ['s_client', '-connect', `127.0.0.1:${port}`, '-ign_eof', '-quiet', ...tlsArgs], { input: 'GET / HTTP/1.0\r\n\r\n', stdio: ['pipe', 'ignore', 'ignore'], timeout: 5000 });
        break;
      } catch {
        await new Promise((r) => setTimeout(r, 100)); // server not listening yet
      }
    }
  } finally {
    server.kill();
  }
  return readFileSync(log, 'utf8');
}

describe('key logs written by OpenSSL', () => {
  it('TLS 1.3: the five secrets of one client random; yes for TLS 1.3, not enough for TLS 1.2', async () => {
    const text = await opensslKeyLog(['-tls1_3']);
    const log = new TlsKeyLog();
    log.add(text, 'openssl');
    expect(log.counts.bad).toBe(0);
    expect(log.size).toBe(1);
    const cr = /CLIENT_HANDSHAKE_TRAFFIC_SECRET ([0-9a-f]{64})/i.exec(text)![1]!;
    expect(log.labels(cr).sort()).toEqual(['CLIENT_HANDSHAKE_TRAFFIC_SECRET', 'CLIENT_TRAFFIC_SECRET_0', 'EXPORTER_SECRET', 'SERVER_HANDSHAKE_TRAFFIC_SECRET', 'SERVER_TRAFFIC_SECRET_0']);
    expect(log.availability(cr, 0x0304).available).toBe('yes');
    expect(log.availability(cr.toUpperCase(), 0x0304).available).toBe('yes');
    expect(log.availability(cr, 0x0303).available).toBe('no');
    expect(log.availability(CR1, 0x0304)).toEqual({ available: 'no', detail: 'no secrets for this client random' });
    // Without the traffic secrets: the handshake only.
    const hsOnly = new TlsKeyLog();
    hsOnly.add(text.split('\n').filter((l) => l.includes('HANDSHAKE')).join('\n'), 'hs');
    expect(hsOnly.availability(cr, 0x0304).available).toBe('partial');
  });

  it('TLS 1.2: CLIENT_RANDOM with the 48-byte master secret', async () => {
    const text = await opensslKeyLog(['-tls1_2']);
    const log = readKeyLogFile(join(dir, 'keys--tls1_2.txt'));
    expect(log.counts.secrets).toBe(1);
    const cr = /^CLIENT_RANDOM ([0-9a-f]{64}) [0-9a-f]{96}$/im.exec(text)![1]!;
    expect(log.availability(cr, 0x0303)).toEqual({ available: 'yes', detail: 'CLIENT_RANDOM master secret' });
    expect(log.availability(cr, 0)).toEqual({ available: 'yes', detail: 'CLIENT_RANDOM master secret' });
  });
});

describe('key log lines', () => {
  it('comments and blank lines skipped; bad lines counted with their numbers, the good ones kept', () => {
    const log = new TlsKeyLog();
    log.add(
      [
        '# comment',
        '',
        `CLIENT_RANDOM ${CR1} ${S48}`,
        `CLIENT_RANDOM ${CR1.slice(2)} ${S48}`, // short client random
        `CLIENT_RANDOM ${CR2} zz${S48.slice(2)}`, // not hex
        `NOT_A_LABEL ${CR2} ${S48}`,
        `CLIENT_RANDOM ${CR2}`, // two fields
        `RSA 0123456789abcdef ${S48}`,
        `  CLIENT_HANDSHAKE_TRAFFIC_SECRET   ${CR2.toUpperCase()} ${S32}  `,
        `SERVER_HANDSHAKE_TRAFFIC_SECRET ${CR2} ${S32}\r`,
      ].join('\n'),
      'k.log',
    );
    expect(log.counts).toMatchObject({ lines: 10, secrets: 3, bad: 4, badLines: ['k.log:4', 'k.log:5', 'k.log:6', 'k.log:7'], rsa: 1 });
    expect(log.availability(CR1, 0x0303).available).toBe('yes');
    expect(log.availability(CR2, 0x0304)).toEqual({ available: 'partial', detail: 'TLS 1.3 handshake secrets only (no CLIENT/SERVER_TRAFFIC_SECRET_0)' });
    expect(log.availability(CR2, 0x0303).available).toBe('no');
  });

  it('TLS 1.3 traffic secrets alone: partial; one of each pair: no', () => {
    const log = new TlsKeyLog();
    log.add(`CLIENT_TRAFFIC_SECRET_0 ${CR1} ${S32}\nSERVER_TRAFFIC_SECRET_0 ${CR1} ${S32}\nCLIENT_HANDSHAKE_TRAFFIC_SECRET ${CR2} ${S32}\n`, 'x');
    expect(log.availability(CR1, 0x0304).available).toBe('partial');
    expect(log.availability(CR2, 0x0304).available).toBe('no');
  });

  it('a DSB payload (bytes) reads like a file; limits bound what is kept', () => {
    const log = new TlsKeyLog();
    log.add(new TextEncoder().encode(`CLIENT_RANDOM ${CR1} ${S48}\n`), 'dsb');
    expect(log.availability(CR1, 0x0303).available).toBe('yes');
    const saved = TLS_KEYLOG_LIMITS.maxClientRandoms;
    TLS_KEYLOG_LIMITS.maxClientRandoms = 2;
    try {
      const small = new TlsKeyLog();
      small.add([0, 1, 2, 3].map((i) => `CLIENT_RANDOM ${String(i).repeat(64)} ${S48}`).join('\n'), 'many');
      expect([small.size, small.counts.dropped]).toEqual([2, 2]);
    } finally {
      TLS_KEYLOG_LIMITS.maxClientRandoms = saved;
    }
  });

  it("a session's key log: its files, read again when they grow (a live capture's SSLKEYLOGFILE), the DSBs added", () => {
    const file = join(dir, 'growing.keys');
    writeFileSync(file, `CLIENT_RANDOM ${CR1} ${S48}\n`);
    const session = { carry: new Map(), options: { tlsKeyLogs: [file], prefs: ['ip.check_checksum:FALSE'] } } as unknown as Session;
    const log = sessionKeyLog(session)!;
    expect([log.labels(CR1), log.labels(CR2)]).toEqual([['CLIENT_RANDOM'], []]);
    expect(refreshKeyLog(session)).toBe(false);
    appendFileSync(file, `CLIENT_RANDOM ${CR2} ${S48}\n`);
    expect(refreshKeyLog(session)).toBe(true);
    expect(log.labels(CR2)).toEqual(['CLIENT_RANDOM']);
    expect(log.secret(CR2, 'CLIENT_RANDOM')).toEqual(Buffer.from(S48, 'hex'));
    expect(addTlsSecretsBlock(session, { type: DSB_TLS_KEY_LOG, data: new TextEncoder().encode(`CLIENT_HANDSHAKE_TRAFFIC_SECRET ${CR1} ${S32}\n`) })).toBe(true);
    expect(addTlsSecretsBlock(session, { type: 0x57474b4c, data: new Uint8Array(4) })).toBe(false);
    expect(sessionKeyLog(session)!.labels(CR1)).toEqual(['CLIENT_RANDOM', 'CLIENT_HANDSHAKE_TRAFFIC_SECRET']);
    // No file and no DSB: no key log, nothing to decrypt with.
    expect(sessionKeyLog({ carry: new Map(), options: {} } as unknown as Session)).toBeUndefined();
  });

  it('a missing key log file: an error with its name', () => {
    expect(() => readKeyLogFile(join(dir, 'nope.txt'))).toThrow(/nope\.txt/);
    writeFileSync(join(dir, 'empty.txt'), '');
    expect(readKeyLogFile(join(dir, 'empty.txt')).size).toBe(0);
  });
});

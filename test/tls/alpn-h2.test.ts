/**
 * HTTP/2 inside TLS (ALPN h2): wirelite has no HTTP/2 dissector, so the decrypted data stays TLS
 * application data. Checked against tshark with its HTTP/2 dissector off (`--disable-protocol
 * http2`): every TLS field and both columns the same. With tshark's HTTP/2 on, the TLS fields are
 * still the same; only the columns of the frames tshark gives to HTTP2 differ (its Protocol
 * "HTTP2" and Info such as "Magic, SETTINGS[0]").
 *
 * The capture is made here: openssl s_client -alpn h2 sending an HTTP/2 connection preface, a
 * SETTINGS and a PING frame to s_server -alpn h2, over TLS 1.3 and TLS 1.2.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeCorpusMissing } from '../corpus.js';
import { makeCaptures, type Made, type TlsCase } from './captures.js';
import { compared, differences, missingTools, tlsFields, tshark, tsharkEnv, wirelite } from './compare.js';

/** The client connection preface (RFC 9113 3.4), an empty SETTINGS frame and a PING. */
const PREFACE = 'PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n' + '\x00\x00\x00\x04\x00\x00\x00\x00\x00' + '\x00\x00\x08\x06\x00\x00\x00\x00\x00' + 'wirelite';
const CASES: TlsCase[] = [
  { name: 'TLS 1.3 ALPN h2', client: ['-tls1_3', '-alpn', 'h2'], server: ['-alpn', 'h2'], echo: true, raw: PREFACE },
  { name: 'TLS 1.2 ALPN h2', client: ['-tls1_2', '-cipher', 'ECDHE-RSA-AES128-GCM-SHA256', '-alpn', 'h2'], server: ['-alpn', 'h2'], echo: true, raw: PREFACE },
];

const dir = mkdtempSync(join(tmpdir(), 'wirelite-tls-h2-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const env = tsharkEnv(dir);

if (missingTools.length) {
  describeCorpusMissing('TLS with ALPN h2', `needs ${missingTools.join(', ')} (CI runs as root with them)`);
} else {
  describe('HTTP/2 in decrypted TLS stays TLS application data, against tshark', () => {
    let made: Made;
    let fields: string[];
    let keyed: string[];
    beforeAll(async () => {
      made = await makeCaptures(dir, CASES);
      fields = tlsFields();
      keyed = ['-d', `tcp.port==${made.port},tls`, '-o', `tls.keylog_file:${made.keys}`];
    }, 120_000);

    it('as tshark --disable-protocol http2: every TLS field and the columns', async () => {
      const ours = wirelite(made.pcap, ['-o', `tls.keylog_file:${made.keys}`], fields);
      const theirs = await tshark(env, made.pcap, [...keyed, '--disable-protocol', 'http2'], fields);
      expect(differences(ours, theirs, fields)).toEqual([]);
      expect(compared(ours, theirs, fields)).toBeGreaterThan(200);
      // The records were decrypted: without keys the same capture reads otherwise.
      expect(wirelite(made.pcap, [], fields)).not.toEqual(ours);
    });

    it("with tshark's HTTP/2 dissector: the same TLS fields; the columns differ only where tshark says HTTP2", async () => {
      const ours = wirelite(made.pcap, ['-o', `tls.keylog_file:${made.keys}`], fields);
      const theirs = await tshark(env, made.pcap, keyed, fields);
      const diff = differences(ours, theirs, fields);
      const http2Frames = new Set(theirs.map((l, i) => (l.split('\t').at(-1) === 'HTTP2' ? i + 1 : 0)).filter(Boolean));
      expect(http2Frames.size).toBeGreaterThanOrEqual(2);
      expect(diff.filter((d) => !/^#\d+ _ws\.col\.(Info|Protocol):/.test(d) || !http2Frames.has(Number(d.slice(1, d.indexOf(' ')))))).toEqual([]);
      expect(diff.some((d) => d.includes('Magic'))).toBe(true);
    });
  });
}

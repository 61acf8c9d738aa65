/**
 * Disabled protocols (`wirelite read --disable-protocol`, as tshark's): a disabled protocol's bytes
 * are dissected as data (`data` itself cannot be disabled, as in tshark), against live tshark 4.0 on corpus
 * captures; and the registry switch statistics use (`applicationProtocols()` disabled for tables
 * that read only the lower layers) leaves the lower layers exactly as they were.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { corpusPresent, corpusRoot } from '../conformance/oracle.js';
import { applicationProtocols, protocolEnabled } from '../../src/dissectors/registry.js';
import { newSession } from '../../src/dissectors/session.js';
import '../../src/dissectors/index.js';
import { itCorpusMissing } from '../corpus.js';

const root = resolve(import.meta.dirname, '../..');
const bin = join(root, 'bin/wirelite');
const scratch = mkdtempSync(join(tmpdir(), 'wl-disable-test-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const FIELDS = ['-T', 'fields', '-e', 'frame.number', '-e', '_ws.col.Protocol', '-e', 'udp.length', '-e', 'tcp.len', '-e', 'data.len'];

function tshark(args: string[]): string {
  return execFileSync('tshark', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], env: { ...process.env, WIRESHARK_CONFIG_DIR: scratch }, maxBuffer: 1 << 28 });
}

function wl(args: string[]) {
  const r = spawnSync(bin, args, { cwd: root, encoding: 'utf8' });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

describe('read --disable-protocol', () => {
  if (!corpusPresent) itCorpusMissing();
  it.skipIf(!corpusPresent)(corpusPresent ? 'gives what tshark gives with the same protocols disabled' : 'SKIPPED: ../shared/corpus missing (no captures to compare with tshark on)', () => {
    const cases: Array<[string, string]> = [
      ['zeek/dns-caa.pcap', 'dns'],
      ['suricata-verify/tls/tls-client-hello-frag-01/dump_mtu300.pcap', 'tls'],
      ['zeek/dns-caa.pcap', 'dns,data'],
    ];
    for (const [rel, names] of cases) {
      const file = join(corpusRoot, 'public', rel);
      const args = names.split(',').flatMap((n) => ['--disable-protocol', n]);
      const ours = wl(['read', file, ...args, ...FIELDS]);
      expect(ours.code, ours.err).toBe(0);
      const theirs = tshark(['-n', '-2', '-r', file, ...args, ...FIELDS]);
      expect(ours.out, `${rel} with ${names} disabled`).toBe(theirs);
      // Disabling changed something (the protocol is in the capture).
      expect(wl(['read', file, ...FIELDS]).out).not.toBe(ours.out);
    }
  });

  it('takes a comma-separated list and refuses an unknown protocol (exit 1)', () => {
    expect(wl(['read', 'fixtures/loopback.pcap', '--disable-protocol', 'dns,tls', '-q']).code).toBe(0);
    const r = wl(['read', 'fixtures/loopback.pcap', '--disable-protocol', 'nosuchproto']);
    expect(r.code).toBe(1);
    expect(r.err).toContain('unknown protocol "nosuchproto"');
  });
});

describe('disabled protocols (a session option)', () => {
  it('names the application protocols; a session disables them, another does not', () => {
    const apps = applicationProtocols();
    expect(apps).toEqual(expect.arrayContaining(['dns', 'tls', 'data']));
    expect(apps).not.toContain('tcp');
    const off = newSession({ disabledProtocols: apps });
    expect(protocolEnabled(off, 'dns')).toBe(false);
    expect(protocolEnabled(off, 'tcp')).toBe(true);
    expect(protocolEnabled(newSession(), 'dns')).toBe(true);
    expect(() => newSession({ disabledProtocols: ['nosuchproto'] })).toThrow(/unknown protocol/);
  });
});

/**
 * x509.ts against two oracles: node:crypto's X509Certificate (OpenSSL) on certificates that
 * openssl makes here (multi-valued RDNs, UTF-8, every alt-name kind), and tshark 4.0 on every
 * certificate of the corpus TLS captures (the rdnSequence text of `tshark -V`, x509af.serialNumber,
 * x509af.utcTime, x509ce.dNSName). Hostile DER (every truncation, lengths past the end, deep
 * nesting, random bytes) gives null and never throws.
 */
import { execFile, execFileSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { decodeCertificate, X509_LIMITS } from '../../src/dissectors/tls/x509.js';
import { corpusPublic, itCorpusMissing } from '../corpus.js';

const corpus = corpusPublic;
const dir = mkdtempSync(join(tmpdir(), 'wirelite-x509-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A self-signed certificate from openssl; DER bytes. */
function opensslCert(name: string, subj: string, extra: string[] = []): Uint8Array {
  const key = join(dir, `${name}.key`);
  const pem = join(dir, `${name}.pem`);
  execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', key, '-out', pem, '-days', '30', '-utf8', '-subj', subj, ...extra], { stdio: 'ignore' });
  return new X509Certificate(readFileSync(pem)).raw;
}

const SHORT: Record<string, string> = {
  'id-at-commonName': 'CN',
  'id-at-countryName': 'C',
  'id-at-stateOrProvinceName': 'ST',
  'id-at-localityName': 'L',
  'id-at-organizationName': 'O',
  'id-at-organizationalUnitName': 'OU',
  'id-at-serialNumber': 'serialNumber',
  'pkcs-9-at-emailAddress': 'emailAddress',
  dc: 'DC',
};
/** Our Wireshark-style name in node's form (RDNs first to last, one per line; values without commas). */
function nodeForm(name: string): string {
  return name
    .split(',')
    .reverse()
    .map((rdn) =>
      rdn
        .split('+')
        .map((atv) => {
          const i = atv.indexOf('=');
          return `${SHORT[atv.slice(0, i)] ?? atv.slice(0, i)}=${atv.slice(i + 1)}`;
        })
        .join(' + '),
    )
    .join('\n');
}

/** node prints "Nov 27 14:49:34 2026 GMT"; ours is ISO 8601. */
const nodeTime = (s: string): string => new Date(s).toISOString().replace('.000Z', 'Z');

describe('certificates made by openssl, checked with node:crypto X509Certificate', () => {
  it('names (multi-valued RDN, UTF-8, email), serial, validity and every alt-name kind', () => {
    const der = opensslCert('a', '/C=DE/ST=Bayern/L=München/O=Ex Org+OU=Unit A/CN=tëst.example/emailAddress=ops@example.com', [
      '-set_serial',
      '0x00ff01',
      '-addext',
      'subjectAltName=DNS:a.example,DNS:*.b.example,IP:10.0.0.1,IP:2001:db8::1,email:x@y.z,URI:https://u.example/p,RID:1.2.3.4',
    ]);
    const ours = decodeCertificate(der)!;
    const node = new X509Certificate(der);
    expect(ours.subject).toBe('pkcs-9-at-emailAddress=ops@example.com,id-at-commonName=tëst.example,id-at-organizationName=Ex Org+id-at-organizationalUnitName=Unit A,id-at-localityName=München,id-at-stateOrProvinceName=Bayern,id-at-countryName=DE');
    expect(nodeForm(ours.subject)).toBe(node.subject);
    expect(nodeForm(ours.issuer)).toBe(node.issuer);
    // tshark prints the INTEGER's bytes (a leading 00 kept); OpenSSL the number.
    expect(ours.serial).toBe('00ff01');
    expect(ours.serial.replace(/^(00)+/, '').toUpperCase()).toBe(node.serialNumber);
    expect(ours.notBefore).toBe(nodeTime(node.validFrom));
    expect(ours.notAfter).toBe(nodeTime(node.validTo));
    expect(ours.subjectAltNames).toEqual(['DNS:a.example', 'DNS:*.b.example', 'IP Address:10.0.0.1', 'IP Address:2001:db8::1', 'email:x@y.z', 'URI:https://u.example/p', 'Registered ID:1.2.3.4']);
    // OpenSSL writes IPv6 uncompressed and in capitals: the same list once normalised.
    expect(node.subjectAltName!.split(', ').map((s) => s.replace('2001:DB8:0:0:0:0:0:1', '2001:db8::1'))).toEqual(ours.subjectAltNames);
  });

  it('a certificate with no extensions and a 20-byte serial; dates past 2049 as GeneralizedTime', () => {
    const der = opensslCert('b', '/CN=plain', ['-set_serial', '0x7f' + '11'.repeat(19), '-days', '30000']);
    const ours = decodeCertificate(der)!;
    const node = new X509Certificate(der);
    expect(ours.subjectAltNames).toEqual([]);
    expect(ours.serial).toBe(node.serialNumber.toLowerCase());
    expect(Number(ours.notAfter.slice(0, 4))).toBeGreaterThan(2049);
    expect(ours.notAfter).toBe(nodeTime(node.validTo));
    expect(ours.subject).toBe('id-at-commonName=plain');
  });
});

describe('hostile DER', () => {
  const good = opensslCert('h', '/CN=hostile.example/O=X', ['-addext', 'subjectAltName=DNS:h.example']);

  it('every truncation and every one-byte corruption: null or a summary, never a throw', () => {
    expect(decodeCertificate(good)).not.toBeNull();
    for (let n = 0; n < good.length; n++) expect(decodeCertificate(good.subarray(0, n))).toBeNull();
    let decoded = 0;
    for (let i = 0; i < good.length; i++) {
      const bad = Uint8Array.from(good);
      bad[i] = bad[i]! ^ 0xff;
      if (decodeCertificate(bad)) decoded++;
    }
    // Bytes inside the key and signature do not matter to the summary; structure bytes do.
    expect(decoded).toBeGreaterThan(0);
    expect(decoded).toBeLessThan(good.length);
  });

  it('lengths past the end, indefinite and oversized lengths: null', () => {
    expect(decodeCertificate(Uint8Array.from([0x30, 0x84, 0xff, 0xff, 0xff, 0xff, 0x30, 0x00]))).toBeNull();
    expect(decodeCertificate(Uint8Array.from([0x30, 0x80, 0x30, 0x00, 0x00, 0x00]))).toBeNull();
    expect(decodeCertificate(Uint8Array.from([0x30, 0x89, 1, 2, 3, 4, 5, 6, 7, 8, 9]))).toBeNull();
    expect(decodeCertificate(new Uint8Array(0))).toBeNull();
    // The certificate's own length says 2 bytes more than there are.
    const long = Uint8Array.from(good);
    long[3] = long[3]! + 2;
    expect(decodeCertificate(long)).toBeNull();
  });

  it(`nesting deeper than ${X509_LIMITS.maxDepth}: null; 100,000 nested SEQUENCEs too, without a stack overflow`, () => {
    const nest = (depth: number): Uint8Array => {
      // Level d is a SEQUENCE with a 4-byte length holding levels d+1.. (6 bytes of header each).
      const out = new Uint8Array(depth * 6);
      for (let d = 0; d < depth; d++) {
        const len = (depth - d - 1) * 6;
        out.set([0x30, 0x84, len >>> 24, (len >>> 16) & 0xff, (len >>> 8) & 0xff, len & 0xff], d * 6);
      }
      return out;
    };
    expect(decodeCertificate(nest(100_000))).toBeNull();
    expect(decodeCertificate(nest(40))).toBeNull();
  });

  it('random bytes (seeded): never a throw', () => {
    let seed = 12345;
    const rnd = () => (seed = (seed * 1103515245 + 12345) >>> 0) >>> 16;
    for (let i = 0; i < 5000; i++) {
      const b = Uint8Array.from({ length: 1 + (rnd() % 300) }, () => rnd() & 0xff);
      if (i % 2) b[0] = 0x30;
      expect(() => decodeCertificate(b)).not.toThrow();
    }
  });
});

interface TsharkCert {
  der: string;
  issuer: string;
  subject: string;
  serial: string;
}
/** Per frame with a Certificate message: its certificates with tshark's names, and its times and DNS names. */
interface TsharkFrame {
  certs: TsharkCert[];
  times: string[];
  dns: string[];
}

async function tsharkCerts(file: string): Promise<TsharkFrame[]> {
  const run = promisify(execFile);
  const filter = 'tls.handshake.type == 11';
  const fields = await run('tshark', ['-n', '-r', file, '-Y', filter, '-T', 'fields', '-e', 'tls.handshake.certificate', '-e', 'x509af.serialNumber', '-e', 'x509af.utcTime', '-e', 'x509ce.dNSName', '-E', 'occurrence=a', '-E', 'aggregator=|'], { maxBuffer: 64 << 20 });
  const tree = await run('tshark', ['-n', '-r', file, '-Y', filter, '-V'], { maxBuffer: 256 << 20 });
  // tshark -V: each "Certificate: <first bytes in hex>… (...)" item holds "issuer: rdnSequence (0)"
  // then "rdnSequence: N items (TEXT)", the same for subject. Certificates elsewhere in a frame
  // (OCSP responses) are skipped by matching the hex prefix against the DER from -T fields.
  const items: { prefix: string; names: string[] }[] = [];
  const lines = tree.stdout.split('\n');
  let indent = -1;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const lead = line.length - line.trimStart().length;
    const m = /^(\s+)Certificate: ([0-9a-f]+)/.exec(line);
    if (m) {
      indent = m[1]!.length;
      items.push({ prefix: m[2]!, names: [] });
    } else if (indent >= 0 && lead <= indent) indent = -1;
    else if (indent >= 0 && /^\s+(issuer|subject): rdnSequence \(0\)$/.test(line) && items.at(-1)!.names.length < 2) {
      items.at(-1)!.names.push(/rdnSequence: \d+ items? \((.*)$/.exec(lines[i + 1]!)?.[1]?.replace(/\)$/, '') ?? '');
    }
  }
  let next = 0;
  const namesOf = (der: string): string[] => {
    while (next < items.length && !der.startsWith(items[next]!.prefix)) next++;
    return items[next++]?.names ?? [];
  };
  const out: TsharkFrame[] = [];
  for (const line of fields.stdout.split('\n')) {
    if (!line) continue;
    const [certs, serials, times, dns] = line.split('\t');
    const sers = serials!.split('|');
    const certList = certs!.split('|').map((der, k) => {
      const [issuer = '?', subject = '?'] = namesOf(der);
      return { der, issuer, subject, serial: sers[k] ?? '' };
    });
    out.push({ certs: certList, times: times ? times.split('|') : [], dns: dns ? dns.split('|') : [] });
  }
  return out;
}

/** tshark's "2011-05-04 00:00:00 (UTC)" as ISO 8601. */
const tsharkTime = (s: string): string => s.replace(' (UTC)', 'Z').replace(' ', 'T');

describe('corpus certificates against tshark 4.0', () => {
  const files = [
    'pcapplusplus/ExamplesTest/pcap_examples/tls2.pcap',
    'suricata-verify/tls/tls-subjectaltname/input.pcap',
    'zeek/tls/google-cert-repeat.pcap',
    'zeek/tls/tls1.2.pcap',
    'zeek/tls/tls-early-alert.pcap',
    'zeek/tls/smtp-starttls.pcap',
    'zeek/tls/client-certificate.pcap',
    'zeek/tls/chrome-34-google.pcap',
    'zeek/tls/ecdhe.pcap',
  ];
  const present = existsSync(corpus);
  if (!present) itCorpusMissing();
  it.skipIf(!present)(present ? 'subject, issuer, serial, validity and DNS alt names of every certificate' : 'SKIPPED: ../shared/corpus missing (no certificates to compare with tshark)', async () => {
    const frames: TsharkFrame[] = [];
    for (let i = 0; i < files.length; i += 3) for (const r of await Promise.all(files.slice(i, i + 3).map((f) => tsharkCerts(join(corpus, f))))) frames.push(...r);
    const diffs: string[] = [];
    let compared = 0;
    // tshark cuts tree labels at 240 characters: a long name is compared as a prefix.
    const same = (a: string, t: string) => a === t || (t.length > 150 && a.startsWith(t));
    for (const fr of frames) {
      const times: string[] = [];
      const dns: string[] = [];
      for (const c of fr.certs) {
        const ours = decodeCertificate(Buffer.from(c.der, 'hex'));
        if (!ours) {
          diffs.push(`not decoded: ${c.subject}`);
          continue;
        }
        compared++;
        if (!same(ours.subject, c.subject)) diffs.push(`subject ${ours.subject} / ${c.subject}`);
        if (!same(ours.issuer, c.issuer)) diffs.push(`issuer ${ours.issuer} / ${c.issuer}`);
        if (ours.serial !== c.serial) diffs.push(`serial ${ours.serial} / ${c.serial}`);
        times.push(ours.notBefore, ours.notAfter);
        dns.push(...ours.subjectAltNames.filter((s) => s.startsWith('DNS:')).map((s) => s.slice(4)));
      }
      // x509af.utcTime lists UTCTime values only: compare when every time of the frame is one.
      if (fr.times.length === times.length && JSON.stringify(times) !== JSON.stringify(fr.times.map(tsharkTime))) diffs.push(`times ${times} / ${fr.times}`);
      if (JSON.stringify(dns) !== JSON.stringify(fr.dns)) diffs.push(`dns ${dns} / ${fr.dns}`);
    }
    expect(diffs).toEqual([]);
    expect(compared).toBeGreaterThan(150);
  }, 180_000); // tshark over several captures: slow on a busy machine
});

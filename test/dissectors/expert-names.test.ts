/**
 * Expert items by their own names, as tshark takes them: `-Y tcp.connection.syn`, `-e ip.ttl.too_small`
 * (prints 1), `-e _ws.expert` (the items' labels), and the `name` of the JSON expert objects. The
 * names and their summaries are tshark's: every name the dissectors raise is in `tshark -G fields`
 * (live), and on corpus captures that hold them the columns and the filtered frames equal tshark's.
 * wirelite refused every one of these names before ("unknown field", "neither a field nor a protocol
 * name"), and raised three under names of its own (ip.len.past_end, tcp.hdr_len.bogus,
 * udp.checksum_bad.expert for tshark's ip.bogus_ip_length, tcp.bogus_header_length, udp.checksum.bad).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { EXPERT_NAMES, EXPERT_PROTOCOLS } from '../../src/dissectors/experts.js';
import { fieldByName } from '../../src/dissectors/fields.js';
import '../../src/dissectors/index.js';
import { corpusFile, corpusPresent, describeCorpusMissing, itMissing, repoRoot, toolLines } from '../corpus.js';
import { tsFiles } from '../src-files.js';

const bin = join(repoRoot, 'bin/wirelite');
const hasTshark = spawnSync('tshark', ['--version']).status === 0;

/** The name argument of every `addExpert(item, severity, 'Group', 'name', message)` in src/. */
function raisedNames(): { literal: Map<string, string>; computed: string[] } {
  const literal = new Map<string, string>();
  const computed: string[] = [];
  for (const file of tsFiles(join(repoRoot, 'src'))) {
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(/\.addExpert\(([^;]*)/g)) {
      if (file.endsWith('packet.ts') && m[1]!.startsWith('item: number')) continue; // the method itself
      const args = m[1]!;
      const lits = [...args.matchAll(/'([^']*)'|`([^`]*)`|\b(abbrev)\b/g)];
      const name = lits[1];
      if (!name) throw new Error(`${relative(repoRoot, file)}: cannot read the name of addExpert(${args.slice(0, 80)}`);
      if (name[1] !== undefined) literal.set(name[1], relative(repoRoot, file));
      else computed.push(`${relative(repoRoot, file)}: ${name[0]}`);
    }
  }
  return { literal, computed };
}

describe('expert item names', () => {
  it('every name the dissectors raise is a field or listed in src/dissectors/experts.ts, and every entry is raised', () => {
    const { literal, computed } = raisedNames();
    expect(literal.size).toBeGreaterThan(40);
    for (const [name, file] of literal) {
      expect(fieldByName(name) !== undefined || EXPERT_NAMES.has(name) || EXPERT_PROTOCOLS.has(name), `${file}: ${name}`).toBe(true);
    }
    // The names made at run time: the TCP analysis verdicts (fields), the fragment overlap
    // (ip/ipv6 fields) and ICMP's "response not found" (icmp/icmpv6).
    expect(computed.sort()).toEqual([
      'src/dissectors/icmp.ts: `${proto}.resp_not_found`',
      'src/dissectors/ip-reassembly.ts: `${prefix}.fragment.overlap.conflict`',
      'src/dissectors/tcp/analysis.ts: abbrev',
      'src/dissectors/tcp/analysis.ts: abbrev',
    ]);
    for (const p of ['ip', 'ipv6']) expect(fieldByName(`${p}.fragment.overlap.conflict`)).toBeDefined();
    const raised = new Set([...literal.keys(), 'icmp.resp_not_found', 'icmpv6.resp_not_found']);
    for (const name of EXPERT_NAMES.keys()) expect(raised.has(name), `${name} is raised somewhere`).toBe(true);
  });

  if (!hasTshark) itMissing('SKIPPED: tshark is not installed (apt-get install tshark)');
  else {
    it('each is in tshark\'s glossary (tshark -G fields) as FT_NONE with the same summary', () => {
      const glossary = new Map<string, { type: string; name: string }>();
      for (const l of toolLines('tshark', ['-G', 'fields'])) {
        const c = l.split('\t');
        if (c[0] === 'F') glossary.set(c[2]!, { type: c[3]!, name: c[1]! });
        if (c[0] === 'P') glossary.set(c[2]!, { type: 'FT_PROTOCOL', name: c[1]! });
      }
      for (const [name, summary] of EXPERT_NAMES) expect(glossary.get(name), name).toEqual({ type: 'FT_NONE', name: summary });
      for (const [name, title] of EXPERT_PROTOCOLS) expect(glossary.get(name), name).toEqual({ type: 'FT_PROTOCOL', name: title });
      // A raised name that is a field of ours is tshark's name too.
      for (const name of raisedNames().literal.keys()) expect(glossary.has(name), `tshark knows ${name}`).toBe(true);
    });
  }
});

/** Captures where tshark raises these items (28 of the names), each agreeing with tshark everywhere. */
const CAPTURES = [
  'zeek/tls/smtp-starttls.pcap', // SYN, SYN+ACK, FIN (active, passive), RST, IPv4 checksum
  'malformed/suricata-verify/output-eve-anomaly-packethdr/anomaly.pcap', // group source MAC, bogus IP length and version, ICMP checksum
  'malformed/zeek/dns-edns-ecs-bad.pcap', // IPv6 payload length past the framing, UDP length, malformed
  'malformed/tcpdump/extract_read2_asan.pcap', // TTL, IPv4 option length, IPv4 checksum
  'zeek/chksums/ip6-icmp6-bad-chksum.pcap', // ICMPv6 checksum, no response
  'pcapplusplus/Pcap++Test/PcapExamples/DnsPackets.pcap', // DNS query and response retransmissions
  'zeek/chksums/ip4-icmp-bad-chksum.pcap', // ICMP checksum, no response
  'malformed/tcpdump/ipv6_invalid_length.pcap', // invalid IPv6 header
  'malformed/tcpdump/icmp_ext_oob_poc.pcap', // ICMP extension checksum
  'pcapplusplus/Packet++Test/PacketExamples/ArpResponsePacket.pcap', // Ethernet padding
  'malformed/tcpdump/ipv4_invalid_hdr_length.pcap', // bogus IPv4 header length
  'malformed/tcpdump/ipv6-bad-version.pcap', // bogus IPv6 version
  'tcpdump/ipv6-routing-header.pcap', // deprecated routing header
  'pcapplusplus/Packet++Test/PacketExamples/IcmpPackets.pcap', // TTL, possible traceroute
  'tcpdump/ssh.pcap', // four TCP NOPs in a row
];

/** Captures whose expert messages are all tshark's (the others: see the labels test). */
const LABELS = [
  'zeek/tls/smtp-starttls.pcap', 'zeek/chksums/ip6-icmp6-bad-chksum.pcap', 'pcapplusplus/Pcap++Test/PcapExamples/DnsPackets.pcap',
  'zeek/chksums/ip4-icmp-bad-chksum.pcap', 'malformed/tcpdump/icmp_ext_oob_poc.pcap', 'pcapplusplus/Packet++Test/PacketExamples/ArpResponsePacket.pcap',
  'malformed/tcpdump/ipv4_invalid_hdr_length.pcap', 'malformed/tcpdump/ipv6-bad-version.pcap', 'tcpdump/ipv6-routing-header.pcap',
  'malformed/suricata-verify/output-eve-anomaly-packethdr/anomaly.pcap', // bogus IPv4 version at the top and inside a quote
];

/** Output lines of `cmd` whatever its exit status (a malformed capture may end with 2); no stack trace. */
function lines(cmd: string, args: string[]): string[] {
  const r = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 256 << 20 });
  expect(r.stderr ?? '', `${cmd} ${args.join(' ')}`).not.toMatch(/\n\s+at /);
  return r.stdout.split('\n');
}

const NAMES = [...EXPERT_NAMES.keys()];
// wirelite checks IPv4 header checksums by default (README), tshark does not.
const TSHARK = ['-n', '-2', '-o', 'ip.check_checksum:TRUE'];

if (!corpusPresent) describeCorpusMissing('expert names against tshark');
else if (!hasTshark) describe('expert names against tshark', () => itMissing('SKIPPED: tshark is not installed (apt-get install tshark)'));
else {
  describe('expert names against tshark -2 on corpus captures', () => {
    beforeAll(() => {
      expect(spawnSync('tshark', ['--version']).status).toBe(0);
    });
    const seen = new Map<string, string>();
    it.each(CAPTURES)('-T fields -e frame.number -e <every name>: %s', (capture) => {
      const file = corpusFile(capture);
      const args = ['-T', 'fields', '-e', 'frame.number', ...NAMES.flatMap((n) => ['-e', n])];
      const theirs = lines('tshark', [...TSHARK, '-r', file, ...args]);
      const ours = lines(bin, ['read', file, ...args]);
      expect(ours).toEqual(theirs);
      let present = 0;
      for (const l of theirs) {
        l.split('\t').slice(1).forEach((v, j) => {
          if (v === '') return;
          present++;
          if (!seen.has(NAMES[j]!)) seen.set(NAMES[j]!, capture);
        });
      }
      expect(present, 'tshark raises at least one of the names').toBeGreaterThan(0);
    });
    // The labels hold the messages, which differ on some malformed captures (docs/conformance.md:
    // "Malformed Packet (DNS ...)" where tshark says "(Exception occurred)", IPv4 option texts).
    it.each(LABELS)('-T fields -e _ws.expert gives the items\' labels: %s', (capture) => {
      const file = corpusFile(capture);
      const labels = ['-T', 'fields', '-e', 'frame.number', '-e', '_ws.expert'];
      const theirs = lines('tshark', [...TSHARK, '-r', file, ...labels]);
      expect(theirs.some((l) => l.includes('Expert Info ('))).toBe(true);
      expect(lines(bin, ['read', file, ...labels])).toEqual(theirs);
    });
    it('-Y NAME selects the frames tshark selects, for each name on a capture that has it', () => {
      expect(seen.size, 'the captures hold 29 of the names').toBeGreaterThanOrEqual(29);
      for (const [name, capture] of seen) {
        const file = corpusFile(capture);
        const numbers = ['-T', 'fields', '-e', 'frame.number', '-Y', name];
        const theirs = lines('tshark', [...TSHARK, '-r', file, ...numbers]);
        expect(theirs.filter(Boolean).length, `${name} in ${capture}`).toBeGreaterThan(0);
        expect(lines(bin, ['read', file, ...numbers]), `-Y ${name} on ${capture}`).toEqual(theirs);
      }
    });
    it('Info and the expert text of a bogus IPv4 version are tshark\'s, at the top and inside an ICMP quote', () => {
      for (const capture of ['malformed/pcapplusplus/Packet++Test/PacketExamples/ipv4-malformed.pcap', 'malformed/suricata-verify/output-eve-anomaly-packethdr/anomaly.pcap']) {
        const args = ['-T', 'fields', '-e', 'frame.number', '-e', '_ws.col.Info', '-e', '_ws.expert.message', '-Y', 'ip.bogus_ip_version'];
        const theirs = lines('tshark', [...TSHARK, '-r', corpusFile(capture), ...args]);
        expect(theirs.filter(Boolean).length, capture).toBeGreaterThan(0);
        expect(lines(bin, ['read', corpusFile(capture), ...args]), capture).toEqual(theirs);
      }
    });
    it('-Y "_ws.short" selects the frames cut by the snapshot length, and JSON gives each item\'s name', () => {
      const file = corpusFile('malformed/tcpdump/extract_read2_asan.pcap');
      const numbers = ['-T', 'fields', '-e', 'frame.number', '-Y', '_ws.short'];
      const theirs = lines('tshark', [...TSHARK, '-r', file, ...numbers]);
      expect(theirs.filter(Boolean).length).toBeGreaterThan(0);
      expect(lines(bin, ['read', file, ...numbers])).toEqual(theirs);
      const smtp = corpusFile('zeek/tls/smtp-starttls.pcap');
      const first = JSON.parse(lines(bin, ['read', smtp, '-c', '1', '-T', 'json'])[0]!) as { expert: { name: string }[] };
      expect(first.expert.map((e) => e.name)).toContain('tcp.connection.syn');
    });
  });
}

/**
 * Wireshark's rule for "4 NOP in a row" (tcp.nop, ip.nop): NOPs are counted within one 32-bit word
 * of the header; a NOP on a word boundary after others starts the count again without counting
 * itself, other options do not reset it. Frames made here, each a layout where the rule decides.
 */
function nopCapture(): Uint8Array {
  const tcpOptions = [
    [1, 1, 1, 1], // four in the first word: raised
    [1, 1, 8, 10, 0, 0, 0, 1, 0, 0, 0, 0, 1, 1, 1, 1], // the aligned NOP after the timestamps restarts: 3, not raised
    [1, 1, 1, 3, 3, 7, 1, 1], // three, window scale, then the fourth: raised
    [1, 1, 1, 1, 1, 1, 1, 1], // raised once
    [2, 4, 5, 180, 1, 1, 1, 0], // three and an EOL: not raised
  ];
  const ipOptions = [[1, 1, 1, 1], [1, 1, 1, 0], [7, 3, 4, 1, 1, 1, 1, 0]];
  const frames: number[][] = [];
  const ip = (opts: number[], proto: number, payload: number[]) => {
    const hl = 20 + opts.length;
    const total = hl + payload.length;
    return [0x40 | (hl / 4), 0, total >> 8, total & 255, 0, 1, 0, 0, 64, proto, 0, 0, 10, 0, 0, 1, 10, 0, 0, 2, ...opts, ...payload];
  };
  const eth = [2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1, 8, 0];
  for (const o of tcpOptions) {
    const hl = 20 + o.length;
    frames.push([...eth, ...ip([], 6, [0x9c, 0x40, 0, 80, 0, 0, 0, 1, 0, 0, 0, 0, (hl / 4) << 4, 0x02, 0xff, 0xff, 0, 0, 0, 0, ...o])]);
  }
  for (const o of ipOptions) frames.push([...eth, ...ip(o, 17, [0x9c, 0x40, 0, 53, 0, 8, 0, 0])]);
  const out: number[] = [0xd4, 0xc3, 0xb2, 0xa1, 2, 0, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 0, 0, 1, 0, 0, 0];
  const le32 = (v: number) => [v & 255, (v >> 8) & 255, (v >> 16) & 255, v >>> 24];
  frames.forEach((f, i) => out.push(...le32(1_700_000_000 + i), ...le32(0), ...le32(f.length), ...le32(f.length), ...f));
  return Uint8Array.from(out);
}

if (!hasTshark) describe('4 NOPs in a row', () => itMissing('SKIPPED: tshark is not installed (apt-get install tshark)'));
else {
  describe('4 NOPs in a row (tcp.nop, ip.nop) as tshark counts them', () => {
    it('-Y selects the frames tshark selects', () => {
      const dir = mkdtempSync(join(tmpdir(), 'wl-nop-'));
      try {
        const file = join(dir, 'nop.pcap');
        writeFileSync(file, nopCapture());
        for (const name of ['tcp.nop', 'ip.nop']) {
          const args = ['-T', 'fields', '-e', 'frame.number', '-Y', name];
          const theirs = lines('tshark', ['-n', '-r', file, ...args]);
          expect(theirs.filter(Boolean).length, `tshark finds ${name}`).toBeGreaterThan(0);
          expect(lines(bin, ['read', file, ...args]), name).toEqual(theirs);
        }
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  });
}

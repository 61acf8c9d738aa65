/**
 * The colouring rules' predicates (src/render/color.ts) against wirelite's display filter compiling
 * the same Wireshark filter text: on every packet of the fixtures and a sample of the corpus, each
 * rule's predicate and its compiled filter agree, and the rule chosen from the few fields the
 * one-line output keeps (colorFieldIds) is the one chosen from the full tree.
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { colorFieldIds, colorRuleFor, COLOR_RULES } from '../../src/render/color.js';
import { dissectFile } from '../../src/pipeline/index.js';
import { compile } from '../../src/filter/index.js';
import { corpusPresent, corpusRoot } from '../conformance/oracle.js';
import { describeCorpusMissing } from '../corpus.js';

const root = resolve(import.meta.dirname, '../..');
const files = [
  join(root, 'fixtures/loopback.pcap'),
  join(root, 'fixtures/synthetic.pcapng'),
  ...(corpusPresent
    ? ['tcpdump/tcp_rst_data.pcap', 'filesamples/teardrop.pcap', 'tcpdump/icmpv6.pcap', 'suricata-verify/decode-arp-2/arp.pcap', 'tcpdump/dns_tcp.pcap',
      'suricata-verify/tcp-rst-unacked-stream-12/TLPW1-tcp-110.37.219.134-10.12.14.101-tcp-990-49254.pcap', 'filesamples/200722_tcp_anon.pcapng']
      .map((f) => join(corpusRoot, 'public', f)).filter(existsSync)
    : []),
];

/** Wireshark's text of each rule, reduced to the protocols wirelite dissects where it names others. */
const WIRELITE_TEXT: Record<string, string> = {
  'TTL low or unexpected': '(ip.dst != 224.0.0.0/4 && ip.ttl < 5) || (ip.dst == 224.0.0.0/24 && ip.dst != 224.0.0.251 && ip.ttl != 1)',
  // wirelite's filter does not take a value's name ("Bad") yet, as Wireshark does: 0 is Bad.
  'Checksum Errors': 'ip.checksum.status == 0 || tcp.checksum.status == 0 || udp.checksum.status == 0',
  HTTP: 'http || tcp.port == 80',
};

// Without the corpus these suites run on the fixtures alone: in CI that is a failure.
if (!corpusPresent) describeCorpusMissing('colouring rules: predicates agree with the display filter (the corpus captures)');
describe('colouring rules: predicates agree with the display filter', () => {
  it('on every packet, each predicate equals its compiled Wireshark filter; summary-mode fields choose the same rule', async () => {
    const rules = COLOR_RULES.filter((r) => r.match).map((r) => {
      const text = WIRELITE_TEXT[r.name] ?? r.filter;
      const c = compile(text);
      if (!c.ok) throw new Error(`${r.name}: ${text}: ${c.error.message}`);
      return { rule: r, text, filter: c.filter };
    });
    expect(rules.length).toBeGreaterThanOrEqual(11);
    const hits = new Map<string, number>();
    let packets = 0;
    for (const file of files) {
      const chosen: (string | undefined)[] = [];
      await dissectFile(file, { columns: false, twoPass: true, count: 0, fields: null }, (pkt) => {
        packets++;
        for (const { rule, filter } of rules) {
          const m = rule.match!(pkt);
          expect(`${file}#${pkt.frame.number} ${rule.name}: ${m}`).toBe(`${file}#${pkt.frame.number} ${rule.name}: ${filter(pkt)}`);
          if (m) hits.set(rule.name, (hits.get(rule.name) ?? 0) + 1);
        }
        chosen.push(colorRuleFor(pkt)?.name);
      });
      let k = 0;
      await dissectFile(file, { columns: true, twoPass: true, count: 0, fields: colorFieldIds() }, (pkt) => {
        expect(`${file}#${pkt.frame.number} ${colorRuleFor(pkt)?.name}`).toBe(`${file}#${pkt.frame.number} ${chosen[k++]}`);
      });
    }
    expect(packets).toBeGreaterThan(30);
    // The fixtures alone exercise ICMP, TCP, SYN/FIN, UDP; the corpus adds RST, Bad TCP, ARP, broadcast.
    for (const name of ['ICMP', 'TCP SYN/FIN', 'TCP', 'UDP', ...(corpusPresent ? ['TCP RST', 'Bad TCP', 'ARP', 'Broadcast'] : [])]) {
      expect(hits.get(name) ?? 0, name).toBeGreaterThan(0);
    }
  });
});

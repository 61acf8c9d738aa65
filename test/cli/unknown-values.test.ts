/**
 * A field value missing from the field's value strings reads "Unknown (N)" in `read -V`, as
 * Wireshark's proto.c labels it (fill_label_number/fill_label_bitfield: "Unknown"): wirelite
 * printed the bare number ("Opcode: 15", "Differentiated Services Codepoint: 4"). Against live
 * `tshark -n -V` on corpus captures: every "Unknown (" line of ours is a line of tshark's tree.
 */
import { spawnSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { corpusFile, corpusPresent, describeCorpusMissing, toolLines } from '../corpus.js';

const bin = join(resolve(import.meta.dirname, '../..'), 'bin/wirelite');
const CAPTURES = [
  'zeek/tcp/ssh-dups.pcap', // DSCP 4
  'malformed/tcpdump/dns-badlabel.pcap', // DNS opcode and reply code 15
  'malformed/zeek/unknown-ip-short-payload.pcap', // IP protocol 253
  'tcpdump/edns-opts.pcap', // EDNS option code 77
  'malformed/tcpdump/arp-too-long-tha.pcap', // ARP hardware type
  'zeek/ipv4/fragmented-4.pcap', // DSCP 4
];

const tree = (cmd: string, args: string[]) => new Set(toolLines(cmd, args).map((l) => l.trim()).filter(Boolean));

if (!corpusPresent) describeCorpusMissing('unknown values in the tree');
else {
  describe('values missing from value strings read "Unknown (N)", as tshark -V', () => {
    beforeAll(() => {
      expect(spawnSync('tshark', ['--version']).status, 'tshark must be installed (apt-get install tshark)').toBe(0);
    });
    it.each(CAPTURES)('%s', (capture) => {
      const file = corpusFile(capture);
      const theirs = tree('tshark', ['-n', '-r', file, '-V']);
      const ours = [...tree(bin, ['read', file, '-V'])].filter((l) => /: Unknown \((0x[0-9a-f]+|\d+)\)$/.test(l));
      expect(ours.length, 'the capture has a value without a name').toBeGreaterThan(0);
      for (const l of ours) expect(theirs.has(l), `tshark -V has "${l}"`).toBe(true);
    });
  });
}

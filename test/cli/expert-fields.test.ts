/**
 * `-T fields -e _ws.expert.severity -e _ws.expert.group` print the numbers, as tshark 4.0 does
 * (4194304 for Note, 33554432 for Sequence): wirelite printed the names ("Note", "Sequence").
 * Against live `tshark -n -2`, on corpus captures with TCP, malformed and checksum experts: on
 * every frame where both list the same expert messages, the severities and groups are equal.
 * IPv4 header checksums are not verified here (-o ip.check_checksum:FALSE), as tshark's default.
 */
import { spawnSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { corpusFile, corpusPresent, describeCorpusMissing, toolLines } from '../corpus.js';

const bin = join(resolve(import.meta.dirname, '../..'), 'bin/wirelite');
const FIELDS = ['-T', 'fields', '-E', 'occurrence=a', '-e', 'frame.number', '-e', '_ws.expert.message', '-e', '_ws.expert.severity', '-e', '_ws.expert.group'];
const CAPTURES = ['zeek/tcp/retransmit-fast009.pcap', 'zeek/smtp.pcap', 'zeek/tcp/reassembly.pcap', 'zeek/wikipedia.pcap'];

const lines = (cmd: string, args: string[]) => toolLines(cmd, args).filter(Boolean).map((l) => l.split('\t'));

if (!corpusPresent) describeCorpusMissing('expert severity and group numbers');
else {
  describe('expert severity and group numbers in -T fields, as tshark', () => {
    beforeAll(() => {
      expect(spawnSync('tshark', ['--version']).status, 'tshark must be installed (apt-get install tshark)').toBe(0);
    });
    it.each(CAPTURES)('%s', (capture) => {
      const file = corpusFile(capture);
      const theirs = lines('tshark', ['-n', '-2', '-r', file, ...FIELDS]);
      const ours = lines(bin, ['read', file, '-2', '-o', 'ip.check_checksum:FALSE', ...FIELDS]);
      expect(ours.length).toBe(theirs.length);
      let compared = 0;
      let same = 0;
      for (let i = 0; i < theirs.length; i++) {
        const [, msgT = '', sevT = '', grpT = ''] = theirs[i]!;
        const [, msgO = '', sevO = '', grpO = ''] = ours[i]!;
        if (!msgT) continue;
        compared++;
        if (msgT !== msgO) continue;
        same++;
        expect([sevO, grpO], `frame ${i + 1}: ${msgT}`).toEqual([sevT, grpT]);
      }
      expect(compared, 'the capture has experts').toBeGreaterThan(0);
      // Most frames' messages agree, so the comparison covers them.
      expect(same / compared).toBeGreaterThan(0.9);
    });
  });
}

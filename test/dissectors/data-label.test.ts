/**
 * The `data` protocol's tree label is tshark's "Data (N bytes)", singular for one byte ("Data (1
 * byte)", packet-data.c's plurality): compared with tshark -V run live on a corpus capture whose
 * MIME parts carry 1-, 3-, 4-, 16-, 22- and 36-byte bodies as data.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { corpusFile, corpusPresent, itCorpusMissing, itMissing, repoRoot } from '../corpus.js';

const tshark = spawnSync('tshark', ['--version'], { stdio: 'ignore' }).status === 0;
const FILE = corpusFile('suricata-verify/http-mime-truncated/input.pcap');
const DATA_LABEL = /^\s*Data \(\d+ bytes?\)$/;

describe('data label, as tshark -V', () => {
  if (!corpusPresent) itCorpusMissing();
  else if (!tshark) itMissing('SKIPPED: tshark is not installed');
  else it('says "1 byte" and "N bytes" where tshark does', () => {
    expect(existsSync(FILE), FILE).toBe(true);
    // The capture ends inside a record: both print every frame before it and exit non-zero.
    const lines = (cmd: string, args: string[]): string[] =>
      spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 1 << 28 }).stdout.split('\n').filter((l) => DATA_LABEL.test(l));
    const theirs = lines('tshark', ['-n', '-r', FILE, '-V', '-Y', 'data']);
    const ours = lines(join(repoRoot, 'bin/wirelite'), ['read', FILE, '-V', '-Y', 'data']);
    expect(theirs.filter((l) => l.endsWith('(1 byte)')).length).toBeGreaterThan(3);
    expect(theirs.length).toBeGreaterThan(5);
    expect(ours).toEqual(theirs);
  });
});

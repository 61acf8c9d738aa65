#!/usr/bin/env node
/**
 * HTTP benchmark: a capture that is mostly HTTP (the TCP port 80 traffic of a capture, cut out
 * with tcpdump: on /tmp/big200k.pcap, made by ../shared/tools/mkbig.sh, request/response over
 * keep-alive and short connections with bodies up to megabytes), read by
 *   wirelite read -q FILE          and  tshark -n -q -r FILE
 *   wirelite read FILE             and  tshark -n -r FILE           (one line per packet)
 *   wirelite stats FILE http       and  tshark -n -2 -q -z http,tree -r FILE
 * wall time, CPU time (user + system) and peak memory, the fastest of N runs. The machine may be
 * shared: compare CPU times of the two tools in the same run.
 *
 *   npm run build && node bench/http.mjs [/tmp/big200k.pcap] [--runs N]
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { benchSetup, bin, measure } from './common.mjs';

const { runs, file, work } = await benchSetup();
const http = join(work, 'http.pcap');
execFileSync('tcpdump', ['-r', file, '-w', http, 'tcp port 80'], { stdio: 'ignore' });
const { readCapture } = await import('../dist/capture/reader.js');
let frames = 0;
await readCapture(http, { onFrame: () => void frames++ });

const ROWS = [
  ['wirelite read -q', bin, ['read', http, '-q']],
  ['tshark -q', 'tshark', ['-n', '-q', '-r', http]],
  ['wirelite read (one line per packet)', bin, ['read', http]],
  ['tshark (one line per packet)', 'tshark', ['-n', '-r', http]],
  ['wirelite stats http', bin, ['stats', http, 'http']],
  ['tshark -2 -z http,tree', 'tshark', ['-n', '-2', '-q', '-z', 'http,tree', '-r', http]],
];

console.log(`HTTP capture: the TCP port 80 packets of ${file}: ${frames.toLocaleString('en-US')} frames; fastest of ${runs} run(s)\n`);
console.log('| command | wall time | CPU time | packets/s (CPU) | peak memory (max RSS) |');
console.log('| --- | --- | --- | --- | --- |');
for (const [name, cmd, argv] of ROWS) {
  const m = measure(work, runs, cmd, argv);
  if (!m) {
    console.log(`| ${name} | not available | | | |`);
    continue;
  }
  console.log(`| ${name} | ${m.elapsed.toFixed(2)} s | ${m.cpu.toFixed(2)} s | ${Math.round(frames / m.cpu).toLocaleString('en-US')} | ${(m.maxKb / 1024).toFixed(0)} MB |`);
}

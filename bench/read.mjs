#!/usr/bin/env node
/**
 * Read benchmark: packets/second and peak memory (max RSS) of
 *   wirelite read -q          (every packet fully dissected, nothing printed)
 *   wirelite read             (one line per packet, to /dev/null)
 *   wirelite read -T fields -e frame.number -e ip.src -e tcp.srcport
 * beside `tshark -n -r` and `tcpdump -nn -r` on the same file, in one run.
 *
 *   npm run build && node bench/read.mjs [capture] [--runs N]
 *
 * The capture defaults to bench/data/mixed-2m.pcap, generated (deterministically, with our own
 * builders) by bench/generate.mjs when missing. Peak memory comes from GNU time (`apt-get install
 * time`); each command runs N times (default 1) and the fastest run is reported.
 */
import { benchSetup, bin, measure as timed } from './common.mjs';

const { runs, file, count, work } = await benchSetup();
const commands = [
  ['wirelite read -q', bin, ['read', '-q', file]],
  ['wirelite read (one line per packet)', bin, ['read', file]],
  ['wirelite read -T fields -e frame.number -e ip.src -e tcp.srcport', bin, ['read', file, '-T', 'fields', '-e', 'frame.number', '-e', 'ip.src', '-e', 'tcp.srcport']],
  ['tshark -n -r', 'tshark', ['-n', '-r', file]],
  ['tcpdump -nn -r', 'tcpdump', ['-nn', '-r', file]],
];
const measure = (cmd, argv) => timed(work, runs, cmd, argv);

console.log(`capture: ${file} (${count.toLocaleString('en-US')} packets)`);
const rows = [];
for (const [name, cmd, argv] of commands) {
  const m = measure(cmd, argv);
  if (!m) {
    rows.push(`| ${name} | not available | | |`);
    continue;
  }
  const pps = Math.round(count / m.elapsed);
  rows.push(`| ${name} | ${pps.toLocaleString('en-US')} | ${m.elapsed.toFixed(2)} s | ${(m.maxKb / 1024).toFixed(0)} MB |`);
  console.error(`${name}: ${pps} packets/s, ${m.elapsed}s, ${(m.maxKb / 1024).toFixed(0)} MB`);
}
console.log('| command | packets/s | wall time | peak memory (max RSS) |');
console.log('| --- | --- | --- | --- |');
for (const r of rows) console.log(r);

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
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const runsAt = args.indexOf('--runs');
const runs = runsAt >= 0 ? Number(args[runsAt + 1]) : 1;
const file = args.find((a, i) => !a.startsWith('--') && args[i - 1] !== '--runs') ?? join(root, 'bench/data/mixed-2m.pcap');

if (!existsSync(file)) {
  console.error(`generating ${file} ...`);
  execFileSync(process.execPath, [join(root, 'bench/generate.mjs'), '2000000', file], { stdio: 'inherit', cwd: root });
}
const timeBin = '/usr/bin/time';
if (!existsSync(timeBin)) {
  console.error('GNU time is needed for peak memory: apt-get install time');
  process.exit(1);
}

const { readCapture } = await import('../dist/capture/reader.js');
let count = 0;
await readCapture(file, { onFrame: () => void count++ });

const wsconf = mkdtempSync(join(tmpdir(), 'wsconf-'));
const commands = [
  ['wirelite read -q', join(root, 'bin/wirelite'), ['read', '-q', file]],
  ['wirelite read (one line per packet)', join(root, 'bin/wirelite'), ['read', file]],
  ['wirelite read -T fields -e frame.number -e ip.src -e tcp.srcport', join(root, 'bin/wirelite'), ['read', file, '-T', 'fields', '-e', 'frame.number', '-e', 'ip.src', '-e', 'tcp.srcport']],
  ['tshark -n -r', 'tshark', ['-n', '-r', file]],
  ['tcpdump -nn -r', 'tcpdump', ['-nn', '-r', file]],
];

function measure(cmd, argv) {
  let best;
  for (let i = 0; i < runs; i++) {
    const tm = join(wsconf, 'time.txt');
    const r = spawnSync(timeBin, ['-o', tm, '-f', '%e %M %U %S', cmd, ...argv], { stdio: ['ignore', 'ignore', 'ignore'], env: { ...process.env, WIRESHARK_CONFIG_DIR: wsconf } });
    if (r.status !== 0 && r.status !== null && !existsSync(tm)) return undefined;
    const [elapsed, maxKb, user, sys] = readFileSync(tm, 'utf8').trim().split('\n').pop().split(' ').map(Number);
    if (!best || elapsed < best.elapsed) best = { elapsed, maxKb, cpu: user + sys };
  }
  return best;
}

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

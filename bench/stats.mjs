#!/usr/bin/env node
/**
 * Statistics benchmark: packets/second and peak memory (max RSS) of
 *   wirelite stats FILE conv tcp       (one pass: every packet dissected, TCP analysis, the TCP tap)
 * beside
 *   tshark -n -2 -q -z conv,tcp -r FILE
 * on the same file, in one run, and whether both print the same table (row for row).
 *
 *   npm run build && node bench/stats.mjs [capture] [--runs N]
 *
 * The capture defaults to bench/data/mixed-2m.pcap, generated (deterministically, with our own
 * builders) by bench/generate.mjs when missing (about 35 s). Peak memory and CPU time come from GNU
 * time (`apt-get install time`); each command runs N times (default 1) and the fastest run is kept.
 * Packets/second are given by wall time and by CPU time (user + system): on a machine shared with
 * other work the wall time of each tool depends on what else runs, the CPU time much less.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, mkdtempSync, rmSync } from 'node:fs';
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

const work = mkdtempSync(join(tmpdir(), 'wl-bench-stats-'));
const commands = [
  ['wirelite stats FILE conv tcp', join(root, 'bin/wirelite'), ['stats', file, 'conv', 'tcp']],
  ['tshark -n -2 -q -z conv,tcp', 'tshark', ['-n', '-2', '-q', '-z', 'conv,tcp', '-r', file]],
];

function measure(cmd, argv, out) {
  let best;
  for (let i = 0; i < runs; i++) {
    const tm = join(work, 'time.txt');
    const r = spawnSync('sh', ['-c', `"${timeBin}" -o "${tm}" -f '%e %M %U %S' "$@" > "${out}" 2>/dev/null`, 'sh', cmd, ...argv], { stdio: 'ignore', env: { ...process.env, WIRESHARK_CONFIG_DIR: work } });
    if (!existsSync(tm)) return undefined;
    const last = readFileSync(tm, 'utf8').trim().split('\n').pop();
    const [elapsed, maxKb, user, sys] = last.split(' ').map(Number);
    if (r.status !== 0 || !Number.isFinite(elapsed)) return undefined;
    if (!best || elapsed < best.elapsed) best = { elapsed, maxKb, cpu: user + sys };
  }
  return best;
}

/** The conversation rows of a `-z conv,tcp` table. */
const tableRows = (path) => readFileSync(path, 'utf8').split('\n').filter((l) => l.includes(' <-> '));

console.log(`capture: ${file} (${count.toLocaleString('en-US')} packets)`);
const results = [];
for (const [name, cmd, argv] of commands) {
  const out = join(work, `${results.length}.txt`);
  const m = measure(cmd, argv, out);
  results.push({ name, m, out });
  if (m) console.error(`${name}: ${Math.round(count / m.elapsed)} packets/s wall, ${Math.round(count / m.cpu)} packets/s CPU, ${m.elapsed}s, ${(m.maxKb / 1024).toFixed(0)} MB`);
  else console.error(`${name}: not available`);
}
const fmt = (v) => Math.round(v).toLocaleString('en-US');
console.log('| command | packets/s (wall) | packets/s (CPU) | wall time | CPU time | peak memory (max RSS) |');
console.log('| --- | ---: | ---: | ---: | ---: | ---: |');
for (const { name, m } of results) {
  if (!m) console.log(`| ${name} | not available | | | | |`);
  else console.log(`| ${name} | ${fmt(count / m.elapsed)} | ${fmt(count / m.cpu)} | ${m.elapsed.toFixed(2)} s | ${m.cpu.toFixed(2)} s | ${(m.maxKb / 1024).toFixed(0)} MB |`);
}
const [ours, theirs] = results;
if (ours.m && theirs.m) {
  const a = tableRows(ours.out);
  const b = tableRows(theirs.out);
  const same = a.length === b.length && a.every((l, i) => l === b[i]);
  console.log('');
  console.log(`wirelite/tshark: ${(theirs.m.elapsed / ours.m.elapsed).toFixed(1)}x the packets/s by wall time, ${(theirs.m.cpu / ours.m.cpu).toFixed(1)}x by CPU time, ` +
    `${(ours.m.maxKb / theirs.m.maxKb * 100).toFixed(1)}% of the peak memory (1/${(theirs.m.maxKb / ours.m.maxKb).toFixed(1)}).`);
  console.log(`tables: ${a.length.toLocaleString('en-US')} conversations (wirelite), ${b.length.toLocaleString('en-US')} (tshark): ${same ? 'identical, row for row' : 'DIFFERENT'}.`);
}
rmSync(work, { recursive: true, force: true });

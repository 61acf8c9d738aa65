#!/usr/bin/env node
/**
 * Statistics benchmark: packets/second and peak memory (max RSS) of
 *   wirelite stats FILE conv tcp       (one pass: every packet dissected down to TCP, TCP analysis,
 *                                       the TCP tap; by default one worker per core, each taking a
 *                                       shard of the hosts; also shown with --threads 1)
 * beside
 *   tshark -n -2 -q -z conv,tcp -r FILE
 * on the same file, in one run, and whether both print the same table (row for row).
 *
 *   npm run build && node bench/stats.mjs [capture] [--runs N]
 *
 * The capture defaults to bench/data/mixed-2m.pcap, generated (deterministically, with our own
 * builders) by bench/generate.mjs when missing (about 35 s). Peak memory and CPU time come from GNU
 * time (`apt-get install time`); N rounds (default 1) each run every command once, the fastest run of each
 * is kept, and each round's own ratio is printed too.
 * Packets/second are given by wall time and by CPU time (user + system): on a machine shared with
 * other work the wall time of each tool depends on what else runs, the CPU time much less.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { benchSetup, bin, measure as timed } from './common.mjs';

const { runs, file, count, work } = await benchSetup();
const commands = [
  ['wirelite stats FILE conv tcp', bin, ['stats', file, 'conv', 'tcp']],
  ['tshark -n -2 -q -z conv,tcp', 'tshark', ['-n', '-2', '-q', '-z', 'conv,tcp', '-r', file]],
  // The same in one thread (the default reads a large file with one worker per core, up to 4).
  ['wirelite stats FILE conv tcp --threads 1', bin, ['stats', file, 'conv', 'tcp', '--threads', '1']],
];
/** The conversation rows of a `-z conv,tcp` table. */
const tableRows = (path) => readFileSync(path, 'utf8').split('\n').filter((l) => l.includes(' <-> '));

console.log(`capture: ${file} (${count.toLocaleString('en-US')} packets)`);
// Rounds: each round runs every command once, so that all of them see the machine in the same
// state (a shared machine's speed drifts over minutes); the fastest run of each is kept, and each
// round's own ratio is shown too.
const results = commands.map(([name], k) => ({ name, m: undefined, rounds: [], out: join(work, `${k}.txt`) }));
for (let r = 0; r < runs; r++) {
  commands.forEach(([name, cmd, argv], k) => {
    const m = timed(work, 1, cmd, argv, results[k].out);
    results[k].rounds.push(m);
    if (m && (!results[k].m || m.elapsed < results[k].m.elapsed)) results[k].m = m;
    if (m) console.error(`round ${r + 1}: ${name}: ${Math.round(count / m.elapsed)} packets/s wall, ${Math.round(count / m.cpu)} packets/s CPU, ${m.elapsed}s, ${(m.maxKb / 1024).toFixed(0)} MB`);
    else console.error(`${name}: not available`);
  });
}
const fmt = (v) => Math.round(v).toLocaleString('en-US');
console.log('| command | packets/s (wall) | packets/s (CPU) | wall time | CPU time | peak memory (max RSS) |');
console.log('| --- | ---: | ---: | ---: | ---: | ---: |');
for (const { name, m } of results) {
  if (!m) console.log(`| ${name} | not available | | | | |`);
  else console.log(`| ${name} | ${fmt(count / m.elapsed)} | ${fmt(count / m.cpu)} | ${m.elapsed.toFixed(2)} s | ${m.cpu.toFixed(2)} s | ${(m.maxKb / 1024).toFixed(0)} MB |`);
}
const [ours, theirs, single] = results;
if (ours.m && theirs.m) {
  const a = tableRows(ours.out);
  const b = tableRows(theirs.out);
  const same = a.length === b.length && a.every((l, i) => l === b[i]);
  console.log('');
  console.log(`wirelite/tshark: ${(theirs.m.elapsed / ours.m.elapsed).toFixed(1)}x the packets/s by wall time, ${(theirs.m.cpu / ours.m.cpu).toFixed(1)}x by CPU time, ` +
    `${(ours.m.maxKb / theirs.m.maxKb * 100).toFixed(1)}% of the peak memory (1/${(theirs.m.maxKb / ours.m.maxKb).toFixed(1)}).`);
  console.log(`tables: ${a.length.toLocaleString('en-US')} conversations (wirelite), ${b.length.toLocaleString('en-US')} (tshark): ${same ? 'identical, row for row' : 'DIFFERENT'}.`);
  const perRound = ours.rounds.map((m, i) => (m && theirs.rounds[i] ? theirs.rounds[i].elapsed / m.elapsed : NaN)).filter(Number.isFinite).sort((x, y) => x - y);
  if (perRound.length) console.log(`each round's ratio by wall time: ${perRound.map((x) => `${x.toFixed(1)}x`).join(', ')} (median ${perRound[perRound.length >> 1].toFixed(1)}x).`);
  if (single?.m) {
    const c = tableRows(single.out);
    const same1 = c.length === a.length && c.every((l, i) => l === a[i]);
    console.log(`one thread: ${(theirs.m.elapsed / single.m.elapsed).toFixed(1)}x tshark by wall time, ${(theirs.m.cpu / single.m.cpu).toFixed(1)}x by CPU time, ` +
      `${(single.m.maxKb / 1024).toFixed(0)} MB; table ${same1 ? 'identical to the parallel read' : 'DIFFERENT from the parallel read'}.`);
  }
}

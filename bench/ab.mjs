#!/usr/bin/env node
/**
 * Paired A/B timing of two builds of wirelite (each a checkout with `dist/` built), in one process:
 * `stats FILE conv tcp` (ConvStats, one thread) by build A, then by build B, alternating the order
 * each round, and the median of each round's B/A CPU-time ratio. On a machine whose speed drifts
 * by ±20% over minutes, only such pairs show a change of a few percent; pin it to one core and
 * keep V8's helpers in the thread for steadier numbers:
 *
 *   git worktree add /tmp/prev HEAD~1 && (cd /tmp/prev && ln -s "$PWD/node_modules" . && npx tsc -p tsconfig.build.json)
 *   taskset -c 1 node --single-threaded bench/ab.mjs /tmp/prev . [capture] [--runs N]
 *
 * The capture defaults to the first 500,000 packets of bench/data/mixed-2m.pcap written by
 * `editcap -F pcap -r bench/data/mixed-2m.pcap /tmp/m500k.pcap 1-500000`, or pass any capture.
 */
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const args = process.argv.slice(2);
const runsAt = args.indexOf('--runs');
const runs = runsAt >= 0 ? Number(args[runsAt + 1]) : 8;
const [a, b, file = '/tmp/m500k.pcap'] = args.filter((x, i) => !x.startsWith('--') && args[i - 1] !== '--runs');
if (!a || !b) {
  console.error('usage: node bench/ab.mjs BUILD_A BUILD_B [capture] [--runs N]');
  process.exit(1);
}
const load = async (dir) => (await import(pathToFileURL(resolve(dir, 'dist/cli/conv-stats.js')).href)).ConvStats;
const A = await load(a);
const B = await load(b);
const cpu = async (C) => {
  const c0 = process.cpuUsage();
  await new C('tcp').collect(file, 1);
  const c = process.cpuUsage(c0);
  return (c.user + c.system) / 1e6;
};
// Warm both up (JIT), then pairs.
await cpu(A);
await cpu(B);
const ta = [];
const tb = [];
const ratio = [];
for (let i = 0; i < runs; i++) {
  let x;
  let y;
  if (i % 2 === 0) {
    x = await cpu(A);
    y = await cpu(B);
  } else {
    y = await cpu(B);
    x = await cpu(A);
  }
  ta.push(x);
  tb.push(y);
  ratio.push(y / x);
}
const median = (v) => [...v].sort((p, q) => p - q)[v.length >> 1];
const f = (v) => v.toFixed(3);
console.log(`A ${a}: CPU min ${f(Math.min(...ta))} s, median ${f(median(ta))} s`);
console.log(`B ${b}: CPU min ${f(Math.min(...tb))} s, median ${f(median(tb))} s`);
console.log(`B/A: median ${f(median(ratio))} (rounds: ${ratio.map((r) => r.toFixed(2)).join(' ')})`);

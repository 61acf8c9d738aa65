#!/usr/bin/env node
/**
 * Paired A/B timing of two builds of wirelite (each a checkout with `dist/` built): whole processes
 * (`bin/wirelite ...` with the output to /dev/null), build A then build B, alternating the order
 * each round, and the median of each round's B/A ratio of CPU time (user + system of the whole
 * process, every thread: getrusage, read by a preload hook at exit) and peak memory (max RSS).
 * On a machine whose speed drifts by ±20% over minutes, only such pairs show a change of a few
 * percent. Whole processes, not imported modules, so the A/B still works when the code inside moves.
 * Each build runs with the node flags of its own `bin/wirelite` shebang (V8's settings are part of the build).
 *
 *   git worktree add /tmp/prev HEAD~1 && (cd /tmp/prev && ln -s "$PWD/node_modules" . && npx tsc -p tsconfig.build.json)
 *   node bench/ab.mjs /tmp/prev . /tmp/big.pcap [--runs N] [--cmd NAME]...
 *
 * Commands (all by default; `--cmd` picks some): read (one line per packet), read-q, fields
 * (`-T fields -e frame.number -e ip.src -e ip.dst -e tcp.srcport -e tcp.dstport`), conv
 * (`stats FILE conv tcp`). The capture: any file; the realistic one is made by
 * `sudo ../shared/tools/mkbig.sh /tmp/big.pcap` (COUNT=200000 for a smaller one).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, openSync, readFileSync, rmSync, writeFileSync, closeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const COMMANDS = {
  read: (f) => ['read', f],
  'read-q': (f) => ['read', f, '-q'],
  fields: (f) => ['read', f, '-T', 'fields', '-e', 'frame.number', '-e', 'ip.src', '-e', 'ip.dst', '-e', 'tcp.srcport', '-e', 'tcp.dstport'],
  conv: (f) => ['stats', f, 'conv', 'tcp'],
};

const args = process.argv.slice(2);
const opt = (name) => args.flatMap((x, i) => (x === name && i + 1 < args.length ? [args[i + 1]] : []));
const runs = Number(opt('--runs')[0] ?? 6);
const picked = opt('--cmd');
const positional = args.filter((x, i) => !x.startsWith('--') && !['--runs', '--cmd'].includes(args[i - 1]));
const [a, b, file = '/tmp/big.pcap'] = positional;
if (!a || !b || !Number.isInteger(runs) || runs < 1 || picked.some((c) => !(c in COMMANDS))) {
  console.error(`usage: node bench/ab.mjs BUILD_A BUILD_B [capture] [--runs N] [--cmd ${Object.keys(COMMANDS).join('|')}]...`);
  process.exit(1);
}

const scratch = mkdtempSync(join(tmpdir(), 'wl-ab-'));
const hook = join(scratch, 'rusage.mjs');
writeFileSync(
  hook,
  `import { writeFileSync } from 'node:fs';
process.on('exit', () => {
  const r = process.resourceUsage();
  writeFileSync(process.env.WL_AB_OUT, JSON.stringify({ cpu: (r.userCPUTime + r.systemCPUTime) / 1e6, rss: r.maxRSS * 1024 }));
});
`,
);

/**
 * The node flags of a build's `bin/wirelite` shebang (`#!/usr/bin/env -S node --single-threaded ...`):
 * the hook needs `node --import`, so the script is not run by its shebang, and its V8 flags are
 * passed here instead (without them an A/B would not measure what the installed command runs).
 */
function nodeFlags(build) {
  const first = readFileSync(resolve(build, 'bin/wirelite'), 'utf8').split('\n', 1)[0];
  const m = /^#!\S*env -S node((?:\s+--\S+)*)\s*$/.exec(first);
  return m ? m[1].trim().split(/\s+/).filter(Boolean) : [];
}

/** Runs one command of one build; returns its CPU seconds, wall seconds and peak RSS bytes. */
function run(build, argv) {
  const out = join(scratch, 'out.json');
  rmSync(out, { force: true });
  const devnull = openSync('/dev/null', 'w');
  const t0 = process.hrtime.bigint();
  return new Promise((ok, fail) => {
    const p = spawn(process.execPath, [...nodeFlags(build), '--import', hook, resolve(build, 'bin/wirelite'), ...argv], {
      stdio: ['ignore', devnull, 'pipe'],
      env: { ...process.env, WL_AB_OUT: out },
    });
    let err = '';
    p.stderr.on('data', (d) => (err += d));
    p.on('close', (code) => {
      closeSync(devnull);
      const wall = Number(process.hrtime.bigint() - t0) / 1e9;
      if (code !== 0) return fail(new Error(`${build}: wirelite ${argv.join(' ')} exited ${code}: ${err.trim()}`));
      const r = JSON.parse(readFileSync(out, 'utf8'));
      ok({ cpu: r.cpu, wall, rss: r.rss });
    });
  });
}

const median = (v) => [...v].sort((p, q) => p - q)[v.length >> 1];
const f3 = (v) => v.toFixed(3);
const mb = (v) => `${Math.round(v / 2 ** 20)} MB`;

console.log(`A ${a}\nB ${b}\ncapture ${file}, ${runs} paired rounds per command (CPU = user + system, all threads)`);
try {
  for (const name of picked.length ? picked : Object.keys(COMMANDS)) {
    const argv = COMMANDS[name](file);
    await run(a, argv); // warm the page cache
    const ra = [];
    const rb = [];
    const ratio = [];
    for (let i = 0; i < runs; i++) {
      const [x, y] = i % 2 === 0 ? [await run(a, argv), await run(b, argv)] : [await run(b, argv), await run(a, argv)].reverse();
      ra.push(x);
      rb.push(y);
      ratio.push(y.cpu / x.cpu);
    }
    const pick = (v, k) => v.map((r) => r[k]);
    console.log(
      `${name.padEnd(7)} A: CPU median ${f3(median(pick(ra, 'cpu')))} s, wall ${f3(median(pick(ra, 'wall')))} s, peak ${mb(Math.max(...pick(ra, 'rss')))}` +
        ` | B: CPU median ${f3(median(pick(rb, 'cpu')))} s, wall ${f3(median(pick(rb, 'wall')))} s, peak ${mb(Math.max(...pick(rb, 'rss')))}` +
        ` | B/A CPU median ${f3(median(ratio))} (${ratio.map((r) => r.toFixed(2)).join(' ')})`,
    );
  }
} finally {
  rmSync(scratch, { recursive: true, force: true });
}

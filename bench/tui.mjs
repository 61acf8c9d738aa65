#!/usr/bin/env node
// The terminal UI on a big capture: time to the first screen (its first packet rows drawn) and
// the memory of the whole process (UI thread and indexing worker) until indexing is done, beside
// termshark (if installed: apt-get install termshark) and tshark printing its first screenful.
//
//   node bench/tui.mjs [FILE=/tmp/big.pcap] [--runs N=3] [--full]
//
// Each tool runs in a detached tmux session of 160x50; the screen is polled every 20 ms. Wall
// time is what a user waits; on a loaded machine compare the CPU time (user+sys of the process
// and its threads, from /proc/PID/stat) at the moment of the first screen, and `wirelite
// --version` (the CLI's own start-up) measured in the same run. Runs alternate between tools.
// --full also waits for wirelite's indexing to finish and reports its peak RSS (VmHWM).
// wirelite draws its first screen before Ink is loaded (src/tui/first-screen.ts); the bench also
// waits for the UI to be up (Ink's first frame drawn: keys are handled from then on, those typed
// before too) and reads the program's own start-up marks (WIRELITE_TUI_TRACE: wall and CPU ms
// since the process started: action = the tui command runs, preview = the first rows read,
// painted = the first screen drawn, tree = with the first packet's tree, run = Ink loaded,
// frame = Ink's first frame, indexing = the indexing worker started).
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const args = process.argv.slice(2);
const file = args.find((a) => !a.startsWith('--') && !/^\d+$/.test(a)) ?? '/tmp/big.pcap';
const runs = Number(args[args.indexOf('--runs') + 1]) || 3;
const full = args.includes('--full');
const bin = join(root, 'bin/wirelite');

const tmux = (...a) => execFileSync('tmux', a, { encoding: 'utf8' });
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const has = (cmd) => spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;
const HZ = 100;

function procStat(pid) {
  try {
    const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    return { cpuMs: ((Number(f[11]) + Number(f[12])) * 1000) / HZ, hwmKB: Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0), rssKB: Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) };
  } catch {
    return undefined;
  }
}

/** Runs `cmd` in tmux until `ready(screen)`; returns wall ms, CPU ms at that moment, and the pid. */
async function firstScreen(name, cmd, ready, then) {
  spawnSync('tmux', ['kill-session', '-t', name]);
  const t0 = performance.now();
  tmux('new-session', '-d', '-s', name, '-x', '160', '-y', '50', `${cmd}; sleep 3600`);
  const shell = tmux('display-message', '-p', '-t', name, '#{pane_pid}').trim();
  let pid;
  for (;;) {
    const screen = tmux('capture-pane', '-p', '-t', name);
    if (ready(screen)) break;
    if (performance.now() - t0 > 120_000) throw new Error(`${name}: no first screen in 120 s:\n${screen}`);
    await sleep(20);
  }
  const wall = performance.now() - t0;
  try {
    pid = execFileSync('pgrep', ['-o', '-P', shell], { encoding: 'utf8' }).trim().split('\n')[0];
  } catch {
    pid = undefined; // it has exited (a pipeline that printed its screenful)
  }
  const st = pid && procStat(pid);
  const res = { wall, cpuMs: st?.cpuMs ?? NaN, pid, name };
  if (then) {
    // The UI up: wait for `then(screen)` too.
    for (;;) {
      const screen = tmux('capture-pane', '-p', '-t', name);
      if (then(screen)) break;
      if (performance.now() - t0 > 120_000) throw new Error(`${name}: not interactive in 120 s:\n${screen}`);
      await sleep(20);
    }
    res.upWall = performance.now() - t0;
    res.upCpuMs = (pid && procStat(pid)?.cpuMs) ?? NaN;
  }
  return res;
}

const traceFile = `/tmp/wl-bench-tui-trace-${process.pid}.txt`;
/** The program's start-up marks of the last run: name -> [wall ms, CPU ms] since it started. */
function marks() {
  try {
    return Object.fromEntries(readFileSync(traceFile, 'utf8').trim().split('\n').map((l) => l.split(' ')).map(([n, w, c]) => [n, [Number(w), Number(c)]]));
  } catch {
    return {};
  }
}

const tools = [
  { id: 'wirelite tui', cmd: `WIRELITE_TUI_TRACE=${traceFile} ${bin} tui ${file}`, ready: (s) => /^> +1 +\d/m.test(s), then: () => 'frame' in marks(), traced: true },
];
if (has('termshark')) tools.push({ id: 'termshark', cmd: `termshark -r ${file}`, ready: (s) => /^\s*1\s+0\.0+\s/m.test(s) || /\n\s*1 +0\.000000 /.test(s) });
/** tshark printing its first screenful, outside tmux: wall time and its CPU time (GNU time). */
function tsharkScreenful() {
  const r = spawnSync('/usr/bin/time', ['-f', '%e %U %S', 'sh', '-c', `tshark -n -r ${file} | head -48 > /dev/null`], { encoding: 'utf8' });
  const [e, u, sy] = r.stderr.trim().split('\n').pop().split(' ').map(Number);
  return { wall: e * 1000, cpuMs: (u + sy) * 1000 };
}

const results = new Map([...tools.map((t) => [t.id, []]), ['tshark (first screenful)', []]]);
const startup = [];
for (let r = 0; r < runs; r++) {
  const t0 = performance.now();
  execFileSync(bin, ['--version']);
  startup.push(performance.now() - t0);
  for (const t of r % 2 ? [...tools].reverse() : tools) {
    if (t.traced) spawnSync('rm', ['-f', traceFile]);
    const res = await firstScreen(`wl-bench-${t.id.split(' ')[0]}`, t.cmd, t.ready, t.then);
    if (t.traced) res.marks = marks();
    results.get(t.id).push(res);
    spawnSync('tmux', ['kill-session', '-t', res.name]);
    await sleep(300);
  }
  if (has('tshark')) results.get('tshark (first screenful)').push(tsharkScreenful());
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
console.log(`first screen of ${file} (${runs} runs, medians; load average ${readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')})`);
console.log(`  wirelite --version (start-up alone): ${median(startup).toFixed(0)} ms wall`);
for (const [id, rs] of results) {
  console.log(`  ${id.padEnd(26)} ${median(rs.map((x) => x.wall)).toFixed(0).padStart(6)} ms wall  ${median(rs.map((x) => x.cpuMs)).toFixed(0).padStart(6)} ms CPU at first screen`);
  if (rs[0]?.upWall !== undefined) console.log(`  ${'  UI up (Ink, keys)'.padEnd(26)} ${median(rs.map((x) => x.upWall)).toFixed(0).padStart(6)} ms wall  ${median(rs.map((x) => x.upCpuMs)).toFixed(0).padStart(6)} ms CPU`);
  const ms = rs.map((x) => x.marks).filter((m) => m && Object.keys(m).length);
  if (ms.length) {
    const names = Object.keys(ms[0]);
    console.log(`    its marks (wall / CPU ms since the process started, medians): ${names.map((n) => `${n} ${median(ms.map((m) => m[n]?.[0] ?? NaN)).toFixed(0)} / ${median(ms.map((m) => m[n]?.[1] ?? NaN)).toFixed(0)}`).join(', ')}`);
  }
}

if (full) {
  const name = 'wl-bench-full';
  const t0 = performance.now();
  const res = await firstScreen(name, `${bin} tui ${file}`, tools[0].ready);
  let peak = 0;
  for (;;) {
    const st = procStat(res.pid);
    if (st) peak = Math.max(peak, st.hwmKB);
    const screen = tmux('capture-pane', '-p', '-t', name);
    const status = screen.split('\n').find((l) => /│ \d+ packets/.test(l)) ?? '';
    if (status && !/indexing|2nd pass/.test(status)) {
      const n = /(\d+) packets/.exec(status)?.[1];
      console.log(`  indexing: ${n} packets in ${((performance.now() - t0) / 1000).toFixed(1)} s wall, ${(procStat(res.pid).cpuMs / 1000).toFixed(1)} s CPU; peak RSS ${(peak / 1024).toFixed(0)} MB (${status})`);
      break;
    }
    await sleep(500);
  }
  spawnSync('tmux', ['kill-session', '-t', name]);
}

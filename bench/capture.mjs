#!/usr/bin/env node
/**
 * Live-capture benchmark, on loopback only (run as root):
 *
 * 1. Write to a file: our sender (test/lab/udp-sender.mjs --via inject: wirelite's own
 *    pcap_inject, frames built with our builders) blasts N small UDP packets (default 1,000,000,
 *    18-byte payload, 60-byte frames) to 127.0.0.1 as fast as it can, while
 *      wirelite capture -i lo -q -w FILE.pcap 'udp dst port P'
 *    and, on the same load in the same run,
 *      tcpdump -i lo -w FILE.pcap 'udp dst port P'
 *    capture it. Reported: packets captured and in the file, kernel drops, CPU time of the
 *    capturing process (user + system, all threads, from /proc) and the sender's rate.
 * 2. Live one-line summaries: wirelite capture -i lo 'udp dst port P' (printing to a pipe the
 *    benchmark reads) at increasing paced rates, 2 seconds each, then unpaced; the highest rate at
 *    which every packet was printed and the kernel dropped none.
 *
 *   npm run build && node bench/capture.mjs [--packets N] [--runs R] [--buffer MiB]
 *
 * Prints a markdown table. Keep N small while developing on a shared machine (--packets 200000).
 */
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const { values } = parseArgs({
  options: {
    packets: { type: 'string', default: '1000000' },
    runs: { type: 'string', default: '1' },
    buffer: { type: 'string' },
    'live-seconds': { type: 'string', default: '2' },
    'skip-live': { type: 'boolean', default: false },
  },
});
const N = Number(values.packets);
const RUNS = Number(values.runs);
const PAYLOAD = 18;
const wirelite = join(root, 'bin/wirelite');
const sender = join(root, 'test/lab/udp-sender.mjs');

if (process.getuid?.() !== 0) {
  console.error('bench/capture.mjs captures and injects on loopback: run it as root');
  process.exit(1);
}
if (!existsSync(join(root, 'native/build/Release/wirelite_pcap.node'))) {
  console.error('the libpcap addon is not built: apt-get install -y libpcap-dev, then npm rebuild');
  process.exit(1);
}
const work = mkdtempSync(join(tmpdir(), 'wl-bench-'));
let port = 30000 + (process.pid % 10000);

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const CLK_TCK = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;

/** utime + stime of a process and all its threads, in seconds. */
function cpuSeconds(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(f[11]) + Number(f[12])) / CLK_TCK;
}

/** Starts a capture command; resolves once it reports it is listening. */
function start(cmd, argv, { keepStdout = false } = {}) {
  const p = spawn(cmd, argv, { stdio: ['ignore', keepStdout ? 'pipe' : 'ignore', 'pipe'] });
  let err = '';
  let lines = 0;
  if (keepStdout) {
    p.stdout.on('data', (d) => {
      for (let i = 0; i < d.length; i++) if (d[i] === 10) lines++;
    });
  }
  const done = new Promise((res) => p.on('close', (code) => res({ code, err, lines })));
  const ready = new Promise((res, rej) => {
    p.stderr.setEncoding('utf8').on('data', (d) => {
      err += d;
      if (/listening on/.test(err)) res();
    });
    p.on('close', () => rej(new Error(`${cmd} ended early: ${err}`)));
  });
  return { p, ready, done, lines: () => lines };
}

/** Runs the sender; asynchronous, so that this process keeps reading the capture's output. */
function send(count, rate) {
  const args = [sender, '--dst', '127.0.0.1', '--port', String(port), '--count', String(count), '--size', String(PAYLOAD), '--via', 'inject'];
  if (rate) args.push('--rate', String(rate));
  return new Promise((res, rej) => {
    const p = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    p.stdout.setEncoding('utf8').on('data', (d) => (out += d));
    p.on('close', (code) => (code === 0 ? res(JSON.parse(out.trim().split('\n').pop())) : rej(new Error(`sender failed (${code})`))));
  });
}

function summary(err) {
  const n = (what) => Number(new RegExp(`(\\d+) packets? ${what}`).exec(err)?.[1] ?? NaN);
  return { captured: n('captured'), received: n('received by filter'), dropped: n('dropped by kernel') };
}

function fileCount(path) {
  const out = execFileSync('capinfos', ['-c', '-M', path], { encoding: 'utf8' });
  return Number(/Number of packets:\s+(\d+)/.exec(out)?.[1] ?? NaN);
}

/** One capture of the blast with `tool`; the sender runs while it listens. */
async function blast(tool) {
  port++;
  const file = join(work, `${tool}.pcap`);
  const filter = `udp dst port ${port}`;
  const buf = values.buffer ? Number(values.buffer) : undefined;
  const c = tool === 'wirelite'
    ? start(wirelite, ['capture', '-i', 'lo', '-q', '-w', file, ...(buf ? ['-B', String(buf)] : []), filter])
    : start('tcpdump', ['-i', 'lo', '-n', '-w', file, ...(buf ? ['-B', String(buf * 1024)] : []), filter]);
  await c.ready;
  const cpu0 = cpuSeconds(c.p.pid);
  const s = await send(N);
  // Let the last kernel block arrive (block timeouts: ours 100 ms, tcpdump's 1 s).
  await sleep(1500);
  const cpu = cpuSeconds(c.p.pid) - cpu0;
  c.p.kill('SIGINT');
  const r = await c.done;
  const sum = summary(r.err);
  return { tool, sent: s.sent, senderRate: s.rate, ...sum, inFile: fileCount(file), cpu };
}

/** Live printing at `rate` pps for a few seconds: all printed, none dropped? */
async function live(rate) {
  port++;
  // Rate 0: as fast as the sender can (about 200,000/s here) for the same time.
  const count = Math.round((rate || 200000) * Number(values['live-seconds']));
  const c = start(wirelite, ['capture', '-i', 'lo', `udp dst port ${port}`], { keepStdout: true });
  await c.ready;
  const s = await send(count, rate);
  await sleep(800);
  c.p.kill('SIGINT');
  const r = await c.done;
  const sum = summary(r.err);
  return { rate, sent: s.sent, actualRate: s.rate, printed: r.lines, ...sum, ok: r.lines === s.sent && sum.dropped === 0 };
}

const results = [];
for (let i = 0; i < RUNS; i++) {
  for (const tool of ['wirelite', 'tcpdump']) {
    const r = await blast(tool);
    results.push(r);
    console.error(`${tool}: ${JSON.stringify(r)}`);
  }
}

const liveRuns = [];
if (!values['skip-live']) {
  for (const rate of [10000, 20000, 40000, 80000, 160000, 0]) {
    const r = await live(rate);
    liveRuns.push(r);
    console.error(`live ${rate}/s: ${JSON.stringify(r)}`);
    if (!r.ok) break;
  }
}
rmSync(work, { recursive: true, force: true });

const fmt = (n) => (Number.isFinite(n) ? n.toLocaleString('en-US') : String(n));
const lines = [];
lines.push(`Loopback, ${fmt(N)} UDP packets of ${PAYLOAD + 42} bytes sent as fast as our sender can (pcap_inject), ${RUNS} run(s); machine: ${execFileSync('nproc', { encoding: 'utf8' }).trim()} cores.`);
lines.push('');
lines.push('| capture | sender rate (pkt/s) | captured | in the file | dropped by kernel | CPU time (s) |');
lines.push('| --- | ---: | ---: | ---: | ---: | ---: |');
for (const r of results) {
  const name = r.tool === 'wirelite' ? '`wirelite capture -q -w`' : '`tcpdump -w`';
  lines.push(`| ${name} | ${fmt(Math.round(r.senderRate))} | ${fmt(r.captured)} | ${fmt(r.inFile)} | ${fmt(r.dropped)} | ${r.cpu.toFixed(2)} |`);
}
if (liveRuns.length) {
  const best = liveRuns.filter((r) => r.ok).pop();
  lines.push('');
  lines.push('| `wirelite capture` printing one line per packet (to a pipe) | offered rate (pkt/s) | achieved (pkt/s) | printed | dropped by kernel |');
  lines.push('| --- | ---: | ---: | ---: | ---: |');
  for (const r of liveRuns) lines.push(`| ${r.ok ? 'no loss' : '**loss**'} | ${r.rate ? fmt(r.rate) : 'as fast as possible'} | ${fmt(Math.round(r.actualRate))} | ${fmt(r.printed)} of ${fmt(r.sent)} | ${fmt(r.dropped)} |`);
  lines.push('');
  lines.push(`Highest rate printed live without drops (as achieved by the sender): ${best ? `${fmt(Math.round(best.actualRate))} packets/s` : 'none of the rates tried'}.`);
}
console.log(lines.join('\n'));

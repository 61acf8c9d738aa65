#!/usr/bin/env node
/**
 * The real-traffic benchmark (issue 15): wirelite beside the peer tool on a capture of real Linux
 * traffic, in the same run, in alternating rounds.
 *
 *   npm run build && node bench/real.mjs [CAPTURE] [--runs N] [--cmd NAME]... [--build DIR]
 *   sudo node bench/real.mjs [CAPTURE] --make        (makes CAPTURE with ../shared/tools/mkbig.sh
 *                                                     first when it does not exist; COUNT=... for
 *                                                     a smaller one)
 *
 * CAPTURE defaults to /tmp/big.pcap (2,000,000 packets made by `sudo ../shared/tools/mkbig.sh
 * /tmp/big.pcap`: HTTP-like TCP, bulk downloads with congestion loss, TLS, DNS, ICMP through a
 * router namespace). The synthetic capture of bench/read.mjs (our own builders) is a second data
 * point, not this one.
 *
 * Commands (all by default; `--cmd` picks some) and their peer:
 *   read    `wirelite read FILE` (one line per packet)                 beside `tcpdump -nn -r FILE`
 *   fields  `wirelite read FILE -T fields -e frame.number -e ip.src -e ip.dst -e tcp.srcport
 *           -e tcp.dstport`                                             beside `tcpdump -nn -r FILE`
 *   read-q  `wirelite read FILE -q` (full dissection, nothing printed)  beside `tcpdump -nn -r FILE`
 *   conv    `wirelite stats FILE conv tcp`           beside `tshark -n -2 -q -r FILE -z conv,tcp`
 * Each round runs every picked wirelite command and each needed peer once (tcpdump once for the
 * three that share it), in the opposite order every other round, all output to /dev/null (conv's
 * tables to files, compared row for row). Per command: the median wall and CPU time (user + system
 * of every thread, from GNU time's wait4 rusage), the highest peak RSS, the packets/s, and the
 * median of each round's own ratio (peer time / wirelite time: above 1 means wirelite is faster).
 * `--build DIR` times another checkout's `bin/wirelite` (default: this one).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const timeBin = '/usr/bin/time';
const FIELDS = ['-T', 'fields', '-e', 'frame.number', '-e', 'ip.src', '-e', 'ip.dst', '-e', 'tcp.srcport', '-e', 'tcp.dstport'];
const COMMANDS = {
  read: { argv: (f) => ['read', f], label: 'wirelite read FILE (one line per packet)', peer: 'tcpdump' },
  fields: { argv: (f) => ['read', f, ...FIELDS], label: 'wirelite read FILE -T fields -e frame.number -e ip.src -e ip.dst -e tcp.srcport -e tcp.dstport', peer: 'tcpdump' },
  'read-q': { argv: (f) => ['read', f, '-q'], label: 'wirelite read FILE -q', peer: 'tcpdump' },
  conv: { argv: (f) => ['stats', f, 'conv', 'tcp'], label: 'wirelite stats FILE conv tcp', peer: 'tshark', table: true },
};
const PEERS = {
  tcpdump: { cmd: 'tcpdump', argv: (f) => ['-nn', '-r', f], label: 'tcpdump -nn -r FILE' },
  tshark: { cmd: 'tshark', argv: (f) => ['-n', '-2', '-q', '-r', f, '-z', 'conv,tcp'], label: 'tshark -n -2 -q -r FILE -z conv,tcp', table: true },
};

const args = process.argv.slice(2);
const valued = ['--runs', '--cmd', '--build'];
const opt = (name) => args.flatMap((x, i) => (x === name && i + 1 < args.length ? [args[i + 1]] : []));
const runs = Number(opt('--runs')[0] ?? 3);
const picked = opt('--cmd');
const build = resolve(opt('--build')[0] ?? root);
const file = resolve(args.find((x, i) => !x.startsWith('--') && !valued.includes(args[i - 1])) ?? '/tmp/big.pcap');
if (!Number.isInteger(runs) || runs < 1 || picked.some((c) => !(c in COMMANDS))) {
  console.error(`usage: node bench/real.mjs [CAPTURE] [--make] [--runs N] [--build DIR] [--cmd ${Object.keys(COMMANDS).join('|')}]...`);
  process.exit(1);
}
if (!existsSync(file)) {
  if (!args.includes('--make')) {
    console.error(`${file} does not exist: make it with \`sudo ../shared/tools/mkbig.sh ${file}\` (about 80 s; COUNT=200000 for a smaller one), or give --make as root`);
    process.exit(1);
  }
  const mkbig = resolve(root, '../shared/tools/mkbig.sh');
  if (process.getuid?.() !== 0) {
    console.error('--make runs ../shared/tools/mkbig.sh, which needs root (network namespaces)');
    process.exit(1);
  }
  if (!existsSync(mkbig)) {
    console.error(`${mkbig} is missing (it comes with the shared folder beside the repository)`);
    process.exit(1);
  }
  console.error(`making ${file} with ${mkbig} ...`);
  execFileSync(mkbig, [file], { stdio: 'inherit' });
}
if (!existsSync(timeBin)) {
  console.error('GNU time is needed for CPU time and peak memory: apt-get install time');
  process.exit(1);
}
const wl = join(build, 'bin/wirelite');

const names = picked.length ? [...new Set(picked)] : Object.keys(COMMANDS);
const peers = [...new Set(names.map((n) => COMMANDS[n].peer))];
const work = mkdtempSync(join(tmpdir(), 'wl-real-'));
process.on('exit', () => rmSync(work, { recursive: true, force: true }));

const { readCapture } = await import(pathToFileURL(join(build, 'dist/capture/reader.js')).href);
let count = 0;
await readCapture(file, { onFrame: () => void count++ });

/** One whole process under GNU time: { wall, cpu, rss } (seconds, seconds, bytes); throws on failure. */
function timed(cmd, argv, out) {
  const tm = join(work, 'time.txt');
  rmSync(tm, { force: true });
  const r = spawnSync('sh', ['-c', `"${timeBin}" -o "${tm}" -f '%e %M %U %S' "$@" > "${out}" 2>"${work}/err.txt"`, 'sh', cmd, ...argv], {
    stdio: 'ignore',
    env: { ...process.env, WIRESHARK_CONFIG_DIR: work },
  });
  const line = existsSync(tm) ? readFileSync(tm, 'utf8').trim().split('\n').pop() : '';
  const [wall, maxKb, user, sys] = line.split(' ').map(Number);
  if (r.status !== 0 || !Number.isFinite(wall)) {
    throw new Error(`${cmd} ${argv.join(' ')} failed (exit ${r.status}): ${readFileSync(join(work, 'err.txt'), 'utf8').trim().slice(0, 500)}`);
  }
  return { wall, cpu: user + sys, rss: maxKb * 1024 };
}

const jobs = [
  ...names.map((n) => ({ key: n, label: COMMANDS[n].label, cmd: wl, argv: COMMANDS[n].argv(file), table: COMMANDS[n].table })),
  ...peers.map((p) => ({ key: p, label: PEERS[p].label, cmd: PEERS[p].cmd, argv: PEERS[p].argv(file), table: PEERS[p].table })),
];
const results = Object.fromEntries(jobs.map((j) => [j.key, []]));
const tables = {};

console.log(`capture ${file} (${count.toLocaleString('en-US')} packets), wirelite ${build}, ${runs} alternating rounds`);
timed(wl, ['read', file, '-q', '-c', '1'], '/dev/null'); // load the page cache's first pages and node's code cache
for (let r = 0; r < runs; r++) {
  const order = r % 2 === 0 ? jobs : [...jobs].reverse();
  for (const j of order) {
    const out = j.table ? join(work, `${j.key}.txt`) : '/dev/null';
    const m = timed(j.cmd, j.argv, out);
    results[j.key].push(m);
    if (j.table && r === 0) tables[j.key] = readFileSync(out, 'utf8').split('\n').filter((l) => l.includes(' <-> '));
    console.error(`round ${r + 1}: ${j.key}: wall ${m.wall.toFixed(2)} s, CPU ${m.cpu.toFixed(2)} s, peak ${(m.rss / 2 ** 20).toFixed(0)} MB`);
  }
}

const median = (v) => [...v].sort((p, q) => p - q)[v.length >> 1];
const pick = (rs, k) => rs.map((x) => x[k]);
const s = (v) => `${v.toFixed(2)} s`;
const mb = (v) => `${Math.round(v / 2 ** 20)} MB`;
const pps = (v) => Math.round(count / v).toLocaleString('en-US');
console.log('');
console.log('| command | wall | CPU | peak memory | packets/s (wall) | vs peer, wall | vs peer, CPU |');
console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: |');
for (const n of names) {
  const ours = results[n];
  const theirs = results[COMMANDS[n].peer];
  const ratio = (k) => median(ours.map((m, i) => theirs[i][k] / m[k]));
  console.log(
    `| \`${COMMANDS[n].label}\` | ${s(median(pick(ours, 'wall')))} | ${s(median(pick(ours, 'cpu')))} | ${mb(Math.max(...pick(ours, 'rss')))} | ${pps(median(pick(ours, 'wall')))} | ` +
      `**${ratio('wall').toFixed(2)}x** ${COMMANDS[n].peer} | ${ratio('cpu').toFixed(2)}x |`,
  );
}
for (const p of peers) {
  const rs = results[p];
  console.log(`| \`${PEERS[p].label}\` | ${s(median(pick(rs, 'wall')))} | ${s(median(pick(rs, 'cpu')))} | ${mb(Math.max(...pick(rs, 'rss')))} | ${pps(median(pick(rs, 'wall')))} | | |`);
}
console.log('');
console.log('ratios: the median of each round\'s peer time / wirelite time (above 1: wirelite is faster); per round, by wall time:');
for (const n of names) {
  const theirs = results[COMMANDS[n].peer];
  console.log(`  ${n}: ${results[n].map((m, i) => (theirs[i].wall / m.wall).toFixed(2)).join(' ')}`);
}
if (names.includes('conv')) {
  const a = tables.conv;
  const b = tables.tshark;
  const same = a.length === b.length && a.every((l, i) => l === b[i]);
  const mem = Math.max(...pick(results.tshark, 'rss')) / Math.max(...pick(results.conv, 'rss'));
  console.log(`conv: wirelite's peak memory is 1/${mem.toFixed(1)} of tshark's; tables: ${a.length.toLocaleString('en-US')} conversations (wirelite), ${b.length.toLocaleString('en-US')} (tshark): ${same ? 'identical, row for row' : 'DIFFERENT'}`);
}

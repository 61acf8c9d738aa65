#!/usr/bin/env node
/**
 * Display filter cost: `wirelite read FILE -Y EXPR -T fields -e frame.number` for typical
 * expressions, next to the same read without a filter (two passes too, every frame printed) and to
 * `tshark -n -2` doing the same. CPU time (user+sys: the machine is shared, wall time is noise) and
 * peak memory, of the fastest of --runs N (default 3).
 *
 *   node bench/filter.mjs [CAPTURE] [--runs N] [--paired-only]
 *
 * Then, paired in one process (wall time on a shared machine is noisy): the first 50,000 packets
 * read twice-pass through the library, alternately without a filter (the tree keeping
 * frame.number, as -T fields -e frame.number) and with it (the tree keeping the filter's fields
 * too, the filter run on every packet), CPU time of each, the median ratio over 5 rounds.
 *
 * The capture: `sudo ../shared/tools/mkbig.sh /tmp/big.pcap` (real mixed traffic; COUNT=200000 for
 * a smaller one); by default bench/data/mixed-2m.pcap (generated when missing).
 */
import { benchSetup, bin, measure } from './common.mjs';
import { dissectFile } from '../dist/pipeline/index.js';
import { fieldByName } from '../dist/dissectors/fields.js';
import { compile } from '../dist/filter/index.js';
import { withFilterFields } from '../dist/filter/cli.js';

const EXPRESSIONS = [
  'tcp.analysis.retransmission',
  'ip.addr == 10.0.0.0/8 && tcp.port == 443',
  'dns.qry.name contains "example"',
  'frame.len > 1000',
  'tcp.flags.syn == 1 && tcp.flags.ack == 0',
  'tls.handshake.type == 1',
];

const args = process.argv.slice(2);
if (!args.includes('--runs')) args.push('--runs', '3');
process.argv = [process.argv[0], process.argv[1], ...args];
const { runs, file, count, work } = await benchSetup();

const pairedOnly = args.includes('--paired-only');
const out = ['-T', 'fields', '-e', 'frame.number'];
if (!pairedOnly) commandLine();
await paired();

async function paired() {
  const PACKETS = 50000;
  const ROUNDS = 5;
  const base = [fieldByName('frame.number').id];
  const cpu = async (fields, filter) => {
    const t = process.cpuUsage();
    let hits = 0;
    await dissectFile(file, { columns: false, twoPass: true, count: PACKETS, fields, periodicGc: false }, (pkt) => {
      if (filter && filter(pkt)) hits++;
    });
    const d = process.cpuUsage(t);
    return { s: (d.user + d.system) / 1e6, hits };
  };
  await cpu(base); // warm up
  console.log(`\npaired, in one process: the first ${PACKETS} packets, two passes, CPU time, median of ${ROUNDS} rounds\n`);
  console.log('| expression | matches | no filter | filter | cost |');
  console.log('|---|---|---|---|---|');
  let worst = -Infinity;
  for (const e of EXPRESSIONS) {
    const c = compile(e);
    const fields = withFilterFields(base, { filter: c.filter, fields: c.fields });
    const ratios = [];
    let a, b;
    for (let r = 0; r < ROUNDS; r++) {
      a = await cpu(base);
      b = await cpu(fields, c.filter);
      ratios.push(b.s / a.s);
    }
    ratios.sort((x, y) => x - y);
    const m = ratios[Math.floor(ROUNDS / 2)];
    worst = Math.max(worst, m - 1);
    console.log(`| \`${e}\` | ${b.hits} | ${a.s.toFixed(2)} s | ${b.s.toFixed(2)} s | ${m >= 1 ? '+' : ''}${((m - 1) * 100).toFixed(1)}% |`);
  }
  console.log(`\nlargest median cost of a filter: ${(worst * 100).toFixed(1)}% (the issue allows 30%)`);
}

function commandLine() {
const rows = [];
// One thread for every wirelite read: a filtered read always runs in one (a large file's plain
// read would take two worker threads, and twice the CPU, by default).
const base = measure(work, runs, bin, ['read', file, '--threads', '1', ...out]);
const tbase = measure(work, runs, 'tshark', ['-n', '-2', '-r', file, ...out]);
rows.push(['(no filter)', base, tbase, undefined]);
for (const e of EXPRESSIONS) {
  const w = measure(work, runs, bin, ['read', file, '--threads', '1', '-Y', e, ...out]);
  const t = measure(work, runs, 'tshark', ['-n', '-2', '-r', file, '-Y', e, ...out]);
  rows.push([e, w, t]);
}

const s = (m) => (m ? `${m.cpu.toFixed(2)} s` : 'failed');
const mb = (m) => (m ? `${Math.round(m.maxKb / 1024)} MB` : '');
console.log(`${file}: ${count} packets, CPU time (user+sys) of the fastest of ${runs} run(s); wirelite and tshark -n -2, both -T fields -e frame.number\n`);
console.log('| expression | wirelite CPU | vs no filter | tshark -2 CPU | wirelite/tshark | wirelite memory |');
console.log('|---|---|---|---|---|---|');
for (const [e, w, t] of rows) {
  const over = w && base ? `${w.cpu >= base.cpu ? '+' : ''}${(((w.cpu - base.cpu) / base.cpu) * 100).toFixed(0)}%` : '';
  const ratio = w && t ? (w.cpu / t.cpu).toFixed(2) : '';
  console.log(`| \`${e}\` | ${s(w)} | ${e === '(no filter)' ? '' : over} | ${s(t)} | ${ratio} | ${mb(w)} |`);
}
const worst = rows.slice(1).reduce((m, [, w]) => Math.max(m, w && base ? (w.cpu - base.cpu) / base.cpu : Infinity), -Infinity);
console.log(`\nlargest cost of a filter over the unfiltered read: ${(worst * 100).toFixed(0)}% (the issue allows 30%)`);
}

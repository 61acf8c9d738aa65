/**
 * Dissectors skip blocks of items when the tree keeps no field of their group (Packet.keepsGroup,
 * Packet.treeFor): TCP its flags (tcp.flags*) and the items of its options (tcp.option*), IPv4 its
 * DS field and flags (ip.dsfield*, ip.flags*), Ethernet its address items (eth.*). Each field of
 * these groups, asked for ALONE (so the group is kept only through it), must print what tshark 4.0
 * prints for it, run live on captures with every common TCP option (MSS, window scale, SACK, D-SACK,
 * timestamps, TCP Fast Open, Quick-Start, NOP/EOL runs). (test/dissectors/field-groups.test.ts has the rest.)
 */
import { execFile, spawnSync } from 'node:child_process';
import { promisify } from 'node:util';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { corpusFile, corpusPresent, itCorpusMissing, itMissing, repoRoot } from '../corpus.js';

const bin = join(repoRoot, 'bin/wirelite');
const haveTshark = spawnSync('tshark', ['--version'], { encoding: 'utf8' }).status === 0;

function run(cmd: string, args: string[]): string {
  const r = spawnSync(cmd, args, { cwd: repoRoot, encoding: 'utf8', maxBuffer: 1 << 28 });
  expect(r.status, `${cmd} ${args.join(' ')}: ${r.stderr}`).toBe(0);
  return r.stdout;
}

/** The fields of a group, from wirelite's own field list (`wirelite fields PREFIX`). */
function groupFields(prefix: string): string[] {
  return run(bin, ['fields', prefix]).split('\n').filter(Boolean).map((l) => l.split('\t')[0]!).filter((f) => f.startsWith(prefix));
}

const execFileP = promisify(execFile);

/** Captures with TCP Fast Open, Quick-Start, SACK and D-SACK, and the usual handshake options. */
const CAPTURES = ['tcp-fast-open.pcap', 'options.pcap', 'option-27.pcap', 'option-sack.pcap', 'retransmit-fast009.pcap'].map((f) => corpusFile(`zeek/tcp/${f}`));

describe('TCP field groups: a field of the flags or options asked for alone', () => {
  if (!haveTshark) itMissing('SKIPPED: tshark is not installed (apt-get install tshark)');
  if (!corpusPresent) itCorpusMissing();
  it.runIf(haveTshark && corpusPresent)('prints what tshark prints, field by field', async () => {
    const fields = ['tcp.flags', 'tcp.option', 'ip.dsfield', 'ip.flags', 'eth.'].flatMap(groupFields);
    expect(fields.length).toBeGreaterThan(60);
    // Each field on the first capture where tshark prints a value for it.
    const jobs: { file: string; field: string; want: string }[] = [];
    for (const file of CAPTURES) {
      const all = run('tshark', ['-n', '-r', file, '-T', 'fields', ...fields.flatMap((f) => ['-e', f])]).split('\n');
      for (const [i, field] of fields.entries()) {
        const want = all.map((l) => (l === '' ? l : l.split('\t')[i]!)).join('\n');
        if (want.replace(/\n/g, '') && !jobs.some((j) => j.field === field)) jobs.push({ file, field, want });
      }
    }
    const next = [...jobs];
    const worker = async (): Promise<void> => {
      for (let j = next.shift(); j; j = next.shift()) {
        const { stdout } = await execFileP(bin, ['read', j.file, '-T', 'fields', '-e', j.field], { maxBuffer: 1 << 26 });
        expect(stdout === j.want, `${j.file} -e ${j.field}:\n${stdout.slice(0, 400)}\nwant:\n${j.want.slice(0, 400)}`).toBe(true);
      }
    };
    await Promise.all([worker(), worker()]);
    // The captures exercise the groups: the flags and the common options at least.
    const seen = jobs.map((j) => j.field);
    for (const f of ['tcp.flags', 'tcp.flags.syn', 'tcp.flags.str', 'tcp.option_kind', 'tcp.option_len', 'tcp.options.mss_val', 'tcp.options.wscale.shift', 'tcp.options.sack_le', 'tcp.options.timestamp.tsval', 'tcp.options.tfo.request', 'tcp.options.qs.rate', 'ip.dsfield.dscp', 'ip.flags.df', 'eth.src', 'eth.addr', 'eth.ig']) expect(seen, f).toContain(f);
  }, 120_000);
});

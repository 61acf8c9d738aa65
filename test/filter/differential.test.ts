/**
 * Display filters against tshark 4.0, live: every expression of expressions.txt on a sample of the
 * public corpus. tshark evaluates them all in one run per capture (`tshark -2`, one Lua tap
 * listener per expression: a listener with a filter sees exactly the frames `-Y` would show, which
 * the last test checks on a few); wirelite dissects each capture once in-process and runs every
 * compiled filter on each packet. Where tshark rejects an expression wirelite must too; where it
 * accepts one, both must select the same frames on every capture. A few expressions also go
 * through `wirelite read -Y ... -T fields -e frame.number` against `tshark -Y`, the commands' path.
 */
import { execFile, execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { dissectFile } from '../../src/pipeline/index.js';
import { fieldsLine } from '../../src/render/output.js';
import { fieldByName, FT } from '../../src/dissectors/fields.js';
import { compile, type DisplayFilter } from '../../src/filter/index.js';
import { corpusRoot, repoRoot } from '../conformance/oracle.js';
import { describeCorpusMissing } from '../corpus.js';

const run = promisify(execFile);

/** Small captures that between them have every protocol wirelite dissects. */
const CAPTURES = [
  'public/filesamples/simple_http.pcap',
  'public/zeek/wikipedia.pcap',
  'public/zeek/tls/tls1.2.pcap',
  'public/zeek/tls/tls13-ech.pcap',
  'public/zeek/tcp/retransmit-fast009.pcap',
  'public/zeek/tcp/reassembly.pcap',
  'public/pcapplusplus/Pcap++Test/PcapExamples/VlanPackets.pcap',
  'public/pcapplusplus/Pcap++Test/PcapExamples/ip6_fragments.pcap',
  'public/pcapplusplus/Pcap++Test/PcapExamples/ip4_fragments.pcap',
  'public/pcapplusplus/Pcap++Test/PcapExamples/DnsPackets.pcap',
  'public/pcapplusplus/Pcap++Test/PcapExamples/many_interfaces-1.pcapng',
  'public/pcapng-test-generator/output_le/basic/test009.pcapng',
  'public/zeek/icmp/icmp6-nd-options.pcap',
  'public/zeek/dns-edns-ecs.pcap',
  'public/tcpdump/dhcp-rfc4388.pcap',
  'public/filesamples/simple_http_sll2.pcap',
  'public/malformed/suricata-verify/output-eve-anomaly-packethdr/anomaly.pcap',
];

const present = existsSync(join(corpusRoot, 'public')) && CAPTURES.every((c) => existsSync(join(corpusRoot, c)));

export function loadExpressions(): string[] {
  return readFileSync(join(repoRoot, 'test/filter/expressions.txt'), 'utf8')
    .split('\n')
    .filter((l) => l.trim() && !l.startsWith('#'));
}

/** One Lua tap listener per expression; at the end, per expression, its frames or ERR. */
const LUA = `
local exprs = {}
for line in io.lines(os.getenv("WL_EXPRS")) do exprs[#exprs+1] = line end
local hits = {}
for i, e in ipairs(exprs) do
  local ok, l = pcall(Listener.new, "frame", e)
  if ok then
    hits[i] = {}
    l.packet = function(pinfo) table.insert(hits[i], pinfo.number) end
  else
    hits[i] = false
  end
end
local done = false
local last = Listener.new("frame", "frame.number < 0")
function last.draw()
  if done then return end
  done = true
  local out = io.open(os.getenv("WL_OUT"), "w")
  for i = 1, #exprs do
    if hits[i] == false then out:write("ERR\\n") else out:write(table.concat(hits[i], " "), "\\n") end
  end
  out:close()
end
`;

/** tshark's frames per expression (null: tshark rejects it). */
async function tsharkFrames(dir: string, capture: string, exprFile: string, n: number): Promise<(number[] | null)[]> {
  const out = join(dir, `${capture.replace(/\W/g, '_')}.out`);
  await run('tshark', ['-n', '-2', '-q', '-r', join(corpusRoot, capture), '-X', `lua_script:${join(dir, 'listeners.lua')}`], {
    env: { ...process.env, WL_EXPRS: exprFile, WL_OUT: out },
    maxBuffer: 1 << 26,
  });
  const lines = readFileSync(out, 'utf8').split('\n').slice(0, n);
  return lines.map((l) => (l === 'ERR' ? null : l ? l.split(' ').map(Number) : []));
}

/** wirelite's frames per compiled expression, from one in-process read of the capture. */
async function wireliteFrames(capture: string, filters: (DisplayFilter | null)[], fields: number[]): Promise<(number[] | null)[]> {
  const hits = filters.map((f) => (f ? ([] as number[]) : null));
  await dissectFile(join(corpusRoot, capture), { columns: false, twoPass: true, count: 0, fields }, (pkt) => {
    for (let i = 0; i < filters.length; i++) {
      const f = filters[i];
      if (f && f(pkt)) hits[i]!.push(pkt.frame.number);
    }
  });
  return hits;
}

/**
 * The texts of `names` per frame, as `-T fields` prints them, from tshark and from wirelite: a
 * disagreement on a frame where the fields the expression reads already differ is the
 * dissectors' (their values are tested elsewhere), not the filter's.
 */
async function fieldTexts(capture: string, names: string[]): Promise<{ theirs: Map<number, string[]>; ours: Map<number, string[]> }> {
  const file = join(corpusRoot, capture);
  const { stdout } = await run('tshark', ['-n', '-2', '-r', file, '-T', 'fields', '-E', 'occurrence=a', '-e', 'frame.number', ...names.flatMap((n) => ['-e', n])], { maxBuffer: 1 << 26 });
  const theirs = new Map<number, string[]>();
  for (const l of stdout.split('\n')) if (l) theirs.set(Number(l.split('\t')[0]), l.split('\t').slice(1));
  const ours = new Map<number, string[]>();
  const ids = names.map((n) => fieldByName(n)?.id ?? n);
  const opts = { fields: names, header: false, separator: '\t', occurrence: 'a' as const, aggregator: ',', quote: 'n' as const };
  await dissectFile(file, { columns: false, twoPass: true, count: 0, fields: ids.filter((x): x is number => typeof x === 'number') }, (pkt) => {
    ours.set(pkt.frame.number, fieldsLine(pkt, opts as never, ids).split('\t'));
  });
  return { theirs, ours };
}

/** What a comparison reads, as -T fields names: protocols by frame.protocols, expert items by their messages. */
function comparedFields(expr: string, names: string[]): string[] {
  const out = new Set<string>();
  for (const n of names) out.add(fieldByName(n)?.type === FT.PROTOCOL ? 'frame.protocols' : n);
  if (expr.includes('_ws.expert')) out.add('_ws.expert.message');
  return [...out];
}

if (!present) describeCorpusMissing('display filters: wirelite selects the frames tshark 4.0 selects');
describe.skipIf(!present)(present ? 'display filters: wirelite selects the frames tshark 4.0 selects' : 'SKIPPED: ../shared/corpus missing', () => {
  const exprs = loadExpressions();
  const compiled = exprs.map((e) => compile(e));
  let theirs: (number[] | null)[][] = [];
  let ours: (number[] | null)[][] = [];

  beforeAll(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'wl-filter-'));
    writeFileSync(join(dir, 'listeners.lua'), LUA);
    const exprFile = join(dir, 'exprs.txt');
    writeFileSync(exprFile, exprs.join('\n') + '\n');
    const filters = compiled.map((c) => (c.ok ? c.filter : null));
    const fields = [...new Set(compiled.flatMap((c) => (c.ok ? c.fields : [])))];
    // Two tshark runs at a time (they start slowly); wirelite reads in between.
    const t: (number[] | null)[][] = new Array(CAPTURES.length);
    let next = 0;
    const worker = async () => {
      while (next < CAPTURES.length) {
        const i = next++;
        t[i] = await tsharkFrames(dir, CAPTURES[i]!, exprFile, exprs.length);
      }
    };
    const tsharks = Promise.all([worker(), worker()]);
    const o: (number[] | null)[][] = [];
    for (const c of CAPTURES) o.push(await wireliteFrames(c, filters, fields));
    await tsharks;
    theirs = t;
    ours = o;
  }, 170_000);

  it(`covers at least 200 expressions (${exprs.length})`, () => {
    expect(exprs.length).toBeGreaterThanOrEqual(200);
  });

  it('rejects exactly the expressions tshark rejects', () => {
    const bad: string[] = [];
    exprs.forEach((e, i) => {
      const tsharkOk = theirs[0]![i] !== null;
      const c = compiled[i]!;
      if (tsharkOk !== c.ok) bad.push(`${e}\n    tshark: ${tsharkOk ? 'accepts' : 'rejects'}; wirelite: ${c.ok ? 'accepts' : `rejects (${c.error.message})`}`);
    });
    expect(bad, bad.join('\n')).toEqual([]);
  });

  it('selects the same frames as tshark on every capture (but where the fields read differ)', async () => {
    const disagreements: { e: string; i: number; k: number; frames: number[]; text: string }[] = [];
    exprs.forEach((e, i) => {
      if (!compiled[i]!.ok) return;
      CAPTURES.forEach((cap, k) => {
        const t = theirs[k]![i];
        const o = ours[k]![i];
        if (!t || !o) return;
        if (t.join(' ') !== o.join(' ')) {
          const onlyT = t.filter((x) => !o.includes(x));
          const onlyO = o.filter((x) => !t.includes(x));
          disagreements.push({ e, i, k, frames: [...onlyT, ...onlyO], text: `${e} on ${cap}: tshark ${t.length} frames, wirelite ${o.length}; only tshark: ${onlyT.slice(0, 10).join(',')}; only wirelite: ${onlyO.slice(0, 10).join(',')}` });
        }
      });
    });
    // Per capture, the -T fields texts of everything the disagreeing expressions read.
    const bad: string[] = [];
    const explained: string[] = [];
    for (let k = 0; k < CAPTURES.length; k++) {
      const here = disagreements.filter((d) => d.k === k);
      if (!here.length) continue;
      const names = [...new Set(here.flatMap((d) => comparedFields(d.e, (compiled[d.i] as { fieldNames: string[] }).fieldNames)))];
      const { theirs: tf, ours: of } = await fieldTexts(CAPTURES[k]!, names);
      for (const d of here) {
        const read = comparedFields(d.e, (compiled[d.i] as { fieldNames: string[] }).fieldNames).map((n) => names.indexOf(n));
        const differs = d.frames.find((f) => read.some((c) => (tf.get(f)?.[c] ?? '') !== (of.get(f)?.[c] ?? '')));
        if (differs !== undefined) explained.push(`${d.text} (frame ${differs}: ${read.map((c) => `${names[c]} tshark "${tf.get(differs)?.[c] ?? ''}" wirelite "${of.get(differs)?.[c] ?? ''}"`).join('; ')})`);
        else bad.push(d.text);
      }
    }
    if (explained.length) console.log(`${explained.length} disagreements where the dissectors' values differ (not the filter's):\n${explained.join('\n')}`);
    expect(bad, bad.join('\n')).toEqual([]);
  }, 120_000);

  it('the oracle and the command agree: tshark -Y and wirelite read -Y print the frames of the comparison above', () => {
    const cap = CAPTURES[1]!;
    const file = join(corpusRoot, cap);
    const sample = ['tcp.port == 80 && tcp.len > 0', 'dns.qry.name contains "wiki"', 'ip.addr == 10.0.0.0/8 or ipv6', 'tcp.analysis.flags', 'frame.len > 1000'];
    for (const e of sample) {
      const t = execFileSync('tshark', ['-n', '-2', '-r', file, '-Y', e, '-T', 'fields', '-e', 'frame.number'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
      const w = execFileSync(join(repoRoot, 'bin/wirelite'), ['read', file, '-Y', e, '-T', 'fields', '-e', 'frame.number'], { encoding: 'utf8' });
      expect(w, e).toBe(t);
      const i = exprs.indexOf(e);
      if (i >= 0) expect(t.trim().split('\n').filter(Boolean).map(Number), e).toEqual(theirs[1]![i]);
    }
  });
});

/**
 * Every `./bin/wirelite` example in README.md's ```sh blocks, run: it must exit 0, and where the
 * README shows output under it (the `# ...` comment lines that follow the command), those lines
 * must appear in the real output, in that order (other lines may come between them; `...` inside
 * a line matches any text, a line that is only `...` matches nothing in particular).
 *
 * Captures are found where the example names them (fixtures/) or, by file name, anywhere under
 * ../shared/corpus/public. An example is not run, with its reason in the test's title (a skipped
 * test, so the reporter names it), when its capture exists nowhere, when it needs root and a live
 * interface (`capture`), or when it is not a wirelite command (npm, apt-get, openssl).
 *
 * Examples run in a scratch directory (bin/ and fixtures/ linked, HOME and /tmp/ moved there), so
 * an example that writes a file (`> stream.bin`, `-w /tmp/copy.pcapng`) writes nothing elsewhere.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { corpusPresent, corpusRoot } from '../conformance/oracle.js';
import { describeCorpusMissing } from '../corpus.js';

const root = resolve(import.meta.dirname, '../..');
const scratch = mkdtempSync(join(tmpdir(), 'wl-readme-'));
symlinkSync(join(root, 'bin'), join(scratch, 'bin'));
symlinkSync(join(root, 'fixtures'), join(scratch, 'fixtures'));
mkdirSync(join(scratch, 'tmp'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

interface Example {
  /** The command as the README shows it (continuation lines joined). */
  command: string;
  /** The output lines shown under it (without the leading `# `). */
  expected: string[];
  /** README line number of the command. */
  line: number;
}

/** The examples of every ```sh block: a command line (with `\` continuations) and the `#` lines under it. */
function parseExamples(readme: string): Example[] {
  const lines = readme.split('\n');
  const out: Example[] = [];
  let inSh = false;
  let cur: Example | undefined;
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i]!;
    if (!inSh) {
      if (/^```sh\s*$/.test(l)) inSh = true;
      continue;
    }
    if (/^```/.test(l)) {
      inSh = false;
      cur = undefined;
      continue;
    }
    if (/^\s*#/.test(l)) {
      if (cur) cur.expected.push(l.replace(/^\s*# ?/, ''));
      continue;
    }
    if (!l.trim()) {
      cur = undefined;
      continue;
    }
    let command = l;
    const line = i + 1;
    while (/\\\s*$/.test(command) && i + 1 < lines.length) command = command.replace(/\\\s*$/, ' ') + lines[++i]!.trim();
    cur = { command, expected: [], line };
    out.push(cur);
  }
  return out;
}

/** Every capture in the corpus by file name (the first in path order when several share one). */
function corpusIndex(): Map<string, string> {
  const m = new Map<string, string>();
  if (!corpusPresent) return m;
  const walk = (dir: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const p = join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (!m.has(e.name)) m.set(e.name, p);
    }
  };
  walk(join(corpusRoot, 'public'));
  return m;
}

const CAPTURE = /(?<![\w./-])((?:[\w.-]+\/)*[\w.-]+\.(?:pcapng|pcap|cap)(?:\.gz)?)(?![\w.-])/g;

interface Plan {
  title: string;
  /** The shell command to run, or why it is not run. */
  run?: string;
  skip?: string;
  expected: string[];
}

/** What to run for an example: the captures replaced by their paths, /tmp/ and ~ moved to the scratch directory. */
function plan(ex: Example, corpus: Map<string, string>): Plan {
  const title = `README line ${ex.line}: ${ex.command.replace(/\s+#.*$/, '').replace(/\s+/g, ' ').trim()}`;
  const at = ex.command.indexOf('./bin/wirelite');
  if (at < 0) return { title, skip: 'not a wirelite command', expected: ex.expected };
  // `npm ci && ./bin/wirelite ...`: only the wirelite part.
  let cmd = /&&\s*$/.test(ex.command.slice(0, at)) ? ex.command.slice(at) : ex.command;
  if (/\b(npm|apt-get|sudo)\b/.test(cmd.replace(/#.*$/, ''))) return { title, skip: 'installs software', expected: ex.expected };
  if (/\.\/bin\/wirelite capture\b/.test(cmd)) return { title, skip: 'needs root and a live interface (capture)', expected: ex.expected };
  if (/\.\/bin\/wirelite (ping|traceroute|pmtud)\b/.test(cmd)) return { title, skip: 'needs root and the probes\' namespace lab (test/probe/ runs it beside the real tool)', expected: ex.expected };
  const missing: string[] = [];
  // /tmp/ and ~ first, so that a capture's own path (the corpus may lie under /tmp/) is left alone.
  const code = cmd.replace(/\s+#.*$/, '').replace(/(^|[\s=])\/tmp\//g, `$1${scratch}/tmp/`).replace(/(^|\s)~\//g, `$1${scratch}/`);
  cmd = code.replace(CAPTURE, (name: string, _p: string, offset: number) => {
    if (/-w\s+$/.test(code.slice(0, offset)) || name.startsWith('/')) return name; // an output file
    if (existsSync(join(root, name))) return name;
    const found = corpus.get(name.slice(name.lastIndexOf('/') + 1));
    if (found) return found;
    missing.push(name);
    return name;
  });
  if (missing.length) return { title, skip: `capture ${missing.map((m) => `"${m}"`).join(', ')} exists nowhere (fixtures/, ../shared/corpus/public)`, expected: ex.expected };
  if (/--tls-keylog\s+(\S+)/.test(cmd) && !existsSync(join(root, /--tls-keylog\s+(\S+)/.exec(cmd)![1]!))) return { title, skip: 'its key log exists nowhere', expected: ex.expected };
  // The directory an output redirection names (`> ~/.zfunc/_wirelite`) is made first.
  for (const m of cmd.matchAll(/>\s*(\S+)/g)) {
    const target = resolve(scratch, m[1]!);
    if (target.startsWith(scratch)) mkdirSync(dirname(target), { recursive: true });
  }
  return { title, run: cmd, expected: ex.expected };
}

function sh(cmd: string): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((done) => {
    const p = spawn('bash', ['-o', 'pipefail', '-c', cmd], { cwd: scratch, env: { ...process.env, HOME: scratch, NO_COLOR: '1' } });
    let out = '';
    let err = '';
    p.stdout.on('data', (d: Buffer) => (out += d.toString()));
    p.stderr.on('data', (d: Buffer) => (err += d.toString()));
    p.on('close', (code) => done({ code, out, err }));
  });
}

/** The expected lines that do not appear, in order, in the output (`...` is a wildcard). */
function unmatched(expected: readonly string[], output: string): string[] {
  const lines = output.split('\n').map((l) => l.trim());
  const esc = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  let at = 0;
  const missing: string[] = [];
  for (const e of expected.map((l) => l.trim())) {
    if (e.trim() === '...') continue;
    const re = new RegExp('^' + e.split('...').map(esc).join('.*') + '$');
    let k = at;
    while (k < lines.length && !re.test(lines[k]!)) k++;
    if (k === lines.length) missing.push(e);
    else at = k + 1;
  }
  return missing;
}

const examples = parseExamples(readFileSync(join(root, 'README.md'), 'utf8'));
const corpus = corpusIndex();
const plans = examples.map((ex) => plan(ex, corpus));

// Without the corpus these suites run on the fixtures alone: in CI that is a failure.
if (!corpusPresent) describeCorpusMissing('README examples (the corpus captures)');
describe('README examples', () => {
  it('the README has examples, and the parser finds the output shown under them', () => {
    expect(examples.length).toBeGreaterThan(20);
    expect(examples.filter((e) => e.expected.length > 0).length).toBeGreaterThan(5);
    expect(unmatched(['a ... c', '...', 'x'], 'a b c\nq\nx\n')).toEqual([]);
    expect(unmatched(['x', 'a'], 'a\nx\n')).toEqual(['a']);
    const notRun = plans.filter((p) => p.skip).map((p) => `  ${p.title}\n    not run: ${p.skip}`);
    if (notRun.length) console.log(`README examples not run (${notRun.length}):\n${notRun.join('\n')}`);
  });

  // An example that is not run is not a skipped test: it is listed above, and its reason must be
  // one that cannot be helped here (a live capture, an install, another program, a key log made by
  // hand). A capture that exists nowhere is a README to fix, so it fails (when the corpus is here).
  it('every example not run has a reason that cannot be helped', () => {
    const helpless = /^(not a wirelite command|installs software|needs root and a live interface|needs root and the probes' namespace lab|its key log exists nowhere)/;
    const bad = plans.filter((p) => p.skip && !(helpless.test(p.skip) || (!corpusPresent && p.skip.includes('exists nowhere'))));
    expect(bad.map((p) => `${p.title}: ${p.skip}`)).toEqual([]);
  });

  for (const p of plans) {
    if (p.skip) continue;
    it.concurrent(p.title, async () => {
      const r = await sh(p.run!);
      expect(r.code, `exit code of: ${p.run}\n${r.err}`).toBe(0);
      expect(unmatched(p.expected, r.out), `lines the README shows that ${p.run} does not print:`).toEqual([]);
    });
  }
});

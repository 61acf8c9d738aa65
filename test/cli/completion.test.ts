/**
 * `wirelite completion bash|zsh` in the real shells: the bash script is sourced in bash and its
 * `_wirelite` run on a COMP_WORDS line; the zsh script is loaded by compinit in an interactive zsh
 * on a pseudo-terminal (zsh/zpty), a TAB is typed and the matches zsh's completion system adds are
 * caught at compadd. What each must offer is taken from the command tree (the options, their
 * choices) and from `wirelite fields` / `capture -D`, so the test follows the option table, and
 * checked against a few literal words so that it can fail.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { optionSpecs, subcommands } from '../../src/cli/manpage.js';
import { programTree } from '../../src/cli/program.js';
import { STATS_KINDS } from '../../src/cli/commands/stats.js';
import { CONV_TYPES } from '../../src/cli/conv-stats.js';
import buildIfStale from '../global-setup.js';

const root = resolve(import.meta.dirname, '../..');
const binDir = join(root, 'bin');
const bin = join(binDir, 'wirelite');
const scratch = mkdtempSync(join(tmpdir(), 'wl-completion-test-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const tree = programTree();
const cmd = (name: string) => subcommands(tree).find((c) => c.name() === name)!;
const choicesOf = (command: string, flag: string) => optionSpecs(cmd(command)).find((o) => o.short === flag || o.long === flag)!.choices!;
const longOptions = (command: string) => optionSpecs(cmd(command)).flatMap((o) => (o.long ? [o.long] : []));
const shortOptions = (command: string) => optionSpecs(cmd(command)).flatMap((o) => (o.short ? [o.short] : []));

function wl(args: string[]): string {
  const r = spawnSync(bin, args, { cwd: root, encoding: 'utf8' });
  return r.stdout;
}

let fieldNames: string[] = [];
let protocols: string[] = [];
let interfaces: string[] = [];
beforeAll(() => {
  buildIfStale();
  const fields = wl(['fields']).trim().split('\n').map((l) => l.split('\t'));
  fieldNames = fields.map((f) => f[0]!);
  protocols = fields.filter((f) => f[2] === 'FT_PROTOCOL').map((f) => f[0]!);
  interfaces = wl(['capture', '-D']).trim().split('\n').filter(Boolean).map((l) => /^\d+\. (\S+)/.exec(l)![1]!);
  writeFileSync(join(scratch, 'wirelite.bash'), wl(['completion', 'bash']));
  mkdirSync(join(scratch, 'zfunc'));
  writeFileSync(join(scratch, 'zfunc/_wirelite'), wl(['completion', 'zsh']));
});

/** What bash's completion offers for the words (the last one is being completed). */
function bash(words: string[]): string[] {
  const script = 'source "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$(( ${#COMP_WORDS[@]} - 1 )); _wirelite; printf "%s\\n" "${COMPREPLY[@]}"';
  const r = spawnSync('bash', ['-c', script, 'bash', join(scratch, 'wirelite.bash'), bin, ...words.slice(1)], { cwd: root, encoding: 'utf8' });
  expect(r.stderr).toBe('');
  return r.stdout.split('\n').filter(Boolean).sort();
}

/** completion-capture.zsh: the matches zsh's completion system adds for a line and a TAB. */
const ZSH_CAPTURE = join(import.meta.dirname, 'completion-capture.zsh');

function zsh(words: string[]): string[] {
  const line = ['wirelite', ...words.slice(1)].join(' ');
  const r = spawnSync('zsh', [ZSH_CAPTURE, join(scratch, 'zfunc'), line, binDir], { cwd: root, encoding: 'utf8', timeout: 20_000 });
  expect(r.error, 'zsh must be installed (apt-get install zsh; .ci/run does)').toBeUndefined();
  return r.stdout.split('\n').filter(Boolean).sort();
}

const sorted = (a: readonly string[]) => [...a].sort();

for (const [shell, complete] of [['bash', bash], ['zsh', zsh]] as const) {
  describe(`wirelite completion ${shell}`, () => {
    it('offers the commands', () => {
      const names = subcommands(tree).map((c) => c.name());
      expect(names).toContain('read');
      expect(complete(['wirelite', ''])).toEqual(sorted(names));
    });

    it("offers every option of every command, from the option table", () => {
      for (const c of subcommands(tree)) {
        const all = complete(['wirelite', c.name(), '-']);
        expect(all, `wirelite ${c.name()} -<TAB>`).toEqual(sorted([...shortOptions(c.name()), ...longOptions(c.name())]));
      }
      expect(complete(['wirelite', 'read', '--disable-p'])).toEqual(['--disable-protocol']);
    });

    it("offers an option's choices: -T, -t (also after the -r shorthand), follow --format", () => {
      expect(choicesOf('read', '-T')).toEqual(expect.arrayContaining(['text', 'fields', 'json']));
      expect(complete(['wirelite', 'read', '-T', ''])).toEqual(sorted(choicesOf('read', '-T')));
      expect(complete(['wirelite', 'capture', '-T', ''])).toEqual(sorted(choicesOf('capture', '-T')));
      expect(complete(['wirelite', '-r', 'fixtures/synthetic.pcapng', '-t', 'a'])).toEqual(sorted(choicesOf('read', '-t').filter((c) => c.startsWith('a'))));
      expect(complete(['wirelite', 'follow', 'x.pcap', '--format', ''])).toEqual(['ascii', 'hex', 'json', 'raw']);
      expect(complete(['wirelite', 'completion', ''])).toEqual(['bash', 'zsh']);
    });

    it('offers field names after -e and for fields, from wirelite fields', () => {
      const want = fieldNames.filter((f) => f.startsWith('tcp.flags.s'));
      expect(want).toContain('tcp.flags.syn');
      expect(complete(['wirelite', 'read', '-e', 'tcp.flags.s'])).toEqual(sorted(want));
      expect(complete(['wirelite', '-r', 'x.pcap', '-T', 'fields', '-e', 'tcp.flags.s'])).toEqual(sorted(want));
      expect(complete(['wirelite', 'fields', 'tcp.flags.s'])).toEqual(sorted(want));
      expect(complete(['wirelite', 'read', '--disable-protocol', 'dn'])).toEqual(sorted(protocols.filter((p) => p.startsWith('dn'))));
      expect(protocols).toContain('dns');
    });

    it('offers the statistics and the conversation types', () => {
      const first = complete(['wirelite', 'stats', 'fixtures/synthetic.pcapng', '']);
      for (const k of STATS_KINDS) expect(first, `stats FILE <TAB> offers ${k}`).toContain(k);
      expect(complete(['wirelite', 'stats', 'fixtures/synthetic.pcapng', 'conv', ''])).toEqual(expect.arrayContaining(sorted(CONV_TYPES)));
    });

    it('offers files for a capture file', () => {
      const files = complete(['wirelite', 'read', 'fixtures/syn']);
      expect(files.some((f) => f.endsWith('synthetic.pcapng')), files.join(' ')).toBe(true);
    });

    it('offers the interfaces of capture -D after capture -i', () => {
      expect(interfaces).toContain('lo');
      expect(complete(['wirelite', 'capture', '-i', ''])).toEqual(sorted(interfaces));
    });
  });
}

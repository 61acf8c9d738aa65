/**
 * One source for the options: the README's option tables, its exit-code table and the man page
 * docs/wirelite.1 must say what the command tree (src/cli/program.ts, which the help text prints)
 * says. The README is parsed, not only compared, so a failure names the option and the command:
 * add the option to the command's definition (its description is the README's meaning), then
 * `npm run docs` rewrites the tables and the man page.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { marker, manPage, optionMeaning, optionSpecs, optionSyntax, readmeExitTable, subcommands } from '../../src/cli/manpage.js';
import { programTree } from '../../src/cli/program.js';

const root = resolve(import.meta.dirname, '../..');
const readme = readFileSync(join(root, 'README.md'), 'utf8');
const tree = programTree();
const FIX = 'add it to the command in src/cli (its description is the meaning), then run npm run docs';

/** The rows of a generated block: option names (each of `-v, --version`) to [syntax, meaning]. */
function tableOf(name: string): Map<string, { syntax: string; meaning: string }> | undefined {
  const [open, close] = marker(name);
  const i = readme.indexOf(open);
  const j = readme.indexOf(close);
  if (i < 0 || j < i) return undefined;
  const rows = new Map<string, { syntax: string; meaning: string }>();
  for (const line of readme.slice(i + open.length, j).split('\n')) {
    const m = /^\| `(.*)` \| (.*) \|$/.exec(line);
    if (!m) continue;
    const syntax = m[1]!.replace(/\\\|/g, '|');
    const meaning = m[2]!.replace(/\\\|/g, '|');
    // The names: the words before the value, `-v, --version` has two.
    const names: string[] = [];
    for (const w of syntax.split(' ')) {
      if (!w.startsWith('-')) break;
      names.push(w.replace(/,$/, ''));
    }
    for (const n of names) rows.set(n, { syntax, meaning });
  }
  return rows;
}

describe('README option tables and the help text (one source)', () => {
  for (const cmd of subcommands(tree)) {
    const name = cmd.name();
    it(`wirelite ${name}: every option in the help is in the README's table, with the same meaning, and no other`, () => {
      const rows = tableOf(`options:${name}`);
      expect(rows, `README.md has no options table for wirelite ${name}: put ${marker(`options:${name}`).join(' ')} in its section, then run npm run docs`).toBeDefined();
      const problems: string[] = [];
      const known = new Set<string>();
      for (const o of optionSpecs(cmd)) {
        const key = o.short ?? o.long!;
        for (const n of [o.short, o.long]) if (n) known.add(n);
        const row = rows!.get(key);
        if (!row) {
          problems.push(`wirelite ${name} ${optionSyntax(o)} ("${o.description}") is in the help but missing from README's ${name} table: run npm run docs`);
          continue;
        }
        if (row.syntax !== optionSyntax(o)) problems.push(`README's ${name} table writes \`${row.syntax}\`, the help \`${optionSyntax(o)}\`: run npm run docs`);
        if (row.meaning !== optionMeaning(o)) problems.push(`README's ${name} table says ${key} means "${row.meaning}", the help says "${optionMeaning(o)}": ${FIX}`);
      }
      for (const [n, row] of rows!) {
        if (!known.has(n)) problems.push(`README's ${name} table lists \`${row.syntax}\`, which wirelite ${name} does not have: ${FIX}, or drop the row`);
      }
      expect(problems, problems.join('\n')).toEqual([]);
    });
  }

  it('the README has no option table outside the generated blocks for a command', () => {
    // A hand-written `| option | meaning |` table would drift: every one must be a generated block.
    const hand = readme.split(/<!-- options:[a-z]+ \(generated[^\n]*-->[\s\S]*?<!-- \/options:[a-z]+ -->/).join('');
    expect(hand.match(/^\| option \| meaning \|$/gm) ?? [], 'README.md has an option table that npm run docs does not generate').toEqual([]);
  });

  it("the README's exit codes are the help's", () => {
    const [open, close] = marker('exit-codes');
    const i = readme.indexOf(open);
    expect(i, `README.md has no exit-code table: put ${open} ${close} in it and run npm run docs`).toBeGreaterThanOrEqual(0);
    expect(readme.slice(i + open.length + 1, readme.indexOf(close)), 'README exit codes are stale: npm run docs').toBe(readmeExitTable());
    const help = spawnSync(join(root, 'bin/wirelite'), ['--help'], { encoding: 'utf8' }).stdout;
    for (const row of readmeExitTable().split('\n').slice(2).filter(Boolean)) {
      const [, code, meaning] = /^\| `(\d)` \| (.*) \|$/.exec(row)!;
      expect(help, `exit code ${code} in wirelite --help`).toContain(`  ${code}  ${meaning}\n`);
    }
  });
});

describe('the man page docs/wirelite.1', () => {
  const page = readFileSync(join(root, 'docs/wirelite.1'), 'utf8');

  it('is generated from the current option table (else: npm run docs)', () => {
    expect(page === manPage(tree), 'docs/wirelite.1 is stale: run npm run docs').toBe(true);
  });

  it('renders with groff without warnings and names every option of every command', () => {
    const r = spawnSync('groff', ['-man', '-Tutf8', '-ww', '-P-c', '-P-b', '-P-u', join(root, 'docs/wirelite.1')], { encoding: 'utf8' });
    expect(r.error, 'groff must be installed (apt-get install groff-base)').toBeUndefined();
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const text = r.stdout.replace(/\u2010/g, '-').replace(/\u2212/g, '-');
    expect(text).toMatch(/^WIRELITE\(1\)/);
    for (const section of ['NAME', 'SYNOPSIS', 'DESCRIPTION', 'COMMANDS', 'EXAMPLES', 'EXIT STATUS']) expect(text).toMatch(new RegExp(`^${section}$`, 'm'));
    const missing: string[] = [];
    for (const cmd of subcommands(tree)) {
      const at = text.indexOf(`\n   ${cmd.name()}\n`);
      if (at < 0) {
        missing.push(`command ${cmd.name()}`);
        continue;
      }
      const next = subcommands(tree).map((c) => text.indexOf(`\n   ${c.name()}\n`, at + 1)).filter((k) => k > at);
      const part = text.slice(at, Math.min(text.indexOf('\nEXAMPLES'), ...next));
      for (const o of optionSpecs(cmd)) for (const n of [o.short, o.long]) if (n && !new RegExp(`^ {7}(.*, )?${n}\\b`, 'm').test(part)) missing.push(`${cmd.name()} ${n}`);
    }
    expect(missing, `not in the rendered man page: ${missing.join(', ')}`).toEqual([]);
  });

  it('is what man -l shows', () => {
    const r = spawnSync('man', ['-l', join(root, 'docs/wirelite.1')], { encoding: 'utf8', env: { ...process.env, MANPAGER: 'cat', PAGER: 'cat', MANWIDTH: '100' } });
    expect(r.error, 'man must be installed (apt-get install man-db)').toBeUndefined();
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/wirelite - A Wireshark-lite for the terminal/);
  });
});

/**
 * One direction of imports (issue 12): capture <- dissectors <- filter <- analysis/stats <- pipeline <-
 * {cli, probe, tui}; render (the pure text renderers: summary line, time column, tree, hex, JSON
 * lines, colouring rules) sits beside filter, used by cli and tui. The tui never imports cli. Every relative import of src/** is parsed; an import from a folder that may not
 * be imported from there fails, unless KNOWN lists it (with what is left to do).
 */
import { readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tsFiles } from './src-files.js';

const root = resolve(import.meta.dirname, '..');
const src = join(root, 'src');

/** What each top folder of src/ may import from (besides itself). */
const MAY_IMPORT: Record<string, readonly string[]> = {
  capture: [],
  dissectors: ['capture'],
  analysis: ['capture', 'dissectors'],
  stats: ['capture', 'dissectors', 'analysis', 'filter'],
  filter: ['capture', 'dissectors'],
  render: ['capture', 'dissectors', 'filter'],
  pipeline: ['capture', 'dissectors', 'analysis', 'stats', 'filter'],
  probe: ['capture', 'dissectors', 'analysis', 'stats', 'filter', 'pipeline', 'render'],
  tui: ['capture', 'dissectors', 'analysis', 'stats', 'filter', 'pipeline', 'probe', 'render'],
  // The CLI starts the terminal UI (src/cli/commands/tui.ts) as it starts the probes; never the other way.
  cli: ['capture', 'dissectors', 'analysis', 'stats', 'filter', 'pipeline', 'probe', 'render', 'tui'],
};

/** Imports against the direction that are still there: importer -> imported file. */
const KNOWN = new Set<string>([]);

const walk = tsFiles;

/** Relative module specifiers of static and dynamic imports and re-exports. */
export function importsOf(text: string): string[] {
  const out: string[] = [];
  const re = /(?:\bfrom\s*|\bimport\s*\(\s*|^\s*import\s+)(['"])(\.\.?\/[^'"]+)\1/gm;
  for (let m = re.exec(text); m; m = re.exec(text)) out.push(m[2]!);
  return out;
}

const topOf = (file: string): string => relative(src, file).split('/')[0]!;

describe('import direction', () => {
  const bad: string[] = [];
  for (const f of walk(src)) {
    const from = topOf(f);
    for (const spec of importsOf(readFileSync(f, 'utf8'))) {
      const target = resolve(dirname(f), spec).replace(/\.js$/, '.ts');
      if (!target.startsWith(src + '/')) continue;
      const to = topOf(target);
      if (to === from || to.endsWith('.ts')) continue;
      if (MAY_IMPORT[from]?.includes(to)) continue;
      bad.push(`${relative(root, f)} -> ${relative(root, target)}`);
    }
  }

  it('every import goes down the pipeline (or is a known one, listed with what is left)', () => {
    expect(bad.filter((b) => !KNOWN.has(b)).sort()).toEqual([]);
  });

  it('the known list stays true', () => {
    expect([...KNOWN].filter((k) => !bad.includes(k))).toEqual([]);
  });

  it('the parser finds imports, re-exports and dynamic imports', () => {
    expect(importsOf("import a from './a.js';\nexport { b } from '../b.js';\nconst c = await import('./c.js');\nimport './d.js';\n")).toEqual(['./a.js', '../b.js', './c.js', './d.js']);
  });
});

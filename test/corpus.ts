/**
 * Where the shared public corpus is, found one way for every test: `../shared/corpus` beside the
 * repository (real captures in public/, tshark 4.0's output for chosen fields in expected/). The
 * captures are referenced by path, never copied into the project. A test that needs them skips
 * with CORPUS_MISSING in its title when the folder is not there.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, it } from 'vitest';

export const repoRoot = resolve(import.meta.dirname, '..');
export const corpusRoot = resolve(repoRoot, '../shared/corpus');
export const corpusPublic = join(corpusRoot, 'public');
export const corpusPresent = existsSync(join(corpusRoot, 'expected/INDEX.tsv')) && existsSync(corpusPublic);
export const CORPUS_MISSING = `SKIPPED: ../shared/corpus missing (looked for ${corpusRoot})`;

/** A capture of the public corpus by its path under public/. */
export const corpusFile = (rel: string): string => join(corpusPublic, rel);

/**
 * The suite that stands in for `name` when the corpus is missing: skipped with CORPUS_MISSING
 * outside CI, failing in CI (where the corpus must be there).
 */
export function describeCorpusMissing(name: string): void {
  describe(name, () => {
    (process.env.CI === 'true' ? it : it.skip)(CORPUS_MISSING, () => {
      throw new Error(CORPUS_MISSING);
    });
  });
}

/** A tool's output (`tshark -T fields`, a tree) as lines, stderr ignored. */
export function toolLines(cmd: string, args: string[]): string[] {
  return execFileSync(cmd, args, { encoding: 'utf8', maxBuffer: 256 << 20, stdio: ['ignore', 'pipe', 'ignore'] }).split('\n');
}

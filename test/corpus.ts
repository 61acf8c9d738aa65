/**
 * Where the shared public corpus is, found one way for every test: `../shared/corpus` beside the
 * repository (real captures in public/, tshark 4.0's output for chosen fields in expected/), or
 * the folder the environment variable WIRELITE_CORPUS names (`WIRELITE_CORPUS=/nowhere` shows what
 * the tests do without it). The captures are referenced by path, never copied into the project.
 * A test that needs them stands in for itself with `describeCorpusMissing` / `itCorpusMissing`
 * when the folder is not there: skipped with CORPUS_MISSING as its title outside CI, failing in CI.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, it } from 'vitest';

export const repoRoot = resolve(import.meta.dirname, '..');
export const corpusRoot = resolve(repoRoot, process.env.WIRELITE_CORPUS || '../shared/corpus');
export const corpusPublic = join(corpusRoot, 'public');
export const corpusPresent = existsSync(join(corpusRoot, 'expected/INDEX.tsv')) && existsSync(corpusPublic);
export const CORPUS_MISSING = `SKIPPED: ../shared/corpus missing (looked for ${corpusRoot})`;

/** A capture of the public corpus by its path under public/. */
export const corpusFile = (rel: string): string => join(corpusPublic, rel);

/**
 * The test that stands in for those a missing prerequisite stops (`why`: what is missing):
 * skipped with `why` as its title outside CI, failing in CI (where everything must be there).
 */
export function itMissing(why: string): void {
  (process.env.CI === 'true' ? it : it.skip)(why, () => {
    throw new Error(why);
  });
}

/** `itMissing(CORPUS_MISSING)`: in a suite whose other tests run only with the corpus (`it.runIf(corpusPresent)`). */
export function itCorpusMissing(): void {
  itMissing(CORPUS_MISSING);
}

/** The suite that stands in for `name` when a prerequisite is missing (default: the corpus); see itMissing. */
export function describeCorpusMissing(name: string, why = CORPUS_MISSING): void {
  describe(name, () => itMissing(why));
}

/** A tool's output (`tshark -T fields`, a tree) as lines, stderr ignored. */
export function toolLines(cmd: string, args: string[]): string[] {
  return execFileSync(cmd, args, { encoding: 'utf8', maxBuffer: 256 << 20, stdio: ['ignore', 'pipe', 'ignore'] }).split('\n');
}

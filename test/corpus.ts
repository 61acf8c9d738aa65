/**
 * Where the shared public corpus is, found one way for every test: `../shared/corpus` beside the
 * repository (real captures in public/, tshark 4.0's output for chosen fields in expected/). The
 * captures are referenced by path, never copied into the project. A test that needs them skips
 * with CORPUS_MISSING in its title when the folder is not there.
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const repoRoot = resolve(import.meta.dirname, '..');
export const corpusRoot = resolve(repoRoot, '../shared/corpus');
export const corpusPublic = join(corpusRoot, 'public');
export const corpusPresent = existsSync(join(corpusRoot, 'expected/INDEX.tsv')) && existsSync(corpusPublic);
export const CORPUS_MISSING = `SKIPPED: ../shared/corpus missing (looked for ${corpusRoot})`;

/** A capture of the public corpus by its path under public/. */
export const corpusFile = (rel: string): string => join(corpusPublic, rel);

#!/usr/bin/env node
// Writes what is generated from the command tree (src/cli/program.ts, built to dist/ first by
// `npm run docs`): the man page docs/wirelite.1 and the README's option and exit-code tables
// (between their <!-- options:CMD --> / <!-- exit-codes --> markers). test/cli/readme-options.test.ts
// fails when either is stale.
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { programTree } from '../dist/cli/program.js';
import { manPage, updateReadme } from '../dist/cli/manpage.js';

const root = resolve(import.meta.dirname, '..');
const tree = programTree();
writeFileSync(join(root, 'docs/wirelite.1'), manPage(tree));
const readmePath = join(root, 'README.md');
const before = readFileSync(readmePath, 'utf8');
const after = updateReadme(before, tree);
if (after !== before) writeFileSync(readmePath, after);
console.log(`docs/wirelite.1 written; README.md ${after === before ? 'already current' : 'tables updated'}`);

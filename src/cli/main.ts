/**
 * wirelite's command line: a small main that parses with the command tree of program.ts and turns
 * errors into a one-line message and an exit code.
 */
import { CommanderError } from '@commander-js/extra-typings';
import { buildProgram, expandShorthand } from './program.js';
import { EXIT, UsageError } from './errors.js';
import { CaptureFileError } from '../capture/capture-error.js';
import { FilterOptionError } from '../filter/errors.js';

const program = buildProgram();

async function main(): Promise<void> {
  try {
    await program.parseAsync(expandShorthand(process.argv.slice(2)), { from: 'user' });
  } catch (e) {
    if (e instanceof CommanderError) {
      process.exitCode = e.exitCode === 0 ? EXIT.OK : EXIT.USAGE;
      return;
    }
    if (e instanceof UsageError || e instanceof FilterOptionError) {
      process.stderr.write(`wirelite: ${e.message}\n`);
      process.exitCode = EXIT.USAGE;
      return;
    }
    if (e instanceof CaptureFileError) {
      process.stderr.write(`wirelite: ${e.message}\n`);
      process.exitCode = EXIT.FILE;
      return;
    }
    process.stderr.write(`wirelite: internal error: ${(e as Error)?.stack ?? String(e)}\n`);
    process.exitCode = EXIT.INTERNAL;
  }
}

void main();

/**
 * wirelite's command line: a small main that wires one file per command.
 */
import { Command, CommanderError } from '@commander-js/extra-typings';
import { readCommand } from './commands/read.js';
import { fieldsCommand } from './commands/fields.js';
import { captureCommand } from './commands/capture.js';
import { interfacesCommand } from './commands/interfaces.js';
import { statsCommand } from './commands/stats.js';
import { followCommand } from './commands/follow.js';
import { EXIT, UsageError } from './errors.js';
import { CaptureFileError } from '../capture/capture-error.js';

const program = new Command('wirelite')
  .description('A Wireshark-lite for the terminal: read captures, dissect, analyse.')
  .version('0.1.0', '-v, --version')
  .enablePositionalOptions()
  .showHelpAfterError('(run with --help for usage)')
  .exitOverride();

program.addCommand(readCommand().exitOverride());
program.addCommand(fieldsCommand().exitOverride());
program.addCommand(captureCommand().exitOverride());
program.addCommand(interfacesCommand().exitOverride());
program.addCommand(statsCommand().exitOverride());
program.addCommand(followCommand().exitOverride());

async function main(): Promise<void> {
  try {
    await program.parseAsync(process.argv);
  } catch (e) {
    if (e instanceof CommanderError) {
      process.exitCode = e.exitCode === 0 ? EXIT.OK : EXIT.USAGE;
      return;
    }
    if (e instanceof UsageError) {
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

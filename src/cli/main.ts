/**
 * The `hwnas` command line. Each command lives in its own file and registers itself on the program;
 * this file only wires them up and turns user errors into one line on stderr with exit code 2.
 */
import { Command, CommanderError } from 'commander';
import { isHwnasError } from '../errors.js';
import { registerAll } from './commands.js';

export function buildProgram(): Command {
  const program = new Command('hwnas')
    .description('Hardware-aware neural architecture search with search-space pruning')
    .version('0.1.0')
    .option('--verbose', 'print stack traces of errors')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();
  registerAll(program);
  return program;
}

export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  const verbose = argv.includes('--verbose');
  try {
    await program.parseAsync(argv, { from: 'user' });
    return 0;
  } catch (e) {
    if (e instanceof CommanderError) {
      // commander already printed its message (usage errors) or the help/version text.
      return e.exitCode === 0 ? 0 : 2;
    }
    if (isHwnasError(e)) {
      process.stderr.write(`hwnas: ${e.line()}\n`);
      if (verbose && e.stack) process.stderr.write(`${e.stack}\n`);
      return e.exitCode;
    }
    if (verbose) throw e;
    const msg = e instanceof Error ? e.message : String(e);
    process.stderr.write(`hwnas: internal error: ${msg} (rerun with --verbose for the stack trace and report it)\n`);
    return 1;
  }
}

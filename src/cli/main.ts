/**
 * The `hwnas` command line. Each command lives in its own file and registers itself on the program;
 * this file only wires them up and turns user errors into one line on stderr with exit code 2.
 */
import { Command, CommanderError } from 'commander';
import { isHwnasError } from '../errors.js';
import { setSourcesVerbose } from '../objectives/all.js';
import { registerAll } from './commands.js';
import { guardPaths } from './guard-paths.js';

export function buildProgram(): Command {
  const program = new Command('hwnas')
    .description('Hardware-aware neural architecture search with search-space pruning')
    .version('0.1.0')
    .option('--verbose', 'print stack traces of errors')
    .exitOverride()
    // Before any work: no output may overwrite an input (or another output) of the command.
    .hook('preAction', (_program, action) => guardPaths(action));
  registerAll(program);
  oneLineUsageErrors(program);
  plainDefaults(program);
  return program;
}

/**
 * One style of default in every help: `(default: 0)`. Commander would quote a string default
 * (`(default: "0")`) while the defaults it cannot know (no value, e.g. `--population`) are written into
 * the description as `(default: 100)`; so commander's are shown as typed, like those.
 */
function plainDefaults(cmd: Command): void {
  for (const item of [...cmd.options, ...cmd.registeredArguments]) {
    const v: unknown = item.defaultValue;
    if (item.defaultValueDescription !== undefined || v === undefined || typeof v === 'boolean') continue;
    item.defaultValueDescription = Array.isArray(v) ? v.join(',') : String(v);
  }
  for (const sub of cmd.commands) plainDefaults(sub);
}

/** The full name of a command, e.g. `hwnas space info`. */
function commandPath(cmd: Command): string {
  const names: string[] = [];
  for (let c: Command | null = cmd; c; c = c.parent) names.unshift(c.name());
  return names.join(' ');
}

/**
 * Commander's usage errors (unknown option, missing argument, ...) span several lines: the message, a
 * "(Did you mean ...?)" line and a help pointer. Fold them into the CLI's one-line format with the hint
 * naming the exact `--help` to run; applied to every command, since each keeps its own output settings.
 */
export function usageErrorLine(message: string, command: string): string {
  const lines = message
    .trim()
    .replace(/^error: /, '')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '');
  const main = lines[0] ?? 'bad command line';
  const suggestion = lines
    .slice(1)
    .map((l) => l.replace(/^\((.*)\)$/, '$1'))
    .map((l) => l.charAt(0).toLowerCase() + l.slice(1))
    .join('; ');
  const help = `run '${command} --help' for usage`;
  return `hwnas: ${main} (${suggestion ? `${suggestion} ` : ''}${help})`;
}

function oneLineUsageErrors(cmd: Command): void {
  const path = commandPath(cmd);
  cmd.showHelpAfterError(false).configureOutput({
    outputError: (str, write) => write(`${usageErrorLine(str, path)}\n`),
  });
  for (const sub of cmd.commands) oneLineUsageErrors(sub);
}

/**
 * Messages can quote what the user gave (a parser's excerpt of a file, a program's output) and so hold
 * line breaks; the error stays one line.
 */
export function oneLine(text: string): string {
  return text.replace(/\s*[\r\n]+\s*/g, ' ').trim();
}

export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  const verbose = argv.includes('--verbose');
  setSourcesVerbose(verbose);
  try {
    await program.parseAsync(argv, { from: 'user' });
    return 0;
  } catch (e) {
    if (e instanceof CommanderError) {
      // commander already printed its message (usage errors) or the help/version text.
      return e.exitCode === 0 ? 0 : 2;
    }
    if (isHwnasError(e)) {
      process.stderr.write(`hwnas: ${oneLine(e.line())}\n`);
      if (verbose && e.stack) process.stderr.write(`${e.stack}\n`);
      return e.exitCode;
    }
    if (verbose) throw e;
    const msg = e instanceof Error ? e.message : String(e);
    process.stderr.write(
      `hwnas: internal error: ${oneLine(msg)} (rerun with --verbose for the stack trace and report it)\n`,
    );
    return 1;
  }
}

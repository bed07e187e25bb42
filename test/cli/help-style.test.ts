/**
 * Every command's --help shows its defaults in one style, `(default: value)` with the value as typed,
 * whether commander knows the default or the description states it; plus the small option fixes of
 * `hwnas search` (--quiet exists, one --prune message for every value outside [0, 1)).
 */
import type { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { buildProgram } from '../../src/cli/main.js';
import { runCli } from '../helpers/cli.js';
import { expectUserError } from '../helpers/errors.js';

function commands(c: Command, path: string[] = []): { path: string; cmd: Command }[] {
  const here = [...path, c.name()];
  return [{ path: here.join(' '), cmd: c }, ...c.commands.flatMap((s) => commands(s, here))];
}

/** The help text as printed, with commander's line wrapping undone. */
function helpText(cmd: Command): string {
  return cmd.helpInformation().replace(/\s+/g, ' ');
}

/** Each mention of a default that is not `(default: <value not quoted>)`. */
function offStyle(text: string): string[] {
  const bad: string[] = [];
  for (const m of text.matchAll(/\bdefault\b/gi)) {
    const at = m.index ?? 0;
    const around = text.slice(Math.max(0, at - 1), at + 10);
    if (!/^\(default: [^"'\s]/.test(around)) bad.push(text.slice(Math.max(0, at - 40), at + 40));
  }
  return bad;
}

describe('help: one style of default', () => {
  const all = commands(buildProgram());

  it('finds the commands and their defaults', () => {
    expect(all.map((c) => c.path)).toEqual(
      expect.arrayContaining(['hwnas search', 'hwnas open-search', 'hwnas reproduce']),
    );
    // both kinds are there: commander's (--evals '3000') and written ones (--population has no value)
    const search = helpText(all.find((c) => c.path === 'hwnas search')!.cmd);
    expect(search).toContain('evaluation budget (every evaluated architecture counts) (default: 3000)');
    expect(search).toContain('population size, read by re and nsga2 (default: 100)');
  });

  it.each(commands(buildProgram()).map((c) => [c.path, c.cmd] as const))('%s', (_path, cmd) => {
    expect(offStyle(helpText(cmd))).toEqual([]);
  });

  it('the checker catches the other styles', () => {
    expect(offStyle('seed (default: "0")')).toHaveLength(1);
    expect(offStyle('population size (default 100)')).toHaveLength(1);
    expect(offStyle('size (re: P, default 100)')).toHaveLength(1);
    expect(offStyle('seed (default: 0), budget (default: 3000)')).toEqual([]);
  });

  it('search, open-search and reproduce list the same strategy options', () => {
    const lines = (path: string) =>
      helpText(all.find((c) => c.path === path)!.cmd).match(/--(population|sample) <n> [^-]*/g);
    expect(lines('hwnas open-search')).toEqual(lines('hwnas search'));
    expect(lines('hwnas reproduce')).toEqual(lines('hwnas search'));
  });
});

describe('hwnas search options', () => {
  const search = ['search', '--space', 'nb201', '--accuracy', 'nb201:cifar100', '--latency', 'model:cortex-m7'];

  it('--quiet is an option of search', () => {
    const cmd = commands(buildProgram()).find((c) => c.path === 'hwnas search')!.cmd;
    expect(cmd.options.map((o) => o.long)).toContain('--quiet');
  });

  it.each(['NaN', '1', ''])("--prune '%s': the one [0, 1) message (with --quiet accepted)", (value) => {
    const r = runCli([...search, '--quiet', '--prune', value]);
    expectUserError(r, new RegExp(`^hwnas: --prune must be in \\[0, 1\\), got '${value}' \\(e\\.g\\. 0\\.7 removes`));
  });
});

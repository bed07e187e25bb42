/** The CLI entry: usage errors and user errors end in one line naming the fix. */

import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { oneLine, usageErrorLine } from '../../src/cli/main.js';
import { runCli } from '../helpers/cli.js';

describe('usage errors are one line', () => {
  it('folds commander messages and suggestions into one line naming the exact --help', () => {
    expect(usageErrorLine("error: unknown option '--clases'\n(Did you mean --classes?)\n", 'hwnas arch')).toBe(
      "hwnas: unknown option '--clases' (did you mean --classes? run 'hwnas arch --help' for usage)",
    );
    expect(usageErrorLine("error: missing required argument 'space'\n", 'hwnas space info')).toBe(
      "hwnas: missing required argument 'space' (run 'hwnas space info --help' for usage)",
    );
  });
  it('through the CLI: a typo in an option of a subcommand', () => {
    const r = runCli(['space', 'info', 'nb201', '--jsn']);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(
      "hwnas: unknown option '--jsn' (did you mean --json? run 'hwnas space info --help' for usage)\n",
    );
  });
});

describe('errors stay on one line', () => {
  let dir = '';

  const file = (name: string) => join(dir, name);

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'hwnas-test-'));
  });

  it('line breaks quoted from a file are folded', () => {
    expect(oneLine('cannot read \'c.json\': "not json\n" is not valid JSON')).toBe(
      'cannot read \'c.json\': "not json " is not valid JSON',
    );
  });
  it('through the CLI: a study config that is not JSON', () => {
    writeFileSync(file('bad.json'), 'not json\nat all\n');
    const r = runCli(['reproduce', '--config', file('bad.json'), '--out', file('never')]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(existsSync(file('never'))).toBe(false);
  });
});

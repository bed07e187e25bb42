/** hwnas report on a path that is not a study or open-search folder. */
import { mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { expectUserError } from '../helpers/errors.js';

describe('hwnas report on something that is not a study or open-search folder', () => {
  let dir = '';

  const file = (name: string) => join(dir, name);

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'hwnas-test-'));
  });

  it('a file (the run.json of hwnas search --out), a missing path, an empty folder', () => {
    writeFileSync(file('run.json'), '{}\n');
    expectUserError(
      runCli(['report', file('run.json')]),
      /^hwnas: '.*run\.json' is a file, not a study or open-search folder \(.*hwnas open-search.*hwnas search --out/,
    );
    expectUserError(
      runCli(['report', file('nowhere')]),
      /^hwnas: '.*nowhere' holds no study or open search: it does not exist \(give the --out folder of `hwnas reproduce` or of `hwnas open-search`\)$/,
    );
    mkdirSync(file('empty'));
    expectUserError(
      runCli(['report', file('empty')]),
      /^hwnas: '.*empty' holds no study \(study\.sqlite\) or open search \(history\.jsonl\)/,
    );
    expect(readdirSync(file('empty'))).toEqual([]);
  });
});

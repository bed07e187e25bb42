/** hwnas data import. */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { stageVec } from '../../src/space/blox/encoding.js';
import { BloxSpace } from '../../src/space/blox/index.js';
import { writeBloxBinary } from '../fixtures/blox.js';
import { runCli } from '../helpers/cli.js';

describe('hwnas data import blox --quiet', () => {
  let dir = '';

  const file = (name: string) => join(dir, name);

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'hwnas-test-'));
  });

  it('imports without printing anything; without it the report is printed', () => {
    const space = new BloxSpace();
    const rel = file('blox-release');
    mkdirSync(rel);
    const picks = [0, 24_519, 91_124];
    const rows = (kind: 'info' | 'bench') =>
      picks.map((i) => ({
        hash: space.modelHash(i),
        values: kind === 'info' ? [100 + i, 200 + i, space.stages(i).map(stageVec)] : [1 + i / 1e5],
      }));
    writeFileSync(
      join(rel, 'blox-info.blox'),
      writeBloxBinary({ kind: 'info', epochs: 3, dataset: 'cifar100', rows: rows('info') }),
    );
    writeFileSync(
      join(rel, 'blox-bench-m7.blox'),
      writeBloxBinary({ kind: 'bench', tag: 'm7', epochs: 3, dataset: 'cifar100', rows: rows('bench') }),
    );
    const env = { HWNAS_CACHE: file('blox-cache') };
    const quiet = runCli(['data', 'import', 'blox', rel, '--quiet'], { env });
    expect(quiet.code, quiet.stderr).toBe(0);
    expect([quiet.stdout, quiet.stderr]).toEqual(['', '']);
    const listed = JSON.parse(runCli(['data', 'list', '--json'], { env }).stdout);
    expect(listed.blox.columns).toContain('bench-m7');
    const loud = runCli(['data', 'import', 'blox', rel], { env });
    expect(loud.stdout).toContain('blox-bench-m7.blox: 3 rows, 3 of 91125 architectures covered');
  });
});

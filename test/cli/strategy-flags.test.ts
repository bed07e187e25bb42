/**
 * open-search and reproduce take their strategy checks from the registry, as search does: an option the
 * strategy does not read is refused with the search's message, and nothing is written.
 */
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { expectUserError } from '../helpers/errors.js';
import { mcuSearch, mcuSpace } from '../helpers/mcu.js';

const dir = mkdtempSync(join(tmpdir(), 'hwnas-strategy-flags-'));
const open = (out: string) => ['open-search', '--space', 'nb201', '--objective', 'model:cortex-m7', '--out', out];

describe('strategy options on the other commands', () => {
  it('open-search: --sample with nsga2 refused as search refuses it; --out not created', () => {
    const out = join(dir, 'a');
    const r = runCli([...open(out), '--strategy', 'nsga2', '--sample', '5']);
    expectUserError(
      r,
      /^hwnas: --sample is not used by --strategy nsga2 \(it is the tournament size of re: drop it, or use --strategy re\)$/,
    );
    expect(existsSync(out)).toBe(false);
  });

  it('open-search: an nsga2 population of 1 is refused before anything is written', () => {
    const out = join(dir, 'b');
    const r = runCli([...open(out), '--strategy', 'nsga2', '--population', '1']);
    expectUserError(r, /^hwnas: --population must be at least 2 for nsga2$/);
    expect(existsSync(out)).toBe(false);
  });

  it('reproduce: --population with strategies that read none', () => {
    const out = join(dir, 'c');
    const r = runCli(['reproduce', '--strategies', 'random,ls', '--population', '50', '--out', out]);
    expectUserError(
      r,
      /^hwnas: --population is not used by --strategies random,ls \(.*add re or nsga2 to --strategies\)$/,
    );
    expect(existsSync(out)).toBe(false);
  });
});

describe('strategy options that the chosen strategy would ignore', () => {
  let dir = '';

  const file = (name: string) => join(dir, name);

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'hwnas-test-'));
  });

  it('search: --sample without re, --population with random or ls', () => {
    const out = file('ignored.json');
    expectUserError(
      runCli([...mcuSearch(dir), '--evals', '200', '--strategy', 'nsga2', '--sample', '5', '--out', out]),
      /^hwnas: --sample is not used by --strategy nsga2 \(.*--strategy re\)$/,
    );
    expectUserError(
      runCli([...mcuSearch(dir), '--evals', '200', '--strategy', 'random', '--population', '5', '--out', out]),
      /^hwnas: --population is not used by --strategy random/,
    );
    expectUserError(
      runCli([...mcuSearch(dir), '--evals', '200', '--strategy', 'ls', '--population', '5', '--out', out]),
      /^hwnas: --population is not used by --strategy ls/,
    );
    expect(existsSync(out)).toBe(false);
    // where they are used, they still work
    const ok = runCli([...mcuSearch(dir), '--evals', '60', '--strategy', 'nsga2', '--population', '20', '--json']);
    expect(ok.code, ok.stderr).toBe(0);
    expect(JSON.parse(ok.stdout).population).toBe(20);
  });
  it('open-search: the same rule, before any history is written', () => {
    const out = file('os');
    const r = runCli([
      'open-search',
      '--space',
      mcuSpace,
      '--objective',
      'model:cortex-m7',
      '--strategy',
      'random',
      '--sample',
      '3',
      '--out',
      out,
    ]);
    expectUserError(r, /^hwnas: --sample is not used by --strategy random/);
    expect(existsSync(out)).toBe(false);
  });
});

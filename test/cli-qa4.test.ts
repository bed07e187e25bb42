/**
 * Regression tests from the fourth QA pass (the "I have my own board" journey: measure -> table:/fit: ->
 * search -> report): bad input ends in one line with a hint and exit code 2, nothing is written, and
 * options are refused where they would be silently ignored.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { repoRoot, runCli } from './helpers/cli.js';
import { expectUserError } from './helpers/errors.js';

let dir = '';
const file = (name: string) => join(dir, name);

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'hwnas-qa4-'));
});

/** A small closed problem that needs no downloaded data: the MCU example space, accuracy from a table. */
const mcuSpace = join(repoRoot, 'examples', 'mcu-dscnn.json');
function mcuAccuracy(): string {
  const path = file('acc.csv');
  if (!existsSync(path)) {
    const rows = Array.from({ length: 3200 }, (_, i) => `${i},${(50 + ((i * 7919) % 3200) / 100).toFixed(3)}`);
    writeFileSync(path, `index,acc\n${rows.join('\n')}\n`);
  }
  return `table:${path}#acc:max`;
}
const mcuSearch = () => ['search', '--space', mcuSpace, '--accuracy', mcuAccuracy(), '--latency', 'model:cortex-m7'];

describe('hwnas latency --out with --json', () => {
  it('the file stays CSV (a table: or lut: file) and the JSON goes to stdout, as with hwnas front', () => {
    const out = file('one.csv');
    const r = runCli(['latency', 'nb201', '--latency', 'model:cortex-m7', '--arch', '5', '--out', out, '--json']);
    expect(r.code, r.stderr).toBe(0);
    const json = JSON.parse(r.stdout);
    expect(json.rows).toHaveLength(1);
    expect(json.rows[0].index).toBe(5);
    const csv = readFileSync(out, 'utf8');
    expect(csv).toBe(`index,arch,ms\n5,${json.rows[0].arch},${json.rows[0].ms}\n`);
    expect(r.stderr).toBe(`wrote 1 row to ${out}\n`);
    // without --json: the same file, nothing on stdout
    const plain = runCli(['latency', 'nb201', '--latency', 'model:cortex-m7', '--arch', '5', '--out', file('two.csv')]);
    expect(plain.stdout).toBe('');
    expect(readFileSync(file('two.csv'), 'utf8')).toBe(csv);
  });
});

describe('hwnas measure onto a finished table', () => {
  it('is refused with one line; the measured table is left as it was and no .partial appears', () => {
    const out = file('board.csv');
    const table = 'index,arch,median_ms,min_ms,p90_ms,spread\n0,a,1,1,1,0\n1,b,2,2,2,0\n';
    writeFileSync(out, table);
    const r = runCli(['measure', 'nb201', '--arch', '0', '--repeats', '1', '--warmup', '0', '-o', out]);
    expectUserError(r, /^hwnas: --out .*board\.csv already holds a finished table \(2 rows\).*delete the file/);
    expect(readFileSync(out, 'utf8')).toBe(table);
    expect(existsSync(`${out}.partial`)).toBe(false);
  });
  it('a new table of one architecture says "1 row"', () => {
    const out = file('single.csv');
    const r = runCli(['measure', 'nb201', '--arch', '0', '--repeats', '1', '--warmup', '0', '-o', out, '--quiet']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^wrote 1 row to .*single\.csv \(0 resumed\)/);
  });
});

describe('hwnas search --unique', () => {
  it('--evals above the number of architectures searched: refused before searching, no --out', () => {
    const out = file('unique.json');
    const r = runCli([...mcuSearch(), '--unique', '--evals', '3201', '--out', out]);
    expectUserError(r, /^hwnas: --unique --evals 3201 is more than the 3200 architectures searched .*at most 3200/);
    expect(existsSync(out)).toBe(false);
  });
  it('a run that stops early says so and names the checkpoints it could not reach', () => {
    const r = runCli([...mcuSearch(), '--unique', '--evals', '3200', '--checkpoints', '10,3200']);
    expect(r.code, r.stderr).toBe(0);
    const n = Number(/seed 0, (\d+) evaluations \(unique\)/.exec(r.stdout)![1]);
    expect(n).toBeLessThan(3200);
    expect(r.stdout).toContain(
      `stopped after ${n} of 3200 evaluations: the strategy kept asking for architectures it had evaluated (checkpoint 3200 left out)\n`,
    );
  });
});

describe('strategy options that the chosen strategy would ignore', () => {
  it('search: --sample without re, --population with random or ls', () => {
    const out = file('ignored.json');
    expectUserError(
      runCli([...mcuSearch(), '--evals', '200', '--strategy', 'nsga2', '--sample', '5', '--out', out]),
      /^hwnas: --sample is not used by --strategy nsga2 \(.*--strategy re\)$/,
    );
    expectUserError(
      runCli([...mcuSearch(), '--evals', '200', '--strategy', 'random', '--population', '5', '--out', out]),
      /^hwnas: --population is not used by --strategy random/,
    );
    expectUserError(
      runCli([...mcuSearch(), '--evals', '200', '--strategy', 'ls', '--population', '5', '--out', out]),
      /^hwnas: --population is not used by --strategy ls/,
    );
    expect(existsSync(out)).toBe(false);
    // where they are used, they still work
    const ok = runCli([...mcuSearch(), '--evals', '60', '--strategy', 'nsga2', '--population', '20', '--json']);
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

describe('hwnas report on something that is not a study or open-search folder', () => {
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

describe('HWNAS_DEVICES_DIR pointing nowhere', () => {
  it('hwnas devices and hwnas calibrate: one line naming the folder, not an empty list and exit 0', () => {
    const env = { HWNAS_DEVICES_DIR: file('no-devices') };
    for (const args of [['devices'], ['devices', '--json'], ['calibrate']]) {
      expectUserError(
        runCli(args, { env }),
        /^hwnas: no device files \(<device>\.json\) in .*no-devices \(HWNAS_DEVICES_DIR points there: fix the path or unset it\)$/,
      );
    }
  });
});

describe.skipIf(process.platform !== 'linux')('hwnas open-search --out where no folder can be made', () => {
  it('one line and exit 2 (was an internal error, or a hang under /proc)', () => {
    const r = runCli(
      [
        'open-search',
        '--space',
        mcuSpace,
        '--objective',
        'model:cortex-m7',
        '--evals',
        '5',
        '--out',
        '/proc/hwnas-qa4',
      ],
      { timeoutMs: 60_000 },
    );
    expectUserError(r, /^hwnas: cannot create --out folder '\/proc\/hwnas-qa4' \(ENOENT\) \(choose another --out\)$/);
  });
});

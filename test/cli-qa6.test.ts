/**
 * Regression tests of issue 12 items 9 and 12 (report part), as a user runs the CLI: a table row whose
 * `index` contradicts its `arch`; `metrics` with a zero or inverted --ideal/--nadir range; a study config
 * number too large for a double (1e400 reads as Infinity, not null); `--threads` above the core count;
 * `hwnas report` on a study with runs missing. No benchmark data is needed: NB201 is built in and the
 * studies use a tiny user space with CSV tables.
 */
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { beforeAll, describe, expect, it } from 'vitest';
import { Nb201Space } from '../src/space/nb201/index.js';
import { runCli } from './helpers/cli.js';
import { tinyLayeredSpace } from './helpers/data.js';
import { expectUserError } from './helpers/errors.js';

let dir = '';
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'hwnas-qa6-'));
});
const file = (name: string, text: string) => {
  writeFileSync(join(dir, name), text);
  return join(dir, name);
};

describe('a table row whose index contradicts its arch', () => {
  const nb201 = new Nb201Space();
  const rows = (index7: string) =>
    `index,arch,ms\n0,${nb201.format(0)},1\n${index7},${nb201.format(7)},2\n2,${nb201.format(2)},3\n`;
  const latency = (spec: string) => runCli(['latency', 'nb201', '--latency', spec, '--allow-missing', '--arch', '7']);

  it('is refused naming the line, both values and what the arch decodes to (table: and fit:)', () => {
    const bad = file('contradicts.csv', rows('5'));
    const line = new RegExp(
      `^hwnas: table contradicts\\.csv:3: column 'index' is 5 but column 'arch' '${reEscape(nb201.format(7))}' is index 7 \\(${reEscape(nb201.format(7))}\\)`,
    );
    expectUserError(latency(`table:${bad}#ms`), line);
    expectUserError(latency(`fit:${bad}#ms`), line);
  });

  it('agreeing or empty index cells are read as before, with the value filed under the arch', () => {
    for (const index7 of ['7', '']) {
      const r = latency(`table:${file('agrees.csv', rows(index7))}#ms`);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toBe(`index,arch,ms\n7,${nb201.format(7)},2\n`);
    }
  });

  it("a table hwnas wrote (latency's index,arch columns) reads back", () => {
    const written = runCli(['latency', 'nb201', '--latency', 'model:cortex-m7', '--arch', '3', '--arch', '11']);
    expect(written.code, written.stderr).toBe(0);
    const path = file('written.csv', written.stdout);
    const back = runCli(['latency', 'nb201', '--latency', `table:${path}#ms`, '--allow-missing', '--arch', '11']);
    expect(back.code, back.stderr).toBe(0);
    expect(back.stdout.trim().split('\n')[1]).toBe(written.stdout.trim().split('\n')[2]);
  });
});

function reEscape(s: string): string {
  return s.replace(/[|+^$.*?()[\]{}\\]/g, '\\$&');
}

describe('metrics --ideal/--nadir', () => {
  const metric = (ideal: string, nadir: string) =>
    runCli([
      ...['metrics', '--points', file('p.csv', 'lat,err\n1,2\n2,1\n'), '--front', file('z.csv', 'lat,err\n1,1\n')],
      ...['--indicator', 'gd', '--ideal', ideal, '--nadir', nadir],
    ]);

  it('a zero range (nadir = ideal) is refused, naming the objective', () => {
    expectUserError(
      metric('0,0', '0,0'),
      /^hwnas: normalisation bounds of objective 'lat': ideal 0 = nadir 0 \(a zero range\)/,
    );
    expectUserError(metric('0,3', '1,3'), /^hwnas: normalisation bounds of objective 'err': ideal 3 = nadir 3/);
  });

  it('a nadir on the wrong side of its ideal is refused', () => {
    expectUserError(metric('0,0', '1,-1'), /^hwnas: normalisation bounds of objective 'err': ideal 0 > nadir -1 \(/);
  });

  it('proper bounds still give the value (by hand)', () => {
    const r = metric('0,0', '2,2');
    expect(r.code, r.stderr).toBe(0);
    // Normalised: points (0.5,1), (1,0.5); front (0.5,0.5); distances 0.5 each; GD (p=2) = sqrt(0.5)/2.
    expect(Number(r.stdout.trim().split(' ').pop())).toBeCloseTo(Math.sqrt(0.25 + 0.25) / 2, 12);
  });
});

describe('study config numbers beyond a double', () => {
  it('say Infinity (what JSON.parse made of 1e400), not null, for every numeric key', () => {
    const cases: [string, RegExp][] = [
      ['{"evals": 1e400}', /'evals' .* must be a positive integer, got Infinity \(/],
      ['{"population": -1e400}', /'population' .* must be a positive integer, got -Infinity \(/],
      ['{"sample": 1e400}', /'sample' .* got Infinity \(/],
      ['{"seeds": [0, 1e400]}', /'seeds' .* must be a list of non-negative integers, got \[0,Infinity\] \(/],
      ['{"checkpoints": [10, 1e999]}', /'checkpoints' .* got \[10,Infinity\] \(/],
      ['{"frontsAt": [-1e400]}', /'frontsAt' .* got \[-Infinity\] \(/],
    ];
    for (const [json, pattern] of cases) {
      const r = runCli(['reproduce', '--config', file('huge.json', json), '--out', join(dir, 'never')]);
      expectUserError(r, pattern);
      expect(r.stderr).not.toMatch(/null/);
    }
  });
});

describe('a small study on a user space', () => {
  const acc = [50, 61, 66, 58, 70, 73, 62, 74, 79];
  const ms = [1, 2, 3, 2.5, 3.5, 4.5, 4, 5, 6];
  let cwd = '';
  beforeAll(() => {
    cwd = mkdtempSync(join(tmpdir(), 'hwnas-qa6-study-'));
    writeFileSync(join(cwd, 'space.json'), JSON.stringify(tinyLayeredSpace('qa6-tiny')));
    writeFileSync(join(cwd, 'acc.csv'), `index,acc\n${acc.map((v, i) => `${i},${v}`).join('\n')}\n`);
    writeFileSync(join(cwd, 'board.csv'), `index,ms\n${ms.map((v, i) => `${i},${v}`).join('\n')}\n`);
  });
  const study = (out: string, threads: string, ...extra: string[]) => [
    ...['reproduce', '--space', 'space.json', '--accuracy', 'table:acc.csv#acc', '--devices', 'table:board.csv#ms'],
    ...['--pruning', 'none', '--seeds', '3', '--evals', '20', '--population', '4', '--sample', '2'],
    ...['--checkpoints', '10,20', '--threads', threads, '--out', out, ...extra],
  ];
  const exports = (out: string) =>
    ['results/runs.csv', 'results/checkpoints.csv', 'tables/gd.csv'].map((f) =>
      readFileSync(join(cwd, out, f), 'utf8'),
    );

  it('--threads above the core count is capped with one note and gives the same results', () => {
    const cores = availableParallelism();
    const one = runCli(study('one', '1', '--quiet'), { cwd, timeoutMs: 60_000 });
    expect(one.code, one.stderr).toBe(0);
    expect(one.stderr).toBe('');
    const many = runCli(study('many', '1024', '--quiet'), { cwd, timeoutMs: 60_000 });
    expect(many.code, many.stderr).toBe(0);
    if (cores < 1024)
      expect(many.stderr).toBe(
        `hwnas: note: --threads 1024 is more than the ${cores} core${cores === 1 ? '' : 's'} of this machine: using ${cores} (results do not depend on the thread count)\n`,
      );
    expect(exports('many')).toEqual(exports('one'));
  }, 120_000);

  it('measure --threads above the core count is capped with the same note (ONNX Runtime intra-op threads)', () => {
    const cores = availableParallelism();
    const r = runCli(
      ['measure', 'space.json', '--arch', '0', '--arch', '4', '-o', 'm.csv', '--threads', '256', '--repeats', '2'],
      { cwd, timeoutMs: 60_000 },
    );
    expect(r.code, r.stderr).toBe(0);
    expect(readFileSync(join(cwd, 'm.csv'), 'utf8').split('\n')[0]).toBe('index,arch,median_ms,min_ms,p90_ms,spread');
    if (cores < 256)
      expect(r.stderr.split('\n')[0]).toBe(
        `hwnas: note: --threads 256 is more than the ${cores} core${cores === 1 ? '' : 's'} of this machine: using ${cores} (more intra-op threads than cores would time their contention)`,
      );
  }, 60_000);

  it('hwnas report on a study with runs missing says partial in every table and the HTML, exit 0', () => {
    const full = runCli(study('cut', '1', '--quiet'), { cwd, timeoutMs: 60_000 });
    expect(full.code, full.stderr).toBe(0);
    const complete = runCli(['report', 'cut', '--no-plots'], { cwd });
    expect(complete.code, complete.stderr).toBe(0);
    expect(complete.stdout).not.toMatch(/partial/);
    // As after an interrupted reproduce: one of the three runs is not in the store.
    const db = new Database(join(cwd, 'cut', 'study.sqlite'));
    const key = (db.prepare('SELECT key FROM runs ORDER BY idx DESC LIMIT 1').get() as { key: string }).key;
    for (const t of ['runs', 'checkpoints', 'fronts'])
      db.prepare(`DELETE FROM ${t} WHERE ${t === 'runs' ? 'key' : 'run_key'} = ?`).run(key);
    db.close();

    const r = runCli(['report', 'cut', '--no-plots'], { cwd });
    expect(r.code, r.stderr).toBe(0);
    const note = 'partial: 2 of 3 runs finished; values are over the finished runs only';
    // Every table says so: each terminal table once, each Markdown table file.
    const md = readdirSync(join(cwd, 'cut', 'tables')).filter((f) => f.endsWith('.md'));
    expect(md.length).toBeGreaterThanOrEqual(6);
    expect(r.stdout.split(note).length - 1).toBe(md.length);
    for (const f of md) expect(readFileSync(join(cwd, 'cut', 'tables', f), 'utf8'), f).toContain(note);
    const html = readFileSync(join(cwd, 'cut', 'report.html'), 'utf8');
    expect(html).toContain('2 of 3 runs finished');
    expect(html).toContain(note);
    // CSV tables keep their columns: no note rows.
    expect(readFileSync(join(cwd, 'cut', 'tables', 'gd.csv'), 'utf8')).not.toMatch(/partial/);

    // Finishing the study removes the notice.
    const resumed = runCli(study('cut', '1', '--quiet'), { cwd, timeoutMs: 60_000 });
    expect(resumed.code, resumed.stderr).toBe(0);
    const after = runCli(['report', 'cut', '--no-plots'], { cwd });
    expect(after.stdout).not.toMatch(/partial/);
    expect(exports('cut')).toEqual(exports('one'));
  }, 180_000);
});

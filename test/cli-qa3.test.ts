/**
 * Regression tests from the third QA pass (latency --allow-missing, prune --seed, search --sample,
 * open-search Ctrl-C and --json, fit: with a 0 ms row, worker --space, data import --quiet): bad input
 * ends in one line with a hint and exit code 2, and nothing is written.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { getSpace } from '../src/space/all.js';
import { stageVec } from '../src/space/blox/encoding.js';
import { BloxSpace } from '../src/space/blox/index.js';
import { writeBloxBinary } from './fixtures/blox.js';
import { repoRoot, runCli } from './helpers/cli.js';
import { expectUserError } from './helpers/errors.js';

let dir = '';
const file = (name: string) => join(dir, name);

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'hwnas-qa3-'));
});

describe('hwnas latency --allow-missing (partial table: source)', () => {
  const nb201 = getSpace('nb201');
  const table = () => {
    const path = file('part.csv');
    if (!existsSync(path)) writeFileSync(path, 'index,ms\n0,1.5\n5,2.25\n');
    return `table:${path}#ms`;
  };
  it('without the flag: one line that names --allow-missing, no --out written', () => {
    const r = runCli(['latency', 'nb201', '--latency', table(), '--arch', '0', '--out', file('never.csv')]);
    expectUserError(r, /^hwnas: table part\.csv: 15623 of 15625 architectures have no row .*--allow-missing/);
    expect(existsSync(file('never.csv'))).toBe(false);
  });
  it('--arch of a covered architecture prints its latency', () => {
    const r = runCli(['latency', 'nb201', '--latency', table(), '--arch', '5', '--allow-missing']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe(`index,arch,ms\n5,${nb201.format(5)},2.25\n`);
    expect(r.stderr).toBe('');
  });
  it('--arch of a missing architecture: empty ms in CSV (count on stderr), null in --json with "missing"', () => {
    const args = ['latency', 'nb201', '--latency', table(), '--arch', '0', '--arch', '3', '--allow-missing'];
    const csv = runCli(args);
    expect(csv.code, csv.stderr).toBe(0);
    expect(csv.stdout).toBe(`index,arch,ms\n0,${nb201.format(0)},1.5\n3,${nb201.format(3)},\n`);
    expect(csv.stderr).toBe(`1 architecture has no latency in ${table()} (empty ms)\n`);
    const json = JSON.parse(runCli([...args, '--json']).stdout);
    expect(json.missing).toBe(1);
    expect(json.rows).toEqual([
      { index: 0, arch: nb201.format(0), ms: 1.5 },
      { index: 3, arch: nb201.format(3), ms: null },
    ]);
  });
  it('--all leaves the missing ones out: the CSV is a table: of the covered subset', () => {
    const out = file('covered.csv');
    const r = runCli(['latency', 'nb201', '--latency', table(), '--all', '--allow-missing', '--out', out]);
    expect(r.code, r.stderr).toBe(0);
    expect(readFileSync(out, 'utf8')).toBe(`index,arch,ms\n0,${nb201.format(0)},1.5\n5,${nb201.format(5)},2.25\n`);
    expect(r.stderr).toContain('15623 architectures have no latency');
    const back = runCli(['latency', 'nb201', '--latency', `table:${out}#ms`, '--arch', '5', '--allow-missing']);
    expect(back.stdout).toBe(`index,arch,ms\n5,${nb201.format(5)},2.25\n`);
    const json = JSON.parse(
      runCli(['latency', 'nb201', '--latency', table(), '--all', '--allow-missing', '--json']).stdout,
    );
    expect(json.missing).toBe(15623);
    expect(json.rows).toHaveLength(2);
  });
  it('a complete source prints the same JSON as before (no "missing" key without the flag)', () => {
    const r = runCli(['latency', 'nb201', '--latency', 'model:cortex-m7', '--arch', '0', '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(Object.keys(JSON.parse(r.stdout))).toEqual(['space', 'source', 'unit', 'notes', 'rows']);
  });
});

describe('hwnas prune --seed', () => {
  it('refused with a non-random metric (it would be ignored)', () => {
    const r = runCli(['prune', 'nb201', '--latency', 'model:cortex-m7', '--ratio', '0.5', '--seed', '3']);
    expectUserError(
      r,
      /^hwnas: --seed only applies to the random metric, not 'params\/latency' \(drop --seed .* or use --metric random\)$/,
    );
  });
  it('accepted with --metric random; the default seed 0 equals an explicit --seed 0', () => {
    const base = ['prune', 'nb201', '--ratio', '0.5', '--metric', 'random', '--json'];
    const implicit = runCli(base);
    const explicit = runCli([...base, '--seed', '0']);
    expect(implicit.code, implicit.stderr).toBe(0);
    expect(explicit.stdout).toBe(implicit.stdout);
    expect(JSON.parse(implicit.stdout).seed).toBe(0);
    expect(runCli([...base, '--seed', '7']).stdout).not.toBe(implicit.stdout);
  });
  it('without --seed a deterministic metric still runs', () => {
    const r = runCli(['prune', 'nb201', '--latency', 'model:cortex-m7', '--ratio', '0.5', '--metric', 'params']);
    expect(r.code, r.stderr).toBe(0);
  });
});

describe('hwnas search --sample', () => {
  const base = ['search', '--space', 'nb201', '--accuracy', 'nb201:cifar10', '--latency', 'model:cortex-m7'];
  it('larger than the population: refused with the message of hwnas reproduce, no --out written', () => {
    const out = file('run.json');
    const r = runCli([...base, '--population', '10', '--sample', '11', '--evals', '100', '--out', out]);
    expectUserError(r, /^hwnas: --sample \(11\) must be between 1 and the population \(10\).*lower --sample/);
    expect(existsSync(out)).toBe(false);
    const study = runCli(['reproduce', '--population', '10', '--sample', '11', '--out', file('study')]);
    expect(study.stderr).toBe(r.stderr);
    const open = runCli([
      'open-search',
      '--space',
      'nb201',
      '--evaluator',
      `node ${join(repoRoot, 'test/fixtures/evaluators/toy.mjs')}`,
      '--population',
      '10',
      '--sample',
      '11',
      '--out',
      file('open'),
    ]);
    expect(open.stderr).toBe(r.stderr);
    expect(existsSync(file('open'))).toBe(false);
  });
});

describe('hwnas open-search: Ctrl-C and --json', () => {
  const toy = join(repoRoot, 'test/fixtures/evaluators/toy.mjs');
  const args = (out: string, extra: string[] = []) => [
    'open-search',
    '--space',
    'nb201',
    '--evaluator',
    `node ${toy} --sleep 100`,
    '--no-onnx',
    '--no-report',
    '--strategy',
    'random',
    '--concurrency',
    '2',
    '--evals',
    '30',
    '--seed',
    '5',
    '--study',
    'qa3',
    '--out',
    out,
    ...extra,
  ];
  const tellsIn = (history: string) =>
    existsSync(history) ? readFileSync(history, 'utf8').split('"type":"tell"').length - 1 : 0;

  it('Ctrl-C: one line, exit 130, no outputs or temp files; the same command resumes to the same front', async () => {
    const out = file('os-int');
    const history = join(out, 'history.jsonl');
    const child = spawn(process.execPath, ['--import', 'tsx', `${repoRoot}src/cli/run.ts`, ...args(out, ['--quiet'])], {
      cwd: repoRoot,
    });
    let stderr = '';
    child.stderr.on('data', (d) => {
      stderr += String(d);
    });
    const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
    const deadline = Date.now() + 60_000;
    while (tellsIn(history) < 4 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    child.kill('SIGINT');
    expect(await exited).toBe(130);
    const told = tellsIn(history);
    expect(told).toBeLessThan(30);
    expect(stderr).toBe(
      `hwnas: interrupted: ${told} of 30 evaluations saved in ${history} (rerun the same command to resume)\n`,
    );
    expect(readdirSync(out).sort()).toEqual(['history.jsonl']);

    const resumed = runCli(args(out, ['--json']));
    expect(resumed.code, resumed.stderr).toBe(0);
    const j = JSON.parse(resumed.stdout);
    expect([j.told, j.replayed]).toEqual([30, told]);
    const whole = file('os-whole');
    expect(runCli(args(whole)).code).toBe(0);
    expect(readFileSync(join(out, 'front.json'), 'utf8')).toBe(readFileSync(join(whole, 'front.json'), 'utf8'));
  }, 120_000);

  it('--json is byte-stable: no wall-clock times (search.json keeps them for the report)', () => {
    // One in flight: the completion order, hence the trace, is the same in both runs.
    const serial = ['--concurrency', '1', '--evals', '12', '--json'];
    const a = runCli(args(file('os-a'), serial));
    const b = runCli(args(file('os-b'), serial));
    expect(a.code, a.stderr).toBe(0);
    expect(a.stderr).toBe('');
    expect(b.stdout).toBe(a.stdout);
    const j = JSON.parse(a.stdout);
    expect(j).not.toHaveProperty('wallSeconds');
    expect(j.checkpoints.length).toBeGreaterThan(0);
    for (const c of j.checkpoints) expect(Object.keys(c)).not.toContain('seconds');
    const saved = JSON.parse(readFileSync(join(file('os-a'), 'search.json'), 'utf8'));
    expect(saved.wallSeconds).toBeGreaterThan(0);
    expect(saved.checkpoints[0]).toHaveProperty('seconds');
    // Apart from the times, --json is search.json (same keys, same order).
    delete saved.wallSeconds;
    for (const c of saved.checkpoints) delete c.seconds;
    expect(a.stdout).toBe(`${JSON.stringify(saved, null, 2)}\n`);
  }, 120_000);
});

describe('hwnas fit: with a 0 ms or negative measured row', () => {
  const nb201 = getSpace('nb201');
  it('0 ms: one line naming the architecture and what is allowed', () => {
    writeFileSync(file('fit0.csv'), 'index,ms\n0,1.5\n5,0\n7,2\n');
    const r = runCli(['latency', 'nb201', '--latency', `fit:${file('fit0.csv')}#ms`, '--arch', '0']);
    expectUserError(r, /has a measured latency of 0 ms \(a fit: table holds .* each latency > 0 ms: re-measure it/);
    expect(r.stderr).toContain(`architecture 5 (${nb201.format(5)})`);
  });
  it('negative: the table names the line, the fit says what is allowed', () => {
    writeFileSync(file('fitneg.csv'), 'index,ms\n0,1.5\n5,-1\n7,2\n');
    const r = runCli(['latency', 'nb201', '--latency', `fit:${file('fitneg.csv')}#ms`, '--arch', '0']);
    expectUserError(
      r,
      /^hwnas: table fitneg\.csv:3: column 'ms': negative value -1 \(a fit: table holds one row per measured architecture, each latency > 0 ms\)$/,
    );
  });
});

describe('hwnas worker --space with a missing file', () => {
  it('the same line as every other command, with a hint', () => {
    const missing = file('missing.json');
    const w = runCli([
      'worker',
      '--queue',
      'redis://127.0.0.1:1/0',
      '--objective',
      'model:cortex-m7',
      '--space',
      missing,
    ]);
    expectUserError(w, /^hwnas: cannot read space file .*missing\.json: ENOENT \(check the path, .*hwnas spaces/);
    expect(runCli(['space', 'info', missing]).stderr).toBe(w.stderr);
  });
});

describe('hwnas data import blox --quiet', () => {
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

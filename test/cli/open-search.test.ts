/** hwnas open-search: refusals before anything is written, Ctrl-C, --json, sources covering part of the space. */

import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSearch } from '../../src/cli/open-search.js';
import { readHistory, type TellRecord } from '../../src/distributed/history.js';
import { runWorker } from '../../src/distributed/worker-run.js';
import { repoRoot, runCli } from '../helpers/cli.js';
import { asyncErrorOf, expectUserError } from '../helpers/errors.js';
import { mcuSpace } from '../helpers/mcu.js';
import { partIndices, partMs, writePartialTables } from '../helpers/partial-tables.js';
import { toyProgram } from '../helpers/toy-open.js';

describe('hwnas open-search and hwnas worker refuse before writing or waiting', () => {
  let dir = '';

  const file = (name: string) => join(dir, name);

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'hwnas-test-'));
  });

  const flags = {
    space: 'nb201',
    objective: ['model:cortex-m7'],
    queueName: 'hwnas-eval',
    concurrency: '1',
    evals: '10',
    seed: '0',
    strategy: 'random',
    maxFail: '0.5',
    failWindow: '20',
    report: false,
    quiet: true,
  };
  const signal = new AbortController().signal;
  it('--objectives naming what no in-process source gives: refused, no history written', async () => {
    const out = file('os-missing');
    const e = await asyncErrorOf(() => openSearch({ ...flags, out, objectives: 'accuracy:max,latency:min' }, signal));
    expect(e.message).toBe("--objectives names 'accuracy', which no --objective source gives (they give: latency)");
    expect(existsSync(out)).toBe(false);
  });
  it('--out in a missing folder, or naming a file', async () => {
    const e = await asyncErrorOf(() => openSearch({ ...flags, out: file('no-parent/os') }, signal));
    expect(e.message).toBe(`--out ${file('no-parent/os')}: folder '${file('no-parent')}' does not exist`);
    writeFileSync(file('a-file'), 'x');
    expect((await asyncErrorOf(() => openSearch({ ...flags, out: file('a-file') }, signal))).message).toBe(
      `--out ${file('a-file')} is a file`,
    );
  });
  it('worker: an unknown source kind or device fails at start, not on every job', async () => {
    const w = { queue: 'redis://127.0.0.1:1/0', queueName: 'q', concurrency: '1', lockMs: '30000', stalledMs: '30000' };
    const bad = async (objective: string) =>
      (await asyncErrorOf(() => runWorker({ ...w, objective: [objective] }, signal))).message;
    expect(await bad('model:cortex-m9')).toBe("unknown device 'cortex-m9'");
    expect(await bad('mdl:cortex-m7')).toBe("unknown source 'mdl:cortex-m7'");
  });
});

describe('hwnas open-search: Ctrl-C and --json', () => {
  let dir = '';

  const file = (name: string) => join(dir, name);

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'hwnas-test-'));
  });

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

describe('open-search with a source that covers part of the space', () => {
  let dir = '';

  const file = (name: string) => join(dir, name);

  let part = '';

  let partAcc = '';

  let full = '';

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'hwnas-dist-'));
    ({ part, partAcc, full } = writePartialTables(dir));
  });

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const esc = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

  const openSearch = (out: string, extra: string[]) =>
    runCli([
      'open-search',
      '--space',
      'nb201',
      '--population',
      '10',
      '--sample',
      '3',
      '--evals',
      '20',
      '--no-report',
      '--quiet',
      '--out',
      out,
      ...extra,
    ]);

  it('is refused at start naming the source and its coverage, with the fit: hint; nothing written', () => {
    const out = file('refused');
    const r = openSearch(out, ['--objective', `table:${part}#ms`, '--objective', 'model:cortex-m7']);
    expectUserError(
      r,
      new RegExp(
        `^hwnas: objective source 'table:${esc(part)}#ms' covers 30 of the 15625 architectures of nb201 \\(` +
          `an open search may ask for any of them: measure the rest, use fit:${esc(part)}#ms \\(a latency predictor ` +
          'for every architecture\\), or pass --allow-missing to search only the covered ones \\(the others cost no evaluation\\)\\)$',
      ),
    );
    expect(existsSync(out)).toBe(false);
  });

  it('is refused next to an evaluator command too, and an accuracy table gets no fit: hint', () => {
    const out = file('refused-cmd');
    const cmd = openSearch(out, ['--evaluator', `node ${toyProgram}`, '--no-onnx', '--objective', `table:${part}#ms`]);
    expectUserError(cmd, /^hwnas: objective source 'table:.*part\.csv#ms' covers 30 of the 15625 .*--allow-missing/);
    expect(existsSync(out)).toBe(false);
    const acc = openSearch(out, ['--objective', `table:${partAcc}#top1`, '--objective', 'model:cortex-m7']);
    expectUserError(acc, /^hwnas: objective source 'table:.*part-acc\.csv#top1' covers 30 of the 15625 /);
    expect(acc.stderr).not.toContain('fit:');
    expect(acc.stderr).toContain('measure the rest, or pass --allow-missing');
    expect(existsSync(out)).toBe(false);
  });

  it('--allow-missing searches only covered architectures: no failure, same bytes on a rerun, resumable', () => {
    const args = ['--objective', `table:${part}#ms`, '--objective', 'model:cortex-m7', '--allow-missing'];
    const one = openSearch(file('am1'), [...args, '--study', 'qa', '--json']);
    expect(one.stderr).toBe('');
    expect(one.code).toBe(0);
    const j = JSON.parse(one.stdout);
    expect(j.told).toBe(20);
    expect(j.failed).toBe(0);
    expect(j.uncovered).toBeGreaterThan(0);
    expect(j.objectives).toEqual([
      { name: 'ms', direction: 'min' },
      { name: 'latency', direction: 'min' },
    ]);
    const tells = readHistory(join(file('am1'), 'history.jsonl'))!.records.filter(
      (x) => x.type === 'tell',
    ) as TellRecord[];
    expect(tells).toHaveLength(20);
    for (const t of tells) {
      expect(partIndices).toContain(t.arch);
      expect(t.objectives!.ms).toBe(partMs(t.arch));
    }
    // Same command, other folder: the same bytes (the asks outside are skipped deterministically).
    expect(openSearch(file('am2'), [...args, '--study', 'qa', '--json']).stdout).toBe(one.stdout);
    // A longer budget resumes the first folder and ends where a fresh run of 40 ends.
    const resumed = JSON.parse(openSearch(file('am1'), [...args, '--evals', '40', '--json']).stdout);
    const fresh = JSON.parse(openSearch(file('am3'), [...args, '--study', 'qa', '--evals', '40', '--json']).stdout);
    expect(resumed.replayed).toBe(20);
    expect({ ...resumed, replayed: 0 }).toEqual(fresh);
    // The search depends on the flag: the same folder without it is refused by the coverage check.
    expectUserError(openSearch(file('am1'), args.slice(0, -1)), /covers 30 of the 15625/);
  }, 120_000);

  it('--allow-missing with sources that cover everything changes nothing (same JSON, no "uncovered")', () => {
    const args = ['--objective', `table:${full}#ms`, '--objective', 'model:cortex-m7', '--study', 'qa', '--json'];
    const plain = openSearch(file('full1'), args);
    expect(plain.code, plain.stderr).toBe(0);
    expect(JSON.parse(plain.stdout).uncovered).toBeUndefined();
    expect(openSearch(file('full2'), [...args, '--allow-missing']).stdout).toBe(plain.stdout);
  }, 60_000);

  it('hwnas worker --space with a partial table is refused at start, before it connects', () => {
    const r = runCli([
      'worker',
      '--queue',
      'redis://127.0.0.1:1/0',
      '--space',
      'nb201',
      '--objective',
      `table:${part}#ms`,
    ]);
    expectUserError(
      r,
      /^hwnas: objective source 'table:.*part\.csv#ms' covers \d+ of the 15625 architectures of nb201 \(the coordinator may ask for any of them: measure the rest, use fit:/,
    );
  });

  it('--allow-missing with --queue is refused (the workers evaluate)', () => {
    const out = file('queue');
    const r = runCli([
      'open-search',
      '--space',
      'nb201',
      '--queue',
      'redis://127.0.0.1:1/0',
      '--allow-missing',
      '--out',
      out,
    ]);
    expectUserError(r, /^hwnas: --allow-missing applies to in-process --objective sources \(with --queue/);
    expect(existsSync(out)).toBe(false);
  });
});

describe('open-search --max-seconds', () => {
  const dir = mkdtempSync(join(tmpdir(), 'hwnas-max-seconds-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('stops at the wall-clock budget with its outputs written; a rerun only writes them again', () => {
    const out = join(dir, 'o');
    const args = [
      'open-search',
      '--space',
      'nb201',
      '--evaluator',
      `node ${join(repoRoot, 'test/helpers/curve-evaluator.mjs')} --epoch-ms 100`,
      '--no-onnx',
      '--budget',
      '3',
      '--evals',
      '1000',
      '--max-seconds',
      '3',
      '--no-report',
      '--quiet',
      '--out',
      out,
    ];
    const r = runCli(args);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/stopped by --max-seconds/);
    const s = JSON.parse(readFileSync(join(out, 'search.json'), 'utf8'));
    expect(s.stopped).toBe(true);
    expect(s.told).toBeGreaterThan(0);
    expect(s.told).toBeLessThan(1000);
    expect(s.wallSeconds).toBeGreaterThanOrEqual(3);
    const again = runCli(args);
    expect(again.code, again.stderr).toBe(0);
    expect(JSON.parse(readFileSync(join(out, 'search.json'), 'utf8')).told).toBe(s.told);
    expectUserError(runCli([...args.slice(0, -1), join(dir, 'p')].map((a) => (a === '3' ? '-1' : a))), /--max-seconds/);
  }, 120_000);
});

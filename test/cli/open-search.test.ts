/** hwnas open-search: refusals before anything is written, Ctrl-C, --json, sources covering part of the space. */

import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { openSearch } from '../../src/cli/open-search.js';
import { runWorker } from '../../src/cli/worker.js';
import { repoRoot, runCli } from '../helpers/cli.js';
import { asyncErrorOf, expectUserError } from '../helpers/errors.js';
import { mcuSpace } from '../helpers/mcu.js';

describe('hwnas open-search and hwnas worker refuse before writing or waiting', () => {
  let dir = '';

  const file = (name: string) => join(dir, name);

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'hwnas-qa2-'));
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
    dir = mkdtempSync(join(tmpdir(), 'hwnas-qa3-'));
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

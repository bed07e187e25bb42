/**
 * Regression tests from the second QA pass (latency, search, prune, front, study, open problems): bad
 * input ends in one line with a hint and exit code 2, and tables the CLI writes can be read back.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { additiveFixed } from '../src/cli/latency.js';
import { oneLine } from '../src/cli/main.js';
import { openSearch } from '../src/cli/open-search.js';
import { runSearch } from '../src/cli/search.js';
import { runWorker } from '../src/cli/worker.js';
import { readLut } from '../src/hardware/sources.js';
import { AtomicFileStream, abortOpenFileStreams } from '../src/io/atomic-stream.js';
import { resolveSource } from '../src/objectives/all.js';
import { getSpace } from '../src/space/all.js';
import { defaultConfig } from '../src/study/config.js';
import { StudyStore } from '../src/study/store.js';
import { repoRoot, runCli } from './helpers/cli.js';
import { asyncErrorOf, errorOf } from './helpers/errors.js';
import { redisAvailable, redisSkipReason, startRedis } from './helpers/redis.js';

let dir = '';
const file = (name: string) => join(dir, name);

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'hwnas-qa2-'));
});

describe('hwnas latency --per-block writes a complete lut: file', () => {
  it('BLOX choice names that are all digits (00100) are read as names, not indices', () => {
    const space = getSpace('blox');
    const rows = ['decision,choice,ms', 'fixed,,1'];
    space.decisions.forEach((d, di) => {
      d.choices.forEach((c, ci) => {
        rows.push(`${d.name},${c},${di * 100 + ci}`);
      });
    });
    writeFileSync(file('names.csv'), `${rows.join('\n')}\n`);
    const { fixed, tables } = readLut(file('names.csv'), space);
    expect(fixed).toBe(1);
    // '00100' is choice 0 and '10100' choice 1 by name (as an index, '00100' would be 100: out of range)
    expect(space.decisions[0]!.choices.slice(0, 2)).toEqual(['00100', '10100']);
    expect(tables[0]![0]).toBe(0);
    expect(tables[2]![44]).toBe(244);
  });
  it('additiveFixed: BLOX on the M7 model is additive (fixed = total - blocks), NB201 is not', async () => {
    const blox = getSpace('blox');
    const m7 = await resolveSource('model:cortex-m7', { space: blox, quiet: true });
    const fixed = additiveFixed(blox, m7)!;
    for (const i of [0, 12345, 91124]) {
      const sum = blox.decode(i).reduce((a, c, d) => a + m7.blockValue!(d, c), fixed);
      expect(sum).toBeCloseTo(m7.values[i]!, 9);
    }
    const nb201 = getSpace('nb201');
    const nbM7 = await resolveSource('model:cortex-m7', { space: nb201, quiet: true });
    expect(additiveFixed(nb201, nbM7)).toBeUndefined();
  });
  it('through the CLI: --per-block --out, then lut: of it gives the model totals', () => {
    const w = runCli(['latency', 'blox', '--latency', 'model:cortex-m7', '--per-block', '--out', file('lut.csv')]);
    expect(w.code, w.stderr).toBe(0);
    expect(readFileSync(file('lut.csv'), 'utf8')).toMatch(/\nfixed,,[0-9.]+\n$/);
    const both = ['0', '12345', '91124'].flatMap((a) => ['--arch', a]);
    const viaLut = runCli(['latency', 'blox', '--latency', `lut:${file('lut.csv')}`, ...both]);
    const viaModel = runCli(['latency', 'blox', '--latency', 'model:cortex-m7', ...both]);
    expect(viaLut.code, viaLut.stderr).toBe(0);
    const ms = (t: string) =>
      t
        .trim()
        .split('\n')
        .slice(1)
        .map((l) => Number(l.split(',').at(-1)));
    const a = ms(viaLut.stdout);
    const b = ms(viaModel.stdout);
    expect(a).toHaveLength(3);
    for (let k = 0; k < 3; k++) expect(Math.abs(a[k]! - b[k]!) / b[k]!).toBeLessThan(1e-4); // 6-digit rounding
  });
  it('refuses an accuracy passed as --latency (it would print accuracies as ms)', () => {
    const lines = Array.from({ length: 15625 }, (_, i) => `${i},${50 + (i % 40)}`);
    writeFileSync(file('acc.csv'), `index,top1\n${lines.join('\n')}\n`);
    const r = runCli(['latency', 'nb201', '--latency', `table:${file('acc.csv')}#top1`, '--arch', '0']);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^hwnas: --latency table:.*#top1 is maximised, not a latency \(use e\.g\. .*\)\n$/);
  });
});

describe('hwnas search options that would be ignored or print nothing', () => {
  const base = {
    space: 'nb201',
    accuracy: 'nb201:cifar100',
    latency: 'model:cortex-m7',
    strategy: 're',
    evals: '3000',
    seed: '0',
  };
  it('a checkpoint beyond --evals is an error, not an empty table', async () => {
    const e = await asyncErrorOf(() => runSearch({ ...base, checkpoints: '10,5000' }));
    expect(e.message).toBe('checkpoint 5000 is beyond the budget of 3000 evaluations');
  });
  it('--metric or --prune-seed without --prune is an error, not an unpruned search', async () => {
    expect((await asyncErrorOf(() => runSearch({ ...base, metric: 'random' }))).message).toBe('--metric needs --prune');
    expect((await asyncErrorOf(() => runSearch({ ...base, pruneSeed: '3' }))).message).toBe(
      '--prune-seed needs --prune',
    );
  });
});

describe('source/space mismatch hints name both ways to pick the space', () => {
  it('nb201: on blox', async () => {
    const e = await asyncErrorOf(() => resolveSource('nb201:cifar100', { space: getSpace('blox'), quiet: true }));
    expect(e.message).toBe("source 'nb201:cifar100' needs the nb201 space, not 'blox'");
    expect((e as unknown as { hint: string }).hint).toMatch(/hwnas prune nb201/);
  });
});

describe('study folders (hwnas reproduce --out, hwnas report)', () => {
  it('a study folder is created, but not a missing parent (a typo should not grow a new tree)', () => {
    const e = errorOf(() => StudyStore.check(file('no-such/study'), defaultConfig()));
    expect(e.message).toBe(`output folder '${file('no-such/study')}': folder '${file('no-such')}' does not exist`);
    expect(existsSync(file('no-such'))).toBe(false);
    expect(StudyStore.check(file('new-study'), defaultConfig())).toBe('new');
  });
  it('--out naming a file is a user error, not an internal one', () => {
    writeFileSync(file('study.json'), '{}\n');
    expect(errorOf(() => StudyStore.check(file('study.json'), defaultConfig())).message).toBe(
      `output folder '${file('study.json')}' is a file`,
    );
  });
  it('hwnas report on a damaged store: one line naming the file, exit 2', () => {
    mkdirSync(file('damaged'));
    writeFileSync(file('damaged/study.sqlite'), 'garbage\n');
    const e = errorOf(() => StudyStore.open(file('damaged')));
    expect(e.message).toMatch(/study\.sqlite is damaged \(file is not a database\)$/);
  });
});

describe('errors stay on one line', () => {
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

describe('Ctrl-C while the report is streamed', () => {
  it('abortOpenFileStreams removes the temp files of unfinished streams only', () => {
    const done = AtomicFileStream.open(file('done.html'));
    done.write('x');
    done.commit();
    const open = AtomicFileStream.open(file('open.html'));
    open.write('partial');
    abortOpenFileStreams();
    expect(readdirSync(dir).filter((n) => n.includes('.tmp-'))).toEqual([]);
    expect(readFileSync(file('done.html'), 'utf8')).toBe('x');
    expect(existsSync(file('open.html'))).toBe(false);
  });
  it('exitOnInterrupt: one line, exit code 130, no temp file left', () => {
    const script = `
      import { exitOnInterrupt } from './src/io/interrupt.ts';
      import { AtomicFileStream } from './src/io/atomic-stream.ts';
      await exitOnInterrupt(() => 'interrupted while writing the report', async () => {
        const page = AtomicFileStream.open(${JSON.stringify(file('page.html'))});
        page.write('<html>');
        process.kill(process.pid, 'SIGINT');
        await new Promise((r) => setTimeout(r, 5000));
        page.commit();
      });`;
    const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      cwd: repoRoot,
      encoding: 'utf8',
    });
    expect(r.status).toBe(130);
    expect(r.stderr).toBe('hwnas: interrupted while writing the report\n');
    expect(existsSync(file('page.html'))).toBe(false);
    expect(readdirSync(dir).filter((n) => n.startsWith('page.html'))).toEqual([]);
  });
});

describe('hwnas open-search and hwnas worker refuse before writing or waiting', () => {
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

describe('hwnas measure: Ctrl-C', () => {
  it('prints one line naming the rows saved in <out>.partial and exits 130', async () => {
    const out = file('ort.csv');
    const args = ['measure', 'nb201', '--sample', '100', '--repeats', '3', '--warmup', '0', '-o', out, '--quiet'];
    const child = spawn(process.execPath, ['--import', 'tsx', `${repoRoot}src/cli/run.ts`, ...args], {
      cwd: repoRoot,
    });
    let stderr = '';
    child.stderr.on('data', (d) => {
      stderr += String(d);
    });
    const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
    // Interrupt once a few rows are saved.
    const partial = `${out}.partial`;
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline) {
      if (existsSync(partial) && readFileSync(partial, 'utf8').split('\n').length > 4) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    child.kill('SIGINT');
    expect(await exited).toBe(130);
    const rows = readFileSync(partial, 'utf8').trim().split('\n').length - 1;
    expect(stderr).toMatch(
      /^hwnas: interrupted: (\d+) of 100 architectures measured and saved in .*ort\.csv\.partial \(rerun the same command to resume\)\n$/,
    );
    expect(Number(/interrupted: (\d+)/.exec(stderr)![1])).toBe(rows);
  }, 120_000);
});

describe.skipIf(!redisAvailable)(
  `hwnas worker: Ctrl-C${redisAvailable ? '' : ` (skipped: ${redisSkipReason})`}`,
  () => {
    it('a second Ctrl-C stops a worker whose Redis went away (the first waits for held jobs)', async () => {
      const redis = await startRedis();
      const args = ['worker', '--queue', redis.url, '--objective', 'model:cortex-m7'];
      const child = spawn(process.execPath, ['--import', 'tsx', `${repoRoot}src/cli/run.ts`, ...args], {
        cwd: repoRoot,
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d) => {
        stdout += String(d);
      });
      child.stderr.on('data', (d) => {
        stderr += String(d);
      });
      const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
      const until = async (ok: () => boolean) => {
        const deadline = Date.now() + 60_000;
        while (!ok() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      };
      try {
        await until(() => stdout.includes('ready'));
        await redis.stop();
        child.kill('SIGINT');
        await until(() => stderr.includes('finishing held jobs'));
        child.kill('SIGINT');
        expect(await exited).toBe(130);
        expect(stderr.trim().split('\n').at(-1)).toBe(
          'hwnas: worker stopped without waiting for its jobs (they return to the queue once their lock expires, --lock-ms 30000)',
        );
      } finally {
        child.kill('SIGKILL');
      }
    }, 120_000);
  },
);

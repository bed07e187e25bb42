/**
 * The real trainer (examples/train/train.py on PyTorch and Debian's Fashion-MNIST) through open-search:
 * two evaluations of 1 epoch on 512 images give real accuracies above chance, one progress line per
 * epoch precedes the reply, --warm gives the same numbers, and a trainer crash is a failed evaluation
 * with its reason.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { toTorchSource } from '../../src/ir/torch.js';
import { getSpace } from '../../src/space/all.js';
import { runCli } from '../helpers/cli.js';
import { HAS_TORCH, NO_TORCH_REASON, PYTHON } from '../helpers/torch.js';

const FASHION = '/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz';
const HAS_DATA = existsSync(FASHION);
const READY = HAS_TORCH && HAS_DATA;
const SKIP_REASON = HAS_TORCH
  ? `Fashion-MNIST: ${FASHION} is missing (apt install dataset-fashion-mnist) (skipped)`
  : NO_TORCH_REASON;

const dir = mkdtempSync(join(tmpdir(), 'hwnas-trainer-'));
// The cache of the decoded subset and the --warm server's socket go to this test's own folder.
const env = { TMPDIR: dir, HWNAS_TRAIN_CACHE: join(dir, 'cache') };
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const SPACE = 'examples/fmnist-m7.json';
const BUDGET = '{"epochs": 1, "train": 512, "test": 1000}';

interface Tell {
  type: string;
  n: number;
  arch: number;
  ok: boolean;
  objectives?: Record<string, number>;
  reason?: string;
}

function tells(out: string): Tell[] {
  return readFileSync(join(out, 'history.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Tell)
    .filter((r) => r.type === 'tell')
    .sort((a, b) => a.n - b.n);
}

function search(out: string, evaluator: string, budget = BUDGET) {
  return runCli(
    [
      'open-search',
      '--space',
      SPACE,
      '--evaluator',
      evaluator,
      '--objective',
      'model:cortex-m7',
      '--constraint',
      'fits:cortex-m7',
      '--budget',
      budget,
      '--evals',
      '2',
      '--seed',
      '3',
      '--out',
      out,
      '--no-report',
      '--quiet',
    ],
    { env, timeoutMs: 600_000 },
  );
}

describe.skipIf(!READY)('examples/train/train.py', () => {
  it('prints one progress line per epoch, then the reply as the last line', () => {
    const space = getSpace(SPACE);
    const py = join(dir, 'net.py');
    writeFileSync(py, toTorchSource(space.network(0)));
    const request = { torch: py, seed: 1, budget: { epochs: 2, train: 256, test: 500 } };
    const r = spawnSync(PYTHON, ['examples/train/train.py'], {
      input: JSON.stringify(request),
      encoding: 'utf8',
      env: { ...process.env, ...env },
      timeout: 300_000,
    });
    expect(r.status, r.stderr).toBe(0);
    const lines = r.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines).toHaveLength(3);
    expect(lines[0].progress.fidelity).toBe(1);
    expect(lines[1].progress.fidelity).toBe(2);
    expect(Object.keys(lines[0].progress.objectives)).toEqual(['accuracy']);
    expect(lines[2].objectives.accuracy).toBe(lines[1].progress.objectives.accuracy);
  }, 600_000);

  it('open-search with the trainer: 2 evaluations, real accuracies above chance; --warm gives the same', () => {
    const cold = join(dir, 'cold');
    const r = search(cold, `${PYTHON} examples/train/train.py`);
    expect(r.code, r.stderr).toBe(0);
    const t = tells(cold);
    expect(t).toHaveLength(2);
    for (const x of t) {
      expect(x.ok, x.reason).toBe(true);
      expect(x.objectives!.accuracy).toBeGreaterThan(20); // chance is 10 %
      expect(x.objectives!.accuracy).toBeLessThanOrEqual(100);
      expect(x.objectives!.latency).toBeGreaterThan(0);
    }
    const warm = join(dir, 'warm');
    expect(search(warm, `${PYTHON} examples/train/train.py --warm --idle 20`).code).toBe(0);
    const w = tells(warm);
    expect(w.map((x) => [x.arch, x.objectives!.accuracy])).toEqual(t.map((x) => [x.arch, x.objectives!.accuracy]));
  }, 900_000);

  it('a trainer crash is a failed evaluation with the reason', () => {
    const out = join(dir, 'crash');
    const r = search(out, `${PYTHON} examples/train/train.py`, '{"epochs": 1, "lr": "fast"}');
    expect(r.code).toBe(2); // every evaluation failed: nothing found
    expect(r.stderr).toMatch(/all 2 evaluations failed/);
    const t = tells(out);
    expect(t).toHaveLength(2);
    for (const x of t) {
      expect(x.ok).toBe(false);
      expect(x.reason).toMatch(/^exit code 1: ValueError: could not convert string to float: 'fast'/);
    }
  }, 600_000);
});

if (!READY) describe.skip(SKIP_REASON, () => it('skipped', () => {}));

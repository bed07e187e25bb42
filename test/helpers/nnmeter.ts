/**
 * nn-Meter predictor fixtures. `sklearnFixture()` runs test/fixtures/nnmeter_forests.py (Debian's
 * /usr/bin/python3 with python3-sklearn) once per content of the script: real scikit-learn forests in
 * nn-Meter's layout, pickled in both node layouts, with sklearn's own predictions on random vectors; kept
 * in the temp folder so that the test files of one run share it. `syntheticPredictors()` builds random
 * forests in TypeScript (no Python) for pipeline tests that need predictions but not sklearn.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Forest, forestFromTrees, type TreeArrays } from '../../src/data/index.js';
import { type MeterPredictors, readFusionRules } from '../../src/hardware/nnmeter/index.js';
import { repoRoot } from './cli.js';

export const PYTHON = '/usr/bin/python3';
const SCRIPT = join(repoRoot, 'test/fixtures/nnmeter_forests.py');

function probeSklearn(): string | undefined {
  const r = spawnSync(PYTHON, ['-c', 'import sklearn, numpy'], { encoding: 'utf8' });
  if (r.error || r.status !== 0)
    return `${PYTHON} with scikit-learn is missing (apt-get install python3-sklearn; .ci/run installs it): skipped`;
  return undefined;
}

/** Why the sklearn-backed tests skip, or undefined when they run. */
export const NO_SKLEARN_REASON = probeSklearn();

/** Training rows per kernel in the fixture (small trees keep the pickles a few MB). */
const TRAIN = 60;

export interface SklearnFixture {
  dir: string;
  /** Folder in the scikit-learn 0.23-1.2 node layout (no missing_go_to_left), protocol 3. */
  v023: string;
  /** Same trees in the 1.3+ layout (missing_go_to_left), protocol 4 (one kernel 5). */
  v13: string;
  kernels: Record<string, { features: number; test: number; trees: number }>;
  /** Test vectors and sklearn's predictions of kernel `k`. */
  vectors(k: string): { x: Float64Array; y: Float64Array };
}

function f64(path: string): Float64Array {
  const b = readFileSync(path);
  return new Float64Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
}

/** The sklearn fixture, generated on first use in this run (and reused by later test files). */
export function sklearnFixture(): SklearnFixture {
  const hash = createHash('sha256').update(readFileSync(SCRIPT)).update(`train=${TRAIN}`).digest('hex').slice(0, 16);
  const dir = join(tmpdir(), `hwnas-nnmeter-fixture-${hash}`);
  if (!existsSync(join(dir, 'meta.json'))) {
    const tmp = mkdtempSync(join(tmpdir(), 'hwnas-nnmeter-gen-'));
    const r = spawnSync(PYTHON, [SCRIPT, tmp, '--train', String(TRAIN)], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`nnmeter_forests.py failed: ${r.stderr}`);
    try {
      renameSync(tmp, dir);
    } catch {
      // Another test file made it first.
      rmSync(tmp, { recursive: true, force: true });
    }
  }
  const meta = JSON.parse(readFileSync(join(dir, 'meta.json'), 'utf8')) as { kernels: SklearnFixture['kernels'] };
  return {
    dir,
    v023: join(dir, 'v023'),
    v13: join(dir, 'v13'),
    kernels: meta.kernels,
    vectors: (k) => ({ x: f64(join(dir, 'vectors', `${k}.x.f64`)), y: f64(join(dir, 'vectors', `${k}.y.f64`)) }),
  };
}

/** Feature counts of nn-Meter's kernel predictors (shared/reference/nn-meter.md 2.5). */
export const FEATURE_COUNTS: Record<string, number> = {
  'conv-bn-relu': 7,
  'dwconv-bn-relu': 7,
  fc: 4,
  maxpool: 5,
  avgpool: 5,
  'global-avgpool': 2,
  se: 2,
  hswish: 2,
  relu: 2,
  bn: 2,
  bnrelu: 2,
  channelshuffle: 2,
  split: 2,
  concat: 6,
  add: 3,
  addrelu: 3,
};

/** The Cortex-A76 rules as nn-Meter issue #65 quotes them (plus a few false ones). */
export const A76_RULES = {
  BF_bn_relu: { obey: true },
  BF_conv_bn: { obey: true },
  BF_dwconv_bn: { obey: true },
  BF_conv_bn_relu: { obey: true },
  BF_dwconv_bn_relu: { obey: true },
  RBC: { obey: null },
  CBC: { obey: null },
  ...Object.fromEntries(
    [
      'se_relu',
      'pooling_reshape',
      'dense_concat',
      'dense_add',
      'dense_relu',
      'concat_dense',
      'conv_pooling',
      'conv_relu',
      'add_relu',
      'relu_dense',
      'relu_relu',
      'dwconv_relu',
      'reshape_convtrans',
      'reshape_conv',
      'reshape_relu',
      'reshape_reshape',
    ].map((r) => [`BF_${r}`, { obey: true }]),
  ),
  BF_conv_add: { obey: false },
  BF_add_add: { obey: false },
};

/** A random regression tree over `nf` features (depth-first node order, as scikit-learn builds). */
function randomTree(nf: number, depth: number, rnd: () => number): TreeArrays {
  const t: TreeArrays = { left: [], right: [], feature: [], threshold: [], value: [] };
  const grow = (d: number): number => {
    const i = t.left.length;
    t.left.push(-1);
    t.right.push(-1);
    t.feature.push(-2);
    t.threshold.push(-2);
    t.value.push(rnd() * 10);
    if (d < depth) {
      t.feature[i] = Math.floor(rnd() * nf);
      t.threshold[i] = rnd() * 64;
      t.left[i] = grow(d + 1);
      t.right[i] = grow(d + 1);
    }
    return i;
  };
  grow(0);
  return t;
}

/** Random forests for the given kernel predictors (all of nn-Meter's by default), seeded. */
export function syntheticForests(kernels = Object.keys(FEATURE_COUNTS), seed = 1): Map<string, Forest> {
  let s = seed >>> 0;
  const rnd = () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
  return new Map(
    kernels.map((k) => {
      const nf = FEATURE_COUNTS[k]!;
      return [
        k,
        forestFromTrees(
          nf,
          Array.from({ length: 8 }, () => randomTree(nf, 5, rnd)),
          k,
        ),
      ];
    }),
  );
}

/** Predictors with random forests and the given fusion rules (the A76 ones by default). */
export function syntheticPredictors(
  opts: { rules?: unknown; kernels?: string[]; path?: string } = {},
): MeterPredictors {
  const rulesJson = opts.rules ?? A76_RULES;
  return {
    path: opts.path ?? 'synthetic',
    rulesJson,
    rules: readFusionRules(rulesJson, 'synthetic rules'),
    forests: syntheticForests(opts.kernels),
  };
}

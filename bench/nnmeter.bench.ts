/**
 * nn-Meter predictors in hwnas (predictor folder: the sklearn fixture of test/fixtures/nnmeter_forests.py,
 * real scikit-learn forests with nn-Meter's A76 hyper-parameters; synthetic forests without Python):
 * - reading the folder (16 pickles, restricted unpickler);
 * - all 91,125 BLOX networks with per-block caching (target < 2 s), against predicting whole graphs (timed
 *   on a sample, extrapolated, same process);
 * - one NB201 network predicted whole (NB201 is not additive under nn-Meter: node sums fuse the next
 *   edge's ReLU), with and without building the graph (target < 50 us);
 * - the forest part of one BLOX network: hwnas's trees against scikit-learn's `predict` per kernel group
 *   in Python (what nn-Meter runs), timed by a Python snippet on the same pickles and vectors.
 */
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { predictForest } from '../src/data/index.js';
import {
  loadPredictors,
  type MeterPredictors,
  PredictionMemo,
  predictGraphMs,
  predictKernels,
} from '../src/hardware/nnmeter/index.js';
import { meterSpaceLatency } from '../src/hardware/nnmeter/source.js';
import { getSpace } from '../src/space/all.js';
import { NO_SKLEARN_REASON, PYTHON, sklearnFixture, syntheticPredictors } from '../test/helpers/nnmeter.js';

const time = <T>(f: () => T): [T, number] => {
  const t0 = performance.now();
  const r = f();
  return [r, performance.now() - t0];
};
const fmt = (x: number, d = 0) => x.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d });
/** CPU milliseconds of `f` (on a shared, loaded machine wall time overstates the work). */
const cpu = <T>(f: () => T): [T, number] => {
  const c = process.cpuUsage();
  const r = f();
  const d = process.cpuUsage(c);
  return [r, (d.user + d.system) / 1000];
};

// Machine speed, to scale the numbers below: a typical desktop core does this in about 100 ms.
const [, loopMs] = cpu(() => {
  let s = 0;
  for (let i = 0; i < 1e8; i++) s += i * 0.5;
  return s;
});
console.log(
  `machine: 1e8 float multiply-adds in ${fmt(loopMs)} ms CPU; load average ${(await import('node:os'))
    .loadavg()
    .map((l) => l.toFixed(1))
    .join(' ')}`,
);

let p: MeterPredictors;
let folder: string | undefined;
if (NO_SKLEARN_REASON) {
  console.log(`no sklearn (${NO_SKLEARN_REASON}): synthetic forests`);
  p = syntheticPredictors();
} else {
  const [fx, genMs] = time(() => sklearnFixture());
  folder = fx.v023;
  const [loaded, loadMs] = time(() => loadPredictors(folder!));
  p = loaded;
  const trees = [...p.forests.values()].reduce((a, f) => a + f.roots.length, 0);
  console.log(
    `predictor folder ${folder}: ${p.forests.size} pickles, ${fmt(trees)} trees read in ${fmt(loadMs)} ms (fixture ready in ${fmt(genMs)} ms)`,
  );
}

// BLOX: every network, per-block caching, against whole graphs on a sample.
const blox = getSpace('blox');
const [[lat, bloxMs], bloxCpu] = cpu(() => time(() => meterSpaceLatency(blox, p, { quiet: true })));
const sample = 60;
const memo = new PredictionMemo();
const [, wholeMs] = time(() => {
  for (let i = 0; i < sample; i++) predictGraphMs(blox.network((i * 7919) % blox.size), p, memo);
});
const wholeAll = (wholeMs / sample) * blox.size;
console.log(
  `BLOX all ${fmt(blox.size)} networks: ${fmt(bloxMs)} ms (${fmt(bloxCpu)} ms CPU) with per-block caching (additive ${lat.additive}; target < 2,000 ms); whole graphs ~${fmt(wholeAll / 1000, 1)} s (${fmt((wholeMs / sample) * 1000)} us each, ${sample} timed): ${fmt(wholeAll / bloxMs, 0)}x`,
);

// NB201: one network, whole (kernels cross blocks).
const nb = getSpace('nb201');
const n = 300;
const nbMemo = new PredictionMemo();
for (let i = 0; i < 50; i++) predictGraphMs(nb.network(i * 311), p, nbMemo); // warm the JIT and memo
const graphs = Array.from({ length: n }, (_, i) => nb.network((i * 52) % nb.size));
const [, built] = cpu(() => {
  for (let i = 0; i < n; i++) predictGraphMs(nb.network((i * 52) % nb.size), p, nbMemo);
});
const [, prebuilt] = cpu(() => {
  for (const g of graphs) predictGraphMs(g, p, nbMemo);
});
console.log(
  `NB201 one network (CPU): ${fmt((built / n) * 1000)} us with building the graph, ${fmt((prebuilt / n) * 1000)} us predicting a built graph (target < 50 us; ${n} timed, forest outputs memoised); whole space ~${fmt(((built / n) * nb.size) / 1000, 1)} s`,
);

// The forest part of one network: hwnas against scikit-learn.
const arch = 24519;
const groups = new Map<string, number[][]>();
for (const k of predictKernels(blox.network(arch), p)) {
  if (!k.predicted) continue;
  const g = groups.get(k.predictor!) ?? [];
  g.push(k.features!);
  groups.set(k.predictor!, g);
}
const reps = 50;
const [, forestMs] = cpu(() => {
  for (let r = 0; r < reps; r++)
    for (const [name, xs] of groups) for (const x of xs) predictForest(p.forests.get(name)!, x);
});
const vectors = [...groups.values()].reduce((a, g) => a + g.length, 0);
const hwnasForest = forestMs / reps;
console.log(
  `forest part of BLOX ${arch} (${vectors} kernel vectors in ${groups.size} groups: ${[...groups].map(([k, g]) => `${k} x${g.length}`).join(', ')}): hwnas ${fmt(hwnasForest, 2)} ms CPU per model`,
);
if (folder) {
  const file = join(tmpdir(), `hwnas-nnmeter-bench-${process.pid}.json`);
  writeFileSync(file, JSON.stringify(Object.fromEntries(groups)));
  const script = `
import json, pickle, sys, time, warnings
warnings.filterwarnings("ignore")
folder, file = sys.argv[1], sys.argv[2]
groups = json.load(open(file))
rfs = {k: pickle.load(open(f"{folder}/{k}.pkl", "rb")) for k in groups}
for k, xs in groups.items(): rfs[k].predict(xs)
best = []
for r in range(15):
    t0 = time.process_time()
    for k, xs in groups.items(): rfs[k].predict(xs)
    best.append(time.process_time() - t0)
best.sort()
print(f"{best[len(best) // 2] * 1000:.2f}")
`;
  const r = spawnSync(PYTHON, ['-c', script, folder, file], { encoding: 'utf8' });
  if (r.status === 0) {
    const py = Number(r.stdout.trim());
    console.log(
      `  scikit-learn (${PYTHON}, predict per kernel group as nn-Meter calls it, median of 15): ${fmt(py, 2)} ms CPU per model: hwnas ${fmt(py / hwnasForest, 0)}x faster`,
    );
  } else console.log(`  scikit-learn timing failed: ${r.stderr.trim().split('\n').pop()}`);
}

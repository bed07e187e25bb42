/**
 * What each block metric's pruned space can reach on NAS-Bench-201 CIFAR-100 with every HELP latency
 * table and the three default device models: front recall and best IGD+ (the floor any search in the
 * pruned space can reach), at 50 % and 70 %; the median over the tables and on how many tables each beats
 * the poster's params/latency. Then the learned statistic `front-usage` from the first k evaluations of
 * unpruned RE runs (what pruning inside a search can see), and the oracle (usage on the true front, which
 * no search can know). No search curves here: `hwnas reproduce --pruning ...` gives those (docs/pruning.md).
 */
import { HELP_DEVICES } from '../src/data/index.js';
import { resolveSource } from '../src/objectives/all.js';
import { closedProblem, pickRows } from '../src/problem/index.js';
import { frontRecall, preSearchMetricNames, pruneSpace } from '../src/prune/index.js';
import { createStrategy, runClosed } from '../src/search/index.js';
import { getSpace } from '../src/space/all.js';
import { radices } from '../src/space/types.js';

if (!process.env.HWNAS_MIRROR) {
  console.log('SKIPPED: set HWNAS_MIRROR (e.g. ../shared/data/mirror) to read NB201 and the HELP latency tables');
  process.exit(0);
}

const space = getSpace('nb201');
const radix = radices(space);
const accuracy = await resolveSource('nb201:cifar100', { space, quiet: true });
const devices = [...HELP_DEVICES.map((d) => `help:${d}`), 'model:cortex-m7', 'model:cortex-a76', 'model:adreno-640'];
const RATIOS = [0.5, 0.7];
const LEARN_AT = [100, 250];
const SEEDS = 5;

type Cell = { recall: number; igd: number };
const results = new Map<string, Cell[]>(); // "metric@ratio" -> one cell per device
const put = (key: string, c: Cell) => {
  if (!results.has(key)) results.set(key, []);
  results.get(key)!.push(c);
};

for (const dev of devices) {
  const latency = await resolveSource(dev, { space, quiet: true });
  const { objectives, m, front } = closedProblem(space, { accuracy, latency });
  const audit = (allowed: number[][]): Cell => {
    const r = frontRecall({ allowed, radix, objectives, m, front });
    return { recall: r.recall, igd: r.bestIgdPlus };
  };
  for (const ratio of RATIOS) {
    for (const metric of preSearchMetricNames()) {
      if (metric === 'random') continue;
      put(`${metric}@${ratio}`, audit(pruneSpace({ space, latency, metric, ratio }).allowed));
    }
    const oracle = { archs: front, objectives: pickRows(objectives, m, front), m };
    put(
      `oracle@${ratio}`,
      audit(pruneSpace({ space, latency, metric: 'front-usage', ratio, evaluated: oracle }).allowed),
    );
    for (const k of LEARN_AT) {
      let recall = 0;
      let igd = 0;
      for (let s = 0; s < SEEDS; s++) {
        const re = createStrategy('re', { radix, objectives: m, seed: 1000 + s, population: 100, sample: 25 });
        const distinct = [...new Set(runClosed(re, objectives, m, k).archs)];
        const evaluated = { archs: distinct, objectives: pickRows(objectives, m, distinct), m };
        const a = audit(pruneSpace({ space, latency, metric: 'front-usage', ratio, evaluated }).allowed);
        recall += a.recall / SEEDS;
        igd += a.igd / SEEDS;
      }
      put(`front-usage after ${k}@${ratio}`, { recall, igd });
    }
  }
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const h = s.length >> 1;
  return s.length % 2 ? s[h]! : (s[h - 1]! + s[h]!) / 2;
};
console.log(
  `NB201 CIFAR-100, ${devices.length} latency tables; median over tables (best IGD+ = the pruned space's floor)`,
);
console.log('setting                          recall   best IGD+   best IGD+ below params/latency');
for (const [key, cells] of results) {
  const ratio = key.slice(key.lastIndexOf('@') + 1);
  const base = results.get(`params/latency@${ratio}`)!;
  const below = cells.filter((c, i) => c.igd < base[i]!.igd).length;
  console.log(
    `${key.padEnd(32)} ${(100 * median(cells.map((c) => c.recall))).toFixed(1).padStart(5)} %  ${median(
      cells.map((c) => c.igd),
    )
      .toFixed(4)
      .padStart(9)}   ${below}/${cells.length}`,
  );
}

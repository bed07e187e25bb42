/**
 * Adaptive pruning against fixed pruning, on real tables: NAS-Bench-201 CIFAR-100 accuracy with each of
 * the 27 HELP latency tables and the 3 device models of the poster, 30 seeds, 3000 evaluations, RE 100/25
 * (the study's own code: prepareStudy, then each run's strategy and driver as executeRun builds them; the
 * found front is grown here with a plain archive and scored only at the checkpoints, the study's replay
 * also keeps a GD trace per evaluation, which would cost 3x the search).
 *
 * Settings: none; the poster's fixed ones (params/latency 50/70/90, random 70); every other registered
 * metric at 50/70; and a grid of adaptive settings. Indicators (GD, IGD+) only at checkpoints.
 *
 * The default is chosen on the TRAINING tables (HELP tables at even positions of the list) by the share of
 * (table, checkpoint) cells where its IGD+ is within the 95 % interval of the best fixed setting, ties by
 * the mean IGD+ ratio to the best fixed one; then every goal is checked on the HELD-OUT tables (the HELP
 * tables at odd positions and the 3 device models, which took no part in the choice) and on all 30.
 * Goals (issue 13): (1) >= 90 % of cells within the interval of the best fixed setting and none worse than
 * no pruning beyond the interval; (2) median over tables of the evaluations to reach the unpruned IGD+ at
 * 2000 <= 300; (3) search wall time per evaluation < 5 % above fixed pruning (same metric and ratio,
 * measured here, alternating runs).
 *
 * Environment: BENCH_SEEDS (default 30), BENCH_TABLES (a number: the first n tables, for a quick look),
 * BENCH_ADAPTIVE (the adaptive grid, `<metric>@<ratio>:<rule>` separated by ';'), BENCH_TIMING (a setting:
 * only its timing, e.g. BENCH_TIMING=adaptive:latency@0.2:stall=5).
 */
import { HELP_DEVICES } from '../src/data/index.js';
import { gd as gdOf, igdPlus } from '../src/pareto/index.js';
import { parsePruningSpec, pruneMetricNames } from '../src/prune/index.js';
import { createPrunedStrategy, runClosed } from '../src/search/index.js';
import { defaultConfig, type StudyConfig } from '../src/study/config.js';
import type { DevicePlan, RunTask, StudyPlan } from '../src/study/plan.js';
import { M } from '../src/study/plan.js';
import { prepareStudy } from '../src/study/prepare.js';
import { executeRun } from '../src/study/run.js';

/** One run as executeRun does it: the (adaptive) strategy on the device table. */
function search(plan: StudyPlan, dev: DevicePlan, task: RunTask, seed = task.spec.runSeed): Int32Array {
  const s = createPrunedStrategy(
    plan.strategies[task.spec.strategy]!,
    {
      radix: plan.radix,
      ...(task.prune.allowed ? { allowed: task.prune.allowed } : {}),
      objectives: M,
      seed,
      population: plan.population,
      sample: plan.sample,
    },
    task.prune.adaptive,
  );
  return runClosed(s, dev.objectives, M, plan.evals).archs;
}

/**
 * IGD+ and GD (original form) of the found front at each checkpoint: the non-dominated set of the distinct
 * architectures so far (equal vectors of distinct architectures both kept, as the study's archive does),
 * in the space normalised by the true front.
 */
function scoreRun(dev: DevicePlan, archs: Int32Array, grid: readonly number[], seen: Uint8Array) {
  seen.fill(0);
  const obj = dev.objectives;
  const members: number[] = [];
  const igd = new Float64Array(grid.length);
  const gd = new Float64Array(grid.length);
  let k = 0;
  for (let e = 1; e <= archs.length && k < grid.length; e++) {
    const a = archs[e - 1]!;
    if (!seen[a]) {
      seen[a] = 1;
      const x = obj[2 * a]!;
      const y = obj[2 * a + 1]!;
      let dominated = false;
      for (const b of members) {
        const bx = obj[2 * b]!;
        const by = obj[2 * b + 1]!;
        if (bx <= x && by <= y && (bx < x || by < y)) {
          dominated = true;
          break;
        }
      }
      if (!dominated) {
        let w = 0;
        for (const b of members) {
          const bx = obj[2 * b]!;
          const by = obj[2 * b + 1]!;
          if (!(x <= bx && y <= by && (x < bx || y < by))) members[w++] = b;
        }
        members.length = w;
        members.push(a);
      }
    }
    if (e === grid[k]) {
      const found = new Float64Array(2 * members.length);
      members.forEach((b, i) => {
        found[2 * i] = dev.normalized[2 * b]!;
        found[2 * i + 1] = dev.normalized[2 * b + 1]!;
      });
      igd[k] = igdPlus(found, dev.frontNormalized, 2);
      gd[k] = gdOf(found, dev.frontNormalized, 2, 'original');
      k++;
    }
  }
  return { igd, gd };
}

if (!process.env.HWNAS_MIRROR) {
  console.log('SKIPPED: set HWNAS_MIRROR (e.g. ../shared/data/mirror) to read NAS-Bench-201 and the HELP tables');
  process.exit(0);
}

const SEEDS = Number(process.env.BENCH_SEEDS ?? 30);
const EVALS = 3000;
const POSTER = [10, 100, 250, 500, 1000, 2000, 3000];
/** Finer checkpoints for the time to quality (indicators are computed only here). */
const GRID = [
  10, 25, 50, 75, 100, 125, 150, 175, 200, 250, 300, 350, 400, 500, 600, 750, 1000, 1250, 1500, 2000, 2500, 3000,
];

const allHelp = HELP_DEVICES.map((h) => `help:${h}`);
const models = ['model:cortex-m7', 'model:cortex-a76', 'model:adreno-640'];
const training = allHelp.filter((_, i) => i % 2 === 0);
const heldOut = [...allHelp.filter((_, i) => i % 2 === 1), ...models];
let devices = [...training, ...heldOut];
if (process.env.BENCH_TABLES) devices = devices.slice(0, Number(process.env.BENCH_TABLES));

const posterFixed = ['params/latency@0.5', 'params/latency@0.7', 'params/latency@0.9', 'random@0.7'];
const others = pruneMetricNames()
  .filter((m) => m !== 'params/latency' && m !== 'random')
  .flatMap((m) => [`${m}@0.5`, `${m}@0.7`]);
const fixed = ['none', ...posterFixed, ...others];
/**
 * The adaptive grid, `<metric>@<ratio>:<rule>` (BENCH_ADAPTIVE, separated by ';', replaces it). Densest
 * around the base that an earlier, wider sweep ranked first (latency@0.2: the slowest block of each
 * decision removed), with the poster's params/latency and the other metrics for comparison.
 */
const grid: [string, string[]][] = [
  [
    'latency@0.2',
    [
      'after=10',
      'after=25',
      'after=50',
      'after=100',
      'stall=5',
      'stall=10',
      'stall=20',
      'stall=50',
      'soft=0.25',
      'soft=0.5,grow=50',
      'stall=10,soft=0.25',
    ],
  ],
  ['latency@0.5', ['after=25', 'after=100', 'every=25,step=1', 'stall=10', 'soft=0.25']],
  ['latency@0.7', ['after=100', 'stall=10']],
  ['macs/latency@0.2', ['after=25', 'stall=10']],
  ['pareto@0.2', ['after=25', 'stall=10']],
  ['pareto@0.4', ['after=25', 'stall=10']],
  ['params/latency@0.2', ['after=25', 'stall=10']],
  ['params/latency@0.7', ['after=100', 'stall=10', 'soft=0.25']],
];
const adaptive = (
  process.env.BENCH_ADAPTIVE?.split(';') ?? grid.flatMap(([base, rules]) => rules.map((r) => `${base}:${r}`))
).map((a) => parsePruningSpec(`adaptive:${a}`).spec);
const settings = [...fixed, ...adaptive];

/**
 * (3) Search wall time per evaluation: fixed pruning of the same metric and ratio, the adaptive setting,
 * and none (once its blocks are back an adaptive search searches the full space, whose table rows touch
 * more cache than a pruned space's: the ratio to none isolates the machinery). Batches of 10 runs of 3000
 * evaluations, the three in rotated order, 40 rounds; the machine is shared, so the best batch of each (the
 * least disturbed) and the median of the per-round ratios are both given, in wall and in CPU time.
 */
async function timing(setting: string): Promise<void> {
  const spec = parsePruningSpec(setting);
  const base = `${spec.metric}@${spec.ratio}`;
  for (const device of ['model:cortex-m7', 'help:pixel3']) {
    const config: StudyConfig = {
      ...defaultConfig(),
      devices: [device],
      pruning: [base, setting, 'none'],
      seeds: [0],
      evals: EVALS,
      checkpoints: [EVALS],
      frontsAt: [],
    };
    const prepared = await prepareStudy(config, { quiet: true });
    const { plan } = prepared;
    const dev = plan.devices[0]!;
    const tasks = prepared.tasks.slice(0, 3);
    /** [wall, CPU] ns per evaluation of a batch of 10 runs. */
    const batch = (task: RunTask, round: number): [number, number] => {
      const t = process.hrtime.bigint();
      const c = process.cpuUsage();
      for (let k = 0; k < 10; k++) search(plan, dev, task, 1000 + 10 * round + k);
      const cpu = process.cpuUsage(c);
      const per = 10 * EVALS;
      return [Number(process.hrtime.bigint() - t) / per, ((cpu.user + cpu.system) * 1000) / per];
    };
    for (let r = 0; r < 3; r++) for (const task of tasks) batch(task, r); // JIT warm-up
    const wall: number[][] = [[], [], []];
    const cpu: number[][] = [[], [], []];
    for (let r = 0; r < 40; r++)
      for (let j = 0; j < 3; j++) {
        const k = (r + j) % 3;
        const [w, c] = batch(tasks[k]!, r);
        wall[k]!.push(w);
        cpu[k]!.push(c);
      }
    for (const [what, x] of [
      ['wall', wall],
      ['CPU', cpu],
    ] as const) {
      const best = x.map((v) => Math.min(...v));
      const perRound = (a: number, b: number) => median(x[a]!.map((v, r) => v / x[b]![r]!));
      console.log(
        `search ${what} time per evaluation, ${device}: fixed ${base} ${best[0]!.toFixed(0)} ns, adaptive ${best[1]!.toFixed(0)} ns, none ${best[2]!.toFixed(0)} ns (best of 40 batches); adaptive / fixed ${(best[1]! / best[0]!).toFixed(3)} (median per round ${perRound(1, 0).toFixed(3)}; goal < 1.05), adaptive / none ${(best[1]! / best[2]!).toFixed(3)} (${perRound(1, 2).toFixed(3)})`,
      );
    }
  }
}

if (process.env.BENCH_TIMING) {
  await timing(parsePruningSpec(process.env.BENCH_TIMING).spec);
  process.exit(0);
}

/** igd[device][setting][seed * GRID.length + k], gd likewise. */
const igd: Float64Array[][] = [];
const gd: Float64Array[][] = [];
const t0 = performance.now();
for (const device of devices) {
  const config: StudyConfig = {
    ...defaultConfig(),
    devices: [device],
    pruning: settings,
    seeds: Array.from({ length: SEEDS }, (_, s) => s),
    evals: EVALS,
    checkpoints: GRID,
    frontsAt: [],
  };
  const prepared = await prepareStudy(config, { quiet: true });
  const di = igd.length;
  igd.push(settings.map(() => new Float64Array(SEEDS * GRID.length)));
  gd.push(settings.map(() => new Float64Array(SEEDS * GRID.length)));
  const dev = prepared.plan.devices[0]!;
  const seen = new Uint8Array(prepared.plan.size);
  if (di === 0) {
    // the plain archive gives the study's numbers: checked on one run of every setting
    for (const task of prepared.tasks.filter((t) => t.spec.seed === 0)) {
      const mine = scoreRun(dev, search(prepared.plan, dev, task), GRID, seen);
      const study = executeRun(prepared.plan, task).checkpoints;
      study.forEach((c, k) => {
        if (Math.abs(c.igdPlus - mine.igd[k]!) > 1e-12 || Math.abs(c.gd - mine.gd[k]!) > 1e-12)
          throw new Error(`bench scoring differs from the study's at ${settings[task.spec.pruning]} ${c.evals}`);
      });
    }
  }
  for (const task of prepared.tasks) {
    const r = scoreRun(dev, search(prepared.plan, dev, task), GRID, seen);
    const { pruning, seed } = task.spec;
    igd[di]![pruning]!.set(r.igd, seed * GRID.length);
    gd[di]![pruning]!.set(r.gd, seed * GRID.length);
  }
  process.stderr.write(`${device}: ${((performance.now() - t0) / 1000).toFixed(0)} s\n`);
}

interface Stat {
  mean: number;
  half: number;
}
function stat(x: Float64Array, k: number): Stat {
  let s = 0;
  for (let i = 0; i < SEEDS; i++) s += x[i * GRID.length + k]!;
  const mean = s / SEEDS;
  let v = 0;
  for (let i = 0; i < SEEDS; i++) v += (x[i * GRID.length + k]! - mean) ** 2;
  const sd = Math.sqrt(v / Math.max(1, SEEDS - 1));
  return { mean, half: (1.96 * sd) / Math.sqrt(SEEDS) };
}
/** a is not worse than b beyond the 95 % interval of the difference of the means. */
const within = (a: Stat, b: Stat) => a.mean - b.mean <= Math.sqrt(a.half ** 2 + b.half ** 2) + 1e-12;
const gridK = (e: number) => GRID.indexOf(e);
const fixedIdx = fixed.map((_, i) => i);
const noneIdx = 0;

/** Per device and poster checkpoint: (within best fixed, within none). */
function cells(di: number, si: number): { best: boolean; none: boolean }[] {
  return POSTER.map((e) => {
    const k = gridK(e);
    const a = stat(igd[di]![si]!, k);
    const best = fixedIdx.map((f) => stat(igd[di]![f]!, k)).reduce((x, y) => (y.mean < x.mean ? y : x));
    return { best: within(a, best), none: within(a, stat(igd[di]![noneIdx]!, k)) };
  });
}
/** Mean over seeds of IGD+ at grid k. */
const meanAt = (di: number, si: number, k: number) => stat(igd[di]![si]!, k).mean;
/** Evaluations at which the mean IGD+ first reaches `target` (Infinity: not within the budget). */
function reach(di: number, si: number, target: number): number {
  for (let k = 0; k < GRID.length; k++) if (meanAt(di, si, k) <= target + 1e-12) return GRID[k]!;
  return Number.POSITIVE_INFINITY;
}
function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const n = s.length;
  return n % 2 ? s[(n - 1) / 2]! : (s[n / 2 - 1]! + s[n / 2]!) / 2;
}
const dIdx = (list: string[]) => list.map((d) => devices.indexOf(d)).filter((i) => i >= 0);

function score(si: number, dis: number[]): { share: number; noneOk: number; ratio: number; reach: number } {
  let ok = 0;
  let noneOk = 0;
  let n = 0;
  let ratio = 0;
  const reaches: number[] = [];
  for (const di of dis) {
    cells(di, si).forEach((c, j) => {
      n++;
      if (c.best) ok++;
      if (c.none) noneOk++;
      const k = gridK(POSTER[j]!);
      const best = Math.min(...fixedIdx.map((f) => meanAt(di, f, k)));
      ratio += meanAt(di, si, k) / best;
    });
    reaches.push(reach(di, si, meanAt(di, noneIdx, gridK(2000))));
  }
  return { share: ok / n, noneOk: noneOk / n, ratio: ratio / n, reach: median(reaches) };
}

const train = dIdx(training);
const held = dIdx(heldOut);
const all = devices.map((_, i) => i);
const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
const evalsText = (x: number) => (Number.isFinite(x) ? String(x) : '>3000');

console.log(
  `${devices.length} tables x ${SEEDS} seeds x ${settings.length} settings, ${EVALS} evaluations, RE 100/25: ${((performance.now() - t0) / 1000).toFixed(0)} s`,
);
console.log('\nEvery setting on the training tables (share of cells within the best fixed setting, within none,');
console.log('mean IGD+ / best fixed, median evaluations to the unpruned IGD+ at 2000):');
const ranked = settings
  .map((s, si) => ({ s, si, ...(train.length > 0 ? score(si, train) : score(si, all)) }))
  .sort((a, b) => b.share - a.share || a.ratio - b.ratio);
for (const r of ranked)
  console.log(
    `  ${r.s.padEnd(52)} ${pct(r.share).padStart(6)} ${pct(r.noneOk).padStart(6)} ${r.ratio.toFixed(3)} ${evalsText(r.reach).padStart(5)}`,
  );
const chosen = ranked.find((r) => r.si >= fixed.length)!;
console.log(`\nchosen on the training tables: ${chosen.s}`);

for (const [name, dis] of [
  ['held-out tables', held],
  ['all tables', all],
] as const) {
  if (dis.length === 0) continue;
  const sc = score(chosen.si, dis);
  console.log(
    `${name} (${dis.length}): ${pct(sc.share)} of cells within the best fixed setting (goal >= 90%), ${pct(sc.noneOk)} within none (goal 100%), median evaluations to the unpruned IGD+ at 2000: ${evalsText(sc.reach)} (goal <= 300)`,
  );
}

console.log('\nPer table, the chosen setting (IGD+ mean at the poster checkpoints; x: beyond the interval of');
console.log(
  'the best fixed setting, !: beyond the interval of no pruning; reach: evaluations to the unpruned IGD+ at 2000):',
);
console.log(
  `  ${'table'.padEnd(22)} ${POSTER.map((e) => String(e).padStart(8)).join('')}  cells  reach  best fixed at 3000`,
);
for (const di of all) {
  const c = cells(di, chosen.si);
  const row = POSTER.map((e, j) => {
    const v = meanAt(di, chosen.si, gridK(e)).toFixed(4);
    return `${v}${!c[j]!.none ? '!' : !c[j]!.best ? 'x' : ' '}`.padStart(8);
  }).join('');
  const k = gridK(3000);
  const bf = fixedIdx.reduce((x, y) => (meanAt(di, y, k) < meanAt(di, x, k) ? y : x));
  console.log(
    `  ${devices[di]!.padEnd(22)} ${row}  ${c.filter((x) => x.best).length}/7  ${evalsText(reach(di, chosen.si, meanAt(di, noneIdx, gridK(2000)))).padStart(5)}  ${fixed[bf]} ${meanAt(di, bf, k).toFixed(4)}`,
  );
}

console.log('\nMedian over all tables of mean IGD+ (and GD) at the poster checkpoints:');
for (const s of [...fixed, chosen.s]) {
  const si = settings.indexOf(s);
  const igds = POSTER.map((e) => median(all.map((di) => meanAt(di, si, gridK(e)))).toFixed(4));
  const gds = POSTER.map((e) => median(all.map((di) => stat(gd[di]![si]!, gridK(e)).mean)).toFixed(4));
  console.log(`  ${s.padEnd(52)} IGD+ ${igds.join(' ')}  GD ${gds.join(' ')}`);
}

// (3) wall time per evaluation of the chosen setting against fixed pruning of the same metric and ratio
await timing(chosen.s);

/**
 * Multi-objective regularized evolution (the poster's search) on a 91,125-row random 2-objective table
 * (BLOX-sized: 45^3): evaluations per second on one thread, minor GCs during the timed loop (0 = no
 * allocation per evaluation), the unique-architecture rate, and the peer in the same run: the same
 * algorithm written with DEAP's selNSGA2 (bench/deap_re.py), with the ratio. Target: >= 1,000,000 evals/s.
 * NSGA-II and Pareto local search: the same rate and GC count, as ratios to random search and RE.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PerformanceObserver, performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { Rng } from '../src/rng.js';
import {
  createStrategy,
  DEFAULT_POPULATION,
  DEFAULT_SAMPLE,
  runClosed,
  type StrategyName,
} from '../src/search/index.js';

const radix = [45, 45, 45];
const n = 45 ** 3;
const m = 2;
const rng = new Rng(1);
const table = Float64Array.from({ length: n * m }, () => rng.nextFloat());

// GC entries arrive asynchronously, after the synchronous timed loop: keep their start times and count
// those inside each loop's time window once the observer has delivered them (`gcs`, awaited).
const gcStarts: number[] = [];
const obs = new PerformanceObserver((list) => {
  for (const e of list.getEntries()) gcStarts.push(e.startTime);
});
obs.observe({ entryTypes: ['gc'] });

async function gcsIn(from: number, to: number): Promise<number> {
  await new Promise((r) => setTimeout(r, 20));
  return gcStarts.filter((t) => t >= from && t <= to).length;
}

interface Rate {
  perSec: number;
  distinct: number;
  /** performance.now() window of the timed loop. */
  from: number;
  to: number;
}

function rate(name: StrategyName, evals: number, seed: number, unique = false): Rate {
  const s = createStrategy(name, {
    radix,
    objectives: m,
    seed,
    population: DEFAULT_POPULATION,
    sample: DEFAULT_SAMPLE,
  });
  (globalThis as { gc?: () => void }).gc?.();
  const from = performance.now();
  const t0 = process.hrtime.bigint();
  const r = runClosed(s, table, m, evals, { unique });
  const sec = Number(process.hrtime.bigint() - t0) / 1e9;
  const to = performance.now();
  return { perSec: r.archs.length / sec, distinct: new Set(r.archs).size, from, to };
}

async function gcCounts(runs: Rate[]): Promise<string> {
  const counts: number[] = [];
  for (const r of runs) counts.push(await gcsIn(r.from, r.to));
  return counts.join(', ');
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

const fmt = (x: number) => Math.round(x).toLocaleString('en-US');

rate('re', 300_000, 99); // warm-up (JIT)
const reRuns = [0, 1, 2, 3, 4].map((seed) => rate('re', 2_000_000, seed));
const reBest = Math.max(...reRuns.map((r) => r.perSec));
const reMed = median(reRuns.map((r) => r.perSec));
console.log(`regularized evolution (P=100, S=25), 91,125-row table, 2M evals x 5 seeds:`);
console.log(`  median ${fmt(reMed)} evals/s, best ${fmt(reBest)} evals/s (target >= 1,000,000)`);
console.log(`  GC events during the timed loops: ${await gcCounts(reRuns)}`);
const rnd = median([0, 1, 2].map((seed) => rate('random', 2_000_000, seed).perSec));
console.log(`  random search through the same driver (loop + table lookups + generator): ${fmt(rnd)} evals/s`);

// NSGA-II (N = 100) and Pareto local search (init 10) through the same driver, against random search and
// regularized evolution measured above in this process. 0 GC events = no allocation in steady state.
for (const name of ['nsga2', 'ls'] as const) {
  rate(name, 300_000, 99); // warm-up (JIT)
  const runs = [0, 1, 2].map((seed) => rate(name, 2_000_000, seed));
  const med = median(runs.map((r) => r.perSec));
  console.log(`${name === 'nsga2' ? 'NSGA-II (N=100)' : 'Pareto local search (init 10)'}, 2M evals x 3 seeds:`);
  console.log(
    `  median ${fmt(med)} evals/s = ${(med / rnd).toFixed(2)}x random search, ${(med / reMed).toFixed(2)}x regularized evolution`,
  );
  console.log(`  GC events during the timed loops: ${await gcCounts(runs)}`);
}

// unique-architecture rate at the poster's budget and over a long run
for (const evals of [3000, 20_000, 2_000_000]) {
  const u = [0, 1, 2, 3, 4].map((seed) => rate('re', evals, seed).distinct / evals);
  console.log(
    `  unique-architecture rate at ${fmt(evals)} evals: ${(median(u) * 100).toFixed(1)} % (median of 5 seeds)`,
  );
}

// The peer: DEAP selNSGA2 in the same algorithm, same table.
const deapEvals = 20_000;
const python = ['python3', '/usr/bin/python3'].find(
  (py) => spawnSync(py, ['-c', 'import deap, numpy'], { stdio: 'ignore' }).status === 0,
);
if (!python) {
  console.log('DEAP peer: skipped (no python3 with deap and numpy: apt-get install python3-deap python3-numpy)');
} else {
  const dir = mkdtempSync(join(tmpdir(), 'hwnas-bench-'));
  try {
    const file = join(dir, 'table.f64');
    writeFileSync(file, new Uint8Array(table.buffer));
    const script = fileURLToPath(new URL('./deap_re.py', import.meta.url));
    const r = spawnSync(python, [script, file, radix.join(','), String(m), String(deapEvals), '100', '25', '0'], {
      encoding: 'utf8',
    });
    if (r.status !== 0) {
      console.log(`DEAP peer failed: ${r.stderr.trim().split('\n').at(-1)}`);
    } else {
      const d = JSON.parse(r.stdout) as { evals: number; seconds: number; unique: number };
      const deapRate = d.evals / d.seconds;
      const ours = rate('re', deapEvals, 0);
      console.log(
        `DEAP selNSGA2 peer (${python}), ${fmt(deapEvals)} evals: ${fmt(deapRate)} evals/s, unique rate ${((100 * d.unique) / d.evals).toFixed(1)} %`,
      );
      console.log(`  hwnas re at the same budget: unique rate ${((100 * ours.distinct) / deapEvals).toFixed(1)} %`);
      console.log(`  ratio hwnas/DEAP (median 2M-eval rate): ${(reMed / deapRate).toFixed(0)}x`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

obs.disconnect();
